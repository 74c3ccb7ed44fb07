package accounts

import (
	"testing"
	"time"

	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// The account's stream keeps each change once, whichever source saw it
// and however late the other one reports it, and keeps a connector's
// second fall into error after it recovered.
func TestTheAccountsStreamKeepsEachChangeOnce(t *testing.T) {
	var kept []monitor.Event
	h := newHub("globex", shared.Account{}, func(string, ...any) {}, func(evs []monitor.Event) { kept = append(kept, evs...) })
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	ev := func(k monitor.EventKind, id, before, after string, at time.Duration) monitor.Event {
		return monitor.Event{Kind: k, ConnectorID: id, Before: before, After: after, Time: t0.Add(at)}
	}
	h.Publish([]monitor.Event{ev(monitor.TurnedError, "c1", "active", "error", 0)})                // the watch
	h.Publish([]monitor.Event{ev(monitor.TurnedError, "c1", "syncing", "error", 3*time.Hour)})     // the dashboard, parked for hours
	h.Publish([]monitor.Event{ev(monitor.TurnedError, "c2", "active", "error", 3*time.Hour)})      // another connector
	h.Publish([]monitor.Event{ev(monitor.Recovered, "c1", "error", "active", 4*time.Hour)})        // recovered
	h.Publish([]monitor.Event{ev(monitor.Recovered, "c1", "error", "active", 4*time.Hour)})        // seen again by the other
	h.Publish([]monitor.Event{ev(monitor.TurnedError, "c1", "active", "error", 5*time.Hour)})      // a second fall: news
	h.Publish([]monitor.Event{ev(monitor.SyncSent, "c1", "me", "the whole catalog", 5*time.Hour)}) // no other session to tell
	h.Publish([]monitor.Event{ev(monitor.SyncDrained, "c1", "", "", 5*time.Hour)})                 // one source only: kept
	var got []string
	for _, e := range kept {
		got = append(got, e.ConnectorID+" "+string(e.Kind))
	}
	want := []string{"c1 turned_error", "c2 turned_error", "c1 recovered", "c1 turned_error", "c1 sync_drained"}
	if len(got) != len(want) {
		t.Fatalf("kept %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("kept %q, want %q", got, want)
		}
	}
}
