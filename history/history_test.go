package history

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
)

var t0 = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func open(t *testing.T, dir string, c *clock, lim Limits) *Store {
	t.Helper()
	s, warns, err := Open(dir, "acme", lim, c.now)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) > 0 {
		t.Fatalf("unexpected warnings: %v", warns)
	}
	return s
}

func actions(t *testing.T, s *Store) []Action {
	t.Helper()
	acts, warns, err := s.Actions()
	if err != nil || len(warns) > 0 {
		t.Fatalf("Actions: %v %v", err, warns)
	}
	return acts
}

func intPtr(n int) *int { return &n }

// What is begun and finished is read back after a restart, newest first,
// with its latest outcome.
func TestBeginFinishSurvivesRestart(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	s := open(t, dir, c, Limits{})
	a, err := s.Begin(Action{ConnectorID: "c1", ConnectorName: "Shop", Kind: SyncEANs, EANs: []string{"1", "2"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(a.ID, Result{Outcome: OutcomeQueued, SyncID: "s-1", Answer: "queued", Queued: intPtr(2)}); err != nil {
		t.Fatal(err)
	}
	c.add(time.Minute)
	b, _ := s.Begin(Action{ConnectorID: "c2", Kind: SyncCatalog, User: "alice"})
	c.add(time.Minute)
	if err := s.Finish(a.ID, Result{Outcome: OutcomeDrained}); err != nil {
		t.Fatal(err)
	}

	got := actions(t, open(t, dir, c, Limits{}))
	if len(got) != 2 || got[0].ID != b.ID || got[1].ID != a.ID {
		t.Fatalf("got %+v", got)
	}
	if got[0].Outcome != OutcomeUnknown || got[0].User != "alice" || got[0].Account != "acme" {
		t.Errorf("unfinished action: %+v", got[0])
	}
	first := got[1]
	if first.Outcome != OutcomeDrained || first.SyncID != "s-1" || first.Answer != "queued" || first.Queued == nil || *first.Queued != 2 ||
		strings.Join(first.EANs, ",") != "1,2" || !first.Updated.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("finished action: %+v", first)
	}
	if st, _ := os.Stat(filepath.Join(dir, "actions.jsonl")); st.Mode().Perm() != 0o600 {
		t.Errorf("history mode %v, want 0600", st.Mode().Perm())
	}
}

// The intent is on disk before the POST leaves: the server, on receiving
// the request, reads it from a fresh store; then it drops the connection,
// the process "dies" without Finish, and the next start reads the action as
// outcome unknown.
func TestIntentIsDurableBeforeThePOST(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	sawIntent := make(chan bool, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fresh, _, err := Open(dir, "acme", Limits{}, c.now)
		acts, _, _ := fresh.Actions()
		sawIntent <- err == nil && len(acts) == 1 && acts[0].Kind == SyncCatalog
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Error("no hijacker")
			return
		}
		conn, _, _ := hj.Hijack()
		conn.Close() // killed after the request arrived
	}))
	defer srv.Close()
	client, err := api.New(srv.URL+"/api/v1", api.WithAPIKey("pm_test_x"), api.WithHTTPClient(srv.Client()), api.WithAuthHeader(api.AuthXAPIKey))
	if err != nil {
		t.Fatal(err)
	}
	s := open(t, dir, c, Limits{})
	if _, err := s.Begin(Action{ConnectorID: "c1", Kind: SyncCatalog}); err != nil {
		t.Fatal(err)
	}
	_, _, err = client.SyncCatalog(context.Background(), "c1")
	if !api.OutcomeUnknown(err) {
		t.Fatalf("err = %v, want an unknown outcome", err)
	}
	if !<-sawIntent {
		t.Fatal("the server saw the POST before the intent was on disk")
	}
	got := actions(t, open(t, dir, c, Limits{}))
	if len(got) != 1 || got[0].Outcome != OutcomeUnknown {
		t.Fatalf("after the crash: %+v, want one action, outcome unknown", got)
	}
}

