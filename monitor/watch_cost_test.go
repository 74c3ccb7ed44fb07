package monitor

import (
	"fmt"
	"github.com/pixee/pixee-tui/api"
	"testing"
	"time"
)

// watchedStore is a store of n connectors synced hourly for a day, the
// first withJobs of them with a full page of jobs each: what a dashboard
// left open on a large account holds.
func watchedStore(n, withJobs int) *Store {
	s := newStore(CadenceOptions{})
	for h := range 24 {
		at := epoch0.Add(time.Duration(h) * time.Hour)
		for i := range n {
			s.put(synced(fmt.Sprintf("c%05d", i), at), at, nil)
		}
	}
	for i := range withJobs {
		s.LearnJobs(fmt.Sprintf("c%05d", i), usualJobs(epoch0, 200))
	}
	return s
}

// The cost of watching lateness and runs after one result that touched one
// connector, on a large account: it must not grow with the account.
func BenchmarkLateAndRunWatchPerResult(b *testing.B) {
	for _, n := range []int{137, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := watchedStore(n, min(n, 256))
			var lw LateWatch
			var rw RunWatch
			now := epoch0.Add(24 * time.Hour)
			lw.Observe(now, s)
			rw.Observe(now, s)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				now = now.Add(time.Second)
				c := synced(fmt.Sprintf("c%05d", i%n), now)
				s.put(c, now, nil)
				lw.Observe(now, s)
				rw.Observe(now, s)
			}
		})
	}
}

// Jobs are kept as runs for the few connectors fetched last, however many
// were selected: walking down a long list does not keep every one's runs.
// One whose runs were let go and come back is a first sight for RunWatch,
// not a burst of events about its old runs.
func TestJobRunsKeptForTheLastConnectorsOnly(t *testing.T) {
	s := newStore(CadenceOptions{})
	var w RunWatch
	now := epoch0
	for i := range 200 {
		id := fmt.Sprintf("c%03d", i)
		jobs := usualJobs(epoch0, 10)
		if i == 0 {
			// Its latest run is slow: judged with the others on first sight.
			jobs = append([]api.Job{jobRun("slow", epoch0, time.Hour, 1000)}, jobs...)
		}
		s.LearnJobs(id, jobs)
		w.Observe(now, s)
	}
	kept := 0
	for id := range s.runsByID {
		if runs, _ := s.Runs(id); len(runs) > 0 {
			kept++
		}
	}
	if kept != MaxJobRunsKept {
		t.Errorf("runs kept for %d connectors after 200 were fetched, want %d", kept, MaxJobRunsKept)
	}
	if runs, _ := s.Runs("c199"); len(runs) != 11-1 {
		t.Errorf("the last one fetched keeps %d runs, want 10", len(runs))
	}
	if cd := s.Cadence("c000", now); cd.Samples == 0 || !cd.FromJobs {
		t.Errorf("the first one's cadence went with its runs: %+v", cd)
	}
	s.LearnJobs("c000", append([]api.Job{jobRun("slow", epoch0, time.Hour, 1000)}, usualJobs(epoch0, 10)...))
	if evs := w.Observe(now, s); len(evs) != 0 {
		t.Errorf("runs fetched again after they were let go: %+v, want no event about old runs", evs)
	}
}

// A watch looks at what a result touched and at what time moves, nothing
// else: a connector going late with time alone is seen while others change,
// and one touched (a sync) recovers at once.
func TestLateWatchSeesTimeAndTouchesOnly(t *testing.T) {
	s := watchedStore(50, 0)
	var w LateWatch
	last := epoch0.Add(23 * time.Hour)
	evs, next := w.Observe(last.Add(time.Minute), s)
	if len(evs) != 0 || !next.Equal(last.Add(2*time.Hour+time.Nanosecond)) {
		t.Fatalf("on time: %v, next %v", evs, next)
	}
	// c00000 keeps syncing; the others fall behind.
	for _, at := range []time.Time{last.Add(time.Hour), last.Add(2 * time.Hour)} {
		s.put(synced("c00000", at), at, nil)
		if evs, _ := w.Observe(at, s); len(evs) != 0 {
			t.Fatalf("before the threshold: %v", evs)
		}
	}
	evs, _ = w.Observe(next, s)
	if len(evs) != 49 || evs[0].ConnectorID != "c00001" || evs[0].Kind != TurnedLate {
		t.Fatalf("at the threshold: %d events (%v), want 49 turned_late", len(evs), evs[:min(len(evs), 2)])
	}
	s.put(synced("c00007", next), next, nil)
	if evs, _ := w.Observe(next, s); len(evs) != 1 || evs[0].ConnectorID != "c00007" || evs[0].Kind != LateRecovered {
		t.Errorf("after c00007 synced: %v, want its late_recovered only", evs)
	}
}

