package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/history"
)

// startWithHistory is a settled dashboard whose syncs go to a history in a
// temporary folder; the store is returned to read what was written.
func startWithHistory(t *testing.T, so sandbox.Options) (*uiFixture, *history.Store, string) {
	t.Helper()
	dir := t.TempDir()
	var store *history.Store
	f := startOn(t, so, func(o *Options) {
		s, _, err := history.Open(dir, "acme", history.Limits{}, o.Now)
		if err != nil {
			t.Fatal(err)
		}
		store, o.History, o.User = s, s, "alice"
	})
	return f, store, dir
}

func readActions(t *testing.T, s *history.Store) []history.Action {
	t.Helper()
	acts, _, err := s.Actions()
	if err != nil {
		t.Fatal(err)
	}
	return acts
}

// A sync from the dashboard is recorded with its user, EANs, sync id and
// answer, then completed as drained when the detail sees pending at 0; H
// lists it.
func TestDashboardSyncIsRecorded(t *testing.T) {
	f, store, _ := startWithHistory(t, sandbox.Options{})
	f.Key("s")
	f.Type(twoEANs)
	f.Key("ctrl+s", "y")
	acts := readActions(t, store)
	if len(acts) != 1 {
		t.Fatalf("%d actions recorded, want 1", len(acts))
	}
	a := acts[0]
	if a.User != "alice" || a.ConnectorID != f.ids[0] || a.ConnectorName != firstConnectorName || len(a.EANs) != 2 ||
		a.Outcome != history.OutcomeQueued || a.SyncID == "" {
		t.Fatalf("recorded %+v", a)
	}
	f.Key("enter")
	f.Advance(2 * time.Minute) // the detail polls fast until pending drains
	if got := readActions(t, store)[0].Outcome; got != history.OutcomeDrained {
		t.Fatalf("outcome %q after the drain, want drained", got)
	}
	f.Key("H")
	f.has("History · 1 action", "drained", "2 EANs", firstConnectorName, "alice")
	f.Key("esc")
	f.lacks("History ·")
}

// The POST is answered by a dropped connection: the history keeps the
// intent as "outcome unknown", and a fresh start reads it so.
func TestDroppedSyncIsOutcomeUnknownInTheHistory(t *testing.T) {
	f, _, dir := startWithHistory(t, sandbox.Options{})
	f.rec.set(onRoute("sync", resetConn()))
	f.Key("s")
	f.Type(twoEANs)
	f.Key("ctrl+s", "y")
	fresh, _, err := history.Open(dir, "acme", history.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	acts := readActions(t, fresh)
	if len(acts) != 1 || acts[0].Outcome != history.OutcomeUnknown {
		t.Fatalf("after a dropped POST: %+v, want one action, outcome unknown", acts)
	}
	if n := f.rec.count("sync"); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}
}

// A sync that cannot be recorded is not sent.
func TestUnrecordableSyncIsNotSent(t *testing.T) {
	f, _, dir := startWithHistory(t, sandbox.Options{})
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	f.Key("s")
	f.Type(twoEANs)
	f.Key("ctrl+s", "y")
	if n := f.count(sbSync); n != 0 {
		t.Fatalf("%d POSTs although the intent could not be written", n)
	}
	f.has("not sent: the sync cannot be recorded")
}

// The confirmation warns with the facts: the same EANs queued here a few
// minutes ago, and products still pending.
func TestConfirmationWarnsOfARecentSameSync(t *testing.T) {
	f, _, _ := startWithHistory(t, sandbox.Options{})
	f.Key("s")
	f.Type(twoEANs)
	f.Key("ctrl+s", "y", "enter")
	f.clock.Advance(4 * time.Minute)
	f.Key("s")
	f.Type(twoEANs)
	f.Key("ctrl+s")
	f.has("the same 2 EANs were queued here 4m ago")
	f.Key("n", "esc")
	f.sb.SetStatus(f.ids[0], "active")
	f.Key("S")
	if strings.Contains(f.View(), "queued here") {
		t.Errorf("a whole-catalog question warns of an EAN sync:\n%s", f.View())
	}
}

// c in the history shows only the selected connector's actions.
func TestHistoryFiltersByConnector(t *testing.T) {
	_, store, _ := startWithHistory(t, sandbox.Options{})
	store.Begin(history.Action{ConnectorID: "someone-else", ConnectorName: "Other Shop", Kind: history.SyncCatalog})
	// A second dashboard on the same account reads what the first wrote.
	f2 := startOn(t, sandbox.Options{}, func(o *Options) { o.History, o.User = store, "bob" })
	f2.Key("s")
	f2.Type(twoEANs)
	f2.Key("ctrl+s", "y", "enter")
	f2.Key("H")
	f2.has("2 actions", "Other Shop")
	f2.Key("c")
	f2.has("1 action on this connector")
	f2.lacks("Other Shop")
	f2.Key("c")
	f2.has("Other Shop")
}
