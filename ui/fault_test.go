package ui

// Fault injection: the real api.Client talks over loopback HTTP to a server
// that serves the sandbox except when a test tells it to misbehave (hang,
// reset the connection, answer 429/5xx/HTML/huge/empty/truncated bodies,
// trickle bytes). The model runs on the fake clock through the driver; the
// client's own timeout is real time, so it is kept at 200ms. Every test
// asserts what a person would see in View() and how many requests reached
// the server.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// faultTimeout is the client's (real-time) request timeout in the tests of
// hangs and trickles. The others keep a generous one, so a loaded machine
// (-race, parallel packages) never turns a good answer into a timeout.
const faultTimeout = 200 * time.Millisecond

// startLoadedOn starts the dashboard on fs at w×h and lets the first page and
// the first detail arrive (12:00:01).
func startLoadedOn(t *testing.T, fs *testServer, w, h int) *driver {
	t.Helper()
	d := newDriver(t, testOptions(fs.client, fs.clock), fs.clock, w, h)
	d.Advance(time.Second)
	if !d.m.list.loaded || d.m.detail.Data() == nil {
		t.Fatalf("dashboard did not load:\n%s", d.View())
	}
	return d
}

// flatView is the view with borders and runs of spaces collapsed, for phrases
// that may sit beside a border.
func flatView(view string) string {
	view = strings.NewReplacer("│", " ", "╭", " ", "╮", " ", "╰", " ", "╯", " ", "─", " ",
		"┃", " ", "┏", " ", "┓", " ", "┗", " ", "┛", " ", "━", " ").Replace(view)
	return strings.Join(strings.Fields(view), " ")
}

// assertScreenSafe asserts the invariants every frame must hold: no escape or
// control byte from anywhere (the test profile is ASCII, so styling adds
// none either), no line wider than the terminal, no more lines than rows.
func assertScreenSafe(t testing.TB, view string, w, h int) {
	t.Helper()
	if i := strings.IndexFunc(view, func(r rune) bool {
		return (r < ' ' && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0)
	}); i >= 0 {
		t.Fatalf("view holds control character %q at byte %d:\n%q", view[i:min(i+8, len(view))], i, view)
	}
	if strings.ContainsRune(view, '\u202e') || strings.ContainsRune(view, '\u2066') {
		t.Fatalf("view holds a bidi override:\n%q", view)
	}
	lines := strings.Split(view, "\n")
	if w <= 0 || h <= 0 {
		if view != "" {
			t.Fatalf("view at %dx%d should be empty, got %q", w, h, view)
		}
		return
	}
	if len(lines) > h {
		t.Fatalf("view has %d lines, terminal has %d rows:\n%s", len(lines), h, view)
	}
	for i, l := range lines {
		if aw, tw := ansi.StringWidth(l), termtext.Width(l); aw > w || tw > w {
			t.Fatalf("line %d is %d cells (ansi) / %d (termtext) wide at width %d:\n%q", i, aw, tw, w, l)
		}
	}
}

// ---- what a person sees for each fault ---------------------------------------