// Two stores on one account (two processes' worth of file descriptors and
// locks) writing at once lose nothing and corrupt nothing.
func TestTwoWritersAtOnce(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	const each = 100
	var wg sync.WaitGroup
	for w := range 2 {
		s := open(t, dir, c, Limits{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				a, err := s.Begin(Action{ConnectorID: fmt.Sprintf("w%d-%d", w, i), Kind: SyncEANs, EANs: []string{strings.Repeat("4", 13)}})
				if err != nil {
					t.Error(err)
					return
				}
				if err := s.Finish(a.ID, Result{Outcome: OutcomeQueued}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	got := actions(t, open(t, dir, c, Limits{}))
	seen := map[string]bool{}
	for _, a := range got {
		if a.Outcome != OutcomeQueued {
			t.Errorf("%s: outcome %q", a.ConnectorID, a.Outcome)
		}
		seen[a.ConnectorID] = true
	}
	if len(got) != 2*each || len(seen) != 2*each {
		t.Errorf("%d actions (%d distinct), want %d", len(got), len(seen), 2*each)
	}
}

// A power cut mid-write leaves a torn last line: it is skipped with a
// warning, what came before is intact, and the next write cuts it off so
// the file stays readable.
func TestTornLastRecord(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	s := open(t, dir, c, Limits{})
	a, _ := s.Begin(Action{ConnectorID: "c1", Kind: SyncEANs})
	s.Finish(a.ID, Result{Outcome: OutcomeQueued})
	f, _ := os.OpenFile(filepath.Join(dir, "actions.jsonl"), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"op":"intent","action":{"id":"x","conn`)
	f.Close()

	s2, warns, err := Open(dir, "acme", Limits{}, c.now)
	if err != nil || len(warns) != 1 || !strings.Contains(warns[0], "torn last record") {
		t.Fatalf("Open: %v, warnings %q", err, warns)
	}
	acts, _, _ := s2.Actions()
	if len(acts) != 1 || acts[0].Outcome != OutcomeQueued {
		t.Fatalf("actions %+v", acts)
	}
	if _, err := s2.Begin(Action{ConnectorID: "c2", Kind: TestConn}); err != nil {
		t.Fatal(err)
	}
	if got := actions(t, s2); len(got) != 2 || got[0].ConnectorID != "c2" {
		t.Errorf("after the next write: %+v", got)
	}
}

// A whole record missing only its newline is kept, not cut off.
func TestLastRecordWithoutNewlineIsKept(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	s := open(t, dir, c, Limits{})
	s.Begin(Action{ConnectorID: "c1", Kind: SyncEANs})
	p := filepath.Join(dir, "actions.jsonl")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, b[:len(b)-1], 0o600)
	s.Begin(Action{ConnectorID: "c2", Kind: SyncEANs})
	if got := actions(t, s); len(got) != 2 {
		t.Errorf("%d actions, want 2", len(got))
	}
}

// A file corrupt in the middle is set aside with a message, never a
// crash; the bad lines are taken out and the file goes on.
func TestCorruptFileMovedAside(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	p := filepath.Join(dir, "actions.jsonl")
	os.WriteFile(p, []byte("\x00\x01garbage\n{\"op\":\"result\",\"id\":\"a\"}\n"), 0o600)
	s, warns, err := Open(dir, "acme", Limits{}, c.now)
	if err != nil || len(warns) != 1 || !strings.Contains(warns[0], "held 2 unreadable line(s) (line 1, 2), skipped and taken out; the file as it was is kept at") {
		t.Fatalf("Open: %v, warnings %q", err, warns)
	}
	aside, _ := filepath.Glob(p + ".corrupt-*")
	if len(aside) != 1 {
		t.Fatalf("moved aside: %v", aside)
	}
	if _, err := s.Begin(Action{ConnectorID: "c1", Kind: SyncEANs}); err != nil {
		t.Fatal(err)
	}
	if got := actions(t, s); len(got) != 1 {
		t.Errorf("%d actions in the new file, want 1", len(got))
	}
}

// Old actions are pruned by age and count, with their results.
func TestPruning(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	s := open(t, dir, c, Limits{})
	for i := range 10 {
		a, _ := s.Begin(Action{ConnectorID: fmt.Sprint(i), Kind: SyncEANs})
		s.Finish(a.ID, Result{Outcome: OutcomeQueued})
		c.add(24 * time.Hour)
	}
	got := actions(t, open(t, dir, c, Limits{MaxActions: 4}))
	if len(got) != 4 || got[0].ConnectorID != "9" || got[3].ConnectorID != "6" || got[3].Outcome != OutcomeQueued {
		t.Fatalf("by count: %+v", got)
	}
	got = actions(t, open(t, dir, c, Limits{MaxAge: 72 * time.Hour}))
	if len(got) != 2 {
		t.Fatalf("by age: %d actions, want 2", len(got))
	}
	b, _ := os.ReadFile(filepath.Join(dir, "actions.jsonl"))
	if n := strings.Count(string(b), "\n"); n != 4 {
		t.Errorf("file holds %d lines, want 4 (2 intents, 2 results)", n)
	}
}

func TestRecentAndAccountDir(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	s := open(t, dir, c, Limits{})
	s.Begin(Action{ConnectorID: "c1", Kind: SyncCatalog})
	c.add(40 * time.Minute)
	s.Begin(Action{ConnectorID: "c1", Kind: SyncEANs})
	s.Begin(Action{ConnectorID: "c2", Kind: SyncEANs})
	got, err := s.Recent("c1", 30*time.Minute)
	if err != nil || len(got) != 1 || got[0].Kind != SyncEANs {
		t.Errorf("Recent = %+v, %v", got, err)
	}
	a := AccountDir("/s", "", "https://api.pixeepim.com/api/v1")
	b := AccountDir("/s", "", "https://api.pixeepim.com/api/v2")
	if a == b || !strings.HasPrefix(a, "/s/accounts/url-api.pixeepim.com-") {
		t.Errorf("AccountDir by URL: %s, %s", a, b)
	}
	if got := AccountDir("/s", "acme/../x", "https://x"); got != "/s/accounts/profile-acme_.._x" {
		t.Errorf("AccountDir by profile: %s", got)
	}
}
