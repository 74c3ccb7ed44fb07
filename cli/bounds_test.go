package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
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
)

// eanRecord is one valid EAN padded to 16 bytes, so that a cut at a power
// of two falls between records and leaves only whole, valid EANs.
const eanRecord = "4006381333931  \n"

// endless reads eanRecord forever, like a stdin that never closes.
type endless struct{ n int }

func (r *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = eanRecord[r.n%len(eanRecord)]
		r.n++
	}
	return len(p), nil
}

// An EAN input larger than the bound is refused whole, with a message,
// and nothing is sent: a file (even a 1 GiB sparse one), and stdin.
func TestEANsFileOverTheBoundIsRefusedWhole(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 3})
	id := e.sb.IDs()[0]
	dir := t.TempDir()

	big := filepath.Join(dir, "big.txt")
	content := strings.Repeat(eanRecord, (8<<20)/len(eanRecord)+1000)
	if err := os.WriteFile(big, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	sparse := filepath.Join(dir, "sparse.txt")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(strings.Repeat(eanRecord, 10))
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()

	for _, file := range []string{big, sparse} {
		_, errs, code := e.run("connectors", "sync", id, "--eans-file", file, "--skip-invalid")
		if code != ExitUsage || !strings.Contains(errs, "larger than 8 MiB") || !strings.Contains(errs, "nothing sent") || e.posts() != 0 {
			t.Fatalf("%s: exit %d, %d POSTs, stderr:\n%.300s", filepath.Base(file), code, e.posts(), errs)
		}
	}

	// stdin that never ends: read up to the bound, then refused.
	var out, errb bytes.Buffer
	o := &IO{In: &endless{}, Out: &out, Err: &errb, Now: e.clock.Now, Sleep: e.clock.Sleep}
	code := runCtx(context.Background(), o, e.session, "connectors", "sync", id, "--eans-file", "-", "--skip-invalid")
	if code != ExitUsage || !strings.Contains(errb.String(), "stdin is larger than 8 MiB") || e.posts() != 0 {
		t.Fatalf("endless stdin: exit %d, %d POSTs, stderr:\n%.300s", code, e.posts(), errb.String())
	}

	// The bound is the IO's: just under it is read and sent.
	o = &IO{In: strings.NewReader(strings.Repeat(eanRecord, 4)), Out: &out, Err: &errb, Now: e.clock.Now, Sleep: e.clock.Sleep,
		MaxEANInput: int64(4 * len(eanRecord))}
	if code := runCtx(context.Background(), o, e.session, "connectors", "sync", id, "--eans-file", "-"); code != 0 || e.posts() != 1 {
		t.Fatalf("at the bound: exit %d, %d POSTs: %s", code, e.posts(), errb.String())
	}
}

// A file of garbage does not flood stderr: the first rejected tokens are
// listed, then how many more.
func TestRejectedTokensAreListedUpToALimit(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 3})
	e.stdin = strings.Repeat("12ab\n", 500)
	_, errs, code := e.run("connectors", "sync", e.sb.IDs()[0], "--eans-file", "-")
	lines := strings.Count(errs, "\n")
	if code != ExitUsage || lines > maxListed+2 || !strings.Contains(errs, "and 450 more") {
		t.Fatalf("exit %d, %d lines on stderr:\n%.400s", code, lines, errs)
	}
}

// runCtx runs the commands with o on session under ctx; it returns the exit
// code and writes the error to o.Err as main does.
func runCtx(ctx context.Context, o *IO, s *Session, args ...string) int {
	root := &cobra.Command{Use: "pixee-tui", SilenceErrors: true, SilenceUsage: true}
	root.AddCommand(Commands(o, func(context.Context) (*Session, error) { return s, nil })...)
	root.SetArgs(args)
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	err := root.ExecuteContext(ctx)
	if err != nil {
		fmt.Fprintln(o.Err, err)
	}
	return ExitCode(err)
}

// limitedServer queues a sync on c1, then answers every GET of c1 with a
// 429 asking to wait an hour — up to giveUpAfter of them, after which the
// sync is drained (so that a loop that never gives up still ends).
type limitedServer struct {
	mu          sync.Mutex
	synced      bool
	limited     int
	giveUpAfter int
	listWait    string // Retry-After of the list's 429s ("" : the list is served)
}

