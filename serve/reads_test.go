package serve

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/internal/fakeclock"
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
