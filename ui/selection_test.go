package ui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// ---- navigation -------------------------------------------------------------

func TestCursorKeysMoveAndClampAtTheEnds(t *testing.T) {
	f := startSettled(t, 160, 48)
	items := f.m.list.items
	at := func(want int) {
		t.Helper()
		if f.m.list.cursor != want {
			t.Fatalf("cursor = %d, want %d", f.m.list.cursor, want)
		}
		f.has("▶ " + items[want].Name)
	}
	at(0)
	f.helpLacks("up") // nothing above the first row
	f.Key("k", "up")
	at(0)
	f.Key("j")
	at(1)
	f.Key("down")
	at(2)
	f.helpHas("↑/k up", "↓/j down")
	f.Key("k")
	at(1)
	f.Key("G") // the last row is below the 40 shown: the list scrolls to it
	at(49)
	f.helpHas("↓/j down") // on to the next page's first row (TestJAndKCrossPageEdges)
	f.Key("g")
	at(0)
	f.Key("end")
	at(49)
	f.Key("home")
	at(0)
}

// Holding j across ten rows fetches one detail, for the row it stops on,
// once the selection has rested for the debounce.
func TestHoldingDownFetchesOneDetailAfterTheDebounce(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.sb.ResetStats()
	for range 10 {
		f.Key("j")
		f.Advance(selectDebounce / 2) // key repeat is faster than the debounce
	}
	if n := f.count(sbGet); n != 0 {
		t.Fatalf("%d detail requests while the selection was moving, want 0", n)
	}
	f.Advance(selectDebounce)
	if n := f.count(sbGet); n != 1 {
		t.Fatalf("%d detail requests after the selection rested, want 1", n)
	}
	if f.m.detail.Data() == nil || f.m.detail.Data().ID != f.ids[10] {
		t.Fatalf("detail is not the 11th connector's")
	}
	f.detailHas(f.m.list.items[10].Name, "synced")
}

// A late copy of an older detail answer never replaces a newer one: after a
// sync the detail shows 2 pending, and an answer from before the sync must
// not bring back 0.
func TestOlderDetailAnswerNeverOverwritesNewer(t *testing.T) {
	f := startSettled(t, 160, 48)
	held := f.stepKeys("r")
	old := heldOne[detailMsg](t, held)
	for _, m := range held {
		f.Send(m)
	}
	if p := old.Detail.SyncStats.ProductsPending; p != 0 {
		t.Fatalf("setup: pending %d before the sync", p)
	}
	f.Key("s")
	f.Type(twoEANs)
	f.Key("ctrl+s", "y", "enter") // sync, then dismiss the result
	if p := f.m.detail.Pending(); p != 2 {
		t.Fatalf("pending after the sync = %d, want 2", p)
	}
	f.Send(old)
	if p := f.m.detail.Pending(); p != 2 {
		t.Fatalf("an older answer set pending back to %d", p)
	}
	f.has("pending    2 products")
}

// Moving on while a detail request is out ends with the detail of the
// connector now selected, not of the one asked for first.
func TestSelectionMovedWhileDetailInFlightShowsTheNewConnector(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.sb.ResetStats()
	f.stepKeys("j")
	second := heldOne[detailMsg](t, f.advanceHeld(selectDebounce))
	if second.ID != f.ids[1] {
		t.Fatalf("asked for %s, want %s", second.ID, f.ids[1])
	}
	// Moving on abandons the request out: the new selection
	// is asked for after its debounce, not behind the old answer.
	f.stepKeys("j")
	third := heldOne[detailMsg](t, f.advanceHeld(selectDebounce))
	if third.ID != f.ids[2] {
		t.Fatalf("after moving on asked for %s, want %s", third.ID, f.ids[2])
	}
	if held := f.step(second); len(held) != 0 { // the abandoned answer arrives late
		t.Fatalf("the abandoned answer caused requests: %v", held)
	}
	if d := f.m.detail.Data(); d != nil && d.ID != f.ids[2] {
		t.Fatalf("the pane for %s shows the late answer for %s", f.ids[2], d.ID)
	}
	f.detailHas(f.m.list.items[2].Name)
	f.detailLacks(f.m.list.items[1].Name)
	f.step(third)
	if got := f.m.detail.Data().ID; got != f.ids[2] {
		t.Fatalf("detail shows %s, want the selected %s", got, f.ids[2])
	}
	f.detailHas(f.m.list.items[2].Name, "synced")
	if n := f.count(sbGet); n != 2 {
		t.Fatalf("%d detail requests, want 2", n)
	}
}

// PgDn/PgUp move a screenful of rows, ctrl+d/ctrl+u half of one, and
// a count repeats a move (5j) or names a row (12G).
func TestScreenfulHalfAndCountedMoves(t *testing.T) {
	s := newScripted(50)
	d := startScripted(t, s, 160, 24)
	screen := d.m.list.rowsShown()
	d.Send(tea.KeyMsg{Type: tea.KeyPgDown})
	if got := d.m.list.Cursor(); got != screen {
		t.Fatalf("pgdown: row %d, want %d", got, screen)
	}
	d.Send(tea.KeyMsg{Type: tea.KeyPgUp})
	d.Send(tea.KeyMsg{Type: tea.KeyCtrlD})
	if got := d.m.list.Cursor(); got != screen/2 {
		t.Fatalf("ctrl+d: row %d, want %d", got, screen/2)
	}
	d.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	if got := d.m.list.Cursor(); got != 0 {
		t.Fatalf("ctrl+u: row %d, want 0", got)
	}
	d.Key("5", "j")
	if got := d.m.list.Cursor(); got != 5 {
		t.Fatalf("5j: row %d, want 5", got)
	}
	d.Key("j")
	if got := d.m.list.Cursor(); got != 6 {
		t.Fatalf("the count outlived its move: j went to row %d", got)
	}
	d.Key("1", "2", "G")
	if got := d.m.list.Cursor(); got != 11 {
		t.Fatalf("12G: row %d, want 11", got)
	}
	d.Advance(time.Second)
	if d.m.detail.ID() != "c11" {
		t.Fatalf("the detail shows %s, want c11", d.m.detail.ID())
	}
}
