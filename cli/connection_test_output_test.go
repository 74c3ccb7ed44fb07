package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
)

// byStatus is the first connector of the sandbox with this status.
func byStatus(t *testing.T, e *env, status string) string {
	t.Helper()
	for _, id := range e.sb.IDs() {
		if d, _, err := e.session.Client.GetConnector(t.Context(), id); err == nil && d.Status == status {
			return id
		}
	}
	t.Fatalf("no %s connector in the sandbox", status)
	return ""
}

// `connectors test` says the verdict in one line a person reads, and
// -o json gives the answer as JSON; a failed test exits 1 in both.
func TestConnectionTestSaysItsVerdictInOneLine(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 30})
	ok, bad := byStatus(t, e, "active"), byStatus(t, e, "error")

	out, errs, code := e.run("connectors", "test", ok)
	if code != 0 || !regexp.MustCompile(`^✓ connected · Connection OK · \d+ ms\n$`).MatchString(out) {
		t.Errorf("passed: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	out, errs, code = e.run("connectors", "test", bad)
	if code != ExitAPI || !strings.HasPrefix(out, "✗ failed · ") || strings.Count(out, "\n") != 1 || !strings.Contains(errs, "failed") {
		t.Errorf("failed: exit %d, stdout %q, stderr %q", code, out, errs)
	}

	for _, c := range []struct {
		id   string
		code int
		ok   bool
	}{{ok, 0, true}, {bad, ExitAPI, false}} {
		out, errs, code := e.run("connectors", "test", c.id, "-o", "json")
		var m map[string]any
		if code != c.code || json.Unmarshal([]byte(out), &m) != nil || m["ok"] != c.ok || m["latency_ms"] == nil {
			t.Errorf("-o json (ok %t): exit %d, stdout %q, stderr %q", c.ok, code, out, errs)
		}
	}
	if _, errs, code := e.run("connectors", "test", ok, "-o", "yaml"); code != ExitUsage || e.posts() != 4 {
		t.Errorf("-o yaml: exit %d, %d POSTs, %s", code, e.posts(), errs)
	}
}

// The newer docs' answer, {"success": false, …}, is a failure too.
func TestConnectionTestReadsSuccessAsTheVerdict(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 3})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			e.sb.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"success":false,"message":"Invalid credentials","latency_ms":243}`))
	}))
	defer srv.Close()
	c, err := api.New(srv.URL+sandbox.BasePath, api.WithAPIKey(sandbox.DefaultAPIKey), api.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	e.session.Client = c
	out, errs, code := e.run("connectors", "test", e.sb.IDs()[0])
	if code != ExitAPI || out != "✗ failed · Invalid credentials · 243 ms\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
