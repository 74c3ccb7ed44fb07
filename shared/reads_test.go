package shared

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/internal/fakeclock"
	"github.com/pixee/pixee-tui/monitor"
)

// countingAPI counts the list's requests; it fails them while failing is
// set, and answers a write.
type countingAPI struct {
	fakeAPI
	lists   atomic.Int32
	failing atomic.Bool
}

func (c *countingAPI) ListConnectors(context.Context, int, int) (*api.ConnectorPage, *api.Response, error) {
	c.lists.Add(1)
	if c.failing.Load() {
		return nil, nil, errors.New("the server is down")
	}
	return &api.ConnectorPage{Items: []api.Connector{{ID: "a"}}}, &api.Response{}, nil
}

func (c *countingAPI) SyncCatalog(context.Context, string) (*api.SyncResult, *api.Response, error) {
	return &api.SyncResult{}, &api.Response{}, nil
}

// An answer serves the monitors that read an account for as long as each
// asks (its Fresh), and no longer; a failed answer serves nobody after
// it; a person's refresh after a write asks the server again; the answer
// served carries when it was received. With sharing off, every read goes
// to the server.
func TestSharedReadsServeAnAnswerAsFreshAsAsked(t *testing.T) {
	clock := fakeclock.New(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	c := &countingAPI{fakeAPI: fakeAPI{t: t}}
	ctx, cancel := context.WithCancel(context.Background())
	r := NewReads(ctx, c, clock.Now)
	r.Share(true)
	t.Cleanup(func() { cancel(); r.Wait() })
	a := r.API()
	page := func(fresh time.Duration) monitor.Result {
		return Read(ctx, a, monitor.Request{Kind: monitor.KindPage, Page: 1, PerPage: 50, Fresh: fresh})
	}
	first := clock.Now()
	page(30 * time.Second)
	clock.Advance(20 * time.Second)
	if res := page(30 * time.Second); c.lists.Load() != 1 || !res.At.Equal(first) {
		t.Fatalf("a 20 s old answer for a 30 s poll: %d requests, served as of %v, want 1 as of %v", c.lists.Load(), res.At, first)
	}
	if page(10 * time.Second); c.lists.Load() != 2 {
		t.Fatalf("a 20 s old answer for a 10 s poll: %d requests, want a second", c.lists.Load())
	}

	c.failing.Store(true)
	clock.Advance(time.Minute)
	if res := page(30 * time.Second); res.Err == nil {
		t.Fatal("the server's failure was not said")
	}
	c.failing.Store(false)
	if res := page(30 * time.Second); res.Err != nil || c.lists.Load() != 4 {
		t.Fatalf("after a failure: %v, %d requests, want the server asked again", res.Err, c.lists.Load())
	}

	clock.Advance(time.Second)
	if _, _, err := a.SyncCatalog(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if page(0); c.lists.Load() != 5 {
		t.Fatalf("a person's refresh after a write: %d requests, want the server asked", c.lists.Load())
	}
	if page(0); c.lists.Load() != 5 {
		t.Fatalf("a second refresh at once: %d requests, want the answer after the write shared", c.lists.Load())
	}

	r.Share(false) // one monitor reads alone: never served its own last answer
	if page(30 * time.Second); c.lists.Load() != 6 {
		t.Fatalf("sharing off: %d requests, want the server asked", c.lists.Load())
	}
}
