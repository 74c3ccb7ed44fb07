package serve

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/internal/fakeclock"
	"github.com/pixee/pixee-tui/monitor"
)

// jobsAPI is a countingAPI that also reads jobs.
type jobsAPI struct {
	countingAPI
	jobs atomic.Int64
}

func (c *jobsAPI) ListJobs(ctx context.Context, id string) ([]api.Job, *api.Response, error) {
	c.jobs.Add(1)
	return []api.Job{{ID: "j1", Status: "completed"}}, c.resp(), nil
}

// A session's jobs go through the account's shared reads: two sessions
// selecting the same connector within its freshness cost one request, and
// the jobs are not keyed with the detail. Where the account's client reads
// no jobs, a session is told they are not offered (it observes runs).
func TestSessionsReadJobsThroughTheSharedReads(t *testing.T) {
	c := &jobsAPI{}
	c.remaining.Store(100)
	clk := fakeclock.New(t0)
	a := &account{reads: newReads(c, clk.Now, 0)}
	var session monitor.JobsAPI = &userAPI{account: a, user: config.ServeUser{Name: "bob"}}
	fresh := monitor.WithFresh(context.Background(), 10*time.Second)
	for range 2 {
		if jobs, _, err := session.ListJobs(fresh, "a"); err != nil || len(jobs) != 1 {
			t.Fatalf("jobs: %v, %v", jobs, err)
		}
	}
	a.reads.GetConnector(fresh, "a")
	if c.jobs.Load() != 1 || c.details.Load() != 1 {
		t.Errorf("%d jobs and %d detail requests, want 1 and 1", c.jobs.Load(), c.details.Load())
	}

	plain := &account{reads: newReads(&countingAPI{}, clk.Now, 0)}
	_, _, err := (&userAPI{account: plain}).ListJobs(fresh, "a")
	if !errors.Is(err, api.ErrNotSupported) {
		t.Errorf("a client without jobs: %v, want not offered", err)
	}
}
