package shared

import (
	"context"
	"errors"
	"sync"
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

// gatedAPI answers each read once release is closed (at once when it is
// nil), counting them, with the budget reading of its turn; it fails them
// while fail is set. Its writes must never be called.
type gatedAPI struct {
	fakeAPI
	lists, details atomic.Int64
	answered       atomic.Int64 // the budget spent
	release        chan struct{}
	fail           atomic.Bool
}

// answer counts a read in n and answers it.
func (c *gatedAPI) answer(ctx context.Context, n *atomic.Int64) (*api.Response, error) {
	n.Add(1)
	if c.release != nil {
		select {
		case <-c.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if c.fail.Load() {
		return nil, errors.New("boom")
	}
	spent := c.answered.Add(1)
	return &api.Response{StatusCode: 200, Rate: api.RateLimit{Known: true, Limit: 100, Remaining: 100 - int(spent)}}, nil
}

func (c *gatedAPI) ListConnectors(ctx context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	resp, err := c.answer(ctx, &c.lists)
	if err != nil {
		return nil, nil, err
	}
	return &api.ConnectorPage{Items: []api.Connector{{ID: "a"}}, Meta: api.PageMeta{Page: page, PerPage: perPage}}, resp, nil
}

func (c *gatedAPI) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	resp, err := c.answer(ctx, &c.details)
	if err != nil {
		return nil, nil, err
	}
	return &api.ConnectorDetail{Connector: api.Connector{ID: id}}, resp, nil
}

var readsT0 = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

// gatedReads are a gatedAPI's reads, shared as the team server's accounts
// share them, on a fake clock, until the test ends.
func gatedReads(t *testing.T, release chan struct{}) (*Reads, *gatedAPI, *fakeclock.Clock) {
	c := &gatedAPI{fakeAPI: fakeAPI{t: t}, release: release}
	clk := fakeclock.New(readsT0)
	ctx, cancel := context.WithCancel(context.Background())
	r := NewReads(ctx, c, clk.Now)
	r.Share(true)
	t.Cleanup(func() { cancel(); r.Wait() })
	return r, c, clk
}

// An answer younger than a request's poll interval serves it, with the
// time it was received; an older one, or a request that accepts none,
// asks the server again.
func TestReadsServeAnswersYoungEnough(t *testing.T) {
	r, c, clk := gatedReads(t, nil)
	fresh := monitor.WithFresh(context.Background(), 10*time.Second)

	if _, resp, err := r.GetConnector(fresh, "a"); err != nil || !resp.Served.Equal(readsT0) {
		t.Fatalf("first read: %v, served %v", err, resp.Served)
	}
	clk.Advance(9 * time.Second)
	_, resp, _ := r.GetConnector(fresh, "a")
	if n := c.details.Load(); n != 1 {
		t.Fatalf("a 9s-old answer within a 10s interval: %d requests, want 1", n)
	}
	if !resp.Served.Equal(readsT0) {
		t.Fatalf("shared answer served at %v, want when it was received, %v", resp.Served, readsT0)
	}
	if _, _, _ = r.GetConnector(context.Background(), "a"); c.details.Load() != 2 {
		t.Fatal("a request accepting no shared answer (a person's refresh) was served one")
	}
	clk.Advance(11 * time.Second)
	if _, _, _ = r.GetConnector(fresh, "a"); c.details.Load() != 3 {
		t.Fatal("an answer older than the interval was served")
	}
	// Pages are keyed by number and size.
	r.ListConnectors(fresh, 1, 50)
	r.ListConnectors(fresh, 1, 50)
	r.ListConnectors(fresh, 2, 50)
	r.ListConnectors(fresh, 1, 100)
	if n := c.lists.Load(); n != 3 {
		t.Fatalf("%d list requests, want 3 (page 1 shared)", n)
	}
}

// Concurrent asks for the same connector wait for one request; a caller
// that gives up does not end it for the others; errors are never kept.
func TestReadsJoinRequestsOnTheirWay(t *testing.T) {
	r, c, clk := gatedReads(t, make(chan struct{}))
	fresh := monitor.WithFresh(context.Background(), 10*time.Second)

	quitter, quit := context.WithCancel(fresh)
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := r.GetConnector(fresh, "a")
			errs <- err
		}()
	}
	gaveUp := make(chan error, 1)
	go func() { _, _, err := r.GetConnector(quitter, "a"); gaveUp <- err }()
	for c.details.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	quit()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Fatalf("the caller that gave up got %v", err)
	}
	close(c.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a joined read failed: %v", err)
		}
	}
	if n := c.details.Load(); n != 1 {
		t.Fatalf("11 concurrent reads of one connector sent %d requests, want 1", n)
	}
	c.fail.Store(true)
	clk.Advance(time.Minute)
	r.GetConnector(fresh, "a")
	c.fail.Store(false)
	if _, _, err := r.GetConnector(fresh, "a"); err != nil || c.details.Load() != 3 {
		t.Fatalf("after a failure: %v, %d requests; an error must not be served again", err, c.details.Load())
	}
}

