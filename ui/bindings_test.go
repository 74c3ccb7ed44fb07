package ui

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/keymap"
)

// isTop says the screen on top is a T.
func isTop[T screen](m Model) bool {
	_, ok := m.screens.top().(T)
	return ok
}

// findHelp is the binding of h whose text is desc.
func findHelp(h keymap.Help, desc string) *key.Binding {
	for _, g := range h.Full {
		for i := range g {
			if g[i].Help().Desc == desc {
				return &g[i]
			}
		}
	}
	return nil
}

// statusLine is the screen's status bar.
func (f *uiFixture) statusLine() string {
	lines := strings.Split(f.View(), "\n")
	return lines[len(lines)-2]
}

func (f *uiFixture) posts() int {
	n := 0
	for route, c := range f.sb.Stats().ByRoute {
		if strings.HasPrefix(route, "POST ") {
			n += c
		}
	}
	return n
}

// In a session that may not write, the keys that would say why they do
// nothing, in the status bar, and nothing is sent.
func TestWriteKeysSayWhyInSessionsThatMayNotWrite(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Options)
		keys map[string]string // key → what the status bar says
	}{
		{"read-only profile", func(o *Options) { o.ReadOnly = true }, map[string]string{
			"s": "read-only: this profile may not trigger syncs",
			"S": "read-only: this profile may not trigger syncs",
			"t": "read-only: this profile may not trigger syncs",
		}},
		{"team watcher", func(o *Options) { o.ReadOnly, o.NoExport, o.Who = true, true, "olga · watch" }, map[string]string{
			"s": "read-only: your role or this account's profile on the team server may not trigger syncs",
			"S": "read-only: your role or this account's profile on the team server may not trigger syncs",
			"t": "read-only: your role or this account's profile on the team server may not trigger syncs",
			"x": "export is off here",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := startOn(t, sandbox.Options{}, tc.edit)
			for k, want := range tc.keys {
				f.Key("esc") // no message left from the key before
				f.Advance(flashFor)
				f.Key(k)
				if got := f.statusLine(); !strings.Contains(got, want) {
					t.Errorf("%s: status bar %q, want %q", k, got, want)
				}
				if f.m.screens.depth != 1 {
					t.Errorf("%s opened a screen", k)
				}
				f.Key("y", "ctrl+s", "y")
			}
			if n := f.posts(); n != 0 {
				t.Fatalf("%d POSTs sent", n)
			}
		})
	}
}

// The help of a read-only session does not offer the keys that write, and
// says why they are not there.
func TestHelpInReadOnlyOffersNoWriteKeys(t *testing.T) {
	f := startOn(t, sandbox.Options{}, func(o *Options) { o.ReadOnly = true })
	f.Key("?")
	f.has("sync: read-only", "r refresh", "copy id")
	f.lacks("sync EANs", "sync whole catalog", "test connection", "submit")
	for _, b := range f.m.helpKeys().Short {
		if b.Enabled() && strings.Contains(b.Help().Desc, "sync") {
			t.Fatalf("the help line offers %q", b.Help().Desc)
		}
	}
}

var sgrColor = regexp.MustCompile(`\x1b\[(?:[0-9;]*;)?38;(?:5;([0-9]+)|2;([0-9]+);([0-9]+);([0-9]+))`)

// fgOf is the first foreground colour of a rendered text, as #rrggbb.
func fgOf(t *testing.T, s string) string {
	t.Helper()
	m := sgrColor.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no foreground colour in %q", s)
	}
	if m[1] != "" {
		return termenv.ConvertToRGB(termenv.ANSI256Color(atoi(t, m[1]))).Hex()
	}
	return fmt.Sprintf("#%02x%02x%02x", atoi(t, m[2]), atoi(t, m[3]), atoi(t, m[4]))
}

// distance is how far apart two colours look (CIEDE2000).
func distance(a, b string) float64 {
	return termenv.ConvertToRGB(termenv.RGBColor(a)).DistanceCIEDE2000(termenv.ConvertToRGB(termenv.RGBColor(b)))
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A key the help greys is dimmer than a live one (its key and its text):
// nearer the background, on a dark terminal and on a light one.
func TestHelpGreysIdleKeysDimmerThanLiveOnes(t *testing.T) {
	for _, profile := range []termenv.Profile{termenv.ANSI256, termenv.TrueColor} {
		for _, dark := range []bool{true, false} {
			r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(profile))
			r.SetColorProfile(profile)
			r.SetHasDarkBackground(dark)
			o := testOptions(nil, newFakeClock())
			o.Plain, o.Renderer = false, r
			m := New(o)
			live := key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh"))
			idle := live
			idle.SetEnabled(false)
			bg := "#ffffff"
			if dark {
				bg = "#000000"
			}
			on := m.helpItem(live)
			keyC := fgOf(t, on)
			descC := fgOf(t, strings.SplitN(on, " ", 2)[1]) // "r" has no space
			offC := fgOf(t, m.helpItem(idle))
			off := distance(offC, bg)
			for what, c := range map[string]string{"key": keyC, "text": descC} {
				if off >= distance(c, bg) {
					t.Errorf("profile %v dark=%v: an idle key (%s) stands out from the background as much as a live %s (%s)",
						profile, dark, offC, what, c)
				}
			}
		}
	}
}

