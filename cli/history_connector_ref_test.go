package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/history"
)

// history --connector names a connector the way every command does (its
// id, a unique start of it, its name or a part of it), matched against the
// history itself: it answers offline, and finds a connector by the name it
// had when the action was taken.
func TestHistoryFindsAConnectorByNameOrIDStart(t *testing.T) {
	e := newEnv(t, sandbox.Options{ReadLimit: -1})
	var active []string
	for _, id := range e.sb.IDs() {
		if d, _, _ := e.session.Client.GetConnector(context.Background(), id); d != nil && d.Status == "active" {
			active = append(active, id)
		}
	}
	if len(active) < 2 {
		t.Fatalf("the sandbox has %d active connectors, want 2", len(active))
	}
	a, b := active[0], active[1]
	for _, id := range []string{a, b} {
		if _, errs, code := e.run("connectors", "sync", id, "--eans", "4006381333931"); code != 0 {
			t.Fatalf("sync %s: exit %d, %s", id, code, errs)
		}
	}
	d, _, err := e.session.Client.GetConnector(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{a, a[:len(a)-1], d.Name, strings.ToUpper(d.Name)} {
		out, errs, code := e.run("history", "-o", "json", "--connector", ref)
		var acts []history.Action
		if code != 0 || json.Unmarshal([]byte(out), &acts) != nil {
			t.Fatalf("--connector %q: exit %d, %s %s", ref, code, out, errs)
		}
		if len(acts) != 1 || acts[0].ConnectorID != a {
			t.Errorf("--connector %q: %d actions %+v, want the one on %s", ref, len(acts), acts, a)
		}
		if ref != a && !strings.Contains(errs, "→ ") {
			t.Errorf("--connector %q found %s without saying so: %q", ref, a, errs)
		}
	}
	out, errs, code := e.run("history", "--connector", "no-such-connector-anywhere")
	if code != 0 || strings.Contains(out, a) || strings.Contains(out, b) || !strings.Contains(errs, "no action") {
		t.Errorf("unknown ref: exit %d, out %q, err %q", code, out, errs)
	}
}