func (h *limitedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1"), "/")
	tooMany := func(after string) {
		h.limited++
		w.Header().Set("Retry-After", after)
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"detail":"Rate limit exceeded"}`))
	}
	switch {
	case r.Method == http.MethodPost:
		h.synced = true
		w.Write([]byte(`{"sync_id":"s1","status":"queued","products_queued":5}`))
	case path == "/connectors/c1" && h.synced && (h.giveUpAfter == 0 || h.limited < h.giveUpAfter):
		tooMany("3600")
	case path == "/connectors/c1":
		pending := 5
		if h.synced {
			pending = 0
		}
		fmt.Fprintf(w, `{"id":"c1","name":"Shop","platform":"shopify","status":"active","last_sync_at":null,"sync_stats":{"products_synced":0,"products_pending":%d,"last_error":null}}`, pending)
	case path == "/connectors" && h.listWait != "":
		tooMany(h.listWait)
	case path == "/connectors":
		w.Write([]byte(`{"items":[{"id":"c1","name":"Shop","platform":"shopify","status":"active","last_sync_at":null,"created_at":null}],"meta":{"total":1,"page":1,"per_page":100,"total_pages":1,"has_next":false,"has_previous":false}}`))
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func limitedClient(t *testing.T, h http.Handler, now func() time.Time) *api.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := api.New(srv.URL+"/api/v1", api.WithAPIKey("pm_test_x"), api.WithHTTPClient(srv.Client()),
		api.WithAuthHeader(api.AuthXAPIKey), api.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// --wait-timeout holds under endless 429s: the command gives up at the
// deadline (on the fake clock), says it was rate limited and timed out,
// and exits 1 without waiting the hour the server asks for.
func TestWaitTimeoutHoldsUnderEndless429(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 1})
	h := &limitedServer{giveUpAfter: 1000}
	e.session.Client = limitedClient(t, h, e.clock.Now)
	start := e.clock.Now()
	_, errs, code := e.run("connectors", "sync", "c1", "--eans", "4006381333931", "--wait", "--wait-timeout", "4s")
	elapsed := e.clock.Now().Sub(start)
	if code != ExitAPI || !strings.Contains(errs, "timed out after 4s") || !strings.Contains(errs, "rate limited") {
		t.Fatalf("exit %d after %s (fake clock), stderr:\n%s", code, elapsed, errs)
	}
	if elapsed > 5*time.Second || h.limited > 3 {
		t.Errorf("gave up after %s on the fake clock and %d 429s, with --wait-timeout 4s", elapsed, h.limited)
	}
	if !strings.Contains(errs, "rate limited: the window resets in ") || !strings.Contains(errs, "after --wait-timeout; waiting 2s") {
		t.Errorf("the rate-limit wait is not said on stderr:\n%s", errs)
	}
}

// The same on the real clock: the wait for the rate-limit window is cut by
// the deadline, within a bound far under the hour asked for.
func TestWaitTimeoutHoldsOnTheRealClock(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 1})
	e.session.Client = limitedClient(t, &limitedServer{}, time.Now)
	var out, errb bytes.Buffer
	o := &IO{In: strings.NewReader(""), Out: &out, Err: &errb, PollEvery: 10 * time.Millisecond}
	done := make(chan int, 1)
	go func() {
		done <- runCtx(context.Background(), o, e.session, "connectors", "sync", "c1", "--eans", "4006381333931", "--wait", "--wait-timeout", "300ms")
	}()
	select {
	case code := <-done:
		if code != ExitAPI || !strings.Contains(errb.String(), "timed out after 300ms") {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("--wait-timeout 300ms: still waiting after 30s of 429s")
	}
}

// connectors list: a 429 asking for longer than the bound is not waited
// out (exit 4, with the wait it asked for); a short one is waited out and
// said; ctrl-c (the context) ends a wait.
func TestListRateLimitWaitsAreBounded(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 1})
	h := &limitedServer{listWait: "3600"}
	e.session.Client = limitedClient(t, h, e.clock.Now)
	start := e.clock.Now()
	_, errs, code := e.run("connectors", "list", "--all")
	if elapsed := e.clock.Now().Sub(start); code != ExitRateLimited || elapsed > 5*time.Minute || !strings.Contains(errs, "rate limited by the API: retry in") {
		t.Fatalf("exit %d after %s on the fake clock, stderr:\n%s", code, elapsed, errs)
	}

	h.mu.Lock()
	h.listWait = "30"
	h.mu.Unlock()
	c := limitedClient(t, h, time.Now)
	var out bytes.Buffer
	errb := &syncBuffer{}
	o := &IO{In: strings.NewReader(""), Out: &out, Err: errb}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- runCtx(ctx, o, &Session{Client: c}, "connectors", "list", "--all") }()
	for i := 0; !strings.Contains(errb.String(), "rate limited: waiting 30s") && i < 2000; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code == ExitOK {
			t.Fatalf("interrupted: exit 0")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a cancelled list still waits for the rate-limit window")
	}
	if !strings.Contains(errb.String(), "rate limited: waiting 30s") {
		t.Errorf("the wait is not said on stderr: %s", errb.String())
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// countingReader is a stdin of 'n' that sends its newline only after
// 64 MiB, counting what was read.
type countingReader struct{ n int }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'n'
		if r.n++; r.n == 64<<20 {
			p[i] = '\n'
			return i + 1, nil
		}
	}
	return len(p), nil
}

// The --catalog answer is read from a bounded stretch of stdin: a line that
// never ends is not read whole.
func TestCatalogAnswerIsReadWithABound(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 1})
	in := &countingReader{}
	var out, errb bytes.Buffer
	o := &IO{In: in, InTTY: true, Out: &out, Err: &errb, Now: e.clock.Now, Sleep: e.clock.Sleep}
	code := runCtx(context.Background(), o, e.session, "connectors", "sync", e.sb.IDs()[0], "--catalog")
	if code != ExitUsage || e.posts() != 0 || in.n > 64<<10 {
		t.Fatalf("exit %d, %d POSTs, %d bytes of stdin read for a y/N answer", code, e.posts(), in.n)
	}
}
