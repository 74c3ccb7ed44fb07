package cli

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/history"
)

// idle is an active connector with nothing pending.
func idle(t *testing.T, e *env) string {
	t.Helper()
	for _, cand := range e.sb.IDs() {
		if d, _, _ := e.session.Client.GetConnector(context.Background(), cand); d.Status == "active" && d.SyncStats.ProductsPending == 0 && d.SyncStats.ProductsSynced > 10 {
			return cand
		}
	}
	t.Fatal("no idle connector")
	return ""
}

func TestSyncWaitWhenTheServerLostTrackIsUnknownNotDrained(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	id := idle(t, e)
	d, _, _ := e.session.Client.GetConnector(context.Background(), id)
	lost := false
	e.beforeSleep = func() {
		if !lost && e.posts() == 1 {
			// The server restarts: its queue is gone, synced went down.
			lost = e.sb.LoseTrack(id, d.SyncStats.ProductsSynced-5)
		}
	}
	_, errs, code := e.run("connectors", "sync", id, "--catalog", "--yes", "--wait")
	if code != ExitOutcomeUnknown || !strings.Contains(errs, "lost track") {
		t.Fatalf("exit %d, stderr %s; want %d and the server lost track", code, errs, ExitOutcomeUnknown)
	}
	out, _, _ := e.run("history", "-o", "json", "--connector", id)
	var acts []history.Action
	if err := json.Unmarshal([]byte(out), &acts); err != nil || len(acts) != 1 {
		t.Fatalf("history: %v %s", err, out)
	}
	if acts[0].Outcome != history.OutcomeUnknown || !strings.Contains(acts[0].Answer, "products_synced fell") {
		t.Errorf("recorded %q (%q), want outcome unknown because synced fell", acts[0].Outcome, acts[0].Answer)
	}
}

func TestWriteWithoutAHistoryIsNotSent(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.session.History = nil
	e.session.NoHistory = errors.New("mkdir /state: permission denied")
	id := idle(t, e)
	for _, args := range [][]string{{"connectors", "sync", id, "--eans", "4006381333931"}, {"connectors", "sync", id, "--catalog", "--yes"}, {"connectors", "test", id}} {
		_, errs, code := e.run(args...)
		if code == 0 || !strings.Contains(errs, "not sent") || !strings.Contains(errs, "permission denied") {
			t.Errorf("%v: exit %d, stderr %q; want a failure that says not sent and why", args, code, errs)
		}
	}
	if e.posts() != 0 {
		t.Errorf("%d POSTs sent without a history", e.posts())
	}
}

// connectors list without --all says on stderr that more pages exist; the
// last page and --all say nothing of the kind.
func TestListOfOnePageSaysMorePagesExist(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	out, errs, code := e.run("connectors", "list", "-o", "json")
	if code != 0 || !strings.Contains(errs, "showing 100 of 137 (page 1); --all for every page") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	if strings.Contains(out, "showing") {
		t.Error("the note went to stdout")
	}
	if _, errs, _ := e.run("connectors", "list", "--all", "-o", "json"); strings.Contains(errs, "showing") {
		t.Errorf("--all: %q", errs)
	}
}
