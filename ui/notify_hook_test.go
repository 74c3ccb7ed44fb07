package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/notify"
)

// The dashboard hands what it records to the team's tools: forty
// connectors turning to error and back reach a receiver as messages. A
// receiver that never answers changes nothing of the polling: the same
// requests reach the API, one for one, as without notifications.
func TestNotificationsNeverSlowPolling(t *testing.T) {
	turning := 0
	scenario := func(f *uiFixture) {
		turning = 0
		for _, c := range f.m.list.items[:40] {
			if c.Status != "error" {
				turning++
			}
			f.sb.SetStatus(c.ID, "error")
		}
		f.Advance(10 * time.Minute)
		for _, c := range f.m.list.items[:40] {
			f.sb.SetStatus(c.ID, "active")
		}
		f.Advance(10 * time.Minute)
	}
	plain := startOn(t, sandbox.Options{Seed: 7}, nil)
	scenario(plain)
	want := plain.sb.Stats()

	var mu sync.Mutex
	var alerts int
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Alerts []json.RawMessage }
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		alerts += len(body.Alerts)
		mu.Unlock()
	}))
	defer good.Close()
	release := make(chan struct{})
	dead := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer dead.Close()
	defer close(release)
	n, _, err := notify.New(notify.Options{Targets: []config.NotifyTarget{
		{Name: "good", URL: good.URL, Format: "json"}, {Name: "dead", URL: dead.URL, Format: "json"}}})
	if err != nil {
		t.Fatal(err)
	}
	notified := startOn(t, sandbox.Options{Seed: 7}, func(o *Options) { o.Notify = n.Account("demo") })
	scenario(notified)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n.Close(ctx)

	if got := notified.sb.Stats(); got.Total != want.Total {
		t.Errorf("%d requests with notifications, %d without: %v vs %v", got.Total, want.Total, got.ByRoute, want.ByRoute)
	}
	mu.Lock()
	defer mu.Unlock()
	if alerts != turning+40 {
		t.Errorf("the receiver heard %d alerts, want the %d turned to error and the 40 recoveries", alerts, turning)
	}
}
