package api_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
)

// fakeClock is a clock the test moves by hand; the sandbox reads it from
// its handler goroutines, hence the mutex.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// startSandbox serves a sandbox built from opts over real HTTP and returns a
// client for it with the sandbox's key.
func startSandbox(t *testing.T, opts sandbox.Options) (*api.Client, *sandbox.Server) {
	t.Helper()
	sb := sandbox.New(opts)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close) // also closes srv.Client()'s idle connections
	c, err := api.New(srv.URL+sandbox.BasePath, api.WithAPIKey(sandbox.DefaultAPIKey), api.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	return c, sb
}

// generations runs a test against the sandbox in each API generation.
func generations(t *testing.T, test func(t *testing.T, gen sandbox.Generation)) {
	for _, gen := range []sandbox.Generation{sandbox.Current, sandbox.Seed} {
		t.Run(gen.String(), func(t *testing.T) { test(t, gen) })
	}
}

// What a start costs on each generation, counted by the sandbox: the
// first page finds the key's header and the list's path together, with at
// most two refused requests, and every later page costs exactly one.
func TestSandboxStartCost(t *testing.T) {
	tests := []struct {
		gen       sandbox.Generation
		firstPage int // requests for the first page, refused ones included
	}{
		{sandbox.Current, 1}, // X-API-Key on /connectors/: right at once
		{sandbox.Seed, 2},    // X-API-Key refused (401), then Bearer
	}
	for _, tt := range tests {
		t.Run(tt.gen.String(), func(t *testing.T) {
			c, sb := startSandbox(t, sandbox.Options{Seed: 42, API: tt.gen})
			ctx := context.Background()
			if _, _, err := c.ListConnectors(ctx, 1, 50); err != nil {
				t.Fatal(err)
			}
			if got := sb.Stats().Total; got != tt.firstPage {
				t.Errorf("first page cost %d requests, want %d (%v)", got, tt.firstPage, sb.Stats().ByRoute)
			}
			want := map[sandbox.Generation]api.AuthHeader{sandbox.Current: api.AuthXAPIKey, sandbox.Seed: api.AuthBearer}[tt.gen]
			if got := c.AuthHeader(); got != want {
				t.Errorf("detected header %v, want %v", got, want)
			}
			sb.ResetStats()
			for page := 2; page <= 3; page++ {
				if _, _, err := c.ListConnectors(ctx, page, 50); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := c.GetConnector(ctx, sb.IDs()[0]); err != nil {
				t.Fatal(err)
			}
			if got := sb.Stats().Total; got != 3 {
				t.Errorf("two more pages and a detail cost %d requests, want 3", got)
			}
		})
	}
}

// Walking the pages of the default 137 connectors sees each one exactly
// once, in the server's order, in three pages of 50, whichever generation
// of the API serves them (meta or root-level pagination).
func TestSandboxWalkAllPages(t *testing.T) { generations(t, testWalkAllPages) }

func testWalkAllPages(t *testing.T, gen sandbox.Generation) {
	clock := &fakeClock{now: time.Date(2026, 5, 14, 8, 0, 0, 0, time.UTC)}
	c, sb := startSandbox(t, sandbox.Options{Seed: 42, Now: clock.Now, API: gen})
	ctx := context.Background()

	var got []string
	seen := map[string]int{}
	pages := 0
	for page := 1; ; page++ {
		if page > 10 {
			t.Fatal("more than 10 pages: has_next never turned false")
		}
		p, resp, err := c.ListConnectors(ctx, page, 50)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		pages++
		if p.Meta.Page != page || p.Meta.PerPage != 50 || p.Meta.Total != 137 || p.Meta.TotalPages != 3 {
			t.Errorf("page %d: meta = %+v", page, p.Meta)
		}
		if p.Meta.HasPrevious != (page > 1) {
			t.Errorf("page %d: has_previous = %v", page, p.Meta.HasPrevious)
		}
		if !resp.Rate.Known || resp.Rate.Limit <= 0 || resp.Rate.Remaining < 0 || resp.Rate.Reset.IsZero() {
			t.Errorf("page %d: rate limit headers did not reach the caller: %+v", page, resp.Rate)
		}
		for _, it := range p.Items {
			seen[it.ID]++
			got = append(got, it.ID)
			if it.Status == "" || it.Name == "" {
				t.Errorf("connector %s has no name or status: %+v", it.ID, it)
			}
		}
		if !p.Meta.HasNext {
			break
		}
	}
	if pages != 3 {
		t.Errorf("walked %d pages, want 3", pages)
	}
	want := sb.IDs()
	if len(want) != 137 {
		t.Fatalf("sandbox has %d connectors, want the default 137", len(want))
	}
	if len(got) != len(want) {
		t.Errorf("saw %d connectors, want %d", len(got), len(want))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("connector %s seen %d times", id, n)
		}
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Fatalf("connector %d is %s, want %s (list order)", i, got[i], want[i])
		}
	}
}

