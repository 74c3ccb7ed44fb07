package ui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// Golden tests: View() of a settled model at fixed sizes, compared with
// testdata/<scenario>_<w>x<h>.golden. `go test ./ui -run Golden -update`
// rewrites them; review the diff like code.

// updateGoldens is -update. teatest's golden package already defines a flag of
// that name in this test binary; defining it again would panic, so the one
// flag is shared.
var updateGoldens = sharedBoolFlag("update", "rewrite testdata/*.golden from the current View()")

func sharedBoolFlag(name, usage string) func() bool {
	if flag.Lookup(name) == nil {
		flag.Bool(name, false, usage)
	}
	return func() bool {
		v, _ := strconv.ParseBool(flag.Lookup(name).Value.String())
		return v
	}
}

var goldenSizes = [][2]int{{160, 48}, {100, 30}, {80, 24}}

// goldenScenarios bring a fresh dashboard on a sandbox to the state to
// render.
var goldenScenarios = []struct {
	name  string
	setup func(t *testing.T, w, h int) *uiFixture
}{
	{"list_detail", settledThen(func(f *uiFixture) {})},
	{"form_mixed", settledThen(func(f *uiFixture) {
		f.Key("s")
		f.Type("4006381333931, 123; 4006381333932 abc\n4006381333931 73513537 036000291452")
	})},
	{"confirm", settledThen(func(f *uiFixture) {
		f.Key("s")
		f.Type(twoEANs)
		f.Key("ctrl+s")
	})},
	{"sync_conflict", settledThen(func(f *uiFixture) {
		// The fourth connector is paused: the API refuses a sync with 409.
		f.Key("j", "j", "j")
		f.Advance(time.Second)
		f.Key("s")
		f.Type(twoEANs)
		f.Key("ctrl+s", "y")
	})},
	{"list_stale", settledThen(func(f *uiFixture) {
		// The list starts failing with a 500 once shown; r shows it at once.
		f.rec.FailList(500)
		f.Key("r")
	})},
	{"list_error", func(t *testing.T, w, h int) *uiFixture {
		// The list fails with a 500 from the first request: nothing to show.
		clock := newFakeClock()
		c, sb, rec := newRecordedSandbox(t, clock, sandbox.Options{})
		rec.FailList(500)
		d := newDriver(t, testOptions(c, clock), clock, w, h)
		return &uiFixture{driver: d, sb: sb, rec: rec, ids: sb.IDs()}
	}},
}

// settledThen starts from page 1 shown and the first detail fetched.
func settledThen(then func(f *uiFixture)) func(t *testing.T, w, h int) *uiFixture {
	return func(t *testing.T, w, h int) *uiFixture {
		f := startSettled(t, w, h)
		then(f)
		return f
	}
}

func TestGoldenViews(t *testing.T) {
	for _, sc := range goldenScenarios {
		for _, sz := range goldenSizes {
			w, h := sz[0], sz[1]
			name := fmt.Sprintf("%s_%dx%d", sc.name, w, h)
			t.Run(name, func(t *testing.T) {
				f := sc.setup(t, w, h)
				if f.m.busy() {
					t.Fatalf("still loading: a golden must not hold a spinner frame")
				}
				view := f.View()
				checkScreenFits(t, view, w, h)
				checkGolden(t, name, view)
			})
		}
	}
}

// The goldens' states at every size from tiny to wide: the screen is
// exactly the terminal's height, no line is wider than the terminal (or it
// would wrap and scroll the whole screen), and nothing panics.
func TestViewFitsEveryTerminalSize(t *testing.T) {
	widths := []int{1, 2, 10, 20, 23, 24, 29, 30, 45, 46, 61, 62, 79, 80, 99, 100, 101, 133, 160, 250}
	heights := []int{1, 2, 3, 4, 5, 8, 9, 18, 19, 21, 24, 30, 48, 70}
	for _, sc := range goldenScenarios {
		t.Run(sc.name, func(t *testing.T) {
			f := sc.setup(t, 80, 24)
			for _, w := range widths {
				for _, h := range heights {
					f.Send(tea.WindowSizeMsg{Width: w, Height: h})
					view := f.View()
					if !checkScreenFits(t, view, w, h) {
						t.Fatalf("at %dx%d", w, h)
					}
				}
			}
		})
	}
}

// checkScreenFits reports (as errors) lines wider than w by both measures, and a
// line count other than h.
func checkScreenFits(t *testing.T, view string, w, h int) bool {
	t.Helper()
	ok := true
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want the terminal's %d", len(lines), h)
		ok = false
	}
	for i, l := range lines {
		if aw, tw := ansi.StringWidth(l), termtext.Width(ansi.Strip(l)); aw > w || tw > w {
			t.Errorf("line %d is %d cells (ansi) / %d (termtext), wider than %d: %q", i+1, aw, tw, w, l)
			ok = false
		}
	}
	return ok
}

// miniDotFrames are MiniDot's: none may be in a golden.
const miniDotFrames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	if strings.ContainsAny(got, miniDotFrames) {
		t.Errorf("a spinner frame is on screen:\n%s", got)
	}
	path := filepath.Join("testdata", name+".golden")
	if updateGoldens() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the screen (-update rewrites it):\n%s", path, goldenDiff(string(want), got))
	}
}

// goldenDiff shows the lines that differ, numbered and fenced so trailing
// spaces are visible.
func goldenDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w == g {
			continue
		}
		if shown == 12 {
			b.WriteString("…more lines differ\n")
			break
		}
		shown++
		fmt.Fprintf(&b, "line %d:\n  want ┃%s┃\n  got  ┃%s┃\n", i+1, w, g)
	}
	if len(wl) != len(gl) {
		fmt.Fprintf(&b, "want %d lines, got %d\n", len(wl), len(gl))
	}
	return b.String()
}
