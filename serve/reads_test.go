package serve

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

// countingAPI answers every read after release is closed (or at once when
// it is nil), counting them, with the budget reading of its turn.
type countingAPI struct {
	lists, details atomic.Int64
	release        chan struct{}
	fail           atomic.Bool
	remaining      atomic.Int64
}

func (c *countingAPI) wait(ctx context.Context) error {
	if c.release != nil {
		select {
		case <-c.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if c.fail.Load() {
		return errors.New("boom")
	}
	return nil
}

func (c *countingAPI) resp() *api.Response {
	return &api.Response{StatusCode: 200, Rate: api.RateLimit{Known: true, Limit: 100, Remaining: int(c.remaining.Add(-1))}}
}

func (c *countingAPI) ListConnectors(ctx context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	c.lists.Add(1)
	if err := c.wait(ctx); err != nil {
		return nil, nil, err
	}
	return &api.ConnectorPage{Items: []api.Connector{{ID: "a"}}, Meta: api.PageMeta{Page: page, PerPage: perPage}}, c.resp(), nil
}

func (c *countingAPI) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	c.details.Add(1)
	if err := c.wait(ctx); err != nil {
		return nil, nil, err
	}
	return &api.ConnectorDetail{Connector: api.Connector{ID: id}}, c.resp(), nil
}

func (c *countingAPI) SyncEANs(context.Context, string, []string) (*api.SyncResult, *api.Response, error) {
	return &api.SyncResult{}, nil, nil
}
func (c *countingAPI) SyncCatalog(context.Context, string) (*api.SyncResult, *api.Response, error) {
	return &api.SyncResult{}, nil, nil
}
func (c *countingAPI) TestConnector(context.Context, string) (*api.TestResult, *api.Response, error) {
	return &api.TestResult{}, nil, nil
}

var t0 = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

// An answer younger than a request's poll interval serves it, with the
// time it was received; an older one, or a request that accepts none,
// asks the server again.
func TestReadsServeAnswersYoungEnough(t *testing.T) {
	c := &countingAPI{remaining: atomic.Int64{}}
	c.remaining.Store(100)
	clk := fakeclock.New(t0)
	r := newReads(c, clk.Now, 0)
	fresh := monitor.WithFresh(context.Background(), 10*time.Second)

	if _, resp, err := r.GetConnector(fresh, "a"); err != nil || !resp.Served.Equal(t0) {
		t.Fatalf("first read: %v, served %v", err, resp.Served)
	}
	clk.Advance(9 * time.Second)
	_, resp, _ := r.GetConnector(fresh, "a")
	if n := c.details.Load(); n != 1 {
		t.Fatalf("a 9s-old answer within a 10s interval: %d requests, want 1", n)
	}
	if !resp.Served.Equal(t0) {
		t.Fatalf("shared answer served at %v, want when it was received, %v", resp.Served, t0)
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
	c := &countingAPI{release: make(chan struct{})}
	c.remaining.Store(100)
	clk := fakeclock.New(t0)
	r := newReads(c, clk.Now, 0)
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
	c := &countingAPI{}
	c.remaining.Store(100)
	clk := fakeclock.New(t0)
	r := newReads(c, clk.Now, 0)
	fresh := monitor.WithFresh(context.Background(), time.Minute)
	r.GetConnector(fresh, "a") // remaining 99
	clk.Advance(time.Second)
	r.GetConnector(fresh, "b") // remaining 98
	_, resp, _ := r.GetConnector(fresh, "a")
	if resp.Rate.Remaining != 98 {
		t.Fatalf("a shared answer reports %d remaining, want the latest reading, 98", resp.Rate.Remaining)
	}
}

// Each user may send a limited number of writes a minute.
func TestLimiterPerUser(t *testing.T) {
	clk := fakeclock.New(t0)
	l := newLimiter(2, clk.Now)
	first, second := l.take("alice"), l.take("alice")
	if first != 0 || second != 0 {
		t.Fatal("alice's first two writes were refused")
	}
	if w := l.take("alice"); w <= 0 || w > time.Minute {
		t.Fatalf("alice's third write in a minute: wait %v, want a refusal with a wait", w)
	}
	if l.take("carol") != 0 {
		t.Fatal("carol was limited by alice's writes")
	}
	clk.Advance(61 * time.Second)
	if l.take("alice") != 0 {
		t.Fatal("alice is still limited a minute later")
	}
}
