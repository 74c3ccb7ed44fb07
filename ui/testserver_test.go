package ui

// The test server every UI test that needs HTTP uses, and its faults.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
)

// faultFunc answers a request instead of the sandbox; it reports whether it
// did. route is "list", "detail", "sync" or "other".
type faultFunc func(route string, w http.ResponseWriter, r *http.Request) bool

// testServer is the one test server: a sandbox behind a switchable fault,
// counting what arrives (and, unless told not to, when), and keeping the
// body of every POST. Faults are faultFuncs: canned answers, hangs,
// resets, trickles, seeded flakiness, fuzzed answers.
type testServer struct {
	clock   *fakeClock
	sb      *sandbox.Server
	srv     *httptest.Server
	client  *api.Client
	release chan struct{} // closed at cleanup: hanging handlers return

	mu        sync.Mutex
	fault     faultFunc
	counts    map[string]int         // route → requests; "all": every one; "fault": answered by the fault
	hits      map[string][]time.Time // route → fake-clock time of each arrival
	keepTimes bool                   // off for long runs: counts only
	posts     []string
}

// newTestServer serves the sandbox (test defaults filled in) on loopback
// and returns a client for it on the fake clock; opts override the
// client's defaults.
func newTestServer(t testing.TB, clock *fakeClock, so sandbox.Options, opts ...api.Option) *testServer {
	t.Helper()
	so.Now = clock.Now
	fs := &testServer{clock: clock, sb: sandbox.New(testSandboxOptions(clock, so)), release: make(chan struct{}),
		counts: map[string]int{}, hits: map[string][]time.Time{}, keepTimes: true}
	fs.srv = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(fs.srv.Close)
	t.Cleanup(func() { close(fs.release) }) // runs first: unblock hanging handlers
	fs.client = fs.newClient(t, clock, opts...)
	return fs
}

// newClient is another client of the server, on clock.
func (fs *testServer) newClient(t testing.TB, clock *fakeClock, opts ...api.Option) *api.Client {
	t.Helper()
	all := append([]api.Option{api.WithAPIKey(fs.sb.APIKey()), api.WithHTTPClient(fs.srv.Client()),
		api.WithTimeout(5 * time.Second), api.WithClock(clock.Now)}, opts...)
	c, err := api.New(fs.srv.URL+sandbox.BasePath, all...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func faultRoute(r *http.Request) string {
	p := strings.TrimPrefix(r.URL.Path, sandbox.BasePath)
	switch {
	case p == "/connectors" || p == "/connectors/":
		return "list"
	case strings.HasSuffix(p, "/sync") && r.Method == http.MethodPost:
		return "sync"
	case strings.HasPrefix(p, "/connectors/") && r.Method == http.MethodGet:
		return "detail"
	}
	return "other"
}

func (fs *testServer) serve(w http.ResponseWriter, r *http.Request) {
	route := faultRoute(r)
	var body []byte
	if r.Method == http.MethodPost {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	fs.mu.Lock()
	fs.counts[route]++
	fs.counts["all"]++
	if fs.keepTimes {
		fs.hits[route] = append(fs.hits[route], fs.clock.Now())
	}
	if r.Method == http.MethodPost {
		fs.posts = append(fs.posts, string(body))
	}
	f := fs.fault
	fs.mu.Unlock()
	if f != nil && f(route, w, r) {
		fs.mu.Lock()
		fs.counts["fault"]++ // answered by the fault, not the sandbox
		fs.mu.Unlock()
		return
	}
	fs.sb.ServeHTTP(w, r)
}

// set installs a fault (nil: serve the sandbox faithfully).
func (fs *testServer) set(f faultFunc) {
	fs.mu.Lock()
	fs.fault = f
	fs.mu.Unlock()
}

// count is how many requests of the routes arrived (none named: all).
func (fs *testServer) count(routes ...string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(routes) == 0 {
		return fs.counts["all"]
	}
	n := 0
	for _, r := range routes {
		n += fs.counts[r]
	}
	return n
}

func (fs *testServer) arrivals(route string) []time.Time {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]time.Time(nil), fs.hits[route]...)
}

// Posts are the bodies of the POSTs that arrived, in order.
func (fs *testServer) Posts() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.posts...)
}

// FailList makes the list answer status with an API error body (0: serve it).
func (fs *testServer) FailList(status int) {
	if status == 0 {
		fs.set(nil)
		return
	}
	fs.set(onRoute("list", respond(status, "application/json",
		`{"detail":"Internal error: the connector store is unavailable","error_code":"INTERNAL_ERROR","timestamp":"2026-11-26T12:00:00Z"}`)))
}

// flaky is seeded misbehaviour: about 10% of requests fail with a 500, a
// 503, a 429 naming a wait, or a reset connection.
func flaky(rng *rand.Rand) faultFunc {
	var mu sync.Mutex
	return func(route string, w http.ResponseWriter, r *http.Request) bool {
		mu.Lock()
		x := rng.Float64()
		wait := 5 + rng.IntN(86)
		mu.Unlock()
		switch {
		case x < 0.04:
			return respond(500, "application/json", `{"detail":"Internal server error","error_code":"INTERNAL_ERROR"}`)(route, w, r)
		case x < 0.07:
			return respond(503, "text/html", "<html><body>503 Service Temporarily Unavailable</body></html>")(route, w, r)
		case x < 0.09:
			return respond(429, "application/json", fmt.Sprintf(`{"detail":"Rate limit exceeded","retry_after_seconds":%d}`, wait))(route, w, r)
		case x < 0.10:
			return resetConn()(route, w, r)
		}
		return false
	}
}

