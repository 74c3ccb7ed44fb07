package ui

import (
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
)

// Against a server without connector jobs, a sync the dashboard sees start
// and drain is kept in the account's runs log as one observed run, with
// what it pushed and how long it took, so the next start remembers it.
func TestADrainSeenHereIsKeptAsAnObservedRun(t *testing.T) {
	s := newScripted(1)
	synced, pending := 1000, 0
	s.detail = func(id string) (*api.ConnectorDetail, error) {
		return &api.ConnectorDetail{Connector: s.items[0], SyncStats: api.SyncStats{ProductsSynced: synced, ProductsPending: pending}}, nil
	}
	s.sync = func() (*api.SyncResult, error) {
		pending = 200
		return &api.SyncResult{SyncID: "s1", Status: "queued", ProductsQueued: 200}, nil
	}
	clock := newFakeClock()
	o := testOptions(s, clock)
	o.History = testHistory(t)
	runs, _, err := history.OpenRuns(t.TempDir(), history.Limits{}, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	o.Runs = runs
	d := newDriver(t, o, clock, 160, 48)
	d.Advance(time.Second)
	d.Key("S", "y")
	d.Advance(3 * time.Second)
	synced, pending = 1100, 100
	d.Advance(3 * time.Second)
	synced, pending = 1200, 0
	d.Advance(5 * time.Second)

	kept, _, err := runs.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 1 {
		t.Fatalf("the runs log holds %d runs, want the one observed: %+v", len(kept), kept)
	}
	r := kept[0]
	if !r.Observed || r.PushedUnknown || r.Pushed != 200 || r.Duration <= 0 {
		t.Errorf("kept run %+v, want an observed run that pushed 200 with a duration", r)
	}

	// The next start reads the log back into its monitor.
	o2 := testOptions(newScripted(1), clock)
	o2.History = o.History
	o2.Runs = runs
	d2 := newDriver(t, o2, clock, 160, 48)
	d2.Advance(time.Second)
	back, observed := d2.m.mon.Store().Runs(s.items[0].ID)
	if len(back) != 1 || !observed || back[0].Pushed != 200 {
		t.Errorf("after a restart the monitor holds %+v (observed %v), want the kept run", back, observed)
	}
}
