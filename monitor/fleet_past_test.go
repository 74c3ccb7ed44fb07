package monitor

import (
	"testing"
	"time"
)

// In team mode a session reads the fleet's store: the lateness the fleet's
// watch learnt from its crawl comes with the published view, a view is
// never changed by what its publisher learns after, and the runs the
// session observed itself stay its own (Monitor.Runs), not lost behind the
// fleet's store. The session says no turned_late of its own: the fleet's
// watch says it once for every session.
func TestTeamSessionReadsLatenessFromTheFleetAndKeepsItsRuns(t *testing.T) {
	watch, c := newTest(t)
	last := hourly(t, watch, c, epoch0, 4, "a")
	src := &fleetHolder{v: watch.PublishFleet()}
	session := New(Options{Now: c.Now, Seed: 2, Fleet: src})
	c.Set(last.Add(2*time.Hour + time.Minute))
	if got := session.Lateness("a"); got != Late {
		t.Fatalf("the session sees a %s, want late from the fleet's cadence", got)
	}
	if n := session.Counts(); n.Late != 1 {
		t.Errorf("the session counts %d late, want 1", n.Late)
	}
	if late := session.LateNow(); len(late) != 1 || late[0].ID != "a" {
		t.Errorf("the session lists late %+v, want a", late)
	}
	// The watch learns a sync after publishing: the view published is not
	// touched.
	watch.Apply(pageOK(refreshPage(t, watch), synced("a", c.Now())))
	if got := session.Lateness("a"); got != Late {
		t.Errorf("a published view changed after: %s", got)
	}
	src.v = watch.PublishFleet()
	if got := session.Lateness("a"); got != OnTime {
		t.Errorf("after the next publish: %s, want on time", got)
	}

	run := Run{ConnectorID: "a", ID: "observed:1", Observed: true, Status: "completed", End: c.Now()}
	session.LoadRuns([]Run{run})
	if runs, observed := session.Runs("a"); len(runs) != 1 || !observed {
		t.Errorf("the session's own runs: %+v, want the one it observed", runs)
	}
	var lw LateWatch
	var rw RunWatch
	c.Set(c.Now().Add(5 * time.Hour))
	if evs, next := session.WatchPast(&lw, &rw); len(evs) != 0 || !next.IsZero() {
		t.Errorf("a session's watch said %+v (next %v): lateness is the fleet's watch's to say", evs, next)
	}
}
