package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
)

const jobsRoute = "GET /connectors/{id}/jobs"

// startWatched is a dashboard with its index (summary, filter, sort, errors
// view) and a bell, on the default sandbox, its first connector selected:
// hourly, last synced at 10:11:28 when the clock starts at 12:00, and not
// syncing on its own after (the sandbox runs nothing on schedule).
func startWatched(t *testing.T) (*uiFixture, *syncBuffer) {
	t.Helper()
	term := &syncBuffer{}
	f := startOn(t, sandbox.Options{}, func(o *Options) {
		o.NoIndex, o.Terminal, o.Alerts = false, term, AlertOptions{Bell: true}
	})
	return f, term
}

// firstRow is the list's first connector row.
func (f *uiFixture) firstRow() string {
	for _, line := range strings.Split(f.View(), "\n") {
		if strings.Contains(line, "▶ "+firstConnectorName) || strings.Contains(line, "  "+firstConnectorName+" ") {
			return line
		}
	}
	return ""
}

func (f *uiFixture) eventsOf(kind monitor.EventKind) int {
	n := 0
	for _, e := range f.m.feed.events {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// Through late, overdue and a sync on the fake clock: the connector's
// status cell, the header's counts and the events follow, in words and
// glyphs (these dashboards are NO_COLOR), with one bell when it turns late
// and none when it recovers.
func TestLateThenOverdueThenRecoveredInListSummaryAndEvents(t *testing.T) {
	f, term := startWatched(t)
	f.Advance(5 * time.Minute)
	if row := f.firstRow(); !strings.Contains(row, "● active") {
		t.Fatalf("on time, the row says %q", row)
	}
	f.lacks("◔", "late")

	f.Advance(7 * time.Minute) // 12:12: one usual interval past 11:11
	if row := f.firstRow(); !strings.Contains(row, "◔ late") {
		t.Fatalf("late, the row says %q\n%s", row, f.View())
	}
	f.has("◔ 1 late", "⚑ 1 new")
	if f.eventsOf(monitor.TurnedLate) != 1 || strings.Count(term.String(), "\a") != 1 {
		t.Fatalf("turned late: %d turned_late events, %d bells; want 1 and 1", f.eventsOf(monitor.TurnedLate), strings.Count(term.String(), "\a"))
	}

	f.Advance(time.Hour) // 13:12: two usual intervals past
	if row := f.firstRow(); !strings.Contains(row, "◕ overdue") {
		t.Fatalf("overdue, the row says %q", row)
	}
	f.has("◕ 1 overdue")
	f.lacks("◔ 1 late")
	if f.eventsOf(monitor.TurnedLate) != 1 {
		t.Errorf("late to overdue made another turned_late event")
	}

	f.Key("S", "y") // a whole-catalog sync: when it drains, last_sync_at moves
	f.Advance(10 * time.Minute)
	if row := f.firstRow(); !strings.Contains(row, "● active") {
		t.Fatalf("after a sync, the row says %q\n%s", row, f.View())
	}
	f.lacks("◕ 1 overdue", "◔ 1 late")
	if f.eventsOf(monitor.LateRecovered) != 1 {
		t.Errorf("%d late_recovered events after the sync, want 1", f.eventsOf(monitor.LateRecovered))
	}
	if n := strings.Count(term.String(), "\a"); n != 1 {
		t.Errorf("%d bells, want the one of turning late", n)
	}
}

// A connector with too little history is never late, however long since
// its last sync: the ones whose jobs were never fetched (only one
// last_sync_at seen) stay as they are, with no event.
func TestNoFalseLateOnConnectorsWithoutHistory(t *testing.T) {
	f, _ := startWatched(t)
	f.Advance(6 * time.Hour)
	if n := f.m.mon.Counts(); n.Late+n.Overdue != 1 {
		t.Errorf("%d late and %d overdue after six hours, want only the selected one (its jobs teach its interval)", n.Late, n.Overdue)
	}
	if c := f.m.mon.Cadence(f.ids[1]); c.State != monitor.OnTime || c.Usual != 0 {
		t.Errorf("a connector never selected: %+v, want on time, nothing learnt", c)
	}
	if n := f.eventsOf(monitor.TurnedLate); n != 1 {
		t.Errorf("%d turned_late events, want 1", n)
	}
}

// The filter finds late connectors by the word, the status sort puts them
// right after the errors, and the errors view lists them as a cause.
func TestLateIsFilteredSortedAndInTheErrorsView(t *testing.T) {
	f, _ := startWatched(t)
	f.Advance(12 * time.Minute)
	f.Key("/")
	f.Type("late")
	f.Key("enter")
	f.has("1 of 137")
	if row := f.firstRow(); !strings.Contains(row, "◔ late") {
		t.Fatalf("filtered on late, the row says %q\n%s", row, f.View())
	}
	f.Key("esc")
	for f.m.fleet.sort != sortStatus {
		f.Key("o")
	}
	rows := f.m.list.items
	i := 0
	for i < len(rows) && rows[i].Status == monitor.StatusError {
		i++
	}
	if i == 0 || i == len(rows) || rows[i].ID != f.ids[0] {
		t.Fatalf("sorted by status: %d errors first, then %v; want the late one next", i, rows[min(i, len(rows)-1)].Name)
	}
	f.Key("e")
	f.has("1 late", "◔ 1 × late", firstConnectorName+" · last sync 10:11, usually every 1h 00m")
}

// Selecting a connector costs one request for its jobs over HTTP, and none
// again while they are fresh: not when coming back to it, not while it
// stays selected.
func TestJobsFetchedOnceOnSelection(t *testing.T) {
	f := startSettled(t, 160, 48)
	if n := f.count(jobsRoute); n != 1 {
		t.Fatalf("%d jobs requests at start, want 1 (the first connector's)", n)
	}
	f.Key("j")
	f.Advance(time.Second)
	f.Key("k")
	f.Advance(time.Second)
	f.Key("j")
	f.Advance(time.Second)
	if n := f.count(jobsRoute); n != 2 {
		t.Errorf("%d jobs requests after selecting the second, back and again, want 2", n)
	}
	f.Advance(4 * time.Minute) // staying on it: the detail polls, its jobs are not
	if n := f.count(jobsRoute); n != 2 {
		t.Errorf("%d jobs requests while it stays selected, want still 2", n)
	}
	if runs, observed := f.m.mon.Runs(f.ids[1]); len(runs) == 0 || observed {
		t.Errorf("the second's runs: %d, observed %v; want its jobs", len(runs), observed)
	}
}

// An idle dashboard on 137 connectors, its index and the selected
// connector's jobs on, stays under 10 requests a minute.
func TestIdleDashboardWithJobsStaysUnderTenRequestsAMinute(t *testing.T) {
	f, _ := startWatched(t)
	f.Advance(10 * time.Minute) // the index built
	before, jobs := f.sb.Stats().Total, f.count(jobsRoute)
	f.Advance(30 * time.Minute)
	perMin := float64(f.sb.Stats().Total-before) / 30
	t.Logf("%.2f requests a minute idle", perMin)
	if perMin >= 10 {
		t.Errorf("%.2f requests a minute idle, want under 10", perMin)
	}
	if n := f.count(jobsRoute) - jobs; n != 0 {
		t.Errorf("%d jobs requests while idle, want none", n)
	}
}

// The detail of a late connector says why the list calls it late: its
// usual interval and how far past due it is, in words, as late and then
// as overdue; on time it says nothing of it.
func TestDetailSaysWhyAConnectorIsLate(t *testing.T) {
	f, _ := startWatched(t)
	f.Advance(5 * time.Minute)
	f.lacks("usually every")
	f.Advance(7 * time.Minute)
	if !strings.Contains(f.View(), "late       usually every 1h 00m · 1h 00m past due") {
		t.Fatalf("late, the detail lacks its interval:\n%s", f.View())
	}
	if !strings.Contains(f.View(), "· ● active · ◔ late") {
		t.Fatalf("late, the detail's status line does not say it:\n%s", f.View())
	}
	f.Advance(time.Hour)
	if !strings.Contains(f.View(), "· ● active · ◕ overdue") {
		t.Fatalf("overdue, the detail's status line does not say it:\n%s", f.View())
	}
	if !strings.Contains(f.View(), "overdue    usually every 1h 00m · 2h 00m past due") {
		t.Fatalf("overdue, the detail lacks its interval:\n%s", f.View())
	}
}
