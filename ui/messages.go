package ui

import (
	"time"

	"github.com/pixee/pixee-tui/api"
)

// Results of API commands. Each carries the sequence number of the request
// that produced it: a result whose seq is not the latest for its target is
// dropped, so an older answer never overwrites a newer one.
type (
	pageMsg struct {
		seq   int
		page  int
		items []api.Connector // sanitized
		meta  api.PageMeta
		rate  api.RateLimit
		err   error
	}

	detailMsg struct {
		seq    int
		id     string
		detail *api.ConnectorDetail // sanitized
		rate   api.RateLimit
		err    error
	}

	syncMsg struct {
		seq     int
		id      string
		catalog bool
		result  *api.SyncResult // sanitized
		rate    api.RateLimit
		err     error
	}
)

// Timers. gen is the generation of the loop that armed the timer: re-arming
// bumps it, so a stale timer never starts a second loop.
type (
	clockMsg     struct{}
	listDueMsg   struct{ gen int }
	detailDueMsg struct {
		gen  int
		user bool // asked for by the user (a new selection), not a poll
	}
)

// Clock is the time source, injectable for tests.
type Clock func() time.Time
