package metrics

import (
	"context"
	"net/http"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
)

// A headless monitor ends with its context: its reads, its timers and
// the scrapes waiting on it leave nothing running, and it never writes.
func TestHeadlessEndsWithItsContextAndNeverWrites(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	sb := sandbox.New(sandbox.Options{Seed: 3, Connectors: 30, ReadLimit: -1, Latency: 20 * time.Millisecond})
	base, stop, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c, err := api.New(base, api.WithAPIKey(sb.APIKey()), api.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	h := NewHeadless(monitor.Options{API: c, PerPage: 10, ListRefresh: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()

	deadline := time.Now().Add(10 * time.Second)
	for {
		a, ok := take(h.Source("acme"), time.Second, time.Now(), false)
		if ok && len(a.Connectors) == 30 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the headless monitor never indexed the 30 connectors (%d)", len(a.Connectors))
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if _, ok := take(h.Source("acme"), 50*time.Millisecond, time.Now(), false); ok {
		t.Error("a scrape was answered by a monitor that has stopped")
	}
	for route, n := range sb.Stats().ByRoute {
		if len(route) > 4 && route[:4] == "POST" && n > 0 {
			t.Errorf("the headless monitor sent %d %s", n, route)
		}
	}
	tr.CloseIdleConnections()
	stop()
}
