package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/internal/fakeclock"
	"github.com/pixee/pixee-tui/monitor"
)

var t0 = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

// testClock is the fake clock with timers that fire when the test moves
// it, and sleeps that return at once (recorded, so backoff is checked
// without being waited).
type testClock struct {
	*fakeclock.Clock
	mu     sync.Mutex
	timers []*testTimer
	sleeps []time.Duration
}

type testTimer struct {
	at      time.Time
	f       func()
	stopped bool
}

func newTestClock() *testClock { return &testClock{Clock: fakeclock.New(t0)} }

func (c *testClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	tm := &testTimer{at: c.Now().Add(d), f: f}
	c.timers = append(c.timers, tm)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		was := !tm.stopped
		tm.stopped = true
		return was
	}
}

// Advance moves the time and runs the timers due, in this goroutine.
func (c *testClock) Advance(d time.Duration) {
	c.Clock.Advance(d)
	c.mu.Lock()
	var due []*testTimer
	keep := c.timers[:0]
	for _, tm := range c.timers {
		switch {
		case tm.stopped:
		case !tm.at.After(c.Now()):
			due = append(due, tm)
		default:
			keep = append(keep, tm)
		}
	}
	c.timers = keep
	c.mu.Unlock()
	for _, tm := range due {
		tm.f()
	}
}

func (c *testClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *testClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// receiver is a local webhook receiver: it keeps every request and answers
// what answer says (200 when nil).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(n int) int
}

type received struct {
	body   []byte
	header http.Header
}

func newReceiver(t *testing.T, answer func(n int) int) *receiver {
	r := &receiver{answer: answer}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{body: b, header: req.Header.Clone()})
		n := len(r.got)
		r.mu.Unlock()
		status := 200
		if r.answer != nil {
			status = r.answer(n)
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// waitFor waits, bounded, until cond holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10s for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type fixture struct {
	n       *Notifier
	clock   *testClock
	dir     string
	logs    *logLines
	reports *reports
}

type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logLines) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

type reports struct {
	mu  sync.Mutex
	evs []monitor.Event
}

func (r *reports) add(evs []monitor.Event) {
	r.mu.Lock()
	r.evs = append(r.evs, evs...)
	r.mu.Unlock()
}

func (r *reports) list() []monitor.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.evs)
}

func start(t *testing.T, edit func(*Options), targets ...config.NotifyTarget) *fixture {
	t.Helper()
	f := &fixture{clock: newTestClock(), dir: t.TempDir(), logs: &logLines{}, reports: &reports{}}
	o := Options{Targets: targets, Dir: f.dir, Clock: f.clock, Logf: f.logs.logf}
	if edit != nil {
		edit(&o)
	}
	n, _, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	f.n = n
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		n.Close(ctx)
	})
	return f
}

func (f *fixture) account(id string) *Account {
	a := f.n.Account(id)
	a.ReportTo(f.reports.add)
	return a
}

func (f *fixture) deliveries(t *testing.T, target string) []history.Delivery {
	t.Helper()
	l, _, err := history.OpenDeliveries(f.dir, target, history.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := l.Load()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func outcomes(ds []history.Delivery) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Outcome)
	}
	return strings.Join(out, ",")
}

func decode(t *testing.T, b []byte) jsonBody {
	t.Helper()
	var body jsonBody
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return body
}

func turned(id, name string, at time.Time) monitor.Event {
	return monitor.Event{ID: monitor.NewEventID(), Time: at, ConnectorID: id, Name: name, Platform: "shopify",
		Kind: monitor.TurnedError, Before: "active", After: "error"}
}
