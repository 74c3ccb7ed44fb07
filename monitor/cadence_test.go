package monitor

import (
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/internal/fakeclock"
)

// synced is conn(id) with last_sync_at at.
func synced(id string, at time.Time) api.Connector {
	c := conn(id)
	c.LastSyncAt = &at
	return c
}

// refreshPage is the page request a refresh sends.
func refreshPage(t *testing.T, m *Monitor) Request {
	t.Helper()
	p, _ := m.Refresh()
	return oneRequest(t, p)
}

// hourly feeds the monitor pages in which connector ids last synced at
// start, start+1h, …, n syncs in all, as a refreshed page sees them, and
// returns the last sync.
func hourly(t *testing.T, m *Monitor, c *fakeclock.Clock, start time.Time, n int, ids ...string) time.Time {
	t.Helper()
	r := oneRequest(t, m.Start())
	var last time.Time
	for k := range n {
		last = start.Add(time.Duration(k) * time.Hour)
		c.Set(last.Add(time.Minute))
		items := make([]api.Connector, len(ids))
		for i, id := range ids {
			items[i] = synced(id, last)
		}
		m.Apply(pageOK(r, items...))
		if k < n-1 {
			r = refreshPage(t, m)
		}
	}
	return last
}

// The usual interval is learnt from the successive last_sync_at values the
// list shows; past one usual interval beyond the expected sync the
// connector is late, past two overdue.
func TestCadenceLearntFromLastSyncTurnsLateThenOverdue(t *testing.T) {
	m, c := newTest(t)
	last := hourly(t, m, c, epoch0, 4, "a") // three intervals of 1h
	st := m.Store()
	for _, tc := range []struct {
		after time.Duration
		want  Lateness
	}{
		{30 * time.Minute, OnTime},
		{2 * time.Hour, OnTime}, // exactly one interval past the expected sync
		{2*time.Hour + time.Second, Late},
		{3 * time.Hour, Late},
		{3*time.Hour + time.Second, Overdue},
		{48 * time.Hour, Overdue},
	} {
		cd := st.Cadence("a", last.Add(tc.after))
		if cd.Usual != time.Hour || cd.Samples != 3 || cd.FromJobs || cd.State != tc.want {
			t.Errorf("%s after the last sync: %+v, want usual 1h from 3 samples, %s", tc.after, cd, tc.want)
		}
	}
}

// Thresholds are options.
func TestLateThresholdsAreConfigurable(t *testing.T) {
	c := fakeclock.New(epoch0)
	m := New(Options{Now: c.Now, Seed: 1, Cadence: CadenceOptions{MinSamples: 2, LateAfter: 0.5, OverdueAfter: 4}})
	last := hourly(t, &m, c, epoch0, 3, "a")
	if got := m.Store().Cadence("a", last.Add(90*time.Minute+time.Second)).State; got != Late {
		t.Errorf("1.5h after: %s, want late (LateAfter 0.5 from 2 samples)", got)
	}
	if got := m.Store().Cadence("a", last.Add(5*time.Hour)).State; got != Late {
		t.Errorf("5h after: %s, want still late (OverdueAfter 4)", got)
	}
}

// A connector with too little history is never late, however old its
// last sync: seen once, or with fewer intervals than MinSamples.
func TestNoFalseLateOnANewConnector(t *testing.T) {
	m, c := newTest(t)
	last := hourly(t, m, c, epoch0, 3, "a") // two intervals
	r := refreshPage(t, m)
	old := epoch0.Add(-30 * 24 * time.Hour)
	m.Apply(pageOK(r, synced("a", last), synced("new", old), conn("never")))
	far := last.Add(30 * 24 * time.Hour)
	for _, id := range []string{"a", "new", "never"} {
		if cd := m.Store().Cadence(id, far); cd.State != OnTime || cd.Usual != 0 {
			t.Errorf("%s a month on: %+v, want on time with nothing learnt", id, cd)
		}
	}
	var w LateWatch
	if evs, next := w.Observe(far, m.Store()); len(evs) != 0 || !next.IsZero() {
		t.Errorf("LateWatch on connectors without history: %v, next %v", evs, next)
	}
}

