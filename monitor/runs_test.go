package monitor

import (
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/internal/fakeclock"
)

// stats is one detail answer's sync_stats.
type stats struct{ pending, synced int }

// answerDetails answers the selected connector's polls with each of seq in
// turn, each when its timer comes, and gathers the runs the answers ended
// and when each answer came.
func answerDetails(t *testing.T, m *Monitor, c *fakeclock.Clock, id string, seq []stats) (runs []Run, at []time.Time) {
	t.Helper()
	r := oneRequest(t, m.Select(id, false))
	for i, s := range seq {
		d := &api.ConnectorDetail{Connector: conn(id), SyncStats: api.SyncStats{ProductsPending: s.pending, ProductsSynced: s.synced}}
		out := m.Apply(Result{Request: r, Detail: d})
		runs, at = append(runs, out.Runs...), append(at, c.Now())
		if i == len(seq)-1 {
			break
		}
		var next Plan
		for _, st := range out.Plan {
			if st.Timer != nil && st.Timer.Target == SelectedTarget {
				c.Advance(st.Timer.After)
				next = m.Wake(*st.Timer)
			}
		}
		r = oneRequest(t, next)
	}
	return runs, at
}

// A sync seen to start (pending rises from 0) and drain gives one observed
// run, ending with the answer that showed it drained: its duration from
// the first answer that showed it running, its count the rise of
// products_synced from before it.
func TestObservedRunThroughADrain(t *testing.T) {
	m, c := jobsTest(t, Options{})
	runs, at := answerDetails(t, m, c, "a", []stats{{0, 100}, {50, 100}, {20, 130}, {5, 145}, {0, 150}, {0, 150}})
	if len(runs) != 1 {
		t.Fatalf("runs ended: %+v, want one", runs)
	}
	r := runs[0]
	wantStart, wantEnd := at[1], at[4]
	if !wantEnd.After(wantStart) {
		t.Fatalf("the clock did not move between answers: %v", at)
	}
	if !r.Observed || r.Partial || r.ConnectorID != "a" || r.Pushed != 50 || r.PushedUnknown || r.Error != "" || r.Failed() {
		t.Errorf("run %+v, want observed, whole, 50 pushed, no error", r)
	}
	if !r.Start.Equal(wantStart) || !r.End.Equal(wantEnd) || r.Duration != wantEnd.Sub(wantStart) {
		t.Errorf("run from %s to %s (%s), want %s to %s", r.Start, r.End, r.Duration, wantStart, wantEnd)
	}
	got, observed := m.Store().Runs("a")
	if !observed || len(got) != 1 || got[0] != r {
		t.Errorf("Store.Runs(a) = %+v, %v; want the one observed run", got, observed)
	}
}

// A sync already running on first sight is a partial run; an error that
// appears by its end is its error.
func TestObservedRunPartialAndFailed(t *testing.T) {
	m, c := jobsTest(t, Options{})
	runs, _ := answerDetails(t, m, c, "a", []stats{{40, 10}, {0, 30}})
	if len(runs) != 1 || !runs[0].Partial || runs[0].Pushed != 20 {
		t.Fatalf("runs %+v, want one partial of 20", runs)
	}
	// Failed: last_error set during the run.
	r := oneRequest(t, m.Select("b", false))
	m.Apply(Result{Request: r, Detail: &api.ConnectorDetail{Connector: conn("b"), SyncStats: api.SyncStats{}}})
	c.Advance(time.Second)
	m.store.observe(&api.ConnectorDetail{Connector: conn("b"), SyncStats: api.SyncStats{ProductsPending: 3}}, c.Now())
	c.Advance(time.Second)
	boom := "boom"
	run, ok := m.store.observe(&api.ConnectorDetail{Connector: conn("b"), SyncStats: api.SyncStats{LastError: &boom}}, c.Now())
	if !ok || run.Error != "boom" || !run.Failed() || run.Partial {
		t.Errorf("run %+v (%v), want a whole failed run saying boom", run, ok)
	}
}

// Where the server offers jobs, the monitor observes nothing: the jobs are
// the runs, said to be the server's.
func TestNoObservedRunsWhereJobsAreOffered(t *testing.T) {
	m, c := jobsTest(t, Options{Jobs: true})
	if runs, _ := answerDetails(t, m, c, "a", []stats{{0, 100}, {50, 100}, {0, 150}}); len(runs) != 0 {
		t.Errorf("runs observed %+v, want none while jobs are offered", runs)
	}
	m.Store().LearnJobs("a", hourlyJobs(epoch0, 3))
	if runs, observed := m.Store().Runs("a"); observed || len(runs) != 3 {
		t.Errorf("Runs(a) = %d runs, observed %v; want the 3 jobs", len(runs), observed)
	}
}

// Runs kept from an earlier start come back with LoadRuns, once each.
func TestLoadRunsKeepsEachOnce(t *testing.T) {
	m, _ := jobsTest(t, Options{})
	r := Run{ConnectorID: "a", ID: "observed:x", Observed: true, End: epoch0, Duration: time.Minute}
	m.LoadRuns([]Run{r, r})
	if runs, observed := m.Store().Runs("a"); !observed || len(runs) != 1 {
		t.Errorf("Runs(a) = %+v, want the one run loaded", runs)
	}
}

