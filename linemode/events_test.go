package linemode

import (
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
)

// What changes on the account is said as it happens, each event one line
// starting with its time; bad events ring the bell and, after the first,
// wait and are said together in one line, as the dashboard's alerts are. A
// name the server made hostile (escapes, a line break, box drawing,
// braille) cannot break a line or reach the terminal.
func TestEachEventIsOneLineAsItHappens(t *testing.T) {
	var id []string
	p := start(t, setup{
		sandbox: sandbox.Options{Seed: 5, Connectors: 8, ReadLimit: -1, SyncFailureRate: -1},
		before: func(sb *sandbox.Server) {
			id = sb.IDs()
			for _, c := range id {
				sb.SetStatus(c, "active")
				sb.SetLastError(c, nil)
			}
			sb.SetName(id[0], "Evil\x1b[2J\x1b]0;owned\x07 ┌─┐ ⠋ Shop\nSecond line")
		},
		opts: func(o *Options) { o.ListRefresh = 100 * time.Millisecond; o.AlertWindow = 500 * time.Millisecond },
	})
	p.wait("Type list for the connectors")
	p.typeLine("list")
	p.wait("8 connectors")

	msg := "missing price"
	p.sb.SetStatus(id[0], "error")
	p.sb.SetLastError(id[0], &msg)
	line := p.wait("turned to error")
	if !regexp.MustCompile(`^\d\d:\d\d Evil.*Shop.*Second line turned to error`).MatchString(line) {
		t.Errorf("the event's line is %q, want its time, the name on one line, and what happened", line)
	}
	if !strings.HasSuffix(line, "\a") {
		t.Errorf("the first bad event did not ring: %q", line)
	}
	for _, c := range id[1:4] {
		p.sb.SetStatus(c, "error")
	}
	line = p.wait("3 connectors turned to error")
	if !regexp.MustCompile(`^\d\d:\d\d 3 connectors turned to error\a$`).MatchString(line) {
		t.Errorf("three bad events in a window are %q, want one line with one bell", line)
	}
	p.sb.SetStatus(id[0], "active")
	p.sb.SetLastError(id[0], nil)
	line = p.wait(" recovered")
	if !regexp.MustCompile(`^\d\d:\d\d Evil.*Second line recovered`).MatchString(line) {
		t.Errorf("the recovery is %q, want one line", line)
	}
	out := p.out.String()
	p.typeLine("events")
	p.wait("newest first:")
	p.wait("Evil")
	p.typeLine("quit")
	p.wait("Goodbye.")
	if got := linesWith(out, "turned to error"); len(got) != 2 {
		t.Errorf("%d lines say turned to error, want the first and the coalesced one:\n%s", len(got)-0, strings.Join(got, "\n"))
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "Second line") {
			t.Errorf("a name broke a line: %q", l)
		}
	}
	assertPlain(t, p.out.String())
}

// notifier records what the line mode hands the team's tools.
type notifier struct {
	mu   sync.Mutex
	evs  []monitor.Event
	sent chan struct{}
}

func (n *notifier) Notify(evs []monitor.Event) {
	n.mu.Lock()
	n.evs = append(n.evs, evs...)
	n.mu.Unlock()
	select {
	case n.sent <- struct{}{}:
	default:
	}
}

func (n *notifier) ReportTo(func([]monitor.Event)) {}

// With notify: in the config, the line mode hands its events to the team's
// tools as the dashboard does: a connector turning to error is notified.
func TestEventsAreNotifiedAsTheDashboardsAre(t *testing.T) {
	var id []string
	n := &notifier{sent: make(chan struct{}, 1)}
	p := start(t, setup{
		sandbox: sandbox.Options{Seed: 5, Connectors: 4, ReadLimit: -1, SyncFailureRate: -1},
		before: func(sb *sandbox.Server) {
			id = sb.IDs()
			for _, c := range id {
				sb.SetStatus(c, "active")
			}
		},
		opts: func(o *Options) { o.ListRefresh = 100 * time.Millisecond; o.Account.Notify = n },
	})
	p.wait("Type list for the connectors")
	p.sb.SetStatus(id[1], "error")
	p.wait("turned to error")
	n.mu.Lock()
	defer n.mu.Unlock()
	found := false
	for _, e := range n.evs {
		found = found || (e.Kind == monitor.TurnedError && e.ConnectorID == id[1])
	}
	if !found {
		t.Errorf("notified %+v, want the turn to error", n.evs)
	}
}
