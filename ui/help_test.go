package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

// The help shows every key of the screen (idle ones too), cuts none at
// 80x24, loses no column at 60x20, and names the form's and a question's
// keys; the help line holds whole items only.
func TestHelpShowsEveryKeyUncut(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 20}, {160, 48}} {
		f := startSettled(t, size[0], size[1])
		if strings.Contains(f.helpLine(), "…") {
			t.Fatalf("%dx%d: the help line cuts an item: %q", size[0], size[1], f.helpLine())
		}
		if size[0] >= 80 {
			f.helpHas("↑/k up") // idle on row 1, shown all the same where there is room
		}
		f.Key("?")
		v := flatView(f.View())
		k := f.m.keys
		for _, b := range []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageDown, k.PageUp, k.HalfDown, k.HalfUp, k.NextPage, k.PrevPage, k.FocusNext,
			k.FocusPrev, k.Open, k.Sync, k.SyncAll, k.Refresh, k.Pause, k.Help, k.Quit, k.ForceQuit,
			k.Submit, k.CloseForm, k.ProblemsDown, k.ProblemsUp, k.Yes, k.No, k.Back} {
			if want := b.Help().Key + " " + b.Help().Desc; !strings.Contains(v, want) {
				t.Fatalf("%dx%d: the help lacks %q:\n%s", size[0], size[1], want, f.View())
			}
		}
	}
}

// The help overlay reads as a person expects at every width: its head is
// never cut (it goes on two lines where one is too narrow), the bands of
// columns are parted by a blank line where the height leaves room (run
// together, a band's columns read as misaligned with those above), and
// keys cut off at the bottom are said to be there.
func TestHelpOverlayBandsArePartedAndNothingIsCutSilently(t *testing.T) {
	for _, sz := range [][2]int{{160, 48}, {120, 40}, {100, 40}, {80, 24}, {40, 40}, {40, 12}} {
		f := startSettled(t, sz[0], sz[1])
		f.Key("?")
		lines := strings.Split(f.View(), "\n")
		body := lines[1 : len(lines)-2] // the header above, the status and help lines below
		checkScreenFits(t, f.View(), sz[0], sz[1])
		for _, l := range body {
			if strings.Contains(l, "…") {
				t.Errorf("%dx%d: a line of the help is cut: %q", sz[0], sz[1], l)
			}
		}
		if v := strings.Join(body, "\n"); !strings.Contains(v, "greyed: idle now") {
			t.Errorf("%dx%d: the head lacks what greyed means:\n%s", sz[0], sz[1], v)
		}
		bands := 0
		for i, l := range body {
			if i > 1 && strings.TrimSpace(l) == "" && i+1 < len(body) && strings.TrimSpace(body[i+1]) != "" {
				bands++
			}
		}
		if sz[0] >= 80 && bands == 0 {
			t.Errorf("%dx%d: the bands run together:\n%s", sz[0], sz[1], strings.Join(body, "\n"))
		}
		if sz == [2]int{40, 12} && !strings.Contains(body[len(body)-1], "more lines of keys") {
			t.Errorf("40x12: the keys cut off at the bottom are not said:\n%s", strings.Join(body, "\n"))
		}
	}
}
