package shared

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
)

// EventStream is one account's events, kept once (a Hub): whatever sees
// the account — a dashboard's watch and its monitor, or every session of
// a team server — publishes what it saw, and the stream keeps each change
// once, writes it to the account's events log, tells the team's tools and
// hands it to every subscriber. The dashboard of several accounts and the
// team server run one per account, the same.
//
// A change is one arrival of a connector into a state. Its sources each
// see it from their own answers, at their own times, and one that was
// stopped while the others ran (a monitor parked by the switcher, a
// session that connected late) sees, when it asks again, arrivals the
// others already reported. So an event that brings a connector into the
// state the last kept event of its pair (error and recovered, paused and
// resumed, …) brought it into is the same change, however long ago that
// was; an event older than that last one is over. A connector that
// recovers and fails again has two changes, however soon. An event that
// is not one of a pair (a changed error message, a slow run) is the same
// as its last when it says the same within looseWindow.
type EventStream struct {
	opts StreamOptions

	mu      sync.Mutex
	last    map[string]change // by pair (or kind) and connector
	maxLast int               // bound of last (maxChanges; smaller in tests)
	subs    map[Subscriber]struct{}
	closed  bool
	// unacked are the events nobody acknowledged (oldest first, at most
	// history.MaxEventsKept): a home screen's count for the account.
	unacked []monitor.Event

	// Acknowledgements are coalesced: one that changes nothing is
	// dropped, and what is left is written at most every ackSpacing, one
	// record per user and kind, naming the user.
	ackedUntil time.Time           // the latest "all up to" acknowledged
	unseen     bool                // an event may be unacknowledged since
	acked      map[string]struct{} // events acknowledged one by one
	pending    map[string]*ackBatch

	writes   chan []monitor.Event // the log's appends, in order, off the publisher's goroutine
	ackReady chan struct{}        // one slot: pending has something
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{} // closed when the writer has written all
}

// StreamOptions configure an EventStream.
type StreamOptions struct {
	// Account is the account's index, on every Events and Acks handed to
	// a subscriber.
	Account int
	Log     *history.EventLog // where kept events and acknowledgements are written; nil: nowhere
	Notify  Notifier          // the team's tools, told of every event kept; nil: none
	Logf    func(format string, args ...any)
}

// Subscriber is handed what a stream keeps and the acknowledgements it
// records, as Events and Acks values. Offer must not block.
type Subscriber interface {
	Offer(msg any)
}

// change is the last kept event of a pair on a connector: the state it
// brought it into, and when.
type change struct {
	state string
	at    time.Time
}

type ackBatch struct {
	ids   []string
	until time.Time
}

const (
	// looseWindow is how long a repeat of an event that is not one of a
	// pair counts as the same one.
	looseWindow = 10 * time.Minute
	// maxChanges bounds the changes remembered (one per pair and
	// connector); past it the oldest half is forgotten, which costs at
	// most a late source's repeat of a forgotten change kept again.
	maxChanges = 100_000
	// ackSpacing is the least time between two writes of
	// acknowledgements; maxAcked bounds the ids remembered as
	// acknowledged (forgetting costs a record written again, no more).
	ackSpacing = time.Second
	maxAcked   = 10_000
)

// NewEventStream starts an account's stream; Close ends its writer.
func NewEventStream(o StreamOptions) *EventStream {
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	s := &EventStream{opts: o, last: map[string]change{}, maxLast: maxChanges, subs: map[Subscriber]struct{}{},
		unseen: true, // the log may hold events nobody acknowledged
		acked:  map[string]struct{}{}, pending: map[string]*ackBatch{},
		writes: make(chan []monitor.Event, 256), ackReady: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{})}
	go s.run()
	return s
}

