package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
)

// at is testEpoch plus m minutes.
func at(m int) time.Time { return testEpoch.Add(time.Duration(m) * time.Minute) }

// The timeline of a connector merges its events, their acknowledgements,
// its runs and the actions triggered on it into one list, newest first;
// another connector's, and syncs queued by a team (the history lists them
// with who did them), are left out.
func TestTimelineMergesEverySourceNewestFirst(t *testing.T) {
	ev := func(min int, id string, k monitor.EventKind, after string) history.Seen {
		return history.Seen{Event: monitor.Event{ID: string(k) + id, Time: at(min), ConnectorID: id, Name: "Shop", Kind: k, After: after}}
	}
	errEv := ev(10, "c1", monitor.TurnedError, "")
	errEv.Acked, errEv.AckedAt, errEv.AckedBy = true, at(25), "bob"
	events := []history.Seen{
		ev(43, "c1", monitor.ErrorCleared, "active"),
		ev(41, "c1", monitor.ErrorChanged, "401 Unauthorized"),
		ev(40, "c1", monitor.Recovered, "active"),
		ev(35, "c2", monitor.TurnedError, ""), // another connector
		ev(30, "c1", monitor.SyncSent, "the whole catalog"),
		errEv,
	}
	actions := []history.Action{
		{ID: "a1", Time: at(20), ConnectorID: "c1", Kind: history.SyncCatalog, Outcome: history.OutcomeDrained, User: "alice"},
		{ID: "a2", Time: at(15), ConnectorID: "c2", Kind: history.TestConn, Outcome: "ok"},
		{ID: "a3", Time: at(5), ConnectorID: "c1", Kind: history.TestConn, Outcome: "failed", Answer: "401 from Shopify"},
	}
	runs := []monitor.Run{
		{ConnectorID: "c1", ID: "j3", Status: "running", Start: at(45)},
		{ConnectorID: "c1", ID: "j2", Status: "completed", Start: at(20), End: at(22), Duration: 2 * time.Minute, Pushed: 120},
		{ConnectorID: "c1", ID: "j1", Status: "failed", Start: at(1), End: at(2), Duration: time.Minute, Error: "3 products in error"},
	}
	got := mergeTimeline("c1", events, actions, runs)
	want := []struct {
		at     time.Time
		source timelineSource
		glyph  string
		text   string
	}{
		{at(45), fromRun, "◐", "running"},
		{at(43), fromEvent, "✓", "last error cleared"},
		{at(41), fromEvent, "✗", "new last error: 401 Unauthorized"},
		{at(40), fromEvent, "✓", "recovered (active)"},
		{at(25), fromAck, "•", "acknowledged by bob: turned to error"},
		{at(22), fromRun, "✓", "completed · took 2m 00s · 120 products"},
		{at(20), fromAction, "→", "sync of the whole catalog · drained · by alice"},
		{at(10), fromEvent, "✗", "turned to error"},
		{at(5), fromAction, "→", "connection test · failed · 401 from Shopify"},
		{at(2), fromRun, "✗", "failed · took 1m 00s · 0 products · 3 products in error"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d:\n%s", len(got), len(want), dumpTimeline(got))
	}
	for i, w := range want {
		g := got[i]
		if !g.At.Equal(w.at) || g.Source != w.source || g.Glyph != w.glyph || g.Text != w.text {
			t.Errorf("entry %d is %v %s %s %q, want %v %s %s %q", i, g.At.Format("15:04"), g.Source.word(), g.Glyph, g.Text,
				w.at.Format("15:04"), w.source.word(), w.glyph, w.text)
		}
	}
}

// Entries of the same time keep one order (an action, then the run it
// started, then what changed), and a run under way with no start known
// comes first: the order never depends on the inputs' order.
func TestTimelineOrdersTiesBySourceAndRunsUnderWayFirst(t *testing.T) {
	events := []history.Seen{{Event: monitor.Event{Time: at(10), ConnectorID: "c1", Kind: monitor.Paused}}}
	actions := []history.Action{{Time: at(10), ConnectorID: "c1", Kind: history.SyncCatalog, Outcome: "queued"}}
	runs := []monitor.Run{
		{ConnectorID: "c1", Status: "completed", End: at(10)},
		{ConnectorID: "c1", Status: "queued"},
	}
	got := mergeTimeline("c1", events, actions, runs)
	var order []string
	for _, e := range got {
		order = append(order, e.Source.word()+" "+e.Glyph)
	}
	if s := strings.Join(order, ", "); s != "run ◐, action →, run ✓, event ‖" {
		t.Errorf("order %s, want the queued run, then the action, the run and the event of 12:10", s)
	}
	if line := timelineLine(got[0], at(20), time.UTC); !strings.Contains(line, "under way") {
		t.Errorf("the run under way reads %q", line)
	}
}

// Each line says the time and the age; text from the server is one line,
// without escapes.
func TestTimelineLineHasTimeAgeAndCleanText(t *testing.T) {
	runs := []monitor.Run{{ConnectorID: "c1", Status: "failed", End: at(0), Error: "boom\x1b[31m\nsecond line"}}
	line := timelineLine(mergeTimeline("c1", nil, nil, runs)[0], at(90), time.UTC)
	for _, want := range []string{"11-26 12:00:00", "1h ago", "run", "✗ failed"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q lacks %q", line, want)
		}
	}
	if strings.ContainsAny(line, "\x1b\n") {
		t.Errorf("line %q holds an escape or a newline", line)
	}
}

func dumpTimeline(es []timelineEntry) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(timelineLine(e, at(60), time.UTC) + "\n")
	}
	return b.String()
}

// The timeline changes nothing of the server's text but what makes it
// safe: a status keeps its case (a control character shown "^J" stays
// "^J"), and an error that starts with a colon or a space keeps it.
func TestTimelineKeepsServerTextAsSent(t *testing.T) {
	runs := []monitor.Run{
		{ConnectorID: "c1", Status: "In\nProgress", Start: at(5)},
		{ConnectorID: "c1", Status: "Done_With_WARNINGS\x1b[2J", End: at(4)},
	}
	events := []history.Seen{{Event: monitor.Event{Time: at(3), ConnectorID: "c1", Name: "Shop", Kind: monitor.ErrorChanged, After: ": Token EXPIRED\n"}}}
	got := mergeTimeline("c1", events, nil, runs)
	want := []string{"In^JProgress", "Done_With_WARNINGS^[[2J · took 0s · 0 products", "new last error: : Token EXPIRED"}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d:\n%s", len(got), len(want), dumpTimeline(got))
	}
	for i, w := range want {
		if got[i].Text != w {
			t.Errorf("entry %d reads %q, want %q", i, got[i].Text, w)
		}
	}
}