// Each fault answers the list and detail requests of a dashboard that had
// loaded at 12:00:01. The next detail poll (10s later) meets the fault: the
// last good data stays on screen marked stale with its age and the reason,
// the raw answer never reaches the screen, and once the server behaves again
// the dashboard recovers by itself.
func TestFaultsShowStaleDataAndReasonThenRecover(t *testing.T) {
	html := `<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>` +
		`<script>alert(1)</script><center>nginx/1.25.3</center></body></html>`
	huge := `{"items":[` + strings.Repeat(`{"id":"x","name":"padding padding padding"},`, 2000) + `{}],"meta":{}}`
	cases := []struct {
		name     string
		fault    func(fs *testServer) faultFunc
		want     string   // in the view, the reason as a person reads it
		never    []string // never on screen
		slowReal bool     // costs client-timeout real time per request
	}{
		{name: "hang", fault: (*testServer).hang, want: "timed out after 200ms", slowReal: true},
		{name: "trickle", fault: (*testServer).trickle, want: "timed out after 200ms", slowReal: true},
		{name: "connection reset", fault: func(*testServer) faultFunc { return resetConn() }, want: "cannot reach 127.0.0.1"},
		{name: "500 API JSON", fault: func(*testServer) faultFunc {
			return respond(500, "application/json", `{"detail":"Database unavailable","error_code":"INTERNAL_ERROR","timestamp":"2026-11-26T12:00:11Z"}`)
		}, want: "Database unavailable (HTTP 500 INTERNAL_ERROR)"},
		{name: "503 API JSON without code", fault: func(*testServer) faultFunc {
			return respond(503, "application/json", `{"detail":"Scheduled maintenance"}`)
		}, want: "Scheduled maintenance (HTTP 503)"},
		{name: "500 empty body", fault: func(*testServer) faultFunc { return respond(500, "", "") },
			want: "unexpected response (HTTP 500"},
		{name: "503 plain text", fault: func(*testServer) faultFunc {
			return respond(503, "text/plain; charset=utf-8", "upstream connect error or disconnect/reset before headers")
		}, want: "unexpected response (HTTP 503, text/plain)", never: []string{"upstream connect"}},
		{name: "502 HTML from a proxy", fault: func(*testServer) faultFunc { return respond(502, "text/html", html) },
			want: "unexpected response (HTTP 502, text/html)", never: []string{"<html", "<h1>", "nginx", "<script", "alert("}},
		{name: "200 empty body", fault: func(*testServer) faultFunc { return respond(200, "application/json", "") },
			want: "unexpected response (HTTP 200, application/json): empty body"},
		{name: "200 truncated JSON", fault: func(*testServer) faultFunc {
			return respond(200, "application/json", `{"id":"x","name":"Half a conn`)
		}, want: "truncated JSON"},
		{name: "200 huge body", fault: func(*testServer) faultFunc { return respond(200, "application/json", huge) },
			want: "body larger than 64 KiB", never: []string{"padding padding"}},
		{name: "500 huge JSON error", fault: func(*testServer) faultFunc {
			return respond(500, "application/json", `{"detail":"`+strings.Repeat("long ", 20000)+`"}`)
		}, want: "unexpected response (HTTP 500, application/json): body larger than 64 KiB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := newFakeClock()
			opts := []api.Option{api.WithMaxBodySize(64 << 10)}
			if tc.slowReal {
				opts = append(opts, api.WithTimeout(faultTimeout))
			}
			fs := newTestServer(t, clock, sandbox.Options{}, opts...)
			d := startLoadedOn(t, fs, 160, 48)
			name := d.m.list.items[0].Name
			fs.set(onReads(tc.fault(fs)))
			before := fs.count()
			d.Advance(10 * time.Second) // the detail poll at 12:00:11 meets the fault
			if got := fs.count() - before; got < 1 {
				t.Fatalf("no request reached the server in 10s")
			}
			v := d.View()
			assertScreenSafe(t, v, 160, 48)
			if !strings.Contains(flatView(v), tc.want) {
				t.Errorf("the reason %q is not on screen:\n%s", tc.want, v)
			}
			if !strings.Contains(v, "stale · last OK 12:00, 10s ago") {
				t.Errorf("the status bar does not mark the data stale with its age:\n%s", v)
			}
			if !strings.Contains(v, name) || !strings.Contains(v, "synced") {
				t.Errorf("the last good data (%q and its stats) left the screen:\n%s", name, v)
			}
			for _, s := range tc.never {
				if strings.Contains(v, s) {
					t.Errorf("the raw answer %q reached the screen:\n%s", s, v)
				}
			}
			if tc.slowReal {
				return // recovery is the same code path; spare the real-time timeouts
			}
			// The server recovers: so does the dashboard, without a key press.
			fs.set(nil)
			d.Advance(3 * time.Minute)
			v = d.View()
			if strings.Contains(v, "stale") || strings.Contains(v, tc.want) {
				t.Errorf("still stale 3 minutes after the server recovered:\n%s", v)
			}
			if !strings.Contains(v, "updated ") {
				t.Errorf("no fresh data after recovery:\n%s", v)
			}
		})
	}
}