// A connector whose interval is learnt only now (its jobs fetched) while it
// is already late did not turn late now: no event, though it is late.
func TestLearntLateIsNoTurnedLateEvent(t *testing.T) {
	m, c := newTest(t)
	last := epoch0.Add(-10 * time.Hour)
	m.Apply(pageOK(oneRequest(t, m.Start()), synced("d", last)))
	var w LateWatch
	w.Observe(c.Now(), m.Store())
	var jobs []api.Job
	for k := range 5 {
		at := last.Add(-time.Duration(k) * time.Hour)
		jobs = append(jobs, api.Job{ID: fmt.Sprint(k), Status: "completed", CompletedAt: &at})
	}
	m.Store().LearnJobs("d", jobs)
	if evs, _ := w.Observe(c.Now(), m.Store()); len(evs) != 0 {
		t.Errorf("learnt late: %+v, want no event", evs)
	}
	if got := m.Store().Cadence("d", c.Now()).State; got != Overdue {
		t.Errorf("state %s, want overdue", got)
	}
}

// A sync of a few EANs asked for here pushes few products: its run is not
// small, it did what it was asked. A slow one is still slow.
func TestAskedSyncOfSomeEANsIsNotASmallRun(t *testing.T) {
	s := newStore(CadenceOptions{})
	var w RunWatch
	base := usualJobs(epoch0, 4)
	s.LearnJobs("a", base)
	w.Observe(epoch0, s)
	w.Asked("a", epoch0.Add(time.Minute))
	s.LearnJobs("a", append([]api.Job{jobRun("two", epoch0.Add(2*time.Minute), time.Second, 2)}, base...))
	if evs := w.Observe(epoch0, s); len(evs) != 0 {
		t.Errorf("the run of 2 EANs asked for: %+v, want no small_run", evs)
	}
	s.LearnJobs("a", append([]api.Job{jobRun("tiny", epoch0.Add(3*time.Hour), time.Minute, 2)}, base...))
	if evs := w.Observe(epoch0, s); len(evs) != 1 || evs[0].Kind != SmallRun {
		t.Errorf("a scheduled run of 2 hours later: %+v, want one small_run", evs)
	}
}

// Walking through many connectors keeps the jobs answers of the last
// MaxJobsCache only, the most recently fetched, not one per connector.
func TestJobsCacheKeepsTheLastFetched(t *testing.T) {
	m, c := jobsTest(t, Options{Jobs: true})
	for i := range 100 {
		id := fmt.Sprintf("c%03d", i)
		c.Advance(time.Minute)
		out := m.Apply(selectedOK(oneRequest(t, m.Select(id, false)), epoch0))
		jobs, _ := jobsOf(out.Plan)
		if len(jobs) != 1 {
			t.Fatalf("selecting %s: %d jobs requests, want 1", id, len(jobs))
		}
		m.Apply(Result{Request: jobs[0], Jobs: hourlyJobs(epoch0, 200)})
	}
	if n := m.JobsCached(); n != MaxJobsCache {
		t.Errorf("%d jobs answers kept after 100 selections, want %d", n, MaxJobsCache)
	}
	if _, ok := m.Jobs("c099"); !ok {
		t.Error("the last one fetched was let go")
	}
	if _, ok := m.Jobs("c000"); ok {
		t.Error("the first one fetched is still kept")
	}
}