// A paused connector is not expected to sync: never late.
func TestPausedConnectorIsNotLate(t *testing.T) {
	m, c := newTest(t)
	last := hourly(t, m, c, epoch0, 4, "a")
	p := synced("a", last)
	p.Status = "paused"
	m.Apply(pageOK(refreshPage(t, m), p))
	if cd := m.Store().Cadence("a", last.Add(10*time.Hour)); cd.State != OnTime || cd.Usual != time.Hour {
		t.Errorf("paused: %+v, want on time, usual 1h kept", cd)
	}
}

// turned_late comes once when a connector goes late (not again when it
// goes overdue), late_recovered when it syncs; LateWatch says when to look
// again, and a first sight of a late connector is no event.
func TestLateWatchEventsFollowTheClock(t *testing.T) {
	m, c := newTest(t)
	last := hourly(t, m, c, epoch0, 4, "a", "b")
	st := m.Store()
	var w LateWatch
	evs, next := w.Observe(c.Now(), st)
	if len(evs) != 0 || !next.Equal(last.Add(2*time.Hour+time.Nanosecond)) {
		t.Fatalf("on time: events %v, next %v; want none, next at the late threshold", evs, next)
	}
	c.Set(next)
	evs, next = w.Observe(c.Now(), st)
	if len(evs) != 2 || evs[0].Kind != TurnedLate || evs[0].ConnectorID != "a" || evs[1].ConnectorID != "b" ||
		!strings.Contains(evs[0].Text(), "Shop a is late: last sync 2h 00m ago, usually every 1h 00m") {
		t.Fatalf("at the threshold: %+v", evs)
	}
	var a Alerts
	if ring, _ := a.Add(c.Now(), evs); ring != "2 connectors turned late" {
		t.Errorf("alert %q, want the two coalesced", ring)
	}
	c.Set(next) // overdue now
	if evs, _ = w.Observe(c.Now(), st); len(evs) != 0 {
		t.Errorf("late to overdue: %v, want no second event", evs)
	}
	m.Apply(pageOK(refreshPage(t, m), synced("a", c.Now()), synced("b", last)))
	evs, _ = w.Observe(c.Now(), st)
	if len(evs) != 1 || evs[0].Kind != LateRecovered || evs[0].ConnectorID != "a" || evs[0].Before != "overdue" {
		t.Errorf("after a sync: %+v, want a late_recovered for a", evs)
	}
	if TurnedLate.Recovery() != LateRecovered || !TurnedLate.Bad() || LateRecovered.Bad() {
		t.Error("turned_late is a bad event that late_recovered ends")
	}

	var fresh LateWatch // a watch started after b went late says nothing of it
	if evs, _ := fresh.Observe(c.Now(), st); len(evs) != 0 {
		t.Errorf("first sight: %v, want no event", evs)
	}
}

// The server's jobs teach the usual interval at once: the daily runs give
// a day, even where last_sync_at was seen only once; runs without a
// completion time are skipped.
func TestCadenceLearntFromJobs(t *testing.T) {
	m, c := newTest(t)
	last := epoch0.Add(-time.Hour)
	m.Apply(pageOK(oneRequest(t, m.Start()), synced("d", last)))
	var jobs []api.Job
	jobs = append(jobs, api.Job{ID: "running", Status: "running"})
	for k := range 10 {
		at := last.Add(-time.Duration(k) * 24 * time.Hour)
		jobs = append(jobs, api.Job{ID: "j", Status: "completed", CompletedAt: &at})
	}
	m.Store().LearnJobs("d", jobs)
	cd := m.Store().Cadence("d", c.Now())
	if cd.Usual != 24*time.Hour || cd.Samples != 9 || !cd.FromJobs || cd.State != OnTime || !cd.Last.Equal(last) {
		t.Errorf("from jobs: %+v, want usual 24h from 9 samples, on time", cd)
	}
	if got := m.Store().Cadence("d", last.Add(49*time.Hour)).State; got != Late {
		t.Errorf("49h after: %s, want late", got)
	}
}
