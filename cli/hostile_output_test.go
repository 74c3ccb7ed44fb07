package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
)

// hostileText is what a hostile server (or the remote platform writing a
// last_error) may put in any string: an OSC 52 clipboard write, a screen
// clear, an 8-bit CSI (C1), a bidi override, a carriage return that would
// overwrite the line, DEL, and bytes that are not UTF-8.
const hostileText = "n\x1b]52;c;ZXZpbA==\x07\x1b[2J\u009b31m\u202eevil\rX\x7f\xff\x9b"

// jsonString quotes s for a JSON body the way a careless server would:
// control characters escaped (JSON requires it), every other byte raw,
// invalid UTF-8 included.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// hostileServer answers every route with hostileText in every string it
// can: names, platforms, statuses, ids, last_error, 404 details, sync ids,
// rejection details and test messages. After a sync, the connector drains
// with a new last_error.
type hostileServer struct {
	mu     sync.Mutex
	synced bool
	reject bool // answer syncs with "status": "rejected"
	testOK bool
}

func (h *hostileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	q := jsonString(hostileText)
	w.Header().Set("Content-Type", "application/json")
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1"), "/")
	switch {
	case r.Method == http.MethodGet && path == "/connectors":
		fmt.Fprintf(w, `{"items":[{"id":"c1","name":%s,"platform":%s,"status":%s,"last_sync_at":null,"created_at":"2026-01-01T00:00:00Z","note":%s},`+
			`{"id":%s,"name":"=HYPERLINK(\"http://x\")","platform":"+shop","status":"@x","last_sync_at":null,"created_at":null}],`+
			`"meta":{"total":2,"page":1,"per_page":100,"total_pages":1,"has_next":false,"has_previous":false}}`, q, q, q, q, q)
	case r.Method == http.MethodGet && path == "/connectors/c1":
		lastErr, pending := "null", 5
		if h.synced {
			lastErr, pending = q, 0
		}
		fmt.Fprintf(w, `{"id":"c1","name":%s,"platform":%s,"status":"active","last_sync_at":null,"created_at":null,`+
			`"sync_stats":{"products_synced":1,"products_pending":%d,"last_error":%s}}`, q, q, pending, lastErr)
	case r.Method == http.MethodPost && path == "/connectors/c1/sync":
		h.synced = true
		status := `"queued"`
		if h.reject {
			status = `"rejected"`
		}
		fmt.Fprintf(w, `{"sync_id":%s,"status":%s,"products_queued":1,"detail":%s}`, q, status, q)
	case r.Method == http.MethodGet && path == "/connectors/c1/jobs":
		fmt.Fprintf(w, `[{"id":%s,"job_type":%s,"status":%s,"pushed":1,"errors":0,"duration_ms":5,"completed_at":null},`+
			`{"id":"=cmd|' /C calc'!A0","job_type":"+x","status":"@x","pushed":null,"errors":"-1","duration_ms":null,"completed_at":%s}]`, q, q, q, q)
	case r.Method == http.MethodPost && path == "/connectors/c1/test":
		fmt.Fprintf(w, `{"ok":%t,"message":%s,%s:%s}`, h.testOK, q, q, q)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"detail":%s,"error_code":%s}`, q, q)
	}
}

func newHostileEnv(t *testing.T) (*env, *hostileServer) {
	t.Helper()
	e := newEnv(t, sandbox.Options{Connectors: 1})
	h := &hostileServer{testOK: true}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := api.New(srv.URL+"/api/v1", api.WithAPIKey("pm_test_x"), api.WithHTTPClient(srv.Client()),
		api.WithAuthHeader(api.AuthXAPIKey), api.WithClock(e.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	e.session.Client = c
	return e, h
}

// assertNeutral fails when s holds anything that drives or deceives a
// terminal: C0 controls other than newline and tab, DEL, C1 controls,
// invisible format characters (bidi overrides), or bytes that are not UTF-8.
func assertNeutral(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s: not valid UTF-8: %q", what, s)
	}
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20 || (r >= 0x7f && r < 0xa0), r == '\u2028', r == '\u2029', unicode.Is(unicode.Cf, r):
			t.Errorf("%s: %U reached the output raw: %q", what, r, s)
			return
		}
	}
}

// Every command, in every format, neutralises what the server said on
// stdout and stderr alike; JSON stays valid JSON and CSV valid CSV.
func TestHostileServerTextIsNeutralisedEverywhere(t *testing.T) {
	e, h := newHostileEnv(t)
	runs := []struct {
		args   []string
		format string // how stdout must parse
		stdin  string
		tty    bool
	}{
		{args: []string{"connectors", "list"}},
		{args: []string{"connectors", "list", "--all"}},
		{args: []string{"connectors", "list", "-o", "json"}, format: "json"},
		{args: []string{"connectors", "list", "--all", "-o", "json"}, format: "json"},
		{args: []string{"connectors", "list", "-o", "csv"}, format: "csv"},
		{args: []string{"connectors", "get", "c1"}},
		{args: []string{"connectors", "get", "c1", "-o", "json"}, format: "json"},
		{args: []string{"connectors", "get", "missing"}},
		{args: []string{"connectors", "get", "missing", "-o", "json"}},
		{args: []string{"connectors", "sync", "c1", "--eans", "4006381333931"}},
		{args: []string{"connectors", "sync", "c1", "--eans", "4006381333931", "-o", "json"}, format: "json"},
		{args: []string{"connectors", "sync", "c1", "--eans", "4006381333931", "--wait"}},
		{args: []string{"connectors", "sync", "c1", "--catalog"}, stdin: "n\n", tty: true},
		{args: []string{"connectors", "sync", "missing", "--catalog", "--yes"}},
		{args: []string{"connectors", "test", "c1"}},
		{args: []string{"connectors", "test", "c1", "-o", "json"}, format: "json"},
		{args: []string{"connectors", "test", "missing"}},
		{args: []string{"connectors", "jobs", "c1"}},
		{args: []string{"connectors", "jobs", "c1", "-o", "json"}, format: "json"},
		{args: []string{"connectors", "jobs", "c1", "-o", "csv"}, format: "csv"},
		{args: []string{"history"}},
		{args: []string{"history", "-o", "json"}, format: "json"},
	}
	for _, r := range runs {
		h.mu.Lock()
		h.synced = false
		h.mu.Unlock()
		e.stdin, e.inTTY = r.stdin, r.tty
		out, errs, code := e.run(r.args...)
		what := strings.Join(r.args, " ")
		assertNeutral(t, what+" (stdout)", out)
		assertNeutral(t, what+" (stderr)", errs)
		switch r.format {
		case "json":
			if !json.Valid([]byte(out)) {
				t.Errorf("%s: not valid JSON (exit %d): %q", what, code, out)
			}
		case "csv":
			if _, err := csv.NewReader(strings.NewReader(out)).ReadAll(); err != nil {
				t.Errorf("%s: not valid CSV: %v", what, err)
			}
		}
	}

	// The failures say what the server said, neutralised.
	h.reject = true
	_, errs, _ := e.run("connectors", "sync", "c1", "--eans", "4006381333931")
	assertNeutral(t, "rejected sync (stderr)", errs)
	h.reject, h.testOK = false, false
	out, errs, _ := e.run("connectors", "test", "c1")
	assertNeutral(t, "failed test (stdout)", out)
	assertNeutral(t, "failed test (stderr)", errs)
	if !strings.Contains(out, "^[]52;c;") {
		t.Errorf("the failed test's message is not shown in visible form: %q", out)
	}
	out, errs, _ = e.run("connectors", "test", "c1", "-o", "json")
	assertNeutral(t, "failed test -o json (stdout)", out)
	assertNeutral(t, "failed test -o json (stderr)", errs)
	if !json.Valid([]byte(out)) {
		t.Errorf("failed test -o json: not valid JSON: %q", out)
	}
}

// The progress line of --wait on a terminal redraws itself with a carriage
// return, and nothing else the server sent is written raw.
func TestWaitProgressOnATerminalIsTheOnlyCarriageReturn(t *testing.T) {
	e, _ := newHostileEnv(t)
	var out, errb bytes.Buffer
	o := &IO{In: strings.NewReader(""), Out: &out, Err: &errb, ErrTTY: true, Width: 100, Now: e.clock.Now, Sleep: e.clock.Sleep}
	code := runWith(e, o, "connectors", "sync", "c1", "--eans", "4006381333931", "--wait")
	if code != ExitSyncFailed {
		t.Fatalf("exit %d, want %d (the sync ended with an error): %q", code, ExitSyncFailed, errb.String())
	}
	lines := strings.Split(errb.String(), "\r")
	for i, l := range lines {
		if i > 0 && !strings.HasPrefix(l, "[") {
			t.Errorf("a carriage return that does not start the progress bar: %q", l)
		}
		assertNeutral(t, "--wait on a terminal", l)
	}
}

// runWith runs the commands on e's session with o; it returns the exit code.
func runWith(e *env, o *IO, args ...string) int {
	e.t.Helper()
	root := &cobra.Command{Use: "pixee-tui", SilenceErrors: true, SilenceUsage: true}
	root.AddCommand(Commands(o, func(context.Context) (*Session, error) { return e.session, nil })...)
	root.SetArgs(args)
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	err := root.Execute()
	if err != nil {
		fmt.Fprintln(o.Err, err)
	}
	return ExitCode(err)
}

// A sync the server answered "rejected" exits 5, as the README's table says.
func TestRejectedSyncExitsFive(t *testing.T) {
	e, h := newHostileEnv(t)
	h.reject = true
	_, errs, code := e.run("connectors", "sync", "c1", "--eans", "4006381333931")
	if code != ExitSyncFailed || !strings.Contains(errs, "did not queue") {
		t.Fatalf("exit %d, want %d: %s", code, ExitSyncFailed, errs)
	}
}

// -o json is valid JSON when the server sends bytes that are not UTF-8:
// they become U+FFFD.
func TestJSONOutputIsValidWithInvalidUTF8(t *testing.T) {
	e, _ := newHostileEnv(t)
	for _, args := range [][]string{
		{"connectors", "list", "-o", "json"},
		{"connectors", "get", "c1", "-o", "json"},
	} {
		out, errs, code := e.run(args...)
		if code != 0 || !json.Valid([]byte(out)) || !utf8.ValidString(out) {
			t.Fatalf("%v: exit %d, valid JSON %t, valid UTF-8 %t: %q %s", args, code, json.Valid([]byte(out)), utf8.ValidString(out), out, errs)
		}
		var v any
		json.Unmarshal([]byte(out), &v)
		if !strings.Contains(out, `\u001b]52;c;`) || !strings.Contains(out, "\uFFFD") {
			t.Errorf("%v: the name is not kept, escaped: %s", args, out)
		}
	}
}

// -o csv writes a cell a spreadsheet would read as a formula with a
// leading quote, and everything else as it came.
func TestCSVCellsAreNotFormulas(t *testing.T) {
	e, _ := newHostileEnv(t)
	out, errs, code := e.run("connectors", "list", "-o", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 3 {
		t.Fatalf("%d records, %v: %q", len(recs), err, out)
	}
	row := recs[2]
	for i, want := range map[int]string{1: `'=HYPERLINK("http://x")`, 2: "'+shop", 3: "'@x"} {
		if row[i] != want {
			t.Errorf("cell %d = %q, want %q", i, row[i], want)
		}
	}
	if recs[1][0] != "c1" || recs[1][5] != "2026-01-01T00:00:00Z" {
		t.Errorf("plain cells changed: %q", recs[1])
	}
}
