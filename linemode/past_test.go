package linemode

import (
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
)

// The strip's text alternative: the runs by outcome, a status the strip
// does not know said as it came (not "other"), where they come from, the
// last ok run and the median duration, in words a screen reader says well.
func TestRunsAreToldInWordsAsTheStripShowsThem(t *testing.T) {
	now := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	run := func(status string, endAgo, took time.Duration) monitor.Run {
		return monitor.Run{Status: status, End: now.Add(-endAgo), Duration: took}
	}
	runs := []monitor.Run{
		{Status: "running"},
		run("failed", time.Hour, 4*time.Second),
		run("completed", 2*time.Hour, 9*time.Second),
		run("completed_with_warnings", 3*time.Hour, 11*time.Second),
		run("completed", 4*time.Hour, 7*time.Second),
	}
	got := runsWords(runs, false, now)
	want := "Runs: 2 ok, 1 failed, 1 running, 1 completed_with_warnings (from the server); last ok 2 hours ago; median 8 seconds."
	if got != want {
		t.Errorf("runs in words:\n got %q\nwant %q", got, want)
	}
	if got := runsWords(runs[1:2], true, now); got != "Runs: 1 failed (observed here); none ok in the last 1 run; median 4 seconds." {
		t.Errorf("failed runs only: %q", got)
	}
}

func TestLatenessIsToldInWords(t *testing.T) {
	now := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		cad  monitor.Cadence
		want string
	}{
		{monitor.Cadence{}, ""},
		{monitor.Cadence{Usual: time.Hour, Last: now.Add(-3 * time.Hour), State: monitor.Late}, "Late: last sync 3 hours ago, usually every hour."},
		{monitor.Cadence{Usual: 24 * time.Hour, Last: now.Add(-80 * time.Hour), State: monitor.Overdue}, "Overdue: last sync 3 days ago, usually every day."},
		{monitor.Cadence{Usual: 2 * time.Hour, Last: now.Add(-time.Hour)}, "On time: usually syncs every 2 hours."},
	} {
		if got := lateWords(c.cad, now); got != c.want {
			t.Errorf("lateWords(%+v) = %q, want %q", c.cad, got, c.want)
		}
	}
}

// show tells a connector's runs: the server's jobs when they answer after
// the detail, and the observed runs' calm line on a server without jobs.
func TestShowTellsTheRunsWhenTheyAnswer(t *testing.T) {
	p := start(t, setup{sandbox: sandbox.Options{Seed: 3, Connectors: 5, ReadLimit: -1}})
	p.wait("Type list for the connectors")
	p.typeLine("list")
	p.wait("5. ")
	p.typeLine("show 1")
	p.wait("No error.")
	line := p.wait("(from the server); last ok")
	if !strings.HasPrefix(line, "Runs: ") || !strings.Contains(line, " ok") || !strings.Contains(line, "; median ") {
		t.Errorf("the runs line: %q", line)
	}
	p.wait("Latest jobs on the server:")
	p.typeLine("quit")
	p.wait("Goodbye.")
	assertPlain(t, p.out.String())

	q := start(t, setup{sandbox: sandbox.Options{Seed: 3, Connectors: 5, ReadLimit: -1, NoJobs: true}})
	q.wait("Type list for the connectors")
	q.typeLine("list")
	q.wait("5. ")
	q.typeLine("show 2")
	q.wait("Runs: none seen yet (observed here).")
	q.typeLine("quit")
	q.wait("Goodbye.")
}

// A job ended without completed_at is said by its status, its end and
// duration unknown, never as running; a status is said as the server sent
// it (counted without regard to case), never lowercased.
func TestRunsEndedWithoutTimeAreToldAsEnded(t *testing.T) {
	now := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	var runs []monitor.Run
	for _, j := range []api.Job{
		{ID: "j3", Status: "running"},
		{ID: "j2", Status: "completed", Pushed: 12, DurationMS: 8400},
		{ID: "j1", Status: "Completed_With_Warnings"},
		{ID: "j0", Status: "COMPLETED_WITH_WARNINGS"},
	} {
		runs = append(runs, monitor.RunOfJob("c1", j))
	}
	got := runsWords(runs, false, now)
	want := "Runs: 1 ok, 1 running, 2 Completed_With_Warnings (from the server); last ok at a time the server did not send."
	if got != want {
		t.Errorf("runs in words:\n got %q\nwant %q", got, want)
	}
	if got, want := runWords(runs[1], now), "Run completed, ended at a time the server did not send, 12 products pushed, duration unknown."; got != want {
		t.Errorf("one run:\n got %q\nwant %q", got, want)
	}
	if got := runWords(runs[0], now); !strings.Contains(got, "Run running, under way") {
		t.Errorf("the running job: %q", got)
	}
}
