package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/history"
)

var update = flag.Bool("update", false, "rewrite the golden files")

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

// env is one account on a sandbox, and the commands over it.
type env struct {
	t       *testing.T
	sb      *sandbox.Server
	clock   *fakeClock
	session *Session
	stdin   string
	inTTY   bool
	// beforeSleep runs before each wait of the commands (a --wait's poll).
	beforeSleep func()
}

func newEnv(t *testing.T, opts sandbox.Options) *env {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	opts.Now = clock.Now
	if opts.Seed == 0 {
		opts.Seed = 7
	}
	if opts.SyncFailureRate == 0 {
		opts.SyncFailureRate = -1
	}
	sb := sandbox.New(opts)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	c, err := api.New(srv.URL+sandbox.BasePath, api.WithAPIKey(sandbox.DefaultAPIKey), api.WithHTTPClient(srv.Client()), api.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	h, _, err := history.Open(t.TempDir(), "test", history.Limits{}, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, sb: sb, clock: clock, session: &Session{Client: c, History: h, Account: "test", User: "tester"}}
}

// run executes the commands with args; it returns stdout, stderr and the
// exit code main would give.
func (e *env) run(args ...string) (string, string, int) {
	e.t.Helper()
	var out, errb bytes.Buffer
	o := &IO{In: strings.NewReader(e.stdin), Out: &out, Err: &errb, InTTY: e.inTTY, Width: 100,
		Now: e.clock.Now, Sleep: func(ctx context.Context, d time.Duration) error {
			if e.beforeSleep != nil {
				e.beforeSleep()
			}
			return e.clock.Sleep(ctx, d)
		}}
	root := &cobra.Command{Use: "pixee-tui", SilenceErrors: true, SilenceUsage: true}
	root.AddCommand(Commands(o, func(context.Context) (*Session, error) { return e.session, nil })...)
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errb)
	err := root.ExecuteContext(context.Background())
	if err != nil {
		errb.WriteString(err.Error() + "\n")
	}
	return out.String(), errb.String(), ExitCode(err)
}

func (e *env) posts() int {
	st := e.sb.Stats()
	return st.ByRoute["POST /connectors/{id}/sync"] + st.ByRoute["POST /connectors/{id}/test"]
}

func TestListJSONIsCompleteAndOrdered(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	out, errs, code := e.run("connectors", "list", "--all", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var items []map[string]any
	if err := json.Unmarshal([]byte(out), &items); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	ids := e.sb.IDs()
	if len(items) != len(ids) {
		t.Fatalf("%d connectors, want %d", len(items), len(ids))
	}
	nulls := 0
	for i, it := range items {
		if it["id"] != ids[i] {
			t.Fatalf("item %d is %v, want %s", i, it["id"], ids[i])
		}
		if v, ok := it["last_sync_at"]; !ok {
			t.Fatalf("item %d lacks last_sync_at (null must be kept)", i)
		} else if v == nil {
			nulls++
		}
	}
	if nulls == 0 {
		t.Error("no never-synced connector printed with a null last_sync_at")
	}
	if !strings.HasPrefix(strings.SplitN(out, "\n", 3)[1], `  {"id":`) {
		t.Errorf("the documented fields do not come first:\n%.200s", out)
	}
}

// The JSON output is stable: a golden of a small account.
func TestListJSONGolden(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 4})
	out, errs, code := e.run("connectors", "list", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden := filepath.Join("testdata", "list.json")
	if *update {
		os.WriteFile(golden, []byte(out), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("list -o json changed (go test ./cli -update to accept):\n%s\nwant\n%s", out, want)
	}
}

func TestListCSVQuotesAndFilters(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	id := e.sb.IDs()[3]
	e.sb.SetName(id, `Bob's "Best", Shop`+"\nline two")
	e.sb.SetStatus(id, "error")
	out, errs, code := e.run("connectors", "list", "--status", "error", "-o", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, out)
	}
	if strings.Join(recs[0], ",") != "id,name,platform,status,last_sync_at,created_at" {
		t.Errorf("header %v", recs[0])
	}
	found := false
	for _, r := range recs[1:] {
		if r[3] != "error" {
			t.Errorf("row with status %q under --status error", r[3])
		}
		if r[0] == id {
			found = r[1] == `Bob's "Best", Shop`+"\nline two"
		}
	}
	if !found || len(recs) < 3 {
		t.Errorf("the renamed connector did not survive the round trip (%d rows)", len(recs))
	}
}

