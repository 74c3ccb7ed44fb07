package ui

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// syncBuffer is the terminal the bell is written to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func startWithEvents(t *testing.T, dir string, alerts AlertOptions) (*uiFixture, *syncBuffer, *history.EventLog) {
	t.Helper()
	term := &syncBuffer{}
	var log *history.EventLog
	f := startOn(t, sandbox.Options{}, func(o *Options) {
		l, _, err := history.OpenEvents(dir, history.Limits{}, o.Now)
		if err != nil {
			t.Fatal(err)
		}
		log, o.Events, o.Terminal, o.Alerts = l, l, term, alerts
	})
	return f, term, log
}

// A connector turning to error rings once, shows in the header and in E;
// a acknowledges it, and a restart knows what is new since.
func TestTurnToErrorRingsAndIsListed(t *testing.T) {
	dir := t.TempDir()
	f, term, _ := startWithEvents(t, dir, AlertOptions{Bell: true})
	// Ten minutes of polling with nothing changing. Not an hour: the
	// sandbox's connectors stop syncing on schedule at its start, and the
	// selected one, hourly and last synced at 10:11, turns late at 12:11
	// (its jobs teach the interval): that would be a change, and ring.
	f.Advance(10 * time.Minute)
	if strings.Contains(term.String(), "\a") {
		t.Fatal("the bell rang while nothing changed")
	}
	f.lacks("⚑")
	f.sb.SetStatus(f.ids[0], "error") // the selected connector
	f.Advance(15 * time.Second)       // its next detail refresh
	if n := strings.Count(term.String(), "\a"); n != 1 {
		t.Fatalf("the bell rang %d times, want once", n)
	}
	f.has("⚑ 1 new · E")
	f.Key("E")
	f.has("Events · 1 unacknowledged of 1", "turned_error", firstConnectorName+" turned to error")
	f.Key("a")
	f.has("Events · 0 unacknowledged of 1")
	f.Key("esc")
	f.lacks("⚑")

	f.sb.SetStatus(f.ids[0], "active")
	f.Advance(15 * time.Second)
	if n := strings.Count(term.String(), "\a"); n != 1 {
		t.Errorf("a recovery rang the bell (%d rings)", n)
	}
	// The next shift: a fresh dashboard on the same event log.
	g, _, _ := startWithEvents(t, dir, AlertOptions{Bell: true})
	g.Key("E")
	g.has("1 unacknowledged of 2", "since you last looked: 1 new", "recovered")
	g.Key("A")
	g.has("0 unacknowledged of 2")
}

// Forty connectors failing in one answer give one alert, not forty.
func TestManyFailuresCoalesceIntoOneAlert(t *testing.T) {
	f, term, _ := startWithEvents(t, t.TempDir(), AlertOptions{Bell: true, Desktop: true})
	turning := 0
	for _, c := range f.m.list.items[:40] {
		if c.Status != "error" {
			turning++
		}
		f.sb.SetStatus(c.ID, "error")
	}
	f.Key("r")
	f.Advance(2 * time.Second)
	out := term.String()
	if n := strings.Count(out, "\x1b]9;"); n != 1 {
		t.Fatalf("%d alerts for one page answer, want 1: %q", n, out)
	}
	if !strings.Contains(out, fmt.Sprintf("\x1b]9;pixee-tui: %d connectors turned to error\a", turning)) {
		t.Fatalf("no coalesced desktop notification in %q", out)
	}
	// Muted: the next failures ring nothing.
	f.Key("E", "M", "esc")
	for _, id := range f.ids[:40] {
		f.sb.SetStatus(id, "active")
	}
	f.Key("r")
	f.Advance(2 * time.Second)
	for _, id := range f.ids[:40] {
		f.sb.SetStatus(id, "error")
	}
	before := strings.Count(term.String(), "\x1b]9;")
	f.Advance(2 * time.Minute)
	if after := strings.Count(term.String(), "\x1b]9;"); after != before {
		t.Errorf("muted account rang %d more times", after-before)
	}
}

// A flapping fleet for a minute (hundreds of events a second) keeps a
// session's memory bounded: the feed holds the newest events, at most as
// many as the log keeps, and the count in the header follows.
func TestFlappingFleetKeepsTheFeedBounded(t *testing.T) {
	dir := t.TempDir()
	f, _, _ := startWithEvents(t, dir, AlertOptions{})
	var newest string
	for tick := range 600 { // a minute, every 100 ms
		batch := make([]monitor.Event, 30)
		for i := range batch {
			newest = fmt.Sprintf("e%d-%d", tick, i)
			batch[i] = monitor.Event{ID: newest, Time: f.clock.Now(), ConnectorID: fmt.Sprintf("c%04d", (tick*30+i)%5000), Kind: monitor.TurnedError}
		}
		f.Send(shared.Events{Events: batch})
		f.clock.Advance(100 * time.Millisecond)
	}
	if n := len(f.m.feed.events); n != history.MaxEventsKept {
		t.Errorf("the feed holds %d events, want the newest %d", n, history.MaxEventsKept)
	}
	if f.m.feed.events[0].ID != newest {
		t.Errorf("the newest event is %s, want %s", f.m.feed.events[0].ID, newest)
	}
	f.has(fmt.Sprintf("⚑ %d new", history.MaxEventsKept))
}
