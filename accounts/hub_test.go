package accounts

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// A dashboard's account stream is the team server's (shared.EventStream,
// whose tests cover what is the same change): the watch and the parked
// monitor reporting one error hand it on once, and a sync the dashboard
// sent is news to nobody.
func TestTheDashboardsStreamKeepsEachChangeOnceAndNoSyncSent(t *testing.T) {
	var kept []string
	h := newHub("globex", shared.Account{}, t.Logf, func(evs []monitor.Event) {
		for _, e := range evs {
			kept = append(kept, e.ConnectorID+" "+string(e.Kind))
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	defer h.writeLoop(ctx)
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	ev := func(k monitor.EventKind, before, after string, at time.Duration) monitor.Event {
		return monitor.Event{Kind: k, ConnectorID: "c1", Before: before, After: after, Time: t0.Add(at)}
	}
	h.Publish([]monitor.Event{ev(monitor.TurnedError, "active", "error", 0)})                // the watch
	h.Publish([]monitor.Event{ev(monitor.TurnedError, "syncing", "error", 3*time.Hour)})     // the dashboard, parked for hours
	h.Publish([]monitor.Event{ev(monitor.SyncSent, "me", "the whole catalog", 3*time.Hour)}) // no other session to tell
	h.Publish([]monitor.Event{ev(monitor.Recovered, "error", "active", 4*time.Hour)})
	if got, want := strings.Join(kept, ","), "c1 turned_error,c1 recovered"; got != want {
		t.Fatalf("handed on %s, want %s", got, want)
	}
}