// A sync of two EANs is watched the only way the API allows: on GET
// /connectors/{id}, products_pending falls to zero and products_synced
// rises by exactly two as the (fake) clock moves, in either generation.
func TestSandboxSyncDrains(t *testing.T) { generations(t, testSyncDrains) }

func testSyncDrains(t *testing.T, gen sandbox.Generation) {
	clock := &fakeClock{now: time.Date(2026, 5, 14, 8, 0, 0, 0, time.UTC)}
	c, sb := startSandbox(t, sandbox.Options{Seed: 42, Now: clock.Now, SyncFailureRate: -1, API: gen})
	ctx := context.Background()

	// An active connector with nothing in flight, so the counts move only
	// because of this test's sync.
	var id string
	var before *api.ConnectorDetail
	for _, cand := range sb.IDs() {
		d, _, err := c.GetConnector(ctx, cand)
		if err != nil {
			t.Fatalf("GetConnector(%s): %v", cand, err)
		}
		if d.Status == "active" && d.SyncStats.ProductsPending == 0 {
			id, before = cand, d
			break
		}
	}
	if id == "" {
		t.Fatal("no idle active connector in the sandbox")
	}

	res, _, err := c.SyncEANs(ctx, id, []string{"3760000000001", "3760000000002"})
	if err != nil {
		t.Fatalf("SyncEANs: %v", err)
	}
	if res.Status != "queued" || res.ProductsQueued != 2 || res.SyncID == "" {
		t.Errorf("sync result = %+v, want queued, 2 products, a sync id", res)
	}

	d, _, err := c.GetConnector(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.SyncStats.ProductsPending != 2 || d.SyncStats.ProductsSynced != before.SyncStats.ProductsSynced {
		t.Fatalf("right after queueing: %+v, want 2 pending and synced unchanged at %d", d.SyncStats, before.SyncStats.ProductsSynced)
	}
	prev := d.SyncStats
	for step := 0; prev.ProductsPending > 0; step++ {
		if step > 600 {
			t.Fatalf("still %d pending after 10 minutes of fake time", prev.ProductsPending)
		}
		clock.Advance(time.Second)
		d, _, err := c.GetConnector(ctx, id)
		if err != nil {
			t.Fatalf("after %ds: %v", step+1, err)
		}
		s := d.SyncStats
		if s.ProductsPending > prev.ProductsPending || s.ProductsSynced < prev.ProductsSynced {
			t.Errorf("after %ds: went from %+v to %+v, want pending falling and synced rising", step+1, prev, s)
		}
		if s.ProductsPending+s.ProductsSynced != before.SyncStats.ProductsSynced+2 {
			t.Errorf("after %ds: pending %d + synced %d, want %d in all", step+1, s.ProductsPending, s.ProductsSynced, before.SyncStats.ProductsSynced+2)
		}
		prev = s
	}
	if got, want := prev.ProductsSynced, before.SyncStats.ProductsSynced+2; got != want {
		t.Errorf("products_synced = %d, want %d (+2)", got, want)
	}
	if prev.LastError != nil {
		t.Errorf("last_error = %q, want null after a successful sync", *prev.LastError)
	}
}