// When the very first page fails there is no data to keep: the list says
// why in place of rows, and the first good answer fills the screen without
// a key press.
func TestFirstLoadFaultShowsReasonThenLoads(t *testing.T) {
	cases := []struct {
		name  string
		fault func(fs *testServer) faultFunc
		want  string
	}{
		{"502 HTML", func(*testServer) faultFunc { return respond(502, "text/html", "<html><h1>nginx</h1></html>") },
			"✗ unexpected response (HTTP 502, text/html)"},
		{"hang", (*testServer).hang, "✗ timed out after 200ms"},
		{"truncated JSON", func(*testServer) faultFunc { return respond(200, "application/json", `{"items":[{"id":`) },
			"✗ unexpected response (HTTP 200, application/json): truncated JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			fs := newTestServer(t, clock, sandbox.Options{}, api.WithTimeout(faultTimeout))
			fs.set(tc.fault(fs))
			d := newDriver(t, testOptions(fs.client, clock), clock, 160, 48)
			v := d.View()
			assertScreenSafe(t, v, 160, 48)
			if !strings.Contains(v, tc.want) {
				t.Fatalf("the first failure is not explained:\n%s", v)
			}
			if strings.Contains(v, "nginx") {
				t.Fatalf("the raw answer reached the screen:\n%s", v)
			}
			fs.set(nil)
			d.Advance(time.Minute)
			if !d.m.list.loaded || !strings.Contains(d.View(), "page 1/3 · 137 connectors") {
				t.Fatalf("the list did not load once the server recovered:\n%s", d.View())
			}
		})
	}
}

// ---- rate limits ---------------------------------------------------------------

// ---- backoff, stale data, recovery ----------------------------------------------

// Failures back off exponentially with jitter up to a cap; the last good
// data stays on screen marked stale with its age; when the server recovers
// the dashboard does too, with no key press.
func TestFailuresBackOffExponentiallyAndRecover(t *testing.T) {
	clock := newFakeClock()
	fs := newTestServer(t, clock, sandbox.Options{})
	d := startLoadedOn(t, fs, 160, 48)
	name := d.m.list.items[0].Name
	failFrom := clock.Now()
	fs.set(onReads(respond(503, "application/json", `{"detail":"Service unavailable","error_code":"SERVICE_UNAVAILABLE"}`)))
	d.Advance(30 * time.Minute)

	var at []time.Time
	for _, a := range fs.arrivals("detail") {
		if a.After(failFrom) {
			at = append(at, a)
		}
	}
	if len(at) < 8 {
		t.Fatalf("only %d detail requests in 30 minutes of failures", len(at))
	}
	if len(at) > 30 {
		t.Fatalf("%d detail requests in 30 minutes of failures: no backoff (180 without failures)", len(at))
	}
	jittered := false
	for i := 1; i < len(at); i++ {
		gap := at[i].Sub(at[i-1])
		nominal := min(10*time.Second<<(i-1), monitor.MaxBackoff) // after i failures
		lo, hi := time.Duration(float64(nominal)*0.8), time.Duration(float64(nominal)*1.2)
		if gap < lo-time.Millisecond || gap > hi+time.Millisecond {
			t.Errorf("gap %d after %d failures = %s, want %s ±20%% (capped at %s)", i, i, gap, nominal, monitor.MaxBackoff)
		}
		if d := gap - nominal; d > nominal/100 || -d > nominal/100 {
			jittered = true
		}
	}
	if !jittered {
		t.Errorf("backoff has no jitter: every gap is exactly the nominal one")
	}
	var gaps []string
	for i := 1; i < len(at); i++ {
		gaps = append(gaps, at[i].Sub(at[i-1]).Round(time.Second).String())
	}
	t.Logf("detail request gaps under failure: %s", strings.Join(gaps, " "))

	v := d.View()
	if !strings.Contains(v, "stale · last OK 12:00, 30m ago") {
		t.Fatalf("status bar does not mark the data stale with its age:\n%s", v)
	}
	if !strings.Contains(v, name) || !strings.Contains(v, "1 250 products") {
		t.Fatalf("the last good data left the screen:\n%s", v)
	}
	if !strings.Contains(v, "Service unavailable (HTTP 503") {
		t.Fatalf("the reason is not on screen:\n%s", v)
	}

	// The server recovers; the dashboard follows within one capped backoff.
	fs.set(nil)
	d.Advance(monitor.MaxBackoff*6/5 + time.Second)
	v = d.View()
	if strings.Contains(v, "stale") || strings.Contains(v, "Service unavailable") {
		t.Fatalf("still stale after the server recovered:\n%s", v)
	}
	if !strings.Contains(v, "updated ") {
		t.Fatalf("no fresh data after recovery:\n%s", v)
	}
	// And polls at the normal pace again.
	before := fs.count("detail")
	d.Advance(time.Minute)
	if got := fs.count("detail") - before; got < 5 || got > 7 {
		t.Fatalf("%d detail polls in the minute after recovery, want 6", got)
	}
}

