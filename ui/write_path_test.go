package ui

import (
	"errors"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
)

// A whole-catalog sync, then the server restarts: its queue is gone and
// products_synced went down. Pending at 0 is not "drained": the events and
// the history say the outcome is unknown.
func TestASyncTheServerLostTrackOfIsUnknownNotDrained(t *testing.T) {
	s := newScripted(1)
	synced, pending := 1472, 0
	s.detail = func(id string) (*api.ConnectorDetail, error) {
		return &api.ConnectorDetail{Connector: s.items[0], SyncStats: api.SyncStats{ProductsSynced: synced, ProductsPending: pending}}, nil
	}
	s.sync = func() (*api.SyncResult, error) {
		pending = 1250
		return &api.SyncResult{SyncID: "s1", Status: "queued", ProductsQueued: 1250}, nil
	}
	clock := newFakeClock()
	o := testOptions(s, clock)
	o.History = testHistory(t)
	d := newDriver(t, o, clock, 160, 48)
	d.Advance(time.Second)
	d.Key("S", "y")
	d.Advance(3 * time.Second)
	synced, pending = 1250, 0 // restarted: counts reset
	d.Advance(5 * time.Second)

	acts, _, err := o.History.Actions()
	if err != nil || len(acts) != 1 {
		t.Fatalf("history %+v, %v", acts, err)
	}
	if acts[0].Outcome != history.OutcomeUnknown {
		t.Errorf("recorded %q (%s), want %q", acts[0].Outcome, acts[0].Answer, history.OutcomeUnknown)
	}
	d.Key("E")
	mustShow(t, d, "outcome unknown", "lost track")
	mustNotShow(t, d, "drained")
	d.Key("esc", "H")
	mustShow(t, d, "outcome unknown")
	mustNotShow(t, d, "drained")
}

// With no history (the state folder is unwritable), a sync and a test are
// not sent, and the status bar says so and why.
func TestAWriteWithoutAHistoryIsNotSent(t *testing.T) {
	s := newScripted(1)
	s.sync = func() (*api.SyncResult, error) {
		return &api.SyncResult{SyncID: "s1", Status: "queued", ProductsQueued: 1}, nil
	}
	clock := newFakeClock()
	o := testOptions(s, clock)
	o.HistoryErr = errors.New("mkdir /state: permission denied")
	d := newDriverNoHistory(t, o, clock, 160, 48)
	d.Advance(time.Second)
	mustShow(t, d, "syncs and tests will not be sent")
	d.Advance(10 * time.Second) // the start's warning fades
	d.Key("S", "y")
	mustShow(t, d, "not sent", "permission denied")
	d.Advance(10 * time.Second)
	d.Key("t")
	mustShow(t, d, "not sent", "permission denied")
	if s.posts != 0 {
		t.Errorf("%d POSTs sent without a history", s.posts)
	}
}

// The events view's kind filter offers every kind of event there is,
// key_accepted and sync_lost among them.
func TestTheEventsKindFilterOffersEveryKind(t *testing.T) {
	clock := newFakeClock()
	d := newDriver(t, testOptions(newScripted(1), clock), clock, 160, 48)
	d.Key("E")
	seen := map[monitor.EventKind]bool{}
	for range 40 {
		d.Key("f")
		seen[d.m.screens.top().(*eventsView).kind] = true
	}
	for _, k := range monitor.EventKinds() {
		if !seen[k] {
			t.Errorf("the kind filter never offers %s", k)
		}
	}
	if !seen[monitor.KeyAccepted] {
		t.Error("no key_accepted")
	}
}
