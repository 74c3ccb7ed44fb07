package app

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// With default_profile shopa and PIXEE_BASE_URL / PIXEE_API_KEY pointing at
// another server, a sync goes to that server's own history: shopa's history
// stays empty, and the other's holds it.
func TestAnEnvBaseURLBesideTheDefaultProfileHasItsOwnHistory(t *testing.T) {
	tempState(t)
	sb := sandbox.New(sandbox.Options{Seed: 1, ReadLimit: -1, WriteLimit: -1, SyncFailureRate: -1})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	p := writeConfig(t, "default_profile: shopa\nprofiles:\n  shopa: {name: Shop A, api_key_file: DIR/acme.key, base_url: https://a.invalid/api/v1}\n")
	historyOf := func() []map[string]any {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Run([]string{"--config", p, "history", "-o", "json"}, strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("history: exit %d, %s", code, errb.String())
		}
		var acts []map[string]any
		if err := json.Unmarshal(out.Bytes(), &acts); err != nil {
			t.Fatalf("history: %v: %s", err, out.String())
		}
		return acts
	}

	t.Setenv("PIXEE_BASE_URL", srv.URL+sandbox.BasePath)
	t.Setenv("PIXEE_API_KEY", sb.APIKey())
	var out, errb bytes.Buffer
	if code := Run([]string{"--config", p, "connectors", "sync", sb.IDs()[0], "--eans", "4006381333931"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("sync: exit %d, %s", code, errb.String())
	}
	if n := len(historyOf()); n != 1 {
		t.Errorf("the other server's history holds %d actions, want 1", n)
	}
	t.Setenv("PIXEE_BASE_URL", "")
	t.Setenv("PIXEE_API_KEY", "")
	if n := len(historyOf()); n != 0 {
		t.Errorf("shopa's history holds %d actions: a sync sent to another server was filed under it", n)
	}
}
