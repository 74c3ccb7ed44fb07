package accounts

import (
	"context"
	"sync"
	"time"

	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// hub is one account's events stream in a dashboard of several accounts
// (shared.Hub): its watch and, while the account is on screen, the
// dashboard's monitor both hand it what they saw; it keeps each change
// once, writes it to the account's events log, tells the team's tools,
// and hands it on (to the next Snapshot).
//
// A change is one arrival of a connector into a state. Two sources of one
// account see the same arrival: the watch and the dashboard's monitor,
// each from its own answers, and the one that was stopped while the other
// ran (a monitor parked by the switcher) sees, when it asks again, the
// arrivals the other already reported. So an event that brings a
// connector into the state the last kept event of its pair (error and
// recovered, paused and resumed, …) brought it into is the same change,
// however long ago that was. Unlike a team server's hub (package serve),
// which sees many sessions with their own pasts, there is no time window
// for these: there are only two sources, both of this account.
type hub struct {
	name   string
	log    eventLog
	notify shared.Notifier
	logf   func(string, ...any)
	hand   func([]monitor.Event) // the events kept, to the watcher

	mu     sync.Mutex
	last   map[string]kept // by pair and connector
	writes chan func()     // log writes, in order, off the caller's goroutine
}

// eventLog is what the hub writes: *history.EventLog.
type eventLog interface {
	Append([]monitor.Event) ([]monitor.Event, error)
	Ack(id string) error
	AckAll(until time.Time) error
}

type kept struct {
	state string
	at    time.Time
}

// sameWindow is how long a repeat of an event that is not one of a pair
// (a changed error message, a slow run) counts as the same one.
const sameWindow = 10 * time.Minute

func newHub(name string, s shared.Account, logf func(string, ...any), hand func([]monitor.Event)) *hub {
	h := &hub{name: name, notify: s.Notify, logf: logf, hand: hand, last: map[string]kept{},
		writes: make(chan func(), 256)}
	if s.Events != nil {
		h.log = s.Events
	}
	return h
}

// pair is the events that follow each other on one connector, and the
// state each brings it into; pair is "" for the events only one source
// sees (a sync sent or drained here), which are all kept.
func pair(e monitor.Event) (p, state string) {
	switch e.Kind {
	case monitor.SyncSent, monitor.SyncDrained, monitor.SyncFailed, monitor.SyncLost, monitor.NotifyFailed:
		return "", ""
	}
	if p = e.Kind.Pair(); p == "" {
		return string(e.Kind) + "\x00" + e.ConnectorID, e.After + "\x00" + e.Before
	}
	return p + "\x00" + e.ConnectorID, string(e.Kind)
}

// news is evs less the changes already kept.
func (h *hub) news(evs []monitor.Event) []monitor.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	var fresh []monitor.Event
	for _, e := range evs {
		if e.Kind == monitor.SyncSent {
			continue // for a team's other sessions: a dashboard has none
		}
		if p, state := pair(e); p != "" {
			last, ok := h.last[p]
			paired := !isLoose(e.Kind)
			if ok && (e.Time.Before(last.at) || (state == last.state && (paired || e.Time.Sub(last.at) < sameWindow))) {
				continue
			}
			h.last[p] = kept{state: state, at: e.Time}
		}
		fresh = append(fresh, e)
	}
	return fresh
}

// isLoose says whether an event kind is not one of a pair: a repeat is
// news once sameWindow has passed.
func isLoose(k monitor.EventKind) bool {
	switch k {
	case monitor.TurnedError, monitor.Recovered, monitor.Paused, monitor.Resumed, monitor.Appeared, monitor.Disappeared,
		monitor.KeyRefused, monitor.KeyAccepted, monitor.APIDown, monitor.APIUp, monitor.TurnedLate, monitor.LateRecovered:
		return false
	}
	return true
}

// Publish keeps what is news: written to the log, told to the team's
// tools, handed on. It never blocks.
func (h *hub) Publish(evs []monitor.Event) {
	fresh := h.news(evs)
	if len(fresh) == 0 {
		return
	}
	if h.notify != nil {
		h.notify.Notify(fresh) // never blocks (package notify queues)
	}
	if h.log != nil {
		h.write(func() {
			if _, err := h.log.Append(fresh); err != nil {
				h.logf("%s: events: %v", h.name, err)
			}
		})
	}
	h.hand(fresh)
}

// Acknowledge records the dashboard's acknowledgement (it has marked its
// own feed already).
func (h *hub) Acknowledge(ids []string, until time.Time) {
	if h.log == nil {
		return
	}
	h.write(func() {
		var err error
		for _, id := range ids {
			err = h.log.Ack(id)
		}
		if !until.IsZero() {
			err = h.log.AckAll(until)
		}
		if err != nil {
			h.logf("%s: acknowledgement: %v", h.name, err)
		}
	})
}

func (h *hub) write(f func()) {
	select {
	case h.writes <- f:
	default:
		h.logf("%s: events: a write was dropped: the log is behind", h.name)
	}
}

// writeLoop writes, in order, until ctx ends; then what is queued.
func (h *hub) writeLoop(ctx context.Context) {
	for {
		select {
		case f := <-h.writes:
			f()
		case <-ctx.Done():
			for {
				select {
				case f := <-h.writes:
					f()
				default:
					return
				}
			}
		}
	}
}
