package monitor

import (
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
)

// A job listed without completed_at is running only when its status says
// so; with a final status (or one no client knows) it has ended at a time
// the server did not send, and its duration is unknown, never the
// duration_ms beside it nor a figure made from the clock.
func TestJobWithoutEndIsRunningOnlyWhenItsStatusSaysSo(t *testing.T) {
	for _, tc := range []struct {
		status  string
		running bool
	}{
		{"running", true}, {"queued", true}, {"Pending", true}, {"in_progress", true},
		{"completed", false}, {"failed", false}, {"cancelled", false},
		{"completed_with_warnings", false}, {"", false},
	} {
		r := RunOfJob("a", api.Job{ID: "j", Status: tc.status, Pushed: 12, DurationMS: 8400})
		if got := !r.Finished(); got != tc.running {
			t.Errorf("status %q without completed_at: running = %v, want %v", tc.status, got, tc.running)
		}
		if tc.running {
			continue
		}
		if !r.EndUnknown || !r.End.IsZero() || r.Dated() {
			t.Errorf("status %q: %+v, want ended at an unknown time", tc.status, r)
		}
		if !r.DurationUnknown || r.Duration != 0 {
			t.Errorf("status %q: duration %v (unknown %v), want unknown", tc.status, r.Duration, r.DurationUnknown)
		}
	}
	bad := RunOfJob("a", api.Job{ID: "j", Status: "running", CompletedAtUnknown: true})
	if !bad.Finished() || !bad.EndUnknown {
		t.Errorf("a job whose completed_at was sent but unreadable: %+v, want ended at an unknown time", bad)
	}
}

// The runs kept put the running jobs first, then the ended ones newest
// first, then those ended at an unknown time (nothing places them among
// the others, and a job ended is never shown as the newest, running).
func TestJobsEndedWithoutTimeAreKeptLast(t *testing.T) {
	m, _ := jobsTest(t, Options{Jobs: true})
	end := epoch0.Add(-time.Minute)
	jobs := []api.Job{
		{ID: "late", Status: "completed", Pushed: 1}, // no completed_at
		{ID: "now", Status: "running"},
	}
	jobs = append(jobs, usualJobs(end, 5)...)
	m.Store().LearnJobs("a", jobs)
	runs, _ := m.Store().Runs("a")
	if len(runs) != 7 || runs[0].ID != "now" || runs[len(runs)-1].ID != "late" {
		ids := make([]string, len(runs))
		for i, r := range runs {
			ids[i] = r.ID
		}
		t.Fatalf("runs %v: want the running job first and the one ended at an unknown time last", ids)
	}
}

// A run first seen that ended before the newest run already seen of its
// connector is history filled in (a server restarted, its list shifted),
// not news: no slow_run nor small_run for it. A run that ends after is
// judged as ever.
func TestRunsFilledInBeforeTheNewestAreNotNews(t *testing.T) {
	m, c := jobsTest(t, Options{})
	s := m.Store()
	var w RunWatch
	base := usualJobs(epoch0, 5) // ended hourly, the newest an hour before epoch0
	s.LearnJobs("a", base)
	w.Observe(c.Now(), s) // first sight
	filled := append([]api.Job{jobRun("old", epoch0.Add(-90*time.Minute), 10*time.Minute, 1000)}, base...)
	s.LearnJobs("a", filled)
	if evs := w.Observe(c.Now(), s); len(evs) != 0 {
		t.Errorf("a slow run that ended before the newest seen: %+v, want none", evs)
	}
	slow := append([]api.Job{jobRun("new", epoch0, 10*time.Minute, 1000)}, filled...)
	s.LearnJobs("a", slow)
	if evs := w.Observe(c.Now(), s); len(evs) != 1 || evs[0].Kind != SlowRun {
		t.Errorf("a slow run that just ended: %+v, want one slow_run", evs)
	}
}
