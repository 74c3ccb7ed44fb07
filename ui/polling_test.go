package ui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// Asking again while a request is out queues one more, never a second
// request in flight for the same target.
func TestAtMostOneRequestInFlightPerTarget(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.sb.ResetStats()
	held := f.stepKeys("r")
	held = append(held, f.stepKeys("r", "r")...)
	held = append(held, f.advanceHeld(2*time.Minute)...) // timers due meanwhile
	if l, g := f.count(sbList), f.count(sbGet); l != 1 || g != 1 {
		t.Fatalf("in flight: %d list and %d detail requests, want 1 and 1", l, g)
	}
	if n := f.m.mon.InFlight(); n != 2 {
		t.Fatalf("model counts %d in flight, want 2", n)
	}
	f.has("2 in flight")
	// Each answer releases the one queued behind it, and only one.
	var next []tea.Msg
	for _, m := range held {
		next = append(next, f.step(m)...)
	}
	if countHeld[pageMsg](next) != 1 || countHeld[detailMsg](next) != 1 {
		t.Fatalf("after the answers: %v, want one page and one detail request", next)
	}
	for _, m := range next {
		if more := f.step(m); len(more) != 0 {
			t.Fatalf("a queued request was sent twice: %v", more)
		}
	}
	if l, g := f.count(sbList), f.count(sbGet); l != 2 || g != 2 {
		t.Fatalf("%d list and %d detail requests in all, want 2 and 2", l, g)
	}
	f.lacks("in flight")
}

// After a sync the detail polls at the fast rate and shows pending draining
// to zero; once that is over it goes back to the idle rate.
func TestDetailRefreshesFastAfterASyncUntilPendingDrains(t *testing.T) {
	f := startSettled(t, 160, 48)
	before := f.m.detail.Data().SyncStats.ProductsSynced
	f.Key("s")
	f.Type(twoEANs)
	f.Key("ctrl+s", "y", "enter")
	f.has("pending    2 products", "every 2s")
	f.sb.ResetStats()
	f.Advance(10 * time.Second)
	if n := f.count(sbGet); n != 5 {
		t.Fatalf("%d detail requests in the 10 s after a sync, want 5 (every 2 s)", n)
	}
	f.has("pending    0 products")
	if got := f.m.detail.Data().SyncStats.ProductsSynced; got != before+2 {
		t.Fatalf("synced %d, want %d", got, before+2)
	}
	f.Advance(30 * time.Second) // the fast window is over, nothing pending
	f.lacks("every 2s")
	f.sb.ResetStats()
	f.Advance(30 * time.Second)
	if n := f.count(sbGet); n != 3 {
		t.Fatalf("%d detail requests in 30 idle seconds, want 3 (every 10 s)", n)
	}
}

func TestRefreshKeyFetchesNow(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.sb.ResetStats()
	f.Key("r")
	if l, g := f.count(sbList), f.count(sbGet); l != 1 || g != 1 {
		t.Fatalf("r sent %d list and %d detail requests, want 1 and 1", l, g)
	}
}

func TestListRefreshesEveryThirtySeconds(t *testing.T) {
	f := startSettled(t, 160, 48) // the page arrived at the epoch, one second ago
	f.sb.ResetStats()
	f.Advance(28 * time.Second)
	if n := f.count(sbList); n != 0 {
		t.Fatalf("%d list requests before 30 s", n)
	}
	f.Advance(time.Second)
	if n := f.count(sbList); n != 1 {
		t.Fatalf("%d list requests at 30 s, want 1", n)
	}
}
