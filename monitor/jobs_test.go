package monitor

import (
	"errors"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/internal/fakeclock"
)

// jobsTest is a monitor with jobs on, its page shown.
func jobsTest(t *testing.T, opts Options) (*Monitor, *fakeclock.Clock) {
	t.Helper()
	c := fakeclock.New(epoch0)
	opts.Now, opts.Seed = c.Now, 1
	m := New(opts)
	m.Apply(pageOK(oneRequest(t, m.Start()), conn("a"), conn("b")))
	return &m, c
}

// selected is the detail answer for r, last synced at last.
func selectedOK(r Request, last time.Time) Result {
	d := &api.ConnectorDetail{Connector: synced(r.ID, last)}
	return Result{Request: r, Detail: d}
}

// jobsOf splits a plan's jobs requests from the rest.
func jobsOf(p Plan) (jobs []Request, rest Plan) {
	for _, s := range p {
		if s.Timer == nil && s.Cancel == nil && s.Request.Kind == KindJobs {
			jobs = append(jobs, s.Request)
		} else {
			rest = append(rest, s)
		}
	}
	return jobs, rest
}

func hourlyJobs(last time.Time, n int) []api.Job {
	out := make([]api.Job, n)
	for k := range out {
		at := last.Add(-time.Duration(k) * time.Hour)
		out[k] = api.Job{ID: "j", Status: "completed", CompletedAt: &at}
	}
	return out
}

// pollSelected answers the selected connector's detail polls for d, each
// when its timer comes, and counts the jobs requests they bring.
func pollSelected(t *testing.T, m *Monitor, c *fakeclock.Clock, p Plan, d time.Duration, last func() time.Time) (jobs []Request) {
	t.Helper()
	end := c.Now().Add(d)
	for c.Now().Before(end) {
		js, rest := jobsOf(p)
		jobs = append(jobs, js...)
		var next Plan
		for _, s := range rest {
			switch {
			case s.Timer != nil && s.Timer.Target == SelectedTarget:
				c.Advance(s.Timer.After)
				next = next.Then(m.Wake(*s.Timer))
			case s.Timer == nil && s.Cancel == nil && s.Request.Target == SelectedTarget:
				next = next.Then(m.Apply(selectedOK(s.Request, last())).Plan)
			}
		}
		if len(next) == 0 {
			t.Fatalf("the selected connector's polling stopped (plan %+v)", p)
		}
		p = next
	}
	return jobs
}

// A selection asks for its jobs once, with its detail's answer; polling
// the detail for minutes asks for nothing more, and the jobs teach the
// connector's cadence.
func TestJobsFetchedOnceOnSelection(t *testing.T) {
	m, c := jobsTest(t, Options{Jobs: true})
	last := epoch0.Add(-10 * time.Minute)
	r := oneRequest(t, m.Select("a", false))
	out := m.Apply(selectedOK(r, last))
	jobs, rest := jobsOf(out.Plan)
	if len(jobs) != 1 || jobs[0].ID != "a" || jobs[0].Target != JobsTarget {
		t.Fatalf("after the detail: jobs requests %+v, want one for a", jobs)
	}
	jout := m.Apply(Result{Request: jobs[0], Jobs: hourlyJobs(last, 20)})
	if jout.Jobs != "a" || len(jout.Plan) != 0 {
		t.Errorf("jobs outcome %+v", jout)
	}
	if rec, ok := m.Jobs("a"); !ok || len(rec.Jobs) != 20 || rec.Err != nil {
		t.Errorf("Jobs(a) = %+v, %v", rec, ok)
	}
	if cd := m.Store().Cadence("a", c.Now()); cd.Usual != time.Hour || !cd.FromJobs {
		t.Errorf("cadence from jobs: %+v", cd)
	}
	if more := pollSelected(t, m, c, rest, 30*time.Minute, func() time.Time { return last }); len(more) != 0 {
		t.Errorf("half an hour of detail polls asked for jobs %d more times, want none", len(more))
	}
}

