package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
)

// Update-level tests: keys and results go through Model.Update, commands run
// against a sandbox over loopback HTTP, timers wait on the fake clock.

// Route names as the sandbox counts them.
const (
	sbList = "GET /connectors"
	sbGet  = "GET /connectors/{id}"
	sbSync = "POST /connectors/{id}/sync"
)

// Two EANs with valid check digits, the sandbox's first connector's name.
const (
	twoEANs            = "4006381333931 73513537"
	firstConnectorName = "My Shopify Store"
)

// newRecordedSandbox is a sandbox on the test server: it keeps the body of
// every POST and can make the list route fail, which the sandbox never does.
func newRecordedSandbox(t testing.TB, clock *fakeClock, o sandbox.Options) (*api.Client, *sandbox.Server, *testServer) {
	t.Helper()
	fs := newTestServer(t, clock, o)
	return fs.client, fs.sb, fs
}

// uiFixture is a dashboard on a sandbox, started and settled: page 1 shown,
// the first connector's detail fetched.
type uiFixture struct {
	*driver
	sb  *sandbox.Server
	rec *testServer
	ids []string
}

func startSettled(t *testing.T, w, h int) *uiFixture {
	t.Helper()
	return startSettledOn(t, w, h, sandbox.Options{})
}

// startSettledOn is startSettled on a sandbox with options so.
func startSettledOn(t *testing.T, w, h int, so sandbox.Options) *uiFixture {
	t.Helper()
	clock := newFakeClock()
	c, sb, rec := newRecordedSandbox(t, clock, so)
	d := newDriver(t, testOptions(c, clock), clock, w, h)
	d.Advance(time.Second) // past the selection debounce: the detail arrives
	if d.m.detail.Data() == nil {
		t.Fatalf("no detail after start:\n%s", d.View())
	}
	return &uiFixture{driver: d, sb: sb, rec: rec, ids: sb.IDs()}
}

// press types one key as a terminal sends it: a space arrives as KeySpace
// carrying the rune (keyMsg(" ") has none).
func (f *uiFixture) press(r rune) {
	if r == ' ' {
		f.Send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
		return
	}
	f.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
}

func (f *uiFixture) count(route string) int { return f.sb.Stats().ByRoute[route] }

func (f *uiFixture) selected() api.Connector {
	c, _ := f.m.list.Selected()
	return c
}

// has and lacks assert on the screen.
func (f *uiFixture) has(want ...string) {
	f.t.Helper()
	v := f.View()
	for _, s := range want {
		if !strings.Contains(v, s) {
			f.t.Fatalf("screen lacks %q:\n%s", s, v)
		}
	}
}

func (f *uiFixture) lacks(unwanted ...string) {
	f.t.Helper()
	v := f.View()
	for _, s := range unwanted {
		if strings.Contains(v, s) {
			f.t.Fatalf("screen shows %q:\n%s", s, v)
		}
	}
}

// detailHas and detailLacks assert on the detail pane alone.
func (f *uiFixture) detailHas(want ...string) {
	f.t.Helper()
	v := f.m.detail.View(f.clock.Now(), "")
	for _, s := range want {
		if !strings.Contains(v, s) {
			f.t.Fatalf("detail pane lacks %q:\n%s", s, v)
		}
	}
}

func (f *uiFixture) detailLacks(unwanted ...string) {
	f.t.Helper()
	v := f.m.detail.View(f.clock.Now(), "")
	for _, s := range unwanted {
		if strings.Contains(v, s) {
			f.t.Fatalf("detail pane shows %q:\n%s", s, v)
		}
	}
}

// helpLine is the screen's last line, the short help.
func (f *uiFixture) helpLine() string {
	v := f.View()
	return v[strings.LastIndexByte(v, '\n')+1:]
}

func (f *uiFixture) helpHas(want ...string) {
	f.t.Helper()
	h := f.helpLine()
	for _, s := range want {
		if !strings.Contains(h, s) {
			f.t.Fatalf("help line lacks %q: %q", s, h)
		}
	}
}

func (f *uiFixture) helpLacks(unwanted ...string) {
	f.t.Helper()
	// Idle keys are listed greyed: what must not be offered
	// is a live binding that does nothing.
	for _, s := range unwanted {
		for _, b := range f.m.helpKeys().Short {
			if b.Enabled() && strings.Contains(b.Help().Key+" "+b.Help().Desc, s) {
				f.t.Fatalf("help line offers %q, which does nothing now: %q", s, f.helpLine())
			}
		}
	}
}

// ---- holding answers back --------------------------------------------------

// step delivers msg like Send, but the API answers it causes (pages,
// details, sync results) are held back and returned undelivered, so a test
// can deliver them late, out of order or twice: the network's orderings,
// made exact. Everything else runs as in Send.
func (d *driver) step(msg tea.Msg) []tea.Msg {
	d.t.Helper()
	if d.quit {
		return nil
	}
	next, cmd := d.m.Update(msg)
	d.m = next.(Model)
	return d.runHeld(cmd)
}

