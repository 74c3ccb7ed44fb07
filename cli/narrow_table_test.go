package cli

import (
	"strings"
	"testing"

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