// ---- auth ------------------------------------------------------------------

// 401 and 403 stop polling (nothing is sent as time passes) and show the
// API's own explanation; r tries once more.
func TestAuthFailureStopsPolling(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   string
	}{
		{401, `{"detail":"API key revoked on 2026-11-25","error_code":"INVALID_API_KEY"}`,
			"API key revoked on 2026-11-25 (HTTP 401 INVALID_API_KEY)"},
		{403, `{"detail":"This key lacks the connectors:read scope","error_code":"PERMISSION_DENIED"}`,
			"This key lacks the connectors:read scope (HTTP 403 PERMISSION_DENIED)"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			clock := newFakeClock()
			fs := newTestServer(t, clock, sandbox.Options{})
			d := startLoadedOn(t, fs, 160, 48)
			fs.set(onReads(respond(tc.status, "application/json", tc.body)))
			// Past the list's 30 s refresh: a 403 on one connector stops
			// only that connector; a 403 on the list stops polling.
			d.Advance(31 * time.Second)
			v := d.View()
			if !strings.Contains(v, tc.want) {
				t.Fatalf("the API's detail %q is not on screen:\n%s", tc.want, v)
			}
			if !strings.Contains(v, "polling stopped") {
				t.Fatalf("the screen does not say polling stopped:\n%s", v)
			}
			sent := fs.count()
			d.Advance(2 * time.Hour)
			if got := fs.count() - sent; got != 0 {
				t.Fatalf("%d requests sent in 2 hours after a %d", got, tc.status)
			}
			// The key is fixed on the server; only r tries again.
			fs.set(nil)
			d.Advance(time.Hour)
			if fs.count() != sent {
				t.Fatalf("polling resumed without r")
			}
			d.Key("r")
			if fs.count() == sent {
				t.Fatalf("r sent nothing after an auth failure")
			}
			d.Advance(time.Minute)
			if v := d.View(); strings.Contains(v, "polling stopped") || strings.Contains(v, "stale") {
				t.Fatalf("not recovered after r:\n%s", v)
			}
			if fs.count()-sent < 4 {
				t.Fatalf("polling did not resume after a successful r")
			}
		})
	}
}

// A key rejected on the very first request: the API's reason is shown, the
// screen does not promise a retry that will not come, and nothing is sent
// until r.
func TestAuthFailureOnFirstLoad(t *testing.T) {
	clock := newFakeClock()
	fs := newTestServer(t, clock, sandbox.Options{})
	fs.set(respond(401, "application/json", `{"detail":"Invalid API key","error_code":"INVALID_API_KEY"}`))
	d := newDriver(t, testOptions(fs.client, clock), clock, 160, 48)
	v := d.View()
	if !strings.Contains(v, "key refused with X-API-Key and with Authorization: Bearer") || !strings.Contains(v, "polling stopped") {
		t.Fatalf("the rejected key is not explained:\n%s", v)
	}
	if strings.Contains(v, "retrying") {
		t.Fatalf("the screen says it is retrying while polling has stopped:\n%s", v)
	}
	sent := fs.count()
	d.Advance(time.Hour)
	if fs.count() != sent {
		t.Fatalf("%d requests sent after the key was rejected", fs.count()-sent)
	}
}

// ---- a connector deleted on the server ------------------------------------------

