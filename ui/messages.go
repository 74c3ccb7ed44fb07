package ui

import (
	"time"

	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
)

// Results of API commands, one type per kind of answer. Each carries the
// request that produced it (epoch, target, seq): the monitor drops any that
// is not the latest of its target, so an older answer never overwrites a
// newer one.
type (
	pageMsg   struct{ monitor.Result } // Items sanitized
	detailMsg struct{ monitor.Result } // Detail sanitized
	syncMsg   struct {
		monitor.Result                 // Synced sanitized
		Action         *history.Action // its record in the history, when there is one
	}
)

// Timers. wakeMsg is a monitor's timer firing: the monitor drops it when its
// target was re-armed since, so a stale timer never starts a second loop.
type (
	clockMsg      struct{}
	revalidateMsg struct{} // the form's typed text is due for validation
	frameMsg      struct{} // the frame held while keys are typed fast is due (typing.go)
	wakeMsg       struct{ monitor.Timer }
)

// Clock is the time source, injectable for tests.
type Clock func() time.Time
