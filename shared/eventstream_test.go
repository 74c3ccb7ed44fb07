package shared

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
)

var streamT0 = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

// inbox is a subscriber that keeps what it is handed.
type inbox struct {
	mu   sync.Mutex
	msgs []any
}

func (b *inbox) Offer(msg any) {
	b.mu.Lock()
	b.msgs = append(b.msgs, msg)
	b.mu.Unlock()
}

// kept is the events handed so far, "connector kind" each, and forgets them.
func (b *inbox) kept(t *testing.T, account int) []string {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, m := range b.msgs {
		evs, ok := m.(Events)
		if !ok {
			continue
		}
		if evs.Account != account {
			t.Fatalf("events handed for account %d, want %d", evs.Account, account)
		}
		for _, e := range evs.Events {
			out = append(out, e.ConnectorID+" "+string(e.Kind))
		}
	}
	b.msgs = nil
	return out
}

func ev(k monitor.EventKind, id, before, after string, at time.Duration) monitor.Event {
	return monitor.Event{ID: monitor.NewEventID(), Kind: k, ConnectorID: id, Before: before, After: after, Time: streamT0.Add(at)}
}

func newTestStream(t *testing.T, o StreamOptions) *EventStream {
	t.Helper()
	o.Logf = t.Logf
	s := NewEventStream(o)
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// The account's stream keeps each change once, whichever source saw it
// and however late another reports it: two pollers (a dashboard's watch
// and its monitor, or two sessions of a team server) reporting one error
// is one event; a connector that errs, clears and errs again within
// minutes is two; a source that was parked for hours and reports what is
// over adds nothing.
func TestTheStreamKeepsEachChangeOnce(t *testing.T) {
	s := newTestStream(t, StreamOptions{Account: 2})
	a, b := &inbox{}, &inbox{}
	s.Subscribe(a)
	s.Subscribe(b)
	pub := func(e monitor.Event) { s.Publish([]monitor.Event{e}) }
	pub(ev(monitor.TurnedError, "c1", "active", "error", 0))                          // the first poller
	pub(ev(monitor.TurnedError, "c1", "syncing", "error", 2*time.Second))             // the second, from its own answer
	pub(ev(monitor.TurnedError, "c1", "active", "error", 3*time.Hour))                // a source parked for hours
	pub(ev(monitor.TurnedError, "c2", "active", "error", 3*time.Hour))                // another connector
	pub(ev(monitor.Recovered, "c1", "error", "active", 3*time.Hour+time.Minute))      // it clears
	pub(ev(monitor.Recovered, "c1", "error", "active", 3*time.Hour+time.Minute))      // seen again by the other
	pub(ev(monitor.TurnedError, "c1", "active", "error", 3*time.Hour+30*time.Second)) // a source behind reports the error that is over
	pub(ev(monitor.TurnedError, "c1", "active", "error", 3*time.Hour+3*time.Minute))  // it errs again, minutes later: news
	pub(ev(monitor.TurnedError, "c1", "active", "error", 3*time.Hour+3*time.Minute))  // … which the other poller saw too
	want := "c1 turned_error,c2 turned_error,c1 recovered,c1 turned_error"
	for name, in := range map[string]*inbox{"a": a, "b": b} {
		if got := strings.Join(in.kept(t, 2), ","); got != want {
			t.Fatalf("subscriber %s was handed %s, want %s", name, got, want)
		}
	}

	// An event of no pair is the same as its last while it says the
	// same, for ten minutes.
	pub(ev(monitor.ErrorChanged, "c2", "timeout", "refused", 4*time.Hour))
	pub(ev(monitor.ErrorChanged, "c2", "timeout", "refused", 4*time.Hour+time.Minute))
	pub(ev(monitor.ErrorChanged, "c2", "timeout", "refused", 4*time.Hour+11*time.Minute))
	// A sync's events are each one source's own: all kept.
	pub(ev(monitor.SyncDrained, "c1", "", "", 4*time.Hour))
	pub(ev(monitor.SyncDrained, "c1", "", "", 4*time.Hour))
	want = "c2 error_changed,c2 error_changed,c1 sync_drained,c1 sync_drained"
	if got := strings.Join(a.kept(t, 2), ","); got != want {
		t.Fatalf("handed %s, want %s", got, want)
	}

	// An acknowledgement reaches every subscriber; one unsubscribed gets
	// nothing more.
	s.AcknowledgeAs("alice", []string{"x1"}, time.Time{})
	for name, in := range map[string]*inbox{"a": a, "b": b} {
		in.mu.Lock()
		m, ok := in.msgs[len(in.msgs)-1].(Acks)
		in.mu.Unlock()
		if !ok || m.Account != 2 || len(m.IDs) != 1 || m.IDs[0] != "x1" {
			t.Fatalf("subscriber %s got %+v, want the acknowledgement of x1", name, m)
		}
	}
	s.Unsubscribe(b)
	b.kept(t, 2)
	pub(ev(monitor.Paused, "c3", "active", "paused", 5*time.Hour))
	if got := b.kept(t, 2); len(got) != 0 {
		t.Fatalf("an unsubscribed subscriber was handed %v", got)
	}
}

// The changes remembered are bounded: past the bound the oldest are
// forgotten, and the recent ones still keep repeats out. So are the
// unacknowledged events counted: as many as the log keeps.
func TestTheStreamRemembersABoundedNumberOfChanges(t *testing.T) {
	s := newTestStream(t, StreamOptions{})
	s.maxLast = 100
	in := &inbox{}
	s.Subscribe(in)
	n := history.MaxEventsKept + 2000
	for i := range n {
		s.Publish([]monitor.Event{ev(monitor.TurnedError, fmt.Sprint("c", i), "active", "error", time.Duration(i)*time.Second)})
	}
	s.mu.Lock()
	remembered, unacked := len(s.last), len(s.unacked)
	s.mu.Unlock()
	if remembered > 100 {
		t.Fatalf("%d changes remembered, want at most 100", remembered)
	}
	if got := s.Unacked(); got != history.MaxEventsKept || unacked > history.MaxEventsKept*5/4 {
		t.Fatalf("%d events published: %d unacknowledged (%d held), want %d", n, got, unacked, history.MaxEventsKept)
	}
	in.kept(t, 0)
	last := n - 1
	s.Publish([]monitor.Event{ev(monitor.TurnedError, fmt.Sprint("c", last), "syncing", "error", time.Duration(last+1)*time.Second)})
	if got := in.kept(t, 0); len(got) != 0 {
		t.Fatalf("a repeat of a recent change was handed again: %v", got)
	}
}

// The stream counts the account's events nobody acknowledged, for the
// home screens: those of the log at opening, those published since, less
// those acknowledged.
func TestTheStreamCountsTheUnacknowledged(t *testing.T) {
	s := newTestStream(t, StreamOptions{})
	at := streamT0
	s.Seed([]history.Seen{{Event: monitor.Event{ID: "old", Time: at}}, {Event: monitor.Event{ID: "done", Time: at}, Acked: true}})
	s.Publish([]monitor.Event{
		{ID: "a", Time: at.Add(time.Minute), Kind: monitor.TurnedError, ConnectorID: "c1"},
		{ID: "b", Time: at.Add(2 * time.Minute), Kind: monitor.TurnedError, ConnectorID: "c2"},
	})
	if n := s.Unacked(); n != 3 {
		t.Fatalf("%d unacknowledged, want 3 (one of the log, two published)", n)
	}
	s.AcknowledgeAs("alice", []string{"b"}, time.Time{})
	if n := s.Unacked(); n != 2 {
		t.Fatalf("%d unacknowledged after one was, want 2", n)
	}
	s.Acknowledge(nil, at.Add(time.Minute))
	if n := s.Unacked(); n != 0 {
		t.Fatalf("%d unacknowledged after all up to the last, want 0", n)
	}
}

// What the stream keeps is written to the account's log once, and the
// acknowledgements after the events they acknowledge; Close writes what
// is queued.
func TestTheStreamWritesTheLogOnce(t *testing.T) {
	dir := t.TempDir()
	log, _, err := history.OpenEvents(dir, history.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := NewEventStream(StreamOptions{Log: log, Logf: t.Logf})
	e := ev(monitor.TurnedError, "c1", "active", "error", 0)
	s.Publish([]monitor.Event{e})
	again := e
	again.ID = "other"
	s.Publish([]monitor.Event{again})
	s.Acknowledge([]string{e.ID}, time.Time{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.Close(ctx)
	s.Publish([]monitor.Event{ev(monitor.Recovered, "c1", "error", "active", time.Minute)}) // after Close: dropped
	data, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"op":"event"`) || !strings.Contains(lines[1], `"op":"ack"`) {
		t.Fatalf("the log holds %q, want the event once, then its acknowledgement", lines)
	}
	seen, _, err := log.Load()
	if err != nil || len(seen) != 1 || !seen[0].Acked {
		t.Fatalf("the log loads %+v (%v), want one event, acknowledged", seen, err)
	}
}