// changeOf is what makes two events the same change: key, the pair of
// events on one connector (or the kind, for an event of no pair), and the
// state the event brings it into. ok is false for the events only one
// source sees — a sync's, a failed notification — which are all kept.
func changeOf(e monitor.Event) (key, state string, paired, ok bool) {
	switch e.Kind {
	case monitor.SyncSent, monitor.SyncDrained, monitor.SyncFailed, monitor.SyncLost, monitor.NotifyFailed:
		return "", "", false, false
	}
	if p := e.Kind.Pair(); p != "" {
		return p + "\x00" + e.ConnectorID, string(e.Kind), true, true
	}
	return string(e.Kind) + "\x00" + e.ConnectorID, e.Before + "\x00" + e.After, false, true
}

// news is evs less the changes already kept (s.mu held).
func (s *EventStream) news(evs []monitor.Event) []monitor.Event {
	var fresh []monitor.Event
	for _, e := range evs {
		if key, state, paired, ok := changeOf(e); ok {
			last, seen := s.last[key]
			if seen && (e.Time.Before(last.at) || (state == last.state && (paired || e.Time.Sub(last.at) < looseWindow))) {
				continue
			}
			if !seen && len(s.last) >= s.maxLast {
				s.forgetOldest()
			}
			s.last[key] = change{state: state, at: e.Time}
		}
		fresh = append(fresh, e)
	}
	return fresh
}

// forgetOldest forgets the older half of the changes remembered.
func (s *EventStream) forgetOldest() {
	ats := make([]time.Time, 0, len(s.last))
	for _, c := range s.last {
		ats = append(ats, c.at)
	}
	slices.SortFunc(ats, time.Time.Compare)
	cut := ats[len(ats)/2]
	for k, c := range s.last {
		if !c.at.After(cut) {
			delete(s.last, k)
		}
	}
}

// Publish keeps the events that are news: written to the log, told to
// the team's tools, handed to every subscriber. It never blocks.
func (s *EventStream) Publish(evs []monitor.Event) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	fresh := s.news(evs)
	s.unseen = s.unseen || len(fresh) > 0
	s.keepUnacked(fresh)
	subs := s.subscribers()
	s.mu.Unlock()
	if len(fresh) == 0 {
		return
	}
	if s.opts.Notify != nil {
		s.opts.Notify.Notify(fresh) // never blocks (package notify queues)
	}
	if s.opts.Log != nil {
		select {
		case s.writes <- fresh:
		default:
			s.opts.Logf("events: %d events not written: the log is behind", len(fresh))
		}
	}
	for _, sub := range subs {
		sub.Offer(Events{Account: s.opts.Account, Events: fresh})
	}
}

// keepUnacked counts evs among the unacknowledged (s.mu held). The
// oldest beyond history.MaxEventsKept go, a quarter of it at a time: a
// copy per publish of a full list would cost every event thousands.
func (s *EventStream) keepUnacked(evs []monitor.Event) {
	s.unacked = append(s.unacked, evs...)
	if len(s.unacked) > history.MaxEventsKept+history.MaxEventsKept/4 {
		s.unacked = append(s.unacked[:0:0], s.unacked[len(s.unacked)-history.MaxEventsKept:]...)
	}
}

// Seed counts the events of the log nobody acknowledged, before the
// first Publish.
func (s *EventStream) Seed(seen []history.Seen) {
	var evs []monitor.Event
	for _, e := range seen {
		if !e.Acked {
			evs = append(evs, e.Event)
		}
	}
	s.mu.Lock()
	s.keepUnacked(evs)
	s.mu.Unlock()
}

// Unacked is how many events nobody acknowledged (at most
// history.MaxEventsKept, as many as the log keeps).
func (s *EventStream) Unacked() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return min(len(s.unacked), history.MaxEventsKept)
}

// Acknowledge is an acknowledgement nobody is named for (a dashboard's
// own): AcknowledgeAs with no user.
func (s *EventStream) Acknowledge(ids []string, until time.Time) { s.AcknowledgeAs("", ids, until) }

