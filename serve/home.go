package serve

import (
	"context"
	"sync"

	"github.com/pixee/pixee-tui/accounts"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/shared"
)

// Which accounts a session sees, and its home screen of them. A user
// whose serve.users entry lists accounts sees those only: the switcher, the
// home screen, the events and the alerts of a session hold no other
// account's name. Each session numbers its accounts 0…n-1 in the order the
// server serves them (its ui's Options.Accounts); the sink turns the hubs'
// numbers into the session's, and drops what is not the session's.
//
// The home screen is fed by the server's one watch per account (their
// summaries and indexes, homeChanged) and its hubs (their events): a
// session adds a view of them, never a read. So is the merged list (L on
// the home screen): its rows are the watches' indexes of the session's
// accounts, and nothing else; a write from it opens the connector in its
// account, through that account's session (sessionFor: the user's role
// on that account, its client, history and read-only rules), and the
// merged list says on a row of an account the user only watches that
// s, S and t are off there (AccountSpec.WritesOff).

// visibleTo is what u may see of the served accounts: their indexes in
// Options.Accounts, in order.
func (s *Server) visibleTo(u config.ServeUser) []int {
	var out []int
	for i, a := range s.opts.Accounts {
		if u.MaySee(a.ID) {
			out = append(out, i)
		}
	}
	return out
}

// homeView is one session's view of the watches of its accounts: the
// dashboard's home screen (it is a ui.Watcher). The account on screen gets
// its events as the hub's (shared.Events); the others' come with the rows
// (accounts.Snapshot), so that each event reaches the dashboard once and
// the others' are said with their account's name.
type homeView struct {
	srv     *Server
	visible []int         // server indexes, by session index
	changed chan struct{} // one slot: a snapshot has news

	mu      sync.Mutex
	shown   int // the session's index of the account on screen
	pending []shared.Events
	dropped int
}

func newHomeView(s *Server, visible []int, shown int) *homeView {
	return &homeView{srv: s, visible: visible, shown: shown, changed: make(chan struct{}, 1)}
}

// Show is told the account on screen (ui.Watcher). Nothing pauses: the
// server's watches run for every session.
func (h *homeView) Show(i int) {
	h.mu.Lock()
	h.shown = i
	h.mu.Unlock()
	h.signal()
}

func (h *homeView) signal() {
	select {
	case h.changed <- struct{}{}:
	default:
	}
}

// route takes an account's events (its session index): false when the
// account is on screen, and the hub's message should go as it is.
func (h *homeView) route(e shared.Events) bool {
	h.mu.Lock()
	if e.Account == h.shown {
		h.mu.Unlock()
		return false
	}
	h.pending = append(h.pending, e)
	if n := len(h.pending) - maxPendingEvents; n > 0 {
		h.pending = append(h.pending[:0:0], h.pending[n:]...)
		h.dropped += n
	}
	h.mu.Unlock()
	h.signal()
	return true
}

// maxPendingEvents bounds the batches kept for a dashboard that does not
// take them (its client stopped reading): the oldest go first.
const maxPendingEvents = 256

// snapshot is the rows of the session's accounts and the events not taken.
func (h *homeView) snapshot() accounts.Snapshot {
	h.mu.Lock()
	snap := accounts.Snapshot{Events: h.pending, Dropped: h.dropped}
	h.pending, h.dropped = nil, 0
	shown := h.shown
	h.mu.Unlock()
	for li, i := range h.visible {
		spec := h.srv.opts.Accounts[i]
		r := accounts.Row{Name: spec.Name, Host: spec.Host, OnScreen: li == shown}
		switch a := h.srv.opened(i); {
		case a != nil:
			r.Opened = true
			r.Summary, r.Unacked = a.home()
			// The watch's index, one copy for every session: the merged
			// list reads it, and asks nothing of its own.
			r.Fleet = a.Fleet()
		case h.srv.failedToOpen(i):
			// The details (a key command's stderr, paths) are the server's.
			r.Err = "the server's log says why"
		}
		snap.Rows = append(snap.Rows, r)
	}
	return snap
}

// forward hands the dashboard a snapshot whenever there is news, until
// ctx ends.
func (h *homeView) forward(ctx context.Context, send func(accounts.Snapshot)) {
	send(h.snapshot())
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.changed:
			send(h.snapshot())
		}
	}
}

// homeChanged tells every session's home screen that account i changed.
func (s *Server) homeChanged(i int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for x := range s.sessions {
		if h := x.sink.home; h != nil && x.sink.local(i) >= 0 {
			h.signal()
		}
	}
}

// watchAll opens the session's other accounts, one after the other, and
// subscribes it to their hubs: their events come to its home screen. An
// account that cannot be opened now is tried again by the next session.
func (s *Server) watchAll(ctx context.Context, x *session) {
	for _, i := range x.sink.visible {
		if ctx.Err() != nil {
			return
		}
		if a, err := s.account(i); err == nil {
			x.subscribe(a)
		}
		s.homeChanged(i) // opened, or why not
	}
}