// The selected connector answering 404 is shown as gone, its polling stops,
// and the list is refetched at once; when the list answers, the row is gone.
func TestSelectedConnector404IsGoneAndListRefetched(t *testing.T) {
	clock := newFakeClock()
	fs := newTestServer(t, clock, sandbox.Options{})
	d := startLoadedOn(t, fs, 160, 48)
	gone := d.m.list.items[0]
	if !fs.sb.Remove(gone.ID) {
		t.Fatal("remove failed")
	}
	// The refetch right after the 404 fails once, so the stale row and the
	// gone marker can be seen together.
	fs.set(firstOnly(onRoute("list", respond(503, "application/json", `{"detail":"busy"}`))))
	lists := fs.count("list")
	d.Advance(10 * time.Second)
	if got := fs.count("list") - lists; got != 1 {
		t.Fatalf("%d list requests right after the 404, want 1 (refetch)", got)
	}
	v := d.View()
	if !strings.Contains(v, "gone: this connector no longer exists") {
		t.Fatalf("the 404 connector is not shown as gone:\n%s", v)
	}
	if !strings.Contains(v, "no longer exists") || !strings.Contains(v, gone.ID) {
		t.Fatalf("no message names the deleted connector:\n%s", v)
	}
	details := fs.count("detail")
	d.Advance(20 * time.Second) // before the list's retry: the gone connector is not polled
	if got := fs.count("detail") - details; got != 0 {
		t.Fatalf("a gone connector was polled %d more times", got)
	}
	d.Advance(2 * time.Minute) // the list's retry arrives
	for _, it := range d.m.list.items {
		if it.ID == gone.ID {
			t.Fatalf("the deleted connector is still in the list after the refetch")
		}
	}
	if v := d.View(); strings.Contains(v, gone.Name) {
		t.Fatalf("the deleted connector %q is still on screen:\n%s", gone.Name, v)
	}
	if d.m.detail.Gone() || d.m.detail.ID() == gone.ID {
		t.Fatalf("the detail pane still shows the deleted connector")
	}
}

// ---- POST: never twice ----------------------------------------------------------

// submitSync opens the sync form on the selected connector, types text,
// submits and confirms.
func submitSync(d *driver, text string) {
	d.Key("s")
	d.Type(text)
	d.Key("ctrl+s", "y")
}

// A POST that times out or loses its connection after being sent is
// reported as "outcome unknown": the draft is kept, exactly one POST reached
// the server, and nothing retries it as time passes.
func TestSyncOutcomeUnknownIsNeverRetried(t *testing.T) {
	cases := []struct {
		name  string
		fault func(fs *testServer) faultFunc
		want  string
	}{
		{"timeout after sending", (*testServer).hang, "outcome unknown: timed out after 200ms"},
		{"connection reset after sending", func(*testServer) faultFunc { return resetConn() }, "outcome unknown: cannot reach"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			fs := newTestServer(t, clock, sandbox.Options{}, api.WithTimeout(faultTimeout))
			d := startLoadedOn(t, fs, 160, 48)
			fs.set(onRoute("sync", tc.fault(fs)))
			submitSync(d, "3760000000001 4006381333931")
			if got := fs.count("sync"); got != 1 {
				t.Fatalf("%d POSTs reached the server, want exactly 1", got)
			}
			v := d.View()
			if !strings.Contains(v, tc.want) {
				t.Fatalf("the form does not say %q:\n%s", tc.want, v)
			}
			if d.m.openForm() == nil || !strings.Contains(d.m.openForm().Draft(), "3760000000001 4006381333931") {
				t.Fatalf("the draft was lost")
			}
			if !strings.Contains(v, "3760000000001 4006381333931") {
				t.Fatalf("the draft is not on screen:\n%s", v)
			}
			d.Advance(30 * time.Minute)
			if got := fs.count("sync"); got != 1 {
				t.Fatalf("the POST was retried: %d POSTs after 30 minutes", got)
			}
			// Closing and reopening the form keeps the draft.
			d.Key("esc", "s")
			if !strings.Contains(d.View(), "3760000000001 4006381333931") {
				t.Fatalf("the draft did not survive closing the form:\n%s", d.View())
			}
			if got := fs.count("sync"); got != 1 {
				t.Fatalf("reopening the form sent a POST")
			}
		})
	}
}

// A POST the server refuses (a definite answer) is shown with the API's
// reason, not as an unknown outcome, and is not retried either.
func TestSyncRefusedIsShownNotRetried(t *testing.T) {
	clock := newFakeClock()
	fs := newTestServer(t, clock, sandbox.Options{})
	d := startLoadedOn(t, fs, 160, 48)
	fs.set(onRoute("sync", respond(423, "application/json", `{"detail":"Connector locked by another sync","error_code":"LOCKED"}`)))
	submitSync(d, "3760000000001")
	v := d.View()
	if !strings.Contains(v, "Connector locked by another sync (HTTP 423 LOCKED)") || strings.Contains(v, "outcome unknown") {
		t.Fatalf("the refusal is not shown as such:\n%s", v)
	}
	d.Advance(10 * time.Minute)
	if got := fs.count("sync"); got != 1 {
		t.Fatalf("%d POSTs, want 1", got)
	}
}

