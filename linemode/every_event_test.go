package linemode

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/internal/fakeclock"
	"github.com/pixee/pixee-tui/monitor"
)

// heardFrom is where the line mode hears each kind of event the monitor
// can raise. A kind added to monitor.EventKinds without a way here to
// hear it fails TestEveryEventKindIsSaid: wire its source into the
// session, then name it here.
var heardFrom = map[monitor.EventKind]string{
	monitor.TurnedError: "a read's changes", monitor.Recovered: "a read's changes", monitor.Paused: "a read's changes",
	monitor.Resumed: "a read's changes", monitor.Appeared: "a read's changes", monitor.Disappeared: "a read's changes",
	monitor.ErrorChanged: "a detail", monitor.ErrorCleared: "a detail",
	monitor.Stuck:       "the stuck watch",
	monitor.SyncDrained: "the followed sync", monitor.SyncFailed: "the followed sync", monitor.SyncLost: "the followed sync",
	monitor.SyncSent:   "a sync sent (team: the hub)",
	monitor.KeyRefused: "the health watch", monitor.KeyAccepted: "the health watch",
	monitor.APIDown: "the health watch", monitor.APIUp: "the health watch",
	monitor.TurnedLate: "the past watches (pastEvents)", monitor.LateRecovered: "the past watches (pastEvents)",
	monitor.SlowRun: "the past watches (pastEvents)", monitor.SmallRun: "the past watches (pastEvents)",
	monitor.NotifyFailed: "the notifier's reports (hearReports)",
}

// Every kind of event the monitor can raise has a way into the line mode,
// and is said when it comes: in its own line, or in the alert's line with
// the bell for a bad one.
func TestEveryEventKindIsSaid(t *testing.T) {
	now := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	for _, k := range monitor.EventKinds() {
		if heardFrom[k] == "" {
			t.Errorf("event kind %s: the line mode has no way to hear it", k)
		}
		out := &syncBuffer{}
		s := newSession(context.Background(), Options{Out: out, Bell: true, Now: func() time.Time { return now },
			After: func(time.Duration, func()) {}})
		e := monitor.Event{Time: now, Kind: k, ConnectorID: "c1", Name: "Harbor Hardware", Before: "before", After: "after"}
		s.announce([]monitor.Event{e})
		s.flushAlerts()
		if !strings.Contains(out.String(), e.Text()) {
			t.Errorf("event kind %s: said %q, want its words %q", k, out.String(), e.Text())
		}
		if k.Bad() && !strings.Contains(out.String(), "\a") {
			t.Errorf("event kind %s is bad and did not ring: %q", k, out.String())
		}
	}
}

// reportingNotifier keeps the function the line mode asked to hear its
// failed deliveries through.
type reportingNotifier struct {
	mu     sync.Mutex
	report func([]monitor.Event)
}

func (n *reportingNotifier) Notify([]monitor.Event) {}

func (n *reportingNotifier) ReportTo(f func([]monitor.Event)) {
	n.mu.Lock()
	n.report = f
	n.mu.Unlock()
}

func (n *reportingNotifier) reporter() func([]monitor.Event) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.report
}

// A message to the team's tools that could not be delivered is said as it
// happens, as every other event is, and kept in the account's events.
func TestNotifyFailureIsSaidLive(t *testing.T) {
	n := &reportingNotifier{}
	p := start(t, setup{sandbox: sandbox.Options{Seed: 5, Connectors: 4, ReadLimit: -1},
		opts: func(o *Options) { o.Account.Notify = n }})
	p.wait("Type list for the connectors")
	report := n.reporter()
	if report == nil {
		t.Fatal("the line mode does not hear the notifier's reports")
	}
	report([]monitor.Event{{ID: "n1", Time: time.Now(), Kind: monitor.NotifyFailed, Before: "slack", After: "HTTP 500"}})
	line := p.wait("a notification to slack could not be delivered: HTTP 500")
	if !regexp.MustCompile(`^\d\d:\d\d a notification to slack`).MatchString(line) {
		t.Errorf("the line is %q, want it to start with its time", line)
	}
	p.typeLine("events")
	p.wait("newest first:")
	p.wait("a notification to slack")
}

// A connector past its usual interval is said when time alone makes it
// late, as the dashboard shows it: the line mode runs the monitor's
// lateness watch and arms its moment.
func TestLatenessIsSaidWhenTimeAloneMakesItLate(t *testing.T) {
	clock := fakeclock.New(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	var timers []func()
	p := start(t, setup{
		sandbox: sandbox.Options{ReadLimit: -1, Now: clock.Now},
		opts: func(o *Options) {
			o.Now = clock.Now
			o.After = func(d time.Duration, f func()) {
				mu.Lock()
				timers = append(timers, f)
				mu.Unlock()
			}
		},
	})
	p.wait("Type list for the connectors")
	p.typeLine("list")
	p.wait("1. ")
	p.typeLine("show 1")
	p.wait("Latest jobs on the server")
	clock.Advance(50 * time.Hour) // well past its daily interval: the sandbox runs nothing on schedule
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(p.out.String(), "Atlas Outdoor DE is late: last sync") {
		if time.Now().After(deadline) {
			t.Fatalf("never said late:\n%s", tail(p.out.String(), 2000))
		}
		mu.Lock()
		fire := timers
		timers = nil
		mu.Unlock()
		for _, f := range fire {
			f()
		}
		time.Sleep(5 * time.Millisecond)
	}
}
