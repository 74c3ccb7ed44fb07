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
