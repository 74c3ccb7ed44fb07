package ui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api/sandbox"
)

func click(x, y int) tea.MouseMsg {
	return tea.MouseMsg{X: x, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress}
}

func wheel(x, y int, down bool) tea.MouseMsg {
	b := tea.MouseButtonWheelUp
	if down {
		b = tea.MouseButtonWheelDown
	}
	return tea.MouseMsg{X: x, Y: y, Button: b, Action: tea.MouseActionPress}
}

// A click on a row selects it (and fetches its detail), the wheel moves
// through the list, a click on the detail focuses it; side by side and
// stacked.
func TestMouseSelectsScrollsAndFocuses(t *testing.T) {
	for _, size := range [][2]int{{160, 48}, {80, 24}} {
		f := startOn(t, sandbox.Options{}, nil)
		f.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		// Header, the pane's top border, the column header: rows start at 3.
		f.Send(click(5, 3+2))
		f.Advance(time.Second)
		if got := f.selected().ID; got != f.ids[2] {
			t.Fatalf("%dx%d: click on the third row selected %s", size[0], size[1], got)
		}
		if f.m.detail.ID() != f.ids[2] {
			t.Fatalf("%dx%d: the detail does not follow the click", size[0], size[1])
		}
		f.Send(wheel(5, 4, true))
		f.Send(wheel(5, 4, true))
		if f.m.list.Cursor() != 4 {
			t.Errorf("%dx%d: two wheel steps down: cursor %d", size[0], size[1], f.m.list.Cursor())
		}
		x, y := size[0]-5, 10 // the detail, beside
		if size[0] < wideAt {
			x, y = 5, size[1]-6 // the detail, below
		}
		f.Send(click(x, y))
		if f.m.screens.focused() != layerDetail {
			t.Errorf("%dx%d: a click on the detail did not focus it", size[0], size[1])
		}
		f.Send(click(5, 3))
		if f.m.screens.focused() != layerList || f.m.list.Cursor() != 0 {
			t.Errorf("%dx%d: a click on the first row: focus %v, cursor %d", size[0], size[1], f.m.screens.focused(), f.m.list.Cursor())
		}
	}
}

// Under an overlay the mouse does nothing; outside the panes neither.
func TestMouseIgnoredUnderOverlays(t *testing.T) {
	f := startOn(t, sandbox.Options{}, nil)
	f.Key("?")
	f.Send(click(5, 5))
	f.Key("esc")
	f.Send(click(5, 0))  // the header
	f.Send(click(5, 47)) // the help line
	if f.m.list.Cursor() != 0 {
		t.Errorf("cursor moved to %d", f.m.list.Cursor())
	}
}