func TestListTableFitsAndIsPlain(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.sb.SetName(e.sb.IDs()[0], "Evil \x1b[31mred\x1b[0m "+strings.Repeat("long ", 40))
	out, _, code := e.run("connectors", "list")
	if code != 0 {
		t.Fatal(code)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 101 || !strings.HasPrefix(lines[0], "ID") {
		t.Errorf("%d lines, want a header and one page of 100", len(lines))
	}
	for _, l := range lines {
		if strings.ContainsRune(l, '\x1b') {
			t.Fatalf("an escape sequence reached the table: %q", l)
		}
		if w := len([]rune(l)); w > 100 {
			t.Errorf("line of %d columns in a 100-column terminal: %q", w, l)
		}
	}
}

func TestGetJSONKeepsNull(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	out, _, code := e.run("connectors", "get", e.sb.IDs()[0], "-o", "json")
	var d map[string]json.RawMessage
	if code != 0 || json.Unmarshal([]byte(out), &d) != nil {
		t.Fatalf("exit %d: %s", code, out)
	}
	var stats map[string]json.RawMessage
	json.Unmarshal(d["sync_stats"], &stats)
	if string(stats["last_error"]) != "null" {
		t.Errorf("last_error = %s, want null kept", stats["last_error"])
	}
	if _, _, code := e.run("connectors", "get", "no-such-id"); code != ExitAPI {
		t.Errorf("unknown id: exit %d, want %d", code, ExitAPI)
	}
}

func TestSyncValidatesLikeTheForm(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	id := e.sb.IDs()[0]
	_, errs, code := e.run("connectors", "sync", id, "--eans", "4006381333931,12ab,4006381333931,5")
	if code != ExitUsage || !strings.Contains(errs, `rejected: "12ab": not all digits`) || e.posts() != 0 {
		t.Fatalf("exit %d, %d POSTs, stderr:\n%s", code, e.posts(), errs)
	}
	out, errs, code := e.run("connectors", "sync", id, "--eans", "4006381333931,12ab,4006381333931", "--skip-invalid")
	if code != 0 || e.posts() != 1 || !strings.Contains(out, "\tqueued\t1\n") {
		t.Fatalf("exit %d, %d POSTs, out %q, stderr %s", code, e.posts(), out, errs)
	}
	e.stdin = "4006381333931\n3760000000001\n"
	if _, errs, code = e.run("connectors", "sync", id, "--eans-file", "-"); code != 0 || !strings.Contains(errs, "warning: 3760000000001") {
		t.Errorf("--eans-file -: exit %d, %s", code, errs)
	}
	if _, _, code = e.run("connectors", "sync", id); code != ExitUsage {
		t.Errorf("nothing to sync: exit %d", code)
	}
}

func TestCatalogNeedsYes(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	id := e.sb.IDs()[0]
	_, errs, code := e.run("connectors", "sync", id, "--catalog")
	if code != ExitUsage || e.posts() != 0 || !strings.Contains(errs, "needs --yes") {
		t.Fatalf("not a terminal, no --yes: exit %d, %d POSTs, %s", code, e.posts(), errs)
	}
	e.inTTY, e.stdin = true, "n\n"
	if _, errs, code = e.run("connectors", "sync", id, "--catalog"); code != ExitUsage || e.posts() != 0 || !strings.Contains(errs, "[y/N]") {
		t.Fatalf("answered n: exit %d, %d POSTs, %s", code, e.posts(), errs)
	}
	e.stdin = "y\n"
	if _, _, code = e.run("connectors", "sync", id, "--catalog"); code != 0 || e.posts() != 1 {
		t.Fatalf("answered y: exit %d, %d POSTs", code, e.posts())
	}
	e.inTTY, e.stdin = false, ""
	if _, _, code = e.run("connectors", "sync", id, "--catalog", "--yes"); code != 0 || e.posts() != 2 {
		t.Fatalf("--yes: exit %d, %d POSTs", code, e.posts())
	}
}

func TestSyncWaitDrainsAndIsInTheHistory(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	var id string
	for _, cand := range e.sb.IDs() {
		if d, _, _ := e.session.Client.GetConnector(context.Background(), cand); d.Status == "active" && d.SyncStats.ProductsPending == 0 {
			id = cand
			break
		}
	}
	_, errs, code := e.run("connectors", "sync", id, "--eans", "4006381333931 4006381333948", "--wait")
	if code != 0 || !strings.Contains(errs, "pending 0") {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	out, _, code := e.run("history", "-o", "json", "--connector", id)
	var acts []history.Action
	if code != 0 || json.Unmarshal([]byte(out), &acts) != nil || len(acts) != 1 {
		t.Fatalf("history: exit %d, %s", code, out)
	}
	a := acts[0]
	if a.Outcome != history.OutcomeDrained || a.User != "tester" || len(a.EANs) != 2 || a.SyncID == "" || a.Queued == nil || *a.Queued != 2 {
		t.Errorf("recorded %+v", a)
	}
	if out, _, _ := e.run("history"); !strings.Contains(out, "drained") || !strings.Contains(out, "2 EANs") {
		t.Errorf("history table:\n%s", out)
	}
}

func TestReadOnlySendsNothing(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.session.ReadOnly = true
	id := e.sb.IDs()[0]
	for _, args := range [][]string{{"connectors", "sync", id, "--eans", "4006381333931"}, {"connectors", "sync", id, "--catalog", "--yes"}, {"connectors", "test", id}} {
		if _, errs, code := e.run(args...); code != ExitUsage || !strings.Contains(errs, "read-only") {
			t.Errorf("%v: exit %d, %s", args, code, errs)
		}
	}
	if e.posts() != 0 {
		t.Errorf("%d POSTs in read-only mode", e.posts())
	}
}

func TestConnectionTest(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	out, errs, code := e.run("connectors", "test", e.sb.IDs()[0])
	if code != 0 || !strings.Contains(out, `"ok"`) {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	// A server without the endpoint.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		w.Write([]byte(`{"detail":"Not Found"}`))
	}))
	defer srv.Close()
	c, _ := api.New(srv.URL+"/api/v1", api.WithAPIKey("pm_test_x"), api.WithHTTPClient(srv.Client()), api.WithAuthHeader(api.AuthXAPIKey))
	e.session.Client = c
	if _, errs, code := e.run("connectors", "test", "c1"); code != ExitAPI || !strings.Contains(errs, "does not support connection tests") {
		t.Errorf("404: exit %d, %s", code, errs)
	}
}

// A POST whose answer never comes exits 3 and is "outcome unknown" in the
// history; it is sent once.
func TestOutcomeUnknown(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	var posts int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			mu.Lock()
			posts++
			mu.Unlock()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		e.sb.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c, _ := api.New(srv.URL+sandbox.BasePath, api.WithAPIKey(sandbox.DefaultAPIKey), api.WithHTTPClient(srv.Client()))
	e.session.Client = c
	id := e.sb.IDs()[0]
	_, errs, code := e.run("connectors", "sync", id, "--catalog", "--yes")
	mu.Lock()
	n := posts
	mu.Unlock()
	if code != ExitOutcomeUnknown || !strings.Contains(errs, "check products_pending") || n != 1 {
		t.Fatalf("exit %d, %d POSTs, %s", code, n, errs)
	}
	acts, _, _ := e.session.History.Actions()
	if len(acts) != 1 || acts[0].Outcome != history.OutcomeUnknown {
		t.Errorf("history %+v", acts)
	}
}

func TestBadOutputFlag(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	if _, errs, code := e.run("connectors", "list", "-o", "yaml"); code != ExitUsage || !strings.Contains(errs, "-o must be one of") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