// pingScreen is an overlay that exists only here: two keys, a body. That
// it works once pushed shows that adding a screen needs nothing else.
type pingScreen struct{ pings int }

func (p *pingScreen) bindings(m *Model) []binding {
	k := m.keys
	return []binding{
		m.bind("refresh", &k.Refresh).when(func() string {
			if p.pings >= 2 {
				return "pinged enough"
			}
			return ""
		}).do(func(tea.KeyMsg) tea.Cmd { p.pings++; return nil }).in(0, 1),
		m.bind("back", &k.Back).do(func(tea.KeyMsg) tea.Cmd { m.screens.pop(); return nil }).in(0, 2),
	}
}

func (p *pingScreen) key(*Model, tea.KeyMsg) tea.Cmd { return nil }

func (p *pingScreen) view(_ *Model, w, h int) string {
	return strings.Join(center([]string{"PING " + strconv.Itoa(p.pings)}, w, h), "\n")
}

func TestAnOverlayIsAScreenAndAPush(t *testing.T) {
	f := startSettled(t, 100, 30)
	f.m.screens.push(&pingScreen{})
	f.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	f.has("PING 0")
	f.helpHas("r refresh", "esc close")
	f.Key("r", "j", "r") // j is not the overlay's: nothing moves
	f.has("PING 2")
	f.Key("r")
	f.has("PING 2", "pinged enough")
	f.helpLacks("r refresh")
	if f.m.list.Cursor() != 0 {
		t.Fatal("a key the overlay does not own reached the list")
	}
	f.Key("esc")
	f.lacks("PING")
	f.Key("j")
	if f.m.list.Cursor() != 1 {
		t.Fatal("the list does not have the keys once the overlay is closed")
	}
}

// Keys collide only on a screen where both actions are registered: the
// screens' bindings are the contexts, not the actions' names.
// The help line starts with ? and q (a narrow terminal cuts its end), and
// the full help lists every browsing key this session may use.
func TestBrowseHelpListsEveryKey(t *testing.T) {
	f := startSettled(t, 100, 30)
	h := f.m.browseHelp()
	if h.Short[0].Help().Key != "?" || h.Short[1].Help().Key != "q" {
		t.Fatalf("the help line starts with %q, %q; want ?, q", h.Short[0].Help().Key, h.Short[1].Help().Key)
	}
	for _, b := range (browseScreen{}).bindings(&f.m) {
		if b.Off(&f.m) == "" && findHelp(h, b.key.Help().Desc) == nil && b.desc == "" {
			t.Errorf("the full help lacks %s", b.action)
		}
	}
}

func TestKeyConflictsAreFoundPerScreen(t *testing.T) {
	k := keymap.Default()
	if c := KeyConflicts(&k); len(c) != 0 {
		t.Fatalf("the default keys collide: %v", c)
	}
	for _, tc := range []struct {
		action, key string
		want        string // "" = no conflict
	}{
		{"sync_eans", "r", `"r" is bound to both sync_eans and refresh (browse keys)`},
		{"submit", "enter", `"enter" is bound to both submit and edit_newline (form keys)`},
		{"history_connector", "esc", `"esc" is bound to both back and history_connector (history keys)`},
		{"ack", "s", ""}, // the events feed has no s of its own
		{"mute_all", "S", ""},
	} {
		k := keymap.Default()
		if err := k.Remap(tc.action, tc.key); err != nil {
			t.Fatal(err)
		}
		c := KeyConflicts(&k)
		switch {
		case tc.want == "" && len(c) != 0:
			t.Errorf("%s on %s: %v", tc.action, tc.key, c)
		case tc.want != "" && (len(c) == 0 || c[0].Error() != tc.want):
			t.Errorf("%s on %s: %v, want %s", tc.action, tc.key, c, tc.want)
		}
	}
}
