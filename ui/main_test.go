package ui

import (
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"go.uber.org/goleak"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/internal/fakeclock"
)

func TestMain(m *testing.M) {
	// Goldens are plain text: no colour codes whatever the terminal.
	lipgloss.SetColorProfile(termenv.Ascii)
	// teatest.NewTestModel starts a goroutine waiting for SIGINT that
	// nothing ends; it is teatest's, not ours.
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest.NewTestModel.func2"))
}

// testEpoch is the fake "now" every test starts from.
var testEpoch = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// fakeClock is the tests' one fake clock, shared by the model and the
// sandbox.
type fakeClock = fakeclock.Clock

func newFakeClock() *fakeClock { return fakeclock.New(testEpoch) }

// scheduled is what the test After returns instead of sleeping: the driver
// keeps it and delivers msg when the fake clock reaches at.
type scheduled struct {
	at  time.Time
	seq int
	msg tea.Msg
}

// driver runs a Model the way Bubble Tea does, but synchronously and on a
// fake clock: commands run in place (API calls hit a real HTTP server),
// timers wait in a queue until Advance moves the clock past them.
type driver struct {
	t      testing.TB
	m      Model
	clock  *fakeClock
	timers []scheduled
	seq    int
	quit   bool
	// observed counts messages by type name, for tests that assert what
	// happened (e.g. how many detail answers arrived).
	observed map[string]int
}

// testOptions returns options wired to the clock, UTC and the driver's
// scheduler.
func testOptions(c API, clock *fakeClock) Options {
	return Options{
		API:      c,
		Host:     "api.test",
		Now:      clock.Now,
		Location: time.UTC,
		Seed:     1,
		Plain:    true,
		// The crawl is off: these tests count the page and detail requests
		// that browsing makes. fleet_test.go turns it on.
		NoIndex: true,
		After: func(d time.Duration, msg tea.Msg) tea.Cmd {
			at := clock.Now().Add(d)
			return func() tea.Msg { return scheduled{at: at, msg: msg} }
		},
	}
}

// newDriver starts the model: Init's commands run, the window is sized.
func newDriver(t testing.TB, o Options, clock *fakeClock, w, h int) *driver {
	t.Helper()
	if o.History == nil {
		// A write needs its intent recorded: every dashboard under test
		// has a history unless the test is about having none
		// (newDriverNoHistory).
		o.History = testHistory(t)
	}
	return newDriverNoHistory(t, o, clock, w, h)
}

// testHistory is a history in a temporary folder.
func testHistory(t testing.TB) *history.Store {
	t.Helper()
	h, _, err := history.Open(t.TempDir(), "test", history.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// newDriverNoHistory starts the model on the history of o, nil or not.
func newDriverNoHistory(t testing.TB, o Options, clock *fakeClock, w, h int) *driver {
	t.Helper()
	d := &driver{t: t, m: New(o), clock: clock, observed: map[string]int{}}
	d.run(d.m.Init())
	d.Send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

// Send delivers one message and everything it causes, synchronously.
func (d *driver) Send(msg tea.Msg) {
	d.t.Helper()
	if d.quit {
		return
	}
	d.observed[typeName(msg)]++
	next, cmd := d.m.Update(msg)
	d.m = next.(Model)
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	case scheduled:
		d.seq++
		msg.seq = d.seq
		d.timers = append(d.timers, msg)
	case tea.QuitMsg:
		d.quit = true
	default:
		d.Send(msg)
	}
}

// Advance moves the clock forward by total, firing due timers in order.
func (d *driver) Advance(total time.Duration) {
	d.t.Helper()
	end := d.clock.Now().Add(total)
	for !d.quit {
		sort.SliceStable(d.timers, func(i, j int) bool {
			if d.timers[i].at.Equal(d.timers[j].at) {
				return d.timers[i].seq < d.timers[j].seq
			}
			return d.timers[i].at.Before(d.timers[j].at)
		})
		if len(d.timers) == 0 || d.timers[0].at.After(end) {
			break
		}
		next := d.timers[0]
		d.timers = d.timers[1:]
		if next.at.After(d.clock.Now()) {
			d.clock.Set(next.at)
		}
		d.Send(next.msg)
	}
	if !d.quit {
		d.clock.Set(end)
	}
}

// Key sends key presses: "j", "ctrl+s", "enter", "esc", or runes to type.
func (d *driver) Key(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.Send(keyMsg(k))
	}
}

// Type sends text as one message, the way a paste or fast typing arrives.
func (d *driver) Type(s string) {
	d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}

func keyMsg(k string) tea.KeyMsg {
	named := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"home": tea.KeyHome, "end": tea.KeyEnd, "backspace": tea.KeyBackspace,
		"ctrl+s": tea.KeyCtrlS, "ctrl+c": tea.KeyCtrlC, "ctrl+u": tea.KeyCtrlU, "ctrl+w": tea.KeyCtrlW,
	}
	if t, ok := named[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func typeName(msg tea.Msg) string {
	switch msg.(type) {
	case pageMsg:
		return "page"
	case detailMsg:
		return "detail"
	case syncMsg:
		return "sync"
	case tea.KeyMsg:
		return "key"
	}
	return "other"
}

// View is the model's current screen.
func (d *driver) View() string { return d.m.View() }

// newSandbox serves a sandbox on the fake clock over loopback HTTP and
// returns a client for it. AutoSync is off and syncs never fail unless the
// options say otherwise.
func newSandbox(t testing.TB, clock *fakeClock, o sandbox.Options) (*api.Client, *sandbox.Server) {
	t.Helper()
	sb := sandbox.New(testSandboxOptions(clock, o))
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	c, err := api.New(srv.URL+sandbox.BasePath, api.WithAPIKey(sb.APIKey()),
		api.WithHTTPClient(srv.Client()), api.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return c, sb
}

// testSandboxOptions fills in what the tests want unless a test says
// otherwise: the fake clock, a fixed seed, syncs that never fail, no rate
// limits.
func testSandboxOptions(clock *fakeClock, o sandbox.Options) sandbox.Options {
	if o.Now == nil {
		o.Now = clock.Now
	}
	if o.Seed == 0 {
		o.Seed = 42
	}
	if o.SyncFailureRate == 0 {
		o.SyncFailureRate = -1
	}
	if o.ReadLimit == 0 {
		o.ReadLimit = -1
	}
	if o.WriteLimit == 0 {
		o.WriteLimit = -1
	}
	return o
}
