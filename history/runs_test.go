package history

import (
	"fmt"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/monitor"
)

// An observed run appended to the log comes back after a restart, and a
// monitor started afresh shows it again as the connector's observed run.
func TestObservedRunsSurviveARestart(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	log, _, err := OpenRuns(dir, Limits{}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	run := monitor.Run{ConnectorID: "a", ID: "observed:1", Observed: true, Status: "completed",
		Start: t0.Add(-time.Minute), End: t0, Duration: time.Minute, Pushed: 50}
	if err := log.Append([]monitor.Run{run}); err != nil {
		t.Fatal(err)
	}

	again, _, err := OpenRuns(dir, Limits{}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	runs, warns, err := again.Load()
	if err != nil || len(warns) != 0 || len(runs) != 1 {
		t.Fatalf("Load: %+v %v %v", runs, warns, err)
	}
	if got := runs[0]; !got.Start.Equal(run.Start) || !got.End.Equal(run.End) || got.Duration != run.Duration ||
		got.Pushed != 50 || !got.Observed || got.ID != run.ID {
		t.Errorf("loaded %+v, want %+v", got, run)
	}
	m := monitor.New(monitor.Options{Now: c.now})
	m.LoadRuns(runs)
	if shown, observed := m.Store().Runs("a"); !observed || len(shown) != 1 || shown[0].Pushed != 50 {
		t.Errorf("after a restart Runs(a) = %+v, %v", shown, observed)
	}
}

// The log keeps the newest MaxRuns runs of each connector, also while
// appending past its size limit, and takes a run recorded twice once.
func TestRunLogBoundedPerConnector(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	log, _, err := OpenRuns(dir, Limits{MaxBytes: 16 << 10}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	for i := range monitor.MaxRuns + 20 {
		r := monitor.Run{ConnectorID: "a", ID: fmt.Sprint(i), Observed: true, End: t0.Add(time.Duration(i) * time.Minute)}
		if err := log.Append([]monitor.Run{r, r}); err != nil {
			t.Fatal(err)
		}
	}
	log.Append([]monitor.Run{{ConnectorID: "b", ID: "x", End: t0}})
	runs, _, err := log.Load()
	if err != nil {
		t.Fatal(err)
	}
	perConn := map[string]int{}
	for _, r := range runs {
		perConn[r.ConnectorID]++
	}
	if perConn["a"] != monitor.MaxRuns || perConn["b"] != 1 || runs[0].ID != fmt.Sprint(monitor.MaxRuns+19) {
		t.Errorf("kept %v, newest %q; want %d of a, newest first, and b's", perConn, runs[0].ID, monitor.MaxRuns)
	}
	if size := log.log.size(); size > 2*(16<<10) {
		t.Errorf("the file is %d bytes, past twice its limit", size)
	}
	if err := log.Append([]monitor.Run{{ID: "no connector"}}); err == nil {
		t.Error("a run without a connector was recorded")
	}
}