// Two quick submits — the second arriving before the first POST has
// answered — send one POST; so do two quick whole-catalog confirmations.
func TestTwoQuickSubmitsSendOnePOST(t *testing.T) {
	clock := newFakeClock()
	fs := newTestServer(t, clock, sandbox.Options{})
	d := startLoadedOn(t, fs, 160, 48)

	// Deliver keys without running their commands, as Bubble Tea does
	// while the first POST is still out.
	var cmds []tea.Cmd
	press := func(keys ...string) {
		for _, k := range keys {
			next, cmd := d.m.Update(keyMsg(k))
			d.m = next.(Model)
			cmds = append(cmds, cmd)
		}
	}
	d.Key("s")
	d.Type("3760000000001")
	press("ctrl+s", "y", "ctrl+s", "y", "ctrl+s", "y")
	for _, c := range cmds {
		d.run(c)
	}
	if got := fs.count("sync"); got != 1 {
		t.Fatalf("three quick submits sent %d POSTs, want 1", got)
	}
	if !strings.Contains(d.View(), "sync queued") {
		t.Fatalf("the one sync is not reported:\n%s", d.View())
	}
	d.Key("enter") // dismiss

	cmds = nil
	press("S", "y", "S", "y")
	for _, c := range cmds {
		d.run(c)
	}
	if got := fs.count("sync"); got != 2 {
		t.Fatalf("two quick whole-catalog confirmations sent %d POSTs, want 1", got-1)
	}
}

// ---- a panic inside the API ------------------------------------------------------

// panickyAPI is an API whose methods panic while armed.
type panickyAPI struct {
	API
	mu    sync.Mutex
	armed map[string]bool
}

func (p *panickyAPI) check(method string) {
	p.mu.Lock()
	armed := p.armed[method]
	p.mu.Unlock()
	if armed {
		panic("boom\x1b[2J\x1b]0;pwned\x07")
	}
}

func (p *panickyAPI) arm(method string, on bool) {
	p.mu.Lock()
	p.armed[method] = on
	p.mu.Unlock()
}

func (p *panickyAPI) ListConnectors(ctx context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	p.check("list")
	return p.API.ListConnectors(ctx, page, perPage)
}

func (p *panickyAPI) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	p.check("detail")
	return p.API.GetConnector(ctx, id)
}

func (p *panickyAPI) SyncEANs(ctx context.Context, id string, eans []string) (*api.SyncResult, *api.Response, error) {
	p.check("sync")
	return p.API.SyncEANs(ctx, id, eans)
}

// A panic inside an API call becomes an error message on screen; the
// program keeps working and recovers when the call stops panicking.
func TestPanicInsideAPIIsShownAndSurvived(t *testing.T) {
	clock := newFakeClock()
	fs := newTestServer(t, clock, sandbox.Options{})
	p := &panickyAPI{API: fs.client, armed: map[string]bool{"list": true}}
	d := newDriver(t, testOptions(p, clock), clock, 160, 48)
	v := d.View()
	assertScreenSafe(t, v, 160, 48)
	if !strings.Contains(v, "internal error while loading connectors") {
		t.Fatalf("the panic is not shown:\n%s", v)
	}
	if !strings.Contains(v, "^[[2J") {
		t.Fatalf("the panic text is not shown neutralised:\n%s", v)
	}
	d.Key("?", "esc", "j", "p", "p") // keys still work
	p.arm("list", false)
	d.Advance(3 * time.Minute) // the list is retried by itself, after a backoff
	if !d.m.list.loaded {
		t.Fatalf("the list never loaded after the panic stopped:\n%s", d.View())
	}

	// The detail call panics: shown in the detail pane, polling goes on.
	d.Advance(time.Second)
	p.arm("detail", true)
	d.Key("j")
	d.Advance(time.Second)
	if !strings.Contains(d.View(), "internal error while loading connector") {
		t.Fatalf("the detail panic is not shown:\n%s", d.View())
	}
	p.arm("detail", false)
	d.Advance(time.Minute)
	if d.m.detail.Data() == nil || d.m.mon.Target(monitor.SelectedTarget).Err != nil {
		t.Fatalf("the detail did not recover after the panic stopped:\n%s", d.View())
	}

	// The sync call panics: the form says so, keeps the draft, and can be
	// submitted again once the bug is gone.
	p.arm("sync", true)
	submitSync(d, "3760000000001")
	v = d.View()
	if !strings.Contains(v, "internal error while triggering sync") {
		t.Fatalf("the sync panic is not shown:\n%s", v)
	}
	if d.m.mon.Syncing() {
		t.Fatalf("a panicked sync is still marked as sending")
	}
	p.arm("sync", false)
	d.Key("ctrl+s", "y")
	if !strings.Contains(d.View(), "sync queued") {
		t.Fatalf("the form could not submit again after the panic:\n%s", d.View())
	}
}

