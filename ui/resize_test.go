package ui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// resizeStates are the screens a person resizes the terminal on, each
// reached by keys from the loaded dashboard at 160x48.
var resizeStates = []struct {
	name string
	keys func(d *driver)
}{
	{"list", func(*driver) {}},
	{"list scrolled to row 3", func(d *driver) { d.Key("j", "j", "j"); d.Advance(time.Second) }},
	{"detail focus", func(d *driver) { d.Key("tab") }},
	{"form with text", func(d *driver) {
		d.Key("s")
		d.Type("3760000000001 4006381333931\n12345, 73513537 abc")
	}},
	{"confirmation", func(d *driver) {
		d.Key("s")
		d.Type("3760000000001 4006381333931")
		d.Key("ctrl+s")
	}},
	{"whole-catalog confirmation", func(d *driver) { d.Key("S") }},
	{"help", func(d *driver) { d.Key("?") }},
}

// resizeSizes walks from 160x48 down to 20x5 step by step and back, then
// visits random and degenerate sizes.
func resizeSizes() [][2]int {
	var sizes [][2]int
	const n = 28
	for i := 0; i <= n; i++ {
		sizes = append(sizes, [2]int{160 - 140*i/n, 48 - 43*i/n})
	}
	for i := n; i >= 0; i-- {
		sizes = append(sizes, [2]int{160 - 140*i/n, 48 - 43*i/n})
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for range 40 {
		sizes = append(sizes, [2]int{rng.IntN(220), rng.IntN(70)})
	}
	sizes = append(sizes, [][2]int{{1, 1}, {0, 0}, {1, 0}, {0, 1}, {2, 2}, {3, 3}, {23, 9}, {24, 9},
		{99, 18}, {100, 18}, {99, 19}, {240, 3}, {3, 120}, {-1, -1}, {10000, 2}}...)
	return sizes
}

// Resizing never panics, never draws a line wider than the terminal or
// more lines than it has, in any state; back at 160x48 the screen is
// exactly what a fresh dashboard in the same state draws, so no fragment
// of a smaller layout survives.
func TestResizeEveryStateFitsAndLeavesNoTrace(t *testing.T) {
	for _, st := range resizeStates {
		t.Run(st.name, func(t *testing.T) {
			build := func() *driver {
				clock := newFakeClock()
				c, _ := newSandbox(t, clock, sandbox.Options{})
				d := newDriver(t, testOptions(c, clock), clock, 160, 48)
				d.Advance(time.Second)
				st.keys(d)
				d.Advance(frameEvery) // the frame that shows keys typed within one
				return d
			}
			d := build()
			want := d.View()
			for i, sz := range resizeSizes() {
				w, h := sz[0], sz[1]
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("panic at %dx%d: %v", w, h, r)
						}
					}()
					d.Send(tea.WindowSizeMsg{Width: w, Height: h})
					assertScreenSafe(t, d.View(), w, h)
				}()
				// Now and then, the screen after this chain of resizes must
				// be the one a dashboard resized straight to this size draws.
				if i%5 == 0 && w > 0 && h > 0 {
					fd := build()
					layOut(fd, w, h)
					fd.m.list.offset = d.m.list.offset // scroll position is state
					if got, fresh := d.View(), fd.View(); got != fresh {
						t.Fatalf("at %dx%d (step %d) the resized screen differs from one resized straight there:\n%s",
							w, h, i, lineDiff(fresh, got))
					}
				}
			}
			d.Send(tea.WindowSizeMsg{Width: 160, Height: 48})
			got := d.View()
			fd := build()
			layOut(fd, 160, 48)
			// The list keeps its scroll position across a resize, as a pager
			// does (a shrink scrolled it to keep the cursor in view): that is
			// state, not a stale fragment. Give the fresh one the same.
			if l := d.m.list; l.offset != fd.m.list.offset {
				if l.cursor < l.offset || l.cursor >= l.offset+l.rowsShown() {
					t.Fatalf("after resizing back the cursor row %d is scrolled out of view (offset %d)", l.cursor, l.offset)
				}
				t.Logf("list scrolled to row %d after the resizes (fresh: %d)", l.offset, fd.m.list.offset)
				fd.m.list.offset = l.offset
				want = fd.View()
			}
			fresh := fd.View()
			if fresh != want {
				t.Fatalf("two fresh dashboards in the same state differ: the test is not deterministic")
			}
			if got != fresh {
				t.Fatalf("after resizing back to 160x48 the screen differs from a fresh one:\n%s",
					lineDiff(fresh, got))
			}
		})
	}
}

// Every intermediate size of a slow drag is also a size the program may
// first start at: a fresh model at each size obeys the same bounds.
func TestStartAtAnySize(t *testing.T) {
	clock := newFakeClock()
	c, _ := newSandbox(t, clock, sandbox.Options{})
	for _, sz := range resizeSizes() {
		d := newDriver(t, testOptions(c, clock), clock, sz[0], sz[1])
		assertScreenSafe(t, d.View(), sz[0], sz[1])
		d.Advance(time.Second)
		assertScreenSafe(t, d.View(), sz[0], sz[1])
	}
}

// layOut sizes a dashboard directly, not through a WindowSizeMsg: the
// reference a resized screen is compared with must not share the path
// under test.
func layOut(d *driver, w, h int) {
	d.m.width, d.m.height = w, h
	d.m.layout()
}

// lineDiff shows the lines that differ.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			fmt.Fprintf(&b, "line %d\n  fresh:   %q\n  resized: %q\n", i, w, g)
		}
	}
	return b.String()
}
