package ui

import (
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// fakeHub is an shared.Hub that keeps what it is given.
type fakeHub struct {
	mu        sync.Mutex
	published []monitor.Event
	acked     []string
	until     time.Time
}

func (h *fakeHub) Publish(evs []monitor.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.published = append(h.published, evs...)
}

func (h *fakeHub) Acknowledge(ids []string, until time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.acked, h.until = append(h.acked, ids...), until
}

// With a hub, what a session sees goes to the hub, not to its own feed:
// it shows what the hub hands back, and its acknowledgements go to the
// hub, which records them; another session's acknowledgement clears the
// event here.
func TestTeamSessionGoesThroughTheHub(t *testing.T) {
	hub := &fakeHub{}
	f := startOn(t, sandbox.Options{}, func(o *Options) { o.Hub = hub })
	f.sb.SetStatus(f.ids[0], "error")
	f.Advance(15 * time.Second)
	hub.mu.Lock()
	seen := append([]monitor.Event(nil), hub.published...)
	hub.mu.Unlock()
	if len(seen) == 0 || seen[0].Kind != monitor.TurnedError {
		t.Fatalf("published %+v, want the turn to error", seen)
	}
	f.lacks("⚑") // not kept until the hub hands it back
	f.Send(shared.Events{Events: seen[:1]})
	f.has("⚑ 1 new · E")
	f.Key("E")
	f.Key("a")
	hub.mu.Lock()
	acked := append([]string(nil), hub.acked...)
	hub.mu.Unlock()
	if len(acked) != 1 || acked[0] != seen[0].ID {
		t.Fatalf("acknowledged %v, want %s", acked, seen[0].ID)
	}
	f.Key("esc")

	g := startOn(t, sandbox.Options{}, func(o *Options) { o.Hub = &fakeHub{} })
	g.Send(shared.Events{Events: seen[:1]})
	g.has("⚑ 1 new · E")
	g.Send(shared.Acks{IDs: []string{seen[0].ID}})
	g.lacks("⚑")
}

type fleetOf struct{ v *monitor.FleetView }

func (f fleetOf) Fleet() *monitor.FleetView { return f.v }

// On a team server's shared index a session folds the account's rows only
// while a filter or a sort uses them, and lets them go after: fifty idle
// sessions do not each hold the account.
func TestSharedIndexRowsBuiltOnlyWhenUsed(t *testing.T) {
	src := startOn(t, sandbox.Options{}, func(o *Options) { o.NoIndex = false })
	src.Advance(3 * time.Minute) // its crawl indexes the account
	view := src.m.mon.PublishFleet()
	f := startOn(t, sandbox.Options{}, func(o *Options) { o.Fleet = fleetOf{view} })
	f.Advance(time.Minute)
	if f.m.fleet.built || len(f.m.fleet.all) != 0 {
		t.Fatalf("rows built with no filter: %d", len(f.m.fleet.all))
	}
	f.has("index 137/137")
	f.Key("/")
	f.Type("shop")
	f.has(" of 137")
	if !f.m.fleet.built || len(f.m.fleet.all) != 137 {
		t.Fatalf("filtering: %d rows built, want 137", len(f.m.fleet.all))
	}
	f.Key("esc")
	f.Key("esc")
	if f.m.fleet.active() {
		t.Fatal("the filter is still on")
	}
	if f.m.fleet.built || len(f.m.fleet.all) != 0 {
		t.Fatalf("rows kept after the filter ended: %d", len(f.m.fleet.all))
	}
}