// ---- hostile text ------------------------------------------------------------------

// hostileText holds everything a server string must never do to the terminal:
// clear the screen (CSI), write the clipboard (OSC 52), set the title (OSC
// 0), an 8-bit CSI (C1), a carriage return to overwrite, a bidi override to
// reverse what follows, and invalid UTF-8.
const hostileText = "Evil\x1b[2J\x1b[H\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\u009b31mred\rOVER\u202eesrever\xff\xfe end"

// Connector names, statuses and last errors from the sandbox, and error
// details and header values from a raw server, never put an escape, C1 or
// control byte on screen; they show as visible placeholders instead.
func TestHostileServerTextIsNeutralised(t *testing.T) {
	clock := newFakeClock()
	fs := newTestServer(t, clock, sandbox.Options{})
	ids := fs.sb.IDs()
	fs.sb.SetName(ids[0], hostileText)
	fs.sb.SetStatus(ids[0], "\x1b[5m"+hostileText)
	lastErr := "line one " + hostileText + "\nline two\r\n\x1b]8;;http://evil.example\x07click\x1b]8;;\x07"
	fs.sb.SetLastError(ids[0], &lastErr)
	fs.sb.SetName(ids[1], "\u202eevil.exe\u202c \u2066x\u2069")

	for _, size := range [][2]int{{160, 48}, {80, 24}, {20, 5}} {
		w, h := size[0], size[1]
		d := newDriver(t, testOptions(fs.client, clock), clock, w, h)
		d.Advance(time.Second)
		if w < 100 {
			d.Key("tab")
		}
		for _, state := range []string{"browse", "form", "dialog", "help"} {
			switch state {
			case "form":
				d.Key("esc", "s")
			case "dialog":
				d.Key("esc", "S")
			case "help":
				d.Key("n", "?")
			}
			v := d.View()
			assertScreenSafe(t, v, w, h)
			if w == 160 && state == "browse" {
				for _, want := range []string{"Evil^[[2J^[[H^[]52;c;", "^G", "\\x9b31mred^MOVER", "<U+202E>evil.exe<U+202C>", "�� end"} {
					if !strings.Contains(v, want) {
						t.Errorf("%dx%d: placeholder %q not on screen:\n%s", w, h, want, v)
					}
				}
				if !strings.Contains(v, "line two") || !strings.Contains(v, "^[]8;;http://evil.example") {
					t.Errorf("the hostileText last_error is not shown neutralised:\n%s", v)
				}
			}
		}
	}

	// Error details, content types and statuses from a raw server.
	fs.set(onReads(respond(500, "application/json", `{"detail":"\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u009b\r\u202e boom","error_code":"\u001b[31mX"}`)))
	d := newDriver(t, testOptions(fs.client, clock), clock, 160, 48)
	v := d.View()
	assertScreenSafe(t, v, 160, 48)
	if !strings.Contains(v, "^[]52;c;ZXZpbA==^G^[[2J\\x9b^M<U+202E> boom") {
		t.Fatalf("the hostileText error detail is not shown neutralised:\n%s", v)
	}
	fs.set(onReads(rawReply("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/\x1b[2Jhtml\xff\r\nContent-Length: 13\r\nConnection: close\r\n\r\n\x1b]0;t\x07\x9b\xff\xfe!!")))
	d = newDriver(t, testOptions(fs.client, clock), clock, 160, 48)
	v = d.View()
	assertScreenSafe(t, v, 160, 48)
	if !strings.Contains(v, "HTTP 502") && !strings.Contains(v, "cannot reach") {
		t.Fatalf("the raw answer produced no explanation:\n%s", v)
	}
	// Raw invalid UTF-8 and controls inside the JSON strings of a 200.
	body := "{\"items\":[{\"id\":\"c1\",\"name\":\"raw \xff\xfe\xc3 name\",\"platform\":\"shop\u009bify\x7f\",\"status\":\"\\u001b[2Jactive\"," +
		"\"last_sync_at\":null,\"created_at\":null}],\"meta\":{\"total\":1,\"page\":1,\"per_page\":50,\"total_pages\":1}}"
	fs.set(onRoute("list", respond(200, "application/json", body)))
	d = newDriver(t, testOptions(fs.client, clock), clock, 160, 48)
	v = d.View()
	assertScreenSafe(t, v, 160, 48)
	if !strings.Contains(v, "raw ��� name") || !strings.Contains(v, "^[[2Jactive") {
		t.Fatalf("raw bytes in the JSON are not shown as placeholders:\n%s", v)
	}
}

