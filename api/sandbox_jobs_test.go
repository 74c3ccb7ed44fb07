package api_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
)

// The client reads the sandbox's jobs in each generation, the newest
// ending at the connector's last_sync_at.
func TestSandboxListJobs(t *testing.T) {
	generations(t, func(t *testing.T, gen sandbox.Generation) {
		clock := &fakeClock{now: time.Date(2026, 5, 14, 8, 0, 0, 0, time.UTC)}
		c, _ := startSandbox(t, sandbox.Options{Seed: 7, API: gen, Now: clock.Now})
		ctx := context.Background()
		jobs, _, err := c.ListJobs(ctx, sandbox.DocsConnectorID)
		if err != nil {
			t.Fatalf("ListJobs: %v", err)
		}
		if len(jobs) != api.MaxJobs {
			t.Errorf("%d jobs, want %d", len(jobs), api.MaxJobs)
		}
		d, _, err := c.GetConnector(ctx, sandbox.DocsConnectorID)
		if err != nil {
			t.Fatal(err)
		}
		if jobs[0].CompletedAt == nil || d.LastSyncAt == nil || !jobs[0].CompletedAt.Equal(*d.LastSyncAt) {
			t.Errorf("newest job ended %v, last_sync_at %v", jobs[0].CompletedAt, d.LastSyncAt)
		}
		if _, _, err := c.ListJobs(ctx, "no-such-connector"); !errors.Is(err, api.ErrNotFound) || errors.Is(err, api.ErrNotSupported) {
			t.Errorf("unknown connector: %v, want ErrNotFound only", err)
		}
	})
}

// Against a sandbox without /jobs the client says "not supported" and
// asks once only, whichever connector is asked about next.
func TestSandboxWithoutJobs(t *testing.T) {
	generations(t, func(t *testing.T, gen sandbox.Generation) {
		c, sb := startSandbox(t, sandbox.Options{Seed: 7, API: gen, NoJobs: true})
		ctx := context.Background()
		if _, _, err := c.ListConnectors(ctx, 1, 10); err != nil { // learn the header
			t.Fatal(err)
		}
		sb.ResetStats()
		for _, id := range sb.IDs()[:3] {
			if _, _, err := c.ListJobs(ctx, id); !errors.Is(err, api.ErrNotSupported) {
				t.Fatalf("ListJobs(%s) = %v, want ErrNotSupported", id, err)
			}
		}
		if got := sb.Stats().Total; got != 1 {
			t.Errorf("%d requests for three connectors' jobs, want 1", got)
		}
	})
}
