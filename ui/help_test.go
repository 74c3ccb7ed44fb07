package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

// #5: the help shows every key of the screen (idle ones too), cuts none at
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