// A 10 000-character name and a name made of wide characters never make a
// line wider than the terminal, in any state, at any of the usual sizes.
func TestHugeAndWideNamesFitTheTerminal(t *testing.T) {
	clock := newFakeClock()
	fs := newTestServer(t, clock, sandbox.Options{})
	ids := fs.sb.IDs()
	fs.sb.SetName(ids[0], strings.Repeat("Ab9 ", 2500))
	fs.sb.SetName(ids[1], strings.Repeat("東京ストア🛒👩‍💻", 300))
	fs.sb.SetName(ids[2], strings.Repeat("e\u0301\u0308", 3000)) // combining marks
	long := strings.Repeat("東京 error ", 1000)
	fs.sb.SetLastError(ids[1], &long)
	for _, size := range [][2]int{{160, 48}, {80, 24}, {20, 5}} {
		w, h := size[0], size[1]
		d := newDriver(t, testOptions(fs.client, clock), clock, w, h)
		d.Advance(time.Second)
		for row := 0; row < 3; row++ {
			d.Advance(time.Second)
			assertScreenSafe(t, d.View(), w, h)
			d.Key("tab")
			assertScreenSafe(t, d.View(), w, h)
			d.Key("tab", "s")
			d.Type("3760000000001 " + strings.Repeat("東", 500))
			assertScreenSafe(t, d.View(), w, h)
			d.Key("esc", "S")
			assertScreenSafe(t, d.View(), w, h)
			d.Key("n", "?")
			assertScreenSafe(t, d.View(), w, h)
			d.Key("esc", "j")
		}
	}
}

// A 403 on one connector is that connector's scope, not a bad key: it is
// shown there, that connector is no longer polled, and the others are.
func TestForbiddenOnOneConnectorStopsOnlyIt(t *testing.T) {
	clock := newFakeClock()
	fs := newTestServer(t, clock, sandbox.Options{})
	d := startLoadedOn(t, fs, 160, 48)
	first := d.m.detail.ID()
	fs.set(func(route string, w http.ResponseWriter, r *http.Request) bool {
		if route == "detail" && strings.HasSuffix(r.URL.Path, "/connectors/"+first) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"detail":"No access to this store","error_code":"PERMISSION_DENIED"}`)
			return true
		}
		return false
	})
	d.Advance(11 * time.Second)
	if v := d.View(); !strings.Contains(v, "No access to this store") || strings.Contains(v, "polling stopped") {
		t.Fatalf("a 403 on one connector is not shown on that connector alone:\n%s", v)
	}
	sent := fs.count("detail")
	d.Advance(time.Minute)
	if got := fs.count("detail") - sent; got != 0 {
		t.Fatalf("%d detail requests for the forbidden connector in a minute, want 0", got)
	}
	d.Key("j")
	d.Advance(time.Minute)
	if got := fs.count("detail") - sent; got < 5 {
		t.Fatalf("the next connector was polled %d times in a minute, want about 6", got)
	}
	if d.m.mon.AuthErr() != nil {
		t.Fatalf("a 403 on one connector stopped all polling: %v", d.m.mon.AuthErr())
	}
}
