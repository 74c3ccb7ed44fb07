package monitor

import (
	"context"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/internal/fakeclock"
)

// The page on screen goes out alone at start: the crawl (which, sent with
// it, could take the client's auth probe and hold the page behind it) asks
// only once the page has answered.
func TestPageOnScreenGoesOutBeforeTheCrawl(t *testing.T) {
	clock := fakeclock.New(epoch0)
	c, _ := sandboxClient(t, clock, sandbox.Options{Connectors: 1200})
	r := newRunner(t, c, clock, Options{})
	start := r.m.Start()
	if req := oneRequest(t, start); req.Target != PageTarget {
		t.Fatalf("the first request is %+v, want the page on screen", req)
	}
	r.do(start)
	r.advance(10 * time.Second)
	crawl, _ := r.m.CrawlTarget()
	if len(r.sent[crawl]) == 0 {
		t.Fatal("the crawl never started after the first page")
	}
	page, first := r.sent[PageTarget][0], r.sent[crawl][0]
	if first.Sub(page) < r.latency {
		t.Fatalf("the crawl was sent %v after the page, before its answer (%v)", first.Sub(page), r.latency)
	}
}

// pendingAPI is an account where the selected connector's sync never
// drains: what watching a long sync looks like.
type pendingAPI struct{ API }

func (p pendingAPI) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	d, resp, err := p.API.GetConnector(ctx, id)
	if err == nil {
		cd := *d
		cd.SyncStats.ProductsPending = 1000
		d = &cd
	}
	return d, resp, err
}

// Watching a sync (its detail every 2 s) while the index crawls a large
// account costs at most WatchBudget reads a minute: the crawl yields.
func TestWatchingASyncStaysWithinItsBudget(t *testing.T) {
	clock := fakeclock.New(epoch0)
	c, sb := sandboxClient(t, clock, sandbox.Options{Connectors: 1200, ReadLimit: -1})
	r := newRunner(t, pendingAPI{c}, clock, Options{})
	r.do(r.m.Start())
	r.advance(time.Second)
	r.do(r.m.Select(sb.IDs()[3], false))
	r.advance(3 * time.Second)
	if !r.m.Fast() {
		t.Fatal("the selected connector's sync is not watched at the fast rate")
	}
	from := clock.Now()
	r.advance(time.Minute)
	n := 0
	for _, ts := range r.sent {
		for _, at := range ts {
			if !at.Before(from) {
				n++
			}
		}
	}
	crawl, _ := r.m.CrawlTarget()
	if n > WatchBudget {
		t.Fatalf("%d reads in a minute of watching a sync (detail %d, crawl %d), want at most %d",
			n, len(r.sent[SelectedTarget]), len(r.sent[crawl]), WatchBudget)
	}
	if d := len(r.sent[SelectedTarget]); d < 25 {
		t.Fatalf("the watched detail was asked only %d times", d)
	}
}
