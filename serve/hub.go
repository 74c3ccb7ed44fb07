package serve

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// sameEventWindow is how long an event equal to the last of its kind on a
// connector counts as the same one: every session watching a connector
// sees it turn to error, from the same answer or within a poll interval.
const sameEventWindow = 10 * time.Minute

// hub is an account's one events stream (shared.Hub): every session
// publishes what its monitor saw, the hub keeps each event once, writes it
// to the account's events log and hands it to every session.
type hub struct {
	account int // in Options.Accounts: each session's sink renumbers it (home.go)
	log     *history.EventLog
	notify  shared.Notifier // the team's own tools, told of every event kept; nil: none (set before the first Publish)
	now     func() time.Time
	logf    func(format string, args ...any)

	mu     sync.Mutex
	last   map[string]accepted // by family (family): the last event kept
	subs   map[*sink]struct{}
	writes chan []monitor.Event
	done   chan struct{} // closed when writeLoop has written all

	// Acknowledgements are coalesced: one that changes nothing is
	// dropped, and what is left is written at most every ackSpacing, one
	// record per user and kind, naming the user (ackLoop).
	ackedUntil time.Time           // the latest "all up to" acknowledged
	news       bool                // an event may be unacknowledged since
	acked      map[string]struct{} // events acknowledged one by one
	pending    map[string]*ackBatch
	ackReady   chan struct{} // one slot: pending has something
	ackStop    chan struct{}
	ackDone    chan struct{}

	// unacked are the events nobody acknowledged (oldest first, at most
	// history.MaxEventsKept): a home screen's count for the account.
	unacked []monitor.Event
}

// ackBatch is one user's acknowledgements not yet written.
type ackBatch struct {
	ids   []string
	until time.Time
}

// ackSpacing is the least time between two writes of acknowledgements;
// maxAcked bounds the ids remembered as acknowledged.
const (
	ackSpacing = time.Second
	maxAcked   = 10000
)

type accepted struct {
	identity string
	at       time.Time
}

func newHub(account int, log *history.EventLog, now func() time.Time, logf func(string, ...any)) *hub {
	h := &hub{account: account, log: log, now: now, logf: logf, last: map[string]accepted{},
		subs: map[*sink]struct{}{}, writes: make(chan []monitor.Event, 256), done: make(chan struct{}),
		news:  true, // the log may hold events nobody acknowledged
		acked: map[string]struct{}{}, pending: map[string]*ackBatch{},
		ackReady: make(chan struct{}, 1), ackStop: make(chan struct{}), ackDone: make(chan struct{})}
	go h.writeLoop()
	go h.ackLoop()
	return h
}

// identity is what makes two sessions' events the same event. The time
// and the id each session gave it are not part of it.
func identity(e monitor.Event) string {
	return string(e.Kind) + "\x00" + e.Before + "\x00" + e.After
}

// family is the events that follow each other on one connector (turned to
// error, recovered, turned to error …); ok is false for the events only
// one session sees — its own sync's — which are all kept.
func family(e monitor.Event) (string, bool) {
	switch e.Kind {
	case monitor.SyncSent, monitor.SyncDrained, monitor.SyncFailed, monitor.SyncLost:
		return "", false
	}
	f := cmp.Or(e.Kind.Pair(), string(e.Kind))
	return f + "\x00" + e.ConnectorID, true
}

// Publish keeps the events that are news and hands them to every session.
// An event is not news when it equals the last of its family within
// sameEventWindow (another session saw the same transition), or is older
// than that last one (a session behind the others saw what is over). It
// never blocks: the log is written by one goroutine, and each session has
// a queue of its own.
func (h *hub) Publish(evs []monitor.Event) {
	h.mu.Lock()
	var fresh []monitor.Event
	for _, e := range evs {
		if f, ok := family(e); ok {
			id, last := identity(e), h.last[f]
			if e.Time.Before(last.at) || (id == last.identity && e.Time.Sub(last.at) < sameEventWindow) {
				continue
			}
			h.last[f] = accepted{identity: id, at: e.Time}
		}
		fresh = append(fresh, e)
	}
	h.news = h.news || len(fresh) > 0
	h.keepUnacked(fresh)
	subs := make([]*sink, 0, len(h.subs))
	for s := range h.subs {
		subs = append(subs, s)
	}
	h.mu.Unlock()
	if len(fresh) == 0 {
		return
	}
	if h.notify != nil {
		h.notify.Notify(fresh) // never blocks (package notify queues)
	}
	if h.log != nil {
		select {
		case h.writes <- fresh:
		default:
			h.logf("events: %d events not written: the log is behind", len(fresh))
		}
	}
	for _, s := range subs {
		s.offer(shared.Events{Account: h.account, Events: fresh})
	}
}