// Selecting a connector whose jobs are fresh asks nothing; once they are
// older than JobsFresh, a new selection asks once more.
func TestJobsNotAskedWhileFresh(t *testing.T) {
	m, c := jobsTest(t, Options{Jobs: true})
	last := epoch0.Add(-10 * time.Minute)
	out := m.Apply(selectedOK(oneRequest(t, m.Select("a", false)), last))
	jobs, _ := jobsOf(out.Plan)
	m.Apply(Result{Request: jobs[0], Jobs: hourlyJobs(last, 3)})

	reselect := func(id string) []Request {
		c.Advance(time.Minute)
		p := m.Select(id, false)
		var r Request
		for _, s := range p {
			if s.Timer == nil && s.Cancel == nil {
				r = s.Request
			}
		}
		js, _ := jobsOf(m.Apply(selectedOK(r, last)).Plan)
		for _, j := range js {
			m.Apply(Result{Request: j, Jobs: hourlyJobs(last, 3)})
		}
		return js
	}
	if js := reselect("b"); len(js) != 1 || js[0].ID != "b" {
		t.Fatalf("selecting b: %+v", js)
	}
	if js := reselect("a"); len(js) != 0 {
		t.Errorf("a again within JobsFresh: %+v, want none", js)
	}
	c.Advance(DefaultJobsFresh)
	reselect("b")
	if js := reselect("a"); len(js) != 1 || js[0].ID != "a" {
		t.Errorf("a again after JobsFresh: %+v, want one", js)
	}
}

// A sync seen to end (last_sync_at moves) asks for the jobs again, once,
// no sooner than a detail poll interval after the last ask.
func TestJobsAskedAgainAfterASyncEnds(t *testing.T) {
	m, c := jobsTest(t, Options{Jobs: true})
	last := epoch0.Add(-10 * time.Minute)
	out := m.Apply(selectedOK(oneRequest(t, m.Select("a", false)), last))
	jobs, rest := jobsOf(out.Plan)
	m.Apply(Result{Request: jobs[0], Jobs: hourlyJobs(last, 3)})
	synced := last
	more := pollSelected(t, m, c, rest, 5*time.Minute, func() time.Time {
		if c.Now().Sub(epoch0) > 2*time.Minute {
			synced = epoch0.Add(2 * time.Minute) // a sync ended
		}
		return synced
	})
	if len(more) != 1 || more[0].ID != "a" {
		t.Errorf("after a sync ended: %d jobs requests, want 1", len(more))
	}
}

// A server without jobs is asked once: no selection asks again.
func TestJobsNotOfferedAskedNoMore(t *testing.T) {
	m, _ := jobsTest(t, Options{Jobs: true})
	out := m.Apply(selectedOK(oneRequest(t, m.Select("a", false)), epoch0))
	jobs, _ := jobsOf(out.Plan)
	m.Apply(Result{Request: jobs[0], Err: &api.NotSupportedError{Err: errors.New("404")}})
	if m.JobsOffered() {
		t.Error("JobsOffered after a not-supported answer")
	}
	if rec, _ := m.Jobs("a"); !errors.Is(rec.Err, api.ErrNotSupported) {
		t.Errorf("Jobs(a).Err = %v", rec.Err)
	}
	out = m.Apply(selectedOK(oneRequest(t, m.Select("b", false)), epoch0))
	if js, _ := jobsOf(out.Plan); len(js) != 0 {
		t.Errorf("selecting b asked for jobs: %+v", js)
	}
}

// Without Options.Jobs nothing is asked; with a rate limit holding or the
// budget down to its reserve, nothing either.
func TestJobsOffByDefaultAndWithinTheBudget(t *testing.T) {
	m, _ := jobsTest(t, Options{})
	out := m.Apply(selectedOK(oneRequest(t, m.Select("a", false)), epoch0))
	if js, _ := jobsOf(out.Plan); len(js) != 0 || m.JobsOffered() {
		t.Errorf("jobs off: %+v", js)
	}

	m, c := jobsTest(t, Options{Jobs: true})
	r := oneRequest(t, m.Select("a", false))
	res := selectedOK(r, epoch0)
	res.Rate = budget(c, 10, 100) // under a quarter left
	if js, _ := jobsOf(m.Apply(res).Plan); len(js) != 0 {
		t.Errorf("budget at its reserve: %+v, want no jobs request", js)
	}
}

// A job whose completion time lies years ahead (a server's bug) is not
// taken as the last sync: the connector that stopped syncing is still
// found late.
func TestAJobCompletedInTheFutureDoesNotHideLateness(t *testing.T) {
	m, c := jobsTest(t, Options{Jobs: true})
	last := epoch0.Add(-10 * time.Minute)
	r := oneRequest(t, m.Select("a", false))
	jobs, _ := jobsOf(m.Apply(selectedOK(r, last)).Plan)
	if len(jobs) != 1 {
		t.Fatalf("jobs requests %+v, want one", jobs)
	}
	future := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	m.Apply(Result{Request: jobs[0], Jobs: append([]api.Job{{ID: "bogus", Status: "completed", CompletedAt: &future}}, hourlyJobs(last, 20)...)})
	cd := m.Store().Cadence("a", c.Now().Add(3*time.Hour))
	if cd.Usual != time.Hour || !cd.Last.Equal(last) || cd.State == OnTime {
		t.Errorf("cadence 3h after the last real sync: %+v, want usual 1h, last %v, late", cd, last)
	}
}
