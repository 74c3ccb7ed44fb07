package serve

import (
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/shared"
)

// Each account has one events stream (shared.EventStream), shared by
// every session: each session publishes what its monitor saw, the stream
// keeps each change once, writes it to the account's events log and
// hands it to every session's sink, which renumbers the account as the
// session does and drops what the session may not see.

// userHub is the hub as one user's sessions see it (shared.Hub). An
// operator's acknowledgement is everyone's, and recorded with their name;
// a watcher's is their own: it marks the events in their dashboard only,
// and the server writes nothing for it.
type userHub struct {
	*shared.EventStream
	user     string
	mayWrite bool
}

func (u userHub) Acknowledge(ids []string, until time.Time) {
	if u.mayWrite {
		u.AcknowledgeAs(u.user, ids, until)
	}
}

// sink is one session's queue of messages from the server (events, the
// server stopping). A session that stops reading only fills its own queue:
// offers to a full queue are dropped, and nobody else waits.
type sink struct {
	ch   chan tea.Msg
	done chan struct{}
	once sync.Once
	// visible are the accounts the session may see, by the session's
	// index (home.go); nil: every account, numbered as the server does.
	visible []int
	// home, when set, takes the events of the accounts not on screen.
	home *homeView
}

func newSink() *sink { return &sink{ch: make(chan tea.Msg, 64), done: make(chan struct{})} }

// local is the session's index of the server's account i; -1 when the
// session may not see it.
func (s *sink) local(i int) int {
	if s.visible == nil {
		return i
	}
	for li, v := range s.visible {
		if v == i {
			return li
		}
	}
	return -1
}

// Offer queues msg for the session (shared.Subscriber), its account
// numbered as the session numbers it; what is of an account the session
// may not see is dropped.
func (s *sink) Offer(msg any) {
	switch m := msg.(type) {
	case shared.Events:
		if m.Account = s.local(m.Account); m.Account < 0 {
			return
		}
		if s.home != nil && s.home.route(m) {
			return
		}
		msg = m
	case shared.Acks:
		if m.Account = s.local(m.Account); m.Account < 0 {
			return
		}
		msg = m
	}
	select {
	case s.ch <- msg:
	default:
	}
}

// run hands the queue to p until close.
func (s *sink) run(p *tea.Program) {
	for {
		select {
		case msg := <-s.ch:
			p.Send(msg)
		case <-s.done:
			return
		}
	}
}

func (s *sink) close() { s.once.Do(func() { close(s.done) }) }