// keepUnacked counts evs among the unacknowledged (h.mu held).
func (h *hub) keepUnacked(evs []monitor.Event) {
	h.unacked = append(h.unacked, evs...)
	if n := len(h.unacked) - history.MaxEventsKept; n > 0 {
		h.unacked = append(h.unacked[:0:0], h.unacked[n:]...)
	}
}

// seed counts the events of the log nobody acknowledged, before the first
// Publish.
func (h *hub) seed(seen []history.Seen) {
	var evs []monitor.Event
	for _, e := range seen {
		if !e.Acked {
			evs = append(evs, e.Event)
		}
	}
	h.mu.Lock()
	h.keepUnacked(evs)
	h.mu.Unlock()
}

// unackedCount is how many events nobody acknowledged.
func (h *hub) unackedCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.unacked)
}

// acknowledge is user's acknowledgement, for everyone: what it changes is
// handed to every session and recorded, naming user. One that changes
// nothing (all acknowledged again with no event since, an event
// acknowledged twice) goes nowhere and writes nothing.
func (h *hub) acknowledge(user string, ids []string, until time.Time) {
	h.mu.Lock()
	var newIDs []string
	for _, id := range ids {
		if _, done := h.acked[id]; !done {
			if len(h.acked) >= maxAcked {
				clear(h.acked) // forgetting costs a record written again, no more
			}
			h.acked[id] = struct{}{}
			newIDs = append(newIDs, id)
		}
	}
	h.unacked = slices.DeleteFunc(h.unacked, func(e monitor.Event) bool {
		return slices.Contains(ids, e.ID) || (!until.IsZero() && !e.Time.After(until))
	})
	if !until.After(h.ackedUntil) || !h.news {
		until = time.Time{}
	} else {
		h.ackedUntil, h.news = until, false
	}
	if len(newIDs) == 0 && until.IsZero() {
		h.mu.Unlock()
		return
	}
	b := h.pending[user]
	if b == nil {
		b = &ackBatch{}
		h.pending[user] = b
	}
	b.ids = append(b.ids, newIDs...)
	if until.After(b.until) {
		b.until = until
	}
	subs := make([]*sink, 0, len(h.subs))
	for s := range h.subs {
		subs = append(subs, s)
	}
	h.mu.Unlock()
	select {
	case h.ackReady <- struct{}{}:
	default:
	}
	for _, s := range subs {
		s.offer(shared.Acks{Account: h.account, IDs: newIDs, Until: until})
	}
}

// ackLoop writes the acknowledgements pending, at most every ackSpacing.
func (h *hub) ackLoop() {
	defer close(h.ackDone)
	for {
		select {
		case <-h.ackReady:
		case <-h.ackStop:
			h.writeAcks()
			return
		}
		h.writeAcks()
		select {
		case <-time.After(ackSpacing):
		case <-h.ackStop:
			h.writeAcks()
			return
		}
	}
}

func (h *hub) writeAcks() {
	h.mu.Lock()
	batches := h.pending
	h.pending = map[string]*ackBatch{}
	h.mu.Unlock()
	if h.log == nil {
		return
	}
	for user, b := range batches {
		if err := h.log.AckBy(user, b.ids, b.until); err != nil {
			h.logf("events: acknowledgement of %s not written: %v", user, err)
		}
	}
}

// userHub is the hub as one user's sessions see it (shared.Hub). An
// operator's acknowledgement is everyone's, and recorded with their name;
// a watcher's is their own: it marks the events in their dashboard only,
// and the server writes nothing for it.
type userHub struct {
	*hub
	user     string
	mayWrite bool
}

func (u userHub) Acknowledge(ids []string, until time.Time) {
	if u.mayWrite {
		u.acknowledge(u.user, ids, until)
	}
}

func (h *hub) writeLoop() {
	defer close(h.done)
	for evs := range h.writes {
		if evs == nil {
			return // stop: everything before it is written
		}
		if _, err := h.log.Append(evs); err != nil {
			h.logf("events: %v", err)
		}
	}
}

// stop writes what was published and ends the writer, waiting at most
// until ctx ends. Publish after stop drops its events.
func (h *hub) stop(ctx context.Context) {
	close(h.ackStop)
	select {
	case <-h.ackDone:
	case <-ctx.Done():
		return
	}
	select {
	case h.writes <- nil:
	case <-ctx.Done():
		return
	}
	select {
	case <-h.done:
	case <-ctx.Done():
	}
}

func (h *hub) subscribe(s *sink) {
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
}

func (h *hub) unsubscribe(s *sink) {
	h.mu.Lock()
	delete(h.subs, s)
	h.mu.Unlock()
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

// offer queues msg for the session, its account numbered as the session
// numbers it; what is of an account the session may not see is dropped.
func (s *sink) offer(msg tea.Msg) {
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
