package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
)

// endedWithoutTime are a connector's jobs as a server may list them: one
// running, one completed at a known time, and two ended (completed,
// failed) without completed_at.
func endedWithoutTime() []api.Job {
	end := testEpoch.Add(-time.Hour)
	return []api.Job{
		{ID: "j4", Status: "running"},
		{ID: "j3", Status: "completed", Pushed: 12, DurationMS: 8400}, // no completed_at
		{ID: "j2", Status: "failed", Errors: 2, DurationMS: 100},      // no completed_at
		{ID: "j1", Status: "completed", Pushed: 120, DurationMS: 9000, CompletedAt: &end},
	}
}

// The strip counts a job ended without completed_at by its status, never
// as running, and makes up no duration for it: only the job whose status
// says it runs is running.
func TestActivityStripCountsJobsEndedWithoutTimeByTheirStatus(t *testing.T) {
	f := startSettled(t, 160, 48)
	withJobs(f, endedWithoutTime())
	f.has("2 ok · 1 failed · 1 running (from the server)", "median 9s")
	if want := "▄"; !strings.Contains(f.View(), "median 9s · "+want) {
		t.Errorf("the durations row has other runs than the one timed:\n%s", f.View())
	}
	// With only an undated success, the last ok is unknown, not "none".
	withJobs(f, []api.Job{{ID: "j3", Status: "completed", Pushed: 12}})
	f.has("1 ok (from the server)", "last ok    ? (the server sent no end time)")
}

// The timeline lists a job ended without completed_at as ended, its time
// and duration unknown ("?"), after the runs placed in time; never as a
// run under way.
func TestTimelineShowsJobsEndedWithoutTimeAsEnded(t *testing.T) {
	var runs []monitor.Run
	for _, j := range endedWithoutTime() {
		runs = append(runs, monitor.RunOfJob("c1", j))
	}
	got := mergeTimeline("c1", nil, nil, runs)
	if len(got) != 4 {
		t.Fatalf("%d entries, want 4:\n%s", len(got), dumpTimeline(got))
	}
	var lines []string
	for _, e := range got {
		lines = append(lines, timelineLine(e, at(0), time.UTC))
	}
	if !strings.Contains(lines[0], "under way") || !strings.Contains(lines[0], "◐ running") {
		t.Errorf("first line %q, want the running job, under way", lines[0])
	}
	for i, want := range map[int]string{2: "✓ completed · end time not sent · took ? · 12 products", 3: "✗ failed · end time not sent · took ?"} {
		if l := lines[i]; !strings.Contains(l, want) || strings.Contains(l, "under way") || !strings.HasPrefix(l, " ?              ?         run") {
			t.Errorf("line %d %q, want %q, its time and age unknown", i, l, want)
		}
	}
	if n := narrowTimelineLine(got[2], at(0)); strings.Contains(n, "under way") || !strings.HasPrefix(n, " ?") {
		t.Errorf("narrow line %q, want its age unknown", n)
	}
}