// onReads applies f to list and detail requests only.
func onReads(f faultFunc) faultFunc {
	return func(route string, w http.ResponseWriter, r *http.Request) bool {
		if route != "list" && route != "detail" {
			return false
		}
		return f(route, w, r)
	}
}

// onRoute applies f to one route.
func onRoute(want string, f faultFunc) faultFunc {
	return func(route string, w http.ResponseWriter, r *http.Request) bool {
		return route == want && f(route, w, r)
	}
}

// firstOnly applies f to the first matching request only.
func firstOnly(f faultFunc) faultFunc {
	var mu sync.Mutex
	done := false
	return func(route string, w http.ResponseWriter, r *http.Request) bool {
		mu.Lock()
		defer mu.Unlock()
		if done {
			return false
		}
		if f(route, w, r) {
			done = true
			return true
		}
		return false
	}
}

// respond writes a fixed status, headers and body.
func respond(status int, contentType, body string, headers ...string) faultFunc {
	return func(_ string, w http.ResponseWriter, _ *http.Request) bool {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return true
	}
}

// hang never answers: the handler returns when the client gives up.
func (fs *testServer) hang() faultFunc {
	return func(_ string, _ http.ResponseWriter, r *http.Request) bool {
		drainBody(r)
		select {
		case <-r.Context().Done():
		case <-fs.release:
		}
		return true
	}
}

// resetConn reads the request and closes the connection without a byte back.
func resetConn() faultFunc {
	return func(_ string, w http.ResponseWriter, r *http.Request) bool {
		drainBody(r)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // RST, not FIN
		}
		_ = conn.Close()
		return true
	}
}

// trickle promises a body and sends it one byte every 40ms, past the
// client's timeout.
func (fs *testServer) trickle() faultFunc {
	return func(_ string, w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100000")
		w.WriteHeader(http.StatusOK)
		fl := w.(http.Flusher)
		for i := 0; ; i++ {
			if _, err := w.Write([]byte{"{\"items\":[ "[min(i, 11)]}); err != nil {
				return true
			}
			fl.Flush()
			select {
			case <-r.Context().Done():
				return true
			case <-fs.release:
				return true
			case <-time.After(40 * time.Millisecond):
			}
		}
	}
}

// rawReply hijacks the connection and writes bytes as they are: header
// values and bodies no well-behaved server library would send.
func rawReply(raw string) faultFunc {
	return func(_ string, w http.ResponseWriter, r *http.Request) bool {
		drainBody(r)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		_, _ = buf.WriteString(raw)
		_ = buf.Flush()
		return true
	}
}

// drainBody reads the request body, so the client has written all of it
// before the fault happens.
func drainBody(r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }

// fakeAPI answers from fixed connectors and records what was asked.
type fakeAPI struct {
	mu       sync.Mutex
	items    []api.Connector
	metaPage int // what meta.page says, whatever was asked (0: the truth)
	rate     api.RateLimit
	asked    []string // ids asked for with GetConnector
	posts    int
}

func (f *fakeAPI) ListConnectors(_ context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	total := len(f.items)
	from, to := min((page-1)*perPage, total), min(page*perPage, total)
	mp := page
	if f.metaPage != 0 {
		mp = f.metaPage
	}
	pages := (total + perPage - 1) / perPage
	return &api.ConnectorPage{Items: append([]api.Connector(nil), f.items[from:to]...),
			Meta: api.PageMeta{Total: total, Page: mp, PerPage: perPage, TotalPages: pages, HasNext: page < pages}},
		&api.Response{StatusCode: 200, Rate: f.rate}, nil
}

func (f *fakeAPI) GetConnector(_ context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, id)
	for _, c := range f.items {
		if c.ID == id {
			return &api.ConnectorDetail{Connector: c}, &api.Response{StatusCode: 200, Rate: f.rate}, nil
		}
	}
	return nil, &api.Response{StatusCode: 404}, &api.APIError{StatusCode: 404, Detail: "Connector not found"}
}

func (f *fakeAPI) SyncEANs(context.Context, string, []string) (*api.SyncResult, *api.Response, error) {
	f.mu.Lock()
	f.posts++
	f.mu.Unlock()
	return &api.SyncResult{SyncID: "s1", Status: "queued", ProductsQueued: 1}, &api.Response{StatusCode: 202}, nil
}

func (f *fakeAPI) SyncCatalog(ctx context.Context, id string) (*api.SyncResult, *api.Response, error) {
	return f.SyncEANs(ctx, id, nil)
}

func (f *fakeAPI) TestConnector(context.Context, string) (*api.TestResult, *api.Response, error) {
	return &api.TestResult{}, &api.Response{StatusCode: 200}, nil
}

func fakeConnectors(n int) []api.Connector {
	out := make([]api.Connector, n)
	for i := range out {
		out[i] = api.Connector{ID: "c" + itoa(i), Name: "Shop " + itoa(i), Platform: "shopify", Status: "active"}
	}
	return out
}
