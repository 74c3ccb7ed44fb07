package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
)

// A sync is watched, then the server stops answering: the outage is an
// event at the second failed poll (the detail's, 2 s apart, not the page's
// 30 s ones), and the rate and ETA measured before it are no longer shown
// as live. When the server answers again, so do they.
func TestOutageIsToldAtOnceAndTheETAIsNotShownAsLive(t *testing.T) {
	s := newScripted(3)
	var down bool
	synced := 0
	s.detail = func(id string) (*api.ConnectorDetail, error) {
		if down {
			return nil, errors.New("Get \"https://api.test/connectors/1\": context deadline exceeded")
		}
		synced += 8
		return &api.ConnectorDetail{Connector: s.items[0], SyncStats: api.SyncStats{ProductsSynced: synced,
			ProductsPending: 5000 - synced}}, nil
	}
	d := startScripted(t, s, 160, 48)
	d.Advance(12 * time.Second)
	mustShow(t, d, "products/s", "ETA")

	down = true
	d.Advance(2 * time.Second) // one failed poll
	if hasEvent(d, monitor.APIDown) {
		t.Fatal("an outage after one failed poll")
	}
	d.Advance(2 * time.Second) // the second
	if !hasEvent(d, monitor.APIDown) {
		t.Fatalf("no outage event after two failed polls in a row")
	}
	mustNotShow(t, d, "products/s", "· ETA")
	mustShow(t, d, "no ETA: no answer since")

	down = false
	d.Advance(4 * time.Second)
	if !hasEvent(d, monitor.APIUp) {
		t.Fatal("no event when the server answered again")
	}
	mustShow(t, d, "products/s")
}

func hasEvent(d *driver, k monitor.EventKind) bool {
	for _, e := range d.m.feed.events {
		if strings.EqualFold(string(e.Kind), string(k)) {
			return true
		}
	}
	return false
}
