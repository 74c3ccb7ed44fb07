package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// gets is how many GET requests of a connector (not the list) were made.
func (e *env) gets() int { return e.sb.Stats().ByRoute["GET /connectors/{id}"] }

// lastAction is the connector id of the newest action in the history.
func (e *env) lastAction() string {
	e.t.Helper()
	acts, _, err := e.session.History.Actions()
	if err != nil || len(acts) == 0 {
		e.t.Fatalf("no action in the history: %v", err)
	}
	return acts[0].ConnectorID
}

// A connector is named by its id, a unique start of its id, its name or a
// unique part of its name, case ignored; a write says on stderr which
// connector a name resolved to, and is sent to that connector's id.
func TestConnectorsAreFoundByNameOrIDStart(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 250}) // names beyond the first page
	ids := e.sb.IDs()
	quay := ids[len(ids)-1]
	e.sb.SetName(quay, "Quayside Quills")

	for _, ref := range []string{quay, "quayside", "QUAYSIDE QUILLS", "side quil", quay[:8], strings.ToUpper(quay[:8])} {
		out, errs, code := e.run("connectors", "get", ref)
		if code != 0 || !strings.Contains(out, quay) || !strings.Contains(out, "Quayside Quills") {
			t.Errorf("get %q: exit %d, stdout %q, stderr %q", ref, code, out, errs)
		}
	}

	_, errs, code := e.run("connectors", "sync", "quayside", "--eans", "4006381333931")
	if code != 0 || e.posts() != 1 || e.lastAction() != quay {
		t.Fatalf("sync by name: exit %d, %d POSTs, stderr %q", code, e.posts(), errs)
	}
	if want := "→ Quayside Quills (" + quay + ")\n"; !strings.HasPrefix(errs, want) && !strings.Contains(errs, "\n"+want) {
		t.Errorf("the write did not say which connector it resolved to; stderr %q", errs)
	}
	_, errs, code = e.run("connectors", "test", quay[:6])
	if code != 0 || e.posts() != 2 || e.lastAction() != quay || !strings.Contains(errs, "→ Quayside Quills ("+quay+")") {
		t.Errorf("test by id start: exit %d, %d POSTs, stderr %q", code, e.posts(), errs)
	}

	// An exact id is taken at once: one GET, no list walked.
	e.sb.ResetStats()
	if _, errs, code := e.run("connectors", "get", quay); code != 0 || e.gets() != 1 || e.sb.Stats().Total != 1 || strings.Contains(errs, "→") {
		t.Errorf("get by exact id: exit %d, %d requests, stderr %q", code, e.sb.Stats().Total, errs)
	}

	// The catalog's question names the connector the name resolved to.
	e.inTTY, e.stdin = true, "n\n"
	_, errs, _ = e.run("connectors", "sync", "quayside quills", "--catalog")
	if !strings.Contains(errs, "Sync the whole catalog of Quayside Quills ("+quay) || e.posts() != 0 { // counted since the reset
		t.Errorf("catalog prompt: %d POSTs, stderr %q", e.posts(), errs)
	}
}

// An exact name wins over a name that only contains it, and an id start
// shorter than four characters is not taken for an id.
func TestExactNameWinsAndShortIDStartsAreNames(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 20})
	ids := e.sb.IDs()
	e.sb.SetName(ids[3], "Quayside")
	e.sb.SetName(ids[4], "Quayside Quills")
	if out, errs, code := e.run("connectors", "get", "quayside"); code != 0 || !strings.Contains(out, ids[3]) {
		t.Errorf("exact name: exit %d, %q %q", code, out, errs)
	}
	short := ids[5][:3]
	e.sb.SetName(ids[6], "Shop "+short)
	for i, id := range ids {
		if i != 6 && strings.HasPrefix(id, short) {
			t.Skipf("another id starts with %q", short)
		}
	}
	if out, errs, code := e.run("connectors", "get", short); code != 0 || !strings.Contains(out, ids[6]) {
		t.Errorf("a 3-character ref %q is matched as a name: exit %d, %q %q", short, code, out, errs)
	}
}

// Several matches are an error (exit 2) listing the first five, id and
// name, neutralised; no match is exit 1; neither sends anything.
func TestAmbiguousOrUnknownNamesSendNothing(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 30})
	ids := e.sb.IDs()
	for i := range 7 {
		e.sb.SetName(ids[i], fmt.Sprintf("Quayside \x1b[31mStore\x1b[0m %d", i))
	}
	_, errs, code := e.run("connectors", "sync", "quayside", "--eans", "4006381333931")
	if code != ExitUsage || e.posts() != 0 || !strings.Contains(errs, "ambiguous: 7 connectors match") {
		t.Fatalf("ambiguous: exit %d, %d POSTs, stderr %q", code, e.posts(), errs)
	}
	assertNeutral(t, "ambiguous (stderr)", errs)
	listed := 0
	for _, id := range ids[:7] {
		if strings.Contains(errs, "  "+id+"  Quayside ^[[31mStore^[[0m") {
			listed++
		}
	}
	if listed != 5 || !strings.Contains(errs, "… and 2 more") {
		t.Errorf("%d candidates listed, want 5 and a count of the rest: %q", listed, errs)
	}
	_, errs, code = e.run("connectors", "test", "no such shop")
	if code != ExitAPI || e.posts() != 0 || !strings.Contains(errs, "no connector") {
		t.Errorf("unknown: exit %d, %d POSTs, stderr %q", code, e.posts(), errs)
	}
	if _, errs, code = e.run("connectors", "sync", "no such shop", "--catalog", "--yes"); code != ExitAPI || e.posts() != 0 {
		t.Errorf("unknown, catalog: exit %d, %d POSTs, stderr %q", code, e.posts(), errs)
	}
}

// Looking a name up in a large account walks its pages within the rate
// budget, as list --all does: it waits for the window rather than meet a
// 429, and says so.
func TestNameLookupStaysWithinTheRateBudget(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 700, ReadLimit: 8})
	ids := e.sb.IDs()
	e.sb.SetName(ids[len(ids)-1], "Quayside Quills")
	out, errs, code := e.run("connectors", "get", "quayside quills")
	if code != 0 || !strings.Contains(out, ids[len(ids)-1]) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if !strings.Contains(errs, "waiting") || strings.Contains(errs, "rate limited") {
		t.Errorf("the walk did not pace itself within the budget: %q", errs)
	}
}