// jobRun is a completed job ending at end, lasting d, pushing n.
func jobRun(id string, end time.Time, d time.Duration, n int) api.Job {
	return api.Job{ID: id, Status: "completed", Pushed: n, DurationMS: int(d.Milliseconds()), CompletedAt: &end}
}

// usualJobs are n runs, hourly before end, of a minute and 1000 products.
func usualJobs(end time.Time, n int) []api.Job {
	var jobs []api.Job
	for k := n; k >= 1; k-- {
		jobs = append(jobs, jobRun("u"+string(rune('a'+k)), end.Add(-time.Duration(k)*time.Hour), time.Minute, 1000))
	}
	return jobs
}

// A run over three times the median duration is one slow_run event, one
// pushing under a tenth of the median one small_run event, each once; a
// normal run is none.
func TestSlowAndSmallRunsAreEventsOnce(t *testing.T) {
	m, c := jobsTest(t, Options{})
	s := m.Store()
	var w RunWatch
	base := usualJobs(epoch0, 4)
	s.LearnJobs("a", base)
	if evs := w.Observe(c.Now(), s); len(evs) != 0 {
		t.Fatalf("first sight: %+v, want none", evs)
	}
	normal := append([]api.Job{jobRun("n", epoch0, 70*time.Second, 900)}, base...)
	s.LearnJobs("a", normal)
	if evs := w.Observe(c.Now(), s); len(evs) != 0 {
		t.Errorf("a normal run: %+v, want none", evs)
	}
	slow := append([]api.Job{jobRun("s", epoch0.Add(time.Hour), 4*time.Minute, 1000)}, normal...)
	s.LearnJobs("a", slow)
	evs := w.Observe(c.Now(), s)
	if len(evs) != 1 || evs[0].Kind != SlowRun || evs[0].ConnectorID != "a" {
		t.Fatalf("a slow run: %+v, want one slow_run", evs)
	}
	if evs := w.Observe(c.Now(), s); len(evs) != 0 {
		t.Errorf("the same slow run again: %+v, want none", evs)
	}
	small := append([]api.Job{jobRun("m", epoch0.Add(2*time.Hour), time.Minute, 99)}, slow...)
	s.LearnJobs("a", small)
	evs = w.Observe(c.Now(), s)
	if len(evs) != 1 || evs[0].Kind != SmallRun {
		t.Fatalf("a small run: %+v, want one small_run", evs)
	}
	if evs[0].Text() == "" || evs[0].Before != "usually 1000 products" {
		t.Errorf("small_run says %q (%q)", evs[0].Text(), evs[0].Before)
	}
}

// A connector with fewer than three earlier runs is never judged: its
// slow or small run is no event. Observed runs are judged like jobs.
func TestNoRunEventsOnANewConnector(t *testing.T) {
	m, c := jobsTest(t, Options{})
	s := m.Store()
	var w RunWatch
	w.Observe(c.Now(), s)
	obs := func(id string, end time.Time, d time.Duration, n int) Run {
		return Run{ConnectorID: "b", ID: id, Observed: true, Status: "completed", Start: end.Add(-d), End: end, Duration: d, Pushed: n}
	}
	m.LoadRuns([]Run{obs("1", epoch0, time.Minute, 1000), obs("2", epoch0.Add(time.Hour), time.Minute, 1000)})
	w.Observe(c.Now(), s)
	m.LoadRuns([]Run{obs("3", epoch0.Add(2*time.Hour), time.Hour, 1)})
	if evs := w.Observe(c.Now(), s); len(evs) != 0 {
		t.Errorf("third run of a new connector: %+v, want none", evs)
	}
	// With three earlier runs (one of them slow), the next slow one counts.
	m.LoadRuns([]Run{obs("4", epoch0.Add(3*time.Hour), time.Hour, 1000)})
	if evs := w.Observe(c.Now(), s); len(evs) != 1 || evs[0].Kind != SlowRun {
		t.Errorf("a slow observed run after three: %+v, want one slow_run", evs)
	}
}

// The events view's filter steps through the new kinds.
func TestRunEventKindsAreFilterable(t *testing.T) {
	var slow, small bool
	for _, k := range EventKinds() {
		slow = slow || k == SlowRun
		small = small || k == SmallRun
	}
	if !slow || !small {
		t.Errorf("EventKinds() lacks slow_run or small_run")
	}
}

// A backlog of queued jobs, or jobs listed without completed_at, does not
// push the finished runs out of the ones kept: at most MaxUnfinishedRuns
// of them are kept, and every finished run that fits.
func TestUnfinishedJobsDoNotCrowdOutFinishedRuns(t *testing.T) {
	m, _ := jobsTest(t, Options{Jobs: true})
	var jobs []api.Job
	for range 120 {
		jobs = append(jobs, api.Job{ID: "q", Status: "queued"})
	}
	jobs = append(jobs, hourlyJobs(epoch0, 30)...)
	m.Store().LearnJobs("a", jobs)
	runs, _ := m.Store().Runs("a")
	finished := 0
	for _, r := range runs {
		if r.Finished() {
			finished++
		}
	}
	if finished != 30 || len(runs) != 30+MaxUnfinishedRuns {
		t.Errorf("kept %d runs, %d finished; want the 30 finished and %d unfinished", len(runs), finished, MaxUnfinishedRuns)
	}
}