func (d *driver) stepKeys(keys ...string) []tea.Msg {
	var held []tea.Msg
	for _, k := range keys {
		held = append(held, d.step(keyMsg(k))...)
	}
	return held
}

func (d *driver) runHeld(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	var held []tea.Msg
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			held = append(held, d.runHeld(c)...)
		}
	case scheduled:
		d.seq++
		msg.seq = d.seq
		d.timers = append(d.timers, msg)
	case tea.QuitMsg:
		d.quit = true
	case pageMsg, detailMsg, syncMsg:
		held = append(held, msg)
	default:
		held = append(held, d.step(msg)...)
	}
	return held
}

// advanceHeld is Advance, holding back the answers the timers cause.
func (d *driver) advanceHeld(total time.Duration) []tea.Msg {
	d.t.Helper()
	end := d.clock.Now().Add(total)
	var held []tea.Msg
	for !d.quit {
		i := -1
		for j, s := range d.timers {
			if !s.at.After(end) && (i < 0 || s.at.Before(d.timers[i].at) ||
				s.at.Equal(d.timers[i].at) && s.seq < d.timers[i].seq) {
				i = j
			}
		}
		if i < 0 {
			break
		}
		next := d.timers[i]
		d.timers = append(d.timers[:i], d.timers[i+1:]...)
		if next.at.After(d.clock.Now()) {
			d.clock.Set(next.at)
		}
		held = append(held, d.step(next.msg)...)
	}
	d.clock.Set(end)
	return held
}

// heldOne returns the one held message of type T, failing otherwise.
func heldOne[T tea.Msg](t *testing.T, held []tea.Msg) T {
	t.Helper()
	var out []T
	for _, m := range held {
		if x, ok := m.(T); ok {
			out = append(out, x)
		}
	}
	if len(out) != 1 {
		var zero T
		t.Fatalf("held %d answers of type %T, want 1 (all held: %v)", len(out), zero, held)
	}
	return out[0]
}

func countHeld[T tea.Msg](held []tea.Msg) int {
	n := 0
	for _, m := range held {
		if _, ok := m.(T); ok {
			n++
		}
	}
	return n
}

// scriptedAPI is fakeAPI with the answers a test scripts: a sync's, a
// detail's (by id), and a hang that ends only when the request's context
// does.
type scriptedAPI struct {
	*fakeAPI
	sync    func() (*api.SyncResult, error)
	detail  func(id string) (*api.ConnectorDetail, error) // nil answer: fakeAPI's
	list    func(page, perPage int) *api.ConnectorPage    // nil: fakeAPI's
	hangOn  string                                        // GetConnector of this id waits for its context
	hungErr chan error
}

func (s *scriptedAPI) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	if id == s.hangOn {
		<-ctx.Done()
		s.hungErr <- ctx.Err()
		return nil, nil, ctx.Err()
	}
	if s.detail != nil {
		if d, err := s.detail(id); d != nil || err != nil {
			return d, &api.Response{StatusCode: 200}, err
		}
	}
	return s.fakeAPI.GetConnector(ctx, id)
}

func (s *scriptedAPI) SyncEANs(ctx context.Context, id string, eans []string) (*api.SyncResult, *api.Response, error) {
	if s.sync == nil {
		return s.fakeAPI.SyncEANs(ctx, id, eans)
	}
	s.fakeAPI.mu.Lock()
	s.fakeAPI.posts++
	s.fakeAPI.mu.Unlock()
	r, err := s.sync()
	return r, &api.Response{StatusCode: 202}, err
}

func (s *scriptedAPI) ListConnectors(ctx context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	if s.list != nil {
		return s.list(page, perPage), &api.Response{StatusCode: 200}, nil
	}
	return s.fakeAPI.ListConnectors(ctx, page, perPage)
}

func (s *scriptedAPI) SyncCatalog(ctx context.Context, id string) (*api.SyncResult, *api.Response, error) {
	return s.SyncEANs(ctx, id, nil)
}

func newScripted(n int) *scriptedAPI {
	return &scriptedAPI{fakeAPI: &fakeAPI{items: fakeConnectors(n)}, hungErr: make(chan error, 4)}
}

func startScripted(t *testing.T, s *scriptedAPI, w, h int) *driver {
	t.Helper()
	clock := newFakeClock()
	d := newDriver(t, testOptions(s, clock), clock, w, h)
	d.Advance(time.Second)
	return d
}

func mustShow(t *testing.T, d *driver, want ...string) {
	t.Helper()
	v := flatView(d.View())
	for _, s := range want {
		if !strings.Contains(v, s) {
			t.Fatalf("screen lacks %q:\n%s", s, d.View())
		}
	}
}

func mustNotShow(t *testing.T, d *driver, unwanted ...string) {
	t.Helper()
	v := flatView(d.View())
	for _, s := range unwanted {
		if strings.Contains(v, s) {
			t.Fatalf("screen shows %q:\n%s", s, d.View())
		}
	}
}

// lineOf is the index of the first line of a pane view holding s, -1 if none.
func lineOf(view, s string) int {
	for i, l := range strings.Split(view, "\n") {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}
