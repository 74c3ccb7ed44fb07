package monitor

import (
	"time"

	"github.com/pixee/pixee-tui/api"
)

// IndexState is how complete and how fresh the index is: what "index
// 137/137 · 40s old" says.
type IndexState struct {
	On       bool      // the monitor crawls
	Known    int       // connectors in the store
	Total    int       // what the list last said; -1 before the first crawl page
	Complete bool      // a clean pass has finished: Known is the account
	Passing  bool      // a pass is under way
	DoneAt   time.Time // when the last clean pass finished
	Page     int       // the pass's next page
	Pages    int
	Passes   int // passes finished since the monitor started, clean or not
}

// Index reports the index's state.
func (m *Monitor) Index() IndexState {
	st, ix := m.fleet()
	return IndexState{On: ix.on, Known: st.Len(), Total: ix.total, Complete: ix.complete,
		Passing: ix.passing, DoneAt: ix.doneAt, Page: ix.page, Pages: ix.pages, Passes: ix.passes}
}

// CrawlTarget is the crawl's target, and whether there is one.
func (m *Monitor) CrawlTarget() (TargetID, bool) { return m.index.target, m.index.on }

// FleetVersion moves whenever the store or a known last_error changes: a
// view over the fleet rebuilds when it does, and only then.
func (m *Monitor) FleetVersion() uint64 {
	st, ix := m.fleet()
	return st.version<<20 ^ ix.errVersion
}

// Each calls f for every connector known, in no order.
func (s *Store) Each(f func(api.Connector)) {
	for _, c := range s.byID {
		f(c)
	}
}

// LastError is a connector's last_error as a detail answer last said it,
// while the connector is in error; ok is false while no detail has told.
func (m *Monitor) LastError(id string) (string, bool) {
	_, ix := m.fleet()
	e := ix.errs[id]
	if e == nil || !e.known {
		return "", false
	}
	return e.text, true
}

// StatusCounts are the connectors known by status.
// Late and Overdue are connectors past their usual interval (Cadence),
// counted there and not under Active or Other; LateChange is when they
// next move with time alone (zero: not by time).
type StatusCounts struct {
	Error, Paused, Active, Other int
	Late, Overdue                int
	LateChange                   time.Time
}

// Counts counts the connectors known by status.
func (m *Monitor) Counts() StatusCounts {
	var n StatusCounts
	st, _ := m.fleet()
	now := m.now()
	for id, c := range st.byID {
		switch c.Status {
		case StatusError:
			n.Error++
			continue
		case "paused":
			n.Paused++
			continue
		}
		switch m.cadenceAt(id, now).State {
		case Late:
			n.Late++
		case Overdue:
			n.Overdue++
		default:
			if c.Status == "active" {
				n.Active++
			} else {
				n.Other++
			}
		}
		if t := m.lateChange(id, now); !t.IsZero() && (n.LateChange.IsZero() || t.Before(n.LateChange)) {
			n.LateChange = t
		}
	}
	return n
}

// Failures are the connectors in error: those whose last_error a detail
// answer told (for GroupByCause), and those still waiting for one.
func (m *Monitor) Failures() (known []Failing, waiting []api.Connector) {
	st, ix := m.fleet()
	for id, c := range st.byID {
		if c.Status != StatusError {
			continue
		}
		e := ix.errs[id]
		if e == nil || !e.known {
			waiting = append(waiting, c)
			continue
		}
		known = append(known, Failing{ID: id, Name: c.Name, Platform: c.Platform, LastError: e.text,
			FirstSeen: e.firstSeen, LastSeen: e.lastSeen})
	}
	return known, waiting
}
