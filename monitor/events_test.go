package monitor

import (
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
)

var tEv = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

func evConn(id, status string) api.Connector {
	return api.Connector{ID: id, Name: "Shop " + id, Status: status}
}

func TestEventsOfChanges(t *testing.T) {
	tests := []struct {
		name   string
		change Change
		fresh  bool
		want   EventKind // "" = none
	}{
		{"to error", Change{ID: "a", Kind: Updated, Before: evConn("a", "active"), After: evConn("a", "error")}, false, TurnedError},
		{"recovered", Change{ID: "a", Kind: Updated, Before: evConn("a", "error"), After: evConn("a", "active")}, false, Recovered},
		{"paused", Change{ID: "a", Kind: Updated, Before: evConn("a", "active"), After: evConn("a", "paused")}, false, Paused},
		{"resumed", Change{ID: "a", Kind: Updated, Before: evConn("a", "paused"), After: evConn("a", "active")}, false, Resumed},
		{"error to paused is no longer error", Change{ID: "a", Kind: Updated, Before: evConn("a", "error"), After: evConn("a", "paused")}, false, Recovered},
		{"active to syncing_v2: nothing", Change{ID: "a", Kind: Updated, Before: evConn("a", "active"), After: evConn("a", "syncing_v2")}, false, ""},
		{"renamed: nothing", Change{ID: "a", Kind: Updated, Before: evConn("a", "active"), After: api.Connector{ID: "a", Name: "New", Status: "active"}}, false, ""},
		{"first sight of a page: nothing", Change{ID: "b", Kind: Added, After: evConn("b", "active")}, false, ""},
		{"new on a refresh", Change{ID: "b", Kind: Added, After: evConn("b", "active")}, true, Appeared},
		{"removed", Change{ID: "c", Kind: Removed, Before: evConn("c", "active")}, false, Disappeared},
	}
	for _, tt := range tests {
		evs := EventsOfChanges(tEv, []Change{tt.change}, tt.fresh)
		switch {
		case tt.want == "" && len(evs) != 0:
			t.Errorf("%s: %v, want no event", tt.name, evs)
		case tt.want != "" && (len(evs) != 1 || evs[0].Kind != tt.want || evs[0].ConnectorID != tt.change.ID):
			t.Errorf("%s: %v, want %s", tt.name, evs, tt.want)
		}
	}
}

func TestEventOfDetailAndStuck(t *testing.T) {
	msg := func(s string) *string { return &s }
	d := func(pending int, le *string) *api.ConnectorDetail {
		return &api.ConnectorDetail{Connector: evConn("a", "active"), SyncStats: api.SyncStats{ProductsPending: pending, LastError: le}}
	}
	if _, ok := EventOfDetail(tEv, d(0, nil), d(0, nil)); ok {
		t.Error("no change reported as one")
	}
	if e, ok := EventOfDetail(tEv, d(0, msg("x")), d(0, msg("y"))); !ok || e.Kind != ErrorChanged || e.Before != "x" || e.After != "y" {
		t.Errorf("changed error: %+v %v", e, ok)
	}
	if e, ok := EventOfDetail(tEv, d(0, msg("x")), d(0, nil)); !ok || e.Kind != ErrorCleared || e.Before != "x" || e.Text() != "Shop a: last error cleared" {
		t.Errorf("an error cleared while the status stays: %+v %v, want error_cleared", e, ok)
	}
	inError := d(0, msg("x"))
	inError.Status = StatusError
	if _, ok := EventOfDetail(tEv, inError, d(0, nil)); ok {
		t.Error("an error cleared with the status leaving error is told by the recovery, not again")
	}
	var w StuckWatch
	now := tEv
	for i := range 11 {
		if e, ok := w.Observe(now, d(120, nil)); ok {
			if i != 10 || e.Kind != Stuck || !strings.Contains(e.After, "120 pending, no progress for 10m") {
				t.Fatalf("minute %d: %+v", i, e)
			}
		} else if i == 10 {
			t.Fatal("not stuck after 10 minutes without progress")
		}
		now = now.Add(time.Minute)
	}
	if _, ok := w.Observe(now, d(120, nil)); ok {
		t.Error("stuck reported twice")
	}
	if e, ok := w.Observe(now, d(100, nil)); !ok || e.Kind != Recovered {
		t.Errorf("moving again: %+v %v", e, ok)
	}
	if _, ok := w.Observe(now.Add(time.Hour), d(0, nil)); ok {
		t.Error("an idle connector is never stuck")
	}
}

// Forty connectors failing in the same minute ring once, together.
func TestAlertsCoalesce(t *testing.T) {
	var a Alerts
	first := []Event{{Kind: TurnedError, Name: "Shop 0"}}
	if ring, _ := a.Add(tEv, first); ring != "Shop 0 turned to error" {
		t.Fatalf("first ring %q", ring)
	}
	var rest []Event
	for range 40 {
		rest = append(rest, Event{Kind: TurnedError})
	}
	ring, at := a.Add(tEv.Add(5*time.Second), rest[:20])
	if ring != "" || !at.Equal(tEv.Add(time.Minute)) {
		t.Fatalf("within the window: ring %q at %v", ring, at)
	}
	a.Add(tEv.Add(30*time.Second), rest[20:])
	a.Add(tEv.Add(40*time.Second), []Event{{Kind: Paused}}) // not bad: no ring
	if got := a.Flush(tEv.Add(time.Minute)); got != "40 connectors turned to error" {
		t.Fatalf("flush %q", got)
	}
	if got := a.Flush(tEv.Add(2 * time.Minute)); got != "" {
		t.Errorf("flushed twice: %q", got)
	}
	if ring, _ := a.Add(tEv.Add(3*time.Minute), []Event{{Kind: Recovered}}); ring != "" {
		t.Errorf("a recovery rang: %q", ring)
	}
}

// An event of a connector says its platform, so notifications can be
// routed by it; a connector gone says the platform it had.
func TestEventsSayTheConnectorsPlatform(t *testing.T) {
	before, after := evConn("a", "active"), evConn("a", "error")
	before.Platform, after.Platform = "shopify", "shopify"
	evs := EventsOfChanges(tEv, []Change{{ID: "a", Kind: Updated, Before: before, After: after},
		{ID: "a", Kind: Removed, Before: before}}, true)
	if len(evs) != 2 || evs[0].Platform != "shopify" || evs[1].Platform != "shopify" {
		t.Errorf("events = %+v, want both on shopify", evs)
	}
	if got := (Event{Kind: NotifyFailed, Before: "ops", After: "503 Service Unavailable"}).Text(); got != "a notification to ops could not be delivered: 503 Service Unavailable" {
		t.Errorf("notify_failed reads %q", got)
	}
}