// Every answer carries the account's latest budget reading, whichever
// session's request brought it.
func TestReadsReportTheAccountsBudget(t *testing.T) {
	r, _, clk := gatedReads(t, nil)
	fresh := monitor.WithFresh(context.Background(), time.Minute)
	r.GetConnector(fresh, "a") // remaining 99
	clk.Advance(time.Second)
	r.GetConnector(fresh, "b") // remaining 98
	_, resp, _ := r.GetConnector(fresh, "a")
	if resp.Rate.Remaining != 98 {
		t.Fatalf("a shared answer reports %d remaining, want the latest reading, 98", resp.Rate.Remaining)
	}
}

// After a write, a refresh is never served an answer from before it:
// that one would say the sync had not happened.
func TestRefreshAfterAWriteAsksTheServer(t *testing.T) {
	r, c, clk := gatedReads(t, nil)
	r.GetConnector(context.Background(), "a")
	clk.Advance(time.Second)
	r.GetConnector(context.Background(), "a")
	if n := c.details.Load(); n != 1 {
		t.Fatalf("a refresh 1s after an answer: %d requests, want 1", n)
	}
	r.Wrote()
	r.GetConnector(context.Background(), "a")
	if n := c.details.Load(); n != 2 {
		t.Fatalf("a refresh after a write: %d requests, want 2", n)
	}
}

// Admit is asked only for a read that would go to the server: its refusal
// is the asker's and sends nothing, an answer kept still serves, and with
// sharing off every read is asked.
func TestSharedReadsAskAdmitOnlyForReadsSent(t *testing.T) {
	r, c, _ := gatedReads(t, nil)
	over := errors.New("over the limit")
	var asked atomic.Int32
	var refusing atomic.Bool
	r.Admit(func(context.Context) error {
		asked.Add(1)
		if refusing.Load() {
			return over
		}
		return nil
	})
	fresh := monitor.WithFresh(context.Background(), time.Minute)
	if _, _, err := r.GetConnector(fresh, "a"); err != nil || asked.Load() != 1 {
		t.Fatalf("first read: %v, admit asked %d times, want once", err, asked.Load())
	}
	refusing.Store(true)
	if _, _, err := r.GetConnector(fresh, "a"); err != nil || asked.Load() != 1 {
		t.Fatalf("a kept answer: %v, admit asked %d times; it costs the server nothing", err, asked.Load())
	}
	if _, _, err := r.GetConnector(fresh, "b"); !errors.Is(err, over) || c.details.Load() != 1 {
		t.Fatalf("a refused read: %v, %d requests, want the refusal and none sent", err, c.details.Load())
	}
	r.Share(false)
	if _, _, err := r.GetConnector(fresh, "a"); !errors.Is(err, over) || c.details.Load() != 1 {
		t.Fatalf("sharing off, a refused read: %v, %d requests, want the refusal and none sent", err, c.details.Load())
	}
}

// Details are the connectors' detail answers held, whoever asked, with
// when each was received: not a page, not a failure.
func TestSharedReadsHoldTheDetailsAnswered(t *testing.T) {
	r, c, clk := gatedReads(t, nil)
	fresh := monitor.WithFresh(context.Background(), time.Minute)
	r.GetConnector(fresh, "a")
	r.ListConnectors(fresh, 1, 50)
	clk.Advance(time.Second)
	c.fail.Store(true)
	r.GetConnector(fresh, "b")
	got := map[string]time.Time{}
	r.Details(func(id string, d *api.ConnectorDetail, at time.Time) {
		if d == nil || d.ID != id {
			t.Errorf("detail %q: %+v", id, d)
		}
		got[id] = at
	})
	if len(got) != 1 || !got["a"].Equal(readsT0) {
		t.Fatalf("details held: %v, want a's alone, received at %v", got, readsT0)
	}
}
