package widget

import (
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/keymap"
)

// Text typed key by key is laid out from its last row, not from the top
// (typing stays linear); the rows kept are the ones a full layout gives.
func TestTypedTextIsLaidOutAsAFullLayoutWould(t *testing.T) {
	k := keymap.Default().Edit
	e := NewEditor()
	e.SetSize(37, 8)
	text := strings.Repeat("4006381333931\n", 300) + strings.Repeat("4006381333931, 73513537; ", 40)
	for _, r := range text {
		msg := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}
		if r == '\n' {
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		}
		e.Update(msg, &k)
	}
	if e.Value() != text {
		t.Fatalf("typed text not kept: %d runes, want %d", len(e.Value()), len(text))
	}
	if !e.rowsValid {
		t.Fatal("no layout kept after typing")
	}
	rows := slices.Clone(e.rows)
	e.rowsValid = false
	e.layout()
	if !slices.Equal(rows, e.rows) {
		t.Fatalf("the incremental layout differs from a full one: %d rows, want %d", len(rows), len(e.rows))
	}
}

// Edits anywhere in the text (typed, deleted, a line joined or split, wide
// runes) leave the rows a full layout gives.
func TestEditsAnywhereAreLaidOutAsAFullLayoutWould(t *testing.T) {
	k := keymap.Default().Edit
	e := NewEditor()
	e.SetSize(9, 4)
	e.SetValue(strings.Repeat("4006381333931\n", 20) + "界界界 12345678, 73513537\n\n1")
	keys := []tea.KeyMsg{
		{Type: tea.KeyLeft}, {Type: tea.KeyUp}, {Type: tea.KeyBackspace}, {Type: tea.KeyEnter},
		{Type: tea.KeyRunes, Runes: []rune("7")}, {Type: tea.KeyRunes, Runes: []rune("界")},
		{Type: tea.KeySpace}, {Type: tea.KeyDelete}, {Type: tea.KeyCtrlW}, {Type: tea.KeyCtrlK},
		{Type: tea.KeyRunes, Runes: []rune("12\n34")}, {Type: tea.KeyDown}, {Type: tea.KeyRight},
		{Type: tea.KeyCtrlU}, {Type: tea.KeyHome},
	}
	seed := uint64(7)
	for n := range 3000 {
		seed = seed*6364136223846793005 + 1442695040888963407
		msg := keys[(seed>>33)%uint64(len(keys))]
		e.Update(msg, &k)
		rows := slices.Clone(e.rows)
		e.rowsValid = false
		e.layout()
		if !slices.Equal(rows, e.rows) {
			t.Fatalf("after edit %d (%s) at %d: rows %v, a full layout gives %v", n, msg, e.cursor, rows, e.rows)
		}
		if e.Len() < 40 {
			e.SetValue(strings.Repeat("4006381333931, 界\n", 10))
		}
	}
}

// A backspace or a key typed in the middle of 10 000 EANs lays out the
// line it is on, not the 140 000 runes of the text.
func TestAnEditLaysOutItsLineNotTheText(t *testing.T) {
	k := keymap.Default().Edit
	e := NewEditor()
	e.SetSize(37, 8)
	e.SetValue(strings.Repeat("4006381333931\n", 10_000))
	for _, tc := range []struct {
		name string
		keys []tea.KeyMsg
	}{
		{"backspace at the end", []tea.KeyMsg{{Type: tea.KeyBackspace}}},
		{"a rune in the middle", []tea.KeyMsg{{Type: tea.KeyPgUp}, {Type: tea.KeyRunes, Runes: []rune("5")}}},
		{"backspace in the middle", []tea.KeyMsg{{Type: tea.KeyBackspace}}},
		{"enter at the start", []tea.KeyMsg{{Type: tea.KeyCtrlHome}, {Type: tea.KeyEnter}}},
	} {
		before := e.laidOut
		for _, msg := range tc.keys {
			e.Update(msg, &k)
		}
		if n := e.laidOut - before; n > 100 {
			t.Errorf("%s laid out %d runes; its lines are 14 each", tc.name, n)
		}
	}
}
