package serve

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui"
)

// sameEventWindow is how long an event counts as the one already seen:
// every session watching a connector sees it turn to error, within a poll
// interval or a crawl pass of each other.
const sameEventWindow = 10 * time.Minute

// hub is an account's one events stream (ui.EventHub): every session
// publishes what its monitor saw, the hub keeps each event once, writes it
// to the account's events log and hands it to every session.
type hub struct {
	account int // in the sessions' ui.Options.Accounts
	log     *history.EventLog
	now     func() time.Time
	logf    func(format string, args ...any)

	mu     sync.Mutex
	seen   map[string]time.Time // an event's identity → when first published
	subs   map[*sink]struct{}
	writes chan []monitor.Event
}

func newHub(account int, log *history.EventLog, now func() time.Time, logf func(string, ...any)) *hub {
	h := &hub{account: account, log: log, now: now, logf: logf, seen: map[string]time.Time{},
		subs: map[*sink]struct{}{}, writes: make(chan []monitor.Event, 256)}
	go h.writeLoop()
	return h
}

// identity is what makes two sessions' events the same event. The time
// and the id each session gave it are not part of it.
func identity(e monitor.Event) string {
	if e.Kind == monitor.SyncSent {
		return e.ID // one session saw it: the one that sent it
	}
	return string(e.Kind) + "\x00" + e.ConnectorID + "\x00" + e.Before + "\x00" + e.After
}

// Publish keeps the events not seen within sameEventWindow and hands them
// to every session. It never blocks: the log is written by one goroutine,
// and each session has a queue of its own.
func (h *hub) Publish(evs []monitor.Event) {
	now := h.now()
	h.mu.Lock()
	for id, at := range h.seen {
		if now.Sub(at) > sameEventWindow {
			delete(h.seen, id)
		}
	}
	var fresh []monitor.Event
	for _, e := range evs {
		id := identity(e)
		if _, dup := h.seen[id]; dup {
			continue
		}
		h.seen[id] = now
		fresh = append(fresh, e)
	}
	subs := make([]*sink, 0, len(h.subs))
	for s := range h.subs {
		subs = append(subs, s)
	}
	h.mu.Unlock()
	if len(fresh) == 0 {
		return
	}
	if h.log != nil {
		select {
		case h.writes <- fresh:
		default:
			h.logf("events: %d events not written: the log is behind", len(fresh))
		}
	}
	for _, s := range subs {
		s.offer(ui.SharedEvents{Account: h.account, Events: fresh})
	}
}

func (h *hub) writeLoop() {
	for evs := range h.writes {
		if _, err := h.log.Append(evs); err != nil {
			h.logf("events: %v", err)
		}
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
}

func newSink() *sink { return &sink{ch: make(chan tea.Msg, 64), done: make(chan struct{})} }

func (s *sink) offer(msg tea.Msg) {
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

// eventID is a new event's id, unique within the account.
func eventID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
