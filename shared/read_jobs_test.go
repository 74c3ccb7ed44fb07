package shared

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
)

// jobsAPI is fakeAPI with jobs.
type jobsAPI struct {
	fakeAPI
	jobs []api.Job
}

func (f jobsAPI) ListJobs(context.Context, string) ([]api.Job, *api.Response, error) {
	return f.jobs, nil, nil
}

// A jobs read goes to the client's ListJobs, its text neutralised; a
// client without ListJobs reads as a server that does not offer jobs.
func TestReadJobs(t *testing.T) {
	req := monitor.Request{Kind: monitor.KindJobs, Target: monitor.JobsTarget, ID: "a"}
	res := Read(context.Background(), jobsAPI{fakeAPI: fakeAPI{t: t}, jobs: []api.Job{{ID: "j1", Status: "fail\x1b[2Jed"}}}, req)
	if res.Err != nil || len(res.Jobs) != 1 || res.Jobs[0].ID != "j1" || strings.Contains(res.Jobs[0].Status, "\x1b") {
		t.Errorf("jobs %+v, err %v", res.Jobs, res.Err)
	}
	res = Read(context.Background(), fakeAPI{t: t}, req)
	if !errors.Is(res.Err, api.ErrNotSupported) {
		t.Errorf("a client without jobs: %v, want ErrNotSupported", res.Err)
	}
}
