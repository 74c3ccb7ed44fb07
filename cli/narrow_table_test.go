package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// linesFit fails for a line of out wider than width.
func linesFit(t *testing.T, what, out string, width int) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if w := termtext.Width(l); w > width {
			t.Errorf("%s: a line of %d columns in %d: %q", what, w, width, l)
		}
	}
}

// On a narrow terminal the tables never cut an id (nor a time): the names
// give way, and below the table's least width each connector becomes a
// record, one field per line, every line within the terminal.
func TestNarrowTablesNeverCutIDs(t *testing.T) {
	for _, width := range []int{60, 40} {
		e := newEnv(t, sandbox.Options{Connectors: 12})
		e.width = width
		ids := e.sb.IDs()
		long := "A Very Long Connector Name " + strings.Repeat("That Goes On ", 10)
		e.sb.SetName(ids[0], long)

		out, errs, code := e.run("connectors", "list")
		if code != 0 {
			t.Fatalf("list at %d: exit %d: %s", width, code, errs)
		}
		for _, id := range ids {
			if !strings.Contains(out, id) {
				t.Errorf("list at %d: id %s is not whole in\n%s", width, id, out)
			}
		}
		if strings.Contains(out, long) || !strings.Contains(out, "A Very Long") || !strings.Contains(out, "…") {
			t.Errorf("list at %d: the long name is not shortened with an ellipsis:\n%s", width, out)
		}
		if !strings.Contains(out, "+00:00") {
			t.Errorf("list at %d: the times lost their zone:\n%s", width, out)
		}
		linesFit(t, "list", out, width)

		out, errs, code = e.run("connectors", "get", ids[0])
		if code != 0 || !strings.Contains(out, ids[0]) {
			t.Errorf("get at %d: exit %d, id not whole: %s%s", width, code, out, errs)
		}
		linesFit(t, "get", out, width)

		synced := ""
		for _, id := range ids[1:] { // the first one that takes a sync (not paused)
			if _, _, code := e.run("connectors", "sync", id, "--eans", "4006381333931"); code == 0 {
				synced = id
				break
			}
		}
		acts, _, _ := e.session.History.Actions()
		out, _, _ = e.run("history")
		if synced == "" || !strings.Contains(out, synced) || !strings.Contains(out, acts[0].SyncID) {
			t.Errorf("history at %d: the connector id or the sync id is cut:\n%s", width, out)
		}
		if testing.Verbose() {
			l, _, _ := e.run("connectors", "list")
			g, _, _ := e.run("connectors", "get", ids[0])
			t.Logf("at %d:\n%s\n%s\n%s", width, l, g, out)
		}
	}
}

// A wide terminal keeps the table: one line per connector, the whole name.
func TestWideTableKeepsOneLinePerConnector(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 5})
	e.width = 200
	out, _, code := e.run("connectors", "list")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if code != 0 || len(lines) != 6 || !strings.HasPrefix(lines[0], "ID ") {
		t.Fatalf("exit %d, %d lines:\n%s", code, len(lines), out)
	}
	for i, id := range e.sb.IDs() {
		if !strings.HasPrefix(lines[i+1], id+"  ") || strings.Contains(lines[i+1], "…") {
			t.Errorf("row %d: %q", i+1, lines[i+1])
		}
	}
}

// At 80 columns — the usual terminal — the list is still a table, one line
// per connector, every id whole: the times drop their year and the column's
// header carries their offset instead.
func TestListAtEightyColumnsIsATable(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 12})
	e.width = 80
	ids := e.sb.IDs()
	out, errs, code := e.run("connectors", "list")
	if code != 0 {
		t.Fatalf("list: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != len(ids)+1 {
		t.Fatalf("list at 80 columns: %d lines for %d connectors, want a header and one line each:\n%s", len(lines), len(ids), out)
	}
	if !strings.Contains(lines[0], "+00:00") {
		t.Errorf("the header does not say the times' offset: %q", lines[0])
	}
	for i, id := range ids {
		if !strings.Contains(out, id) {
			t.Errorf("id %s (row %d) is not whole:\n%s", id, i, out)
		}
	}
	linesFit(t, "list", out, 80)
}

// A short time is only written in the header's offset: one from the other
// side of a change of summer time, or of another year, is written whole.
func TestShortTimesNeverTakeAnotherOffset(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, paris)
	winter := time.Date(2026, 11, 30, 8, 5, 0, 0, paris)
	summer := time.Date(2026, 7, 1, 8, 5, 0, 0, paris)
	lastYear := time.Date(2025, 12, 1, 8, 5, 0, 0, paris)
	if h := timeHeader(now, paris); h != "SYNC +01:00" {
		t.Errorf("header = %q", h)
	}
	for _, tc := range []struct {
		at   *time.Time
		want string
	}{
		{&winter, "11-30 08:05"},
		{&summer, "2026-07-01 08:05 +02:00"},
		{&lastYear, "2025-12-01 08:05 +01:00"},
		{nil, "never"},
	} {
		if got := whenShort(tc.at, now, paris); got != tc.want {
			t.Errorf("whenShort(%v) = %q, want %q", tc.at, got, tc.want)
		}
	}
}