// AcknowledgeAs is user's acknowledgement, for everyone: of the events
// ids, and of all up to until when it is not zero. What it changes is
// handed to every subscriber and recorded, naming user; one that changes
// nothing (all acknowledged again with no event since, an event
// acknowledged twice) goes nowhere and writes nothing.
func (s *EventStream) AcknowledgeAs(user string, ids []string, until time.Time) {
	s.mu.Lock()
	var newIDs []string
	for _, id := range ids {
		if _, done := s.acked[id]; !done {
			if len(s.acked) >= maxAcked {
				clear(s.acked)
			}
			s.acked[id] = struct{}{}
			newIDs = append(newIDs, id)
		}
	}
	s.unacked = slices.DeleteFunc(s.unacked, func(e monitor.Event) bool {
		return slices.Contains(ids, e.ID) || (!until.IsZero() && !e.Time.After(until))
	})
	if !until.After(s.ackedUntil) || !s.unseen {
		until = time.Time{}
	} else {
		s.ackedUntil, s.unseen = until, false
	}
	if s.closed || (len(newIDs) == 0 && until.IsZero()) {
		s.mu.Unlock()
		return
	}
	b := s.pending[user]
	if b == nil {
		b = &ackBatch{}
		s.pending[user] = b
	}
	b.ids = append(b.ids, newIDs...)
	if until.After(b.until) {
		b.until = until
	}
	subs := s.subscribers()
	s.mu.Unlock()
	select {
	case s.ackReady <- struct{}{}:
	default:
	}
	for _, sub := range subs {
		sub.Offer(Acks{Account: s.opts.Account, IDs: newIDs, Until: until})
	}
}

// Subscribe hands sub everything kept from now on, until Unsubscribe.
func (s *EventStream) Subscribe(sub Subscriber) {
	s.mu.Lock()
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
}

func (s *EventStream) Unsubscribe(sub Subscriber) {
	s.mu.Lock()
	delete(s.subs, sub)
	s.mu.Unlock()
}

// subscribers is a copy of the subscribers, handed to outside the lock
// (s.mu held).
func (s *EventStream) subscribers() []Subscriber {
	out := make([]Subscriber, 0, len(s.subs))
	for sub := range s.subs {
		out = append(out, sub)
	}
	return out
}

// run is the stream's one writer: appends in the order published, and
// acknowledgements at most every ackSpacing, after the appends queued
// before them (an acknowledgement follows its event in the log).
func (s *EventStream) run() {
	defer close(s.done)
	var wait <-chan time.Time // set while acknowledgements wait for their spacing
	var wrote time.Time
	acks := func() {
		s.drainWrites()
		s.writeAcks()
		wrote, wait = time.Now(), nil
	}
	for {
		select {
		case evs := <-s.writes:
			s.append(evs)
		case <-s.ackReady:
			if wait != nil {
				continue
			}
			if d := ackSpacing - time.Since(wrote); d > 0 {
				wait = time.After(d)
				continue
			}
			acks()
		case <-wait:
			acks()
		case <-s.stop:
			acks()
			return
		}
	}
}

func (s *EventStream) drainWrites() {
	for {
		select {
		case evs := <-s.writes:
			s.append(evs)
		default:
			return
		}
	}
}

func (s *EventStream) append(evs []monitor.Event) {
	if _, err := s.opts.Log.Append(evs); err != nil {
		s.opts.Logf("events: %v", err)
	}
}

func (s *EventStream) writeAcks() {
	s.mu.Lock()
	batches := s.pending
	s.pending = map[string]*ackBatch{}
	s.mu.Unlock()
	if s.opts.Log == nil {
		return
	}
	for user, b := range batches {
		if err := s.opts.Log.AckBy(user, b.ids, b.until); err != nil {
			s.opts.Logf("events: acknowledgement of %s not written: %v", cmp.Or(user, "the dashboard"), err)
		}
	}
}

// Close writes what was published and acknowledged, and ends the writer,
// waiting at most until ctx ends. What is published after is dropped.
func (s *EventStream) Close(ctx context.Context) {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.stopOnce.Do(func() { close(s.stop) })
	select {
	case <-s.done:
	case <-ctx.Done():
	}
}

var _ Hub = (*EventStream)(nil)
