package widget

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// Editor is a small multi-line text field for EAN lists. bubbles' textarea
// drops lines past 10 000 and renders every line on every frame; a paste of
// thousands of EANs needs neither, so this one keeps the text as one buffer
// and renders only the rows on screen.
type Editor struct {
	buf     []rune
	cursor  int // index into buf
	width   int
	height  int
	offset  int // first visual row shown
	focused bool

	// rows caches the start index of each visual row (soft-wrapped at
	// width). It is rebuilt in Update (settle) when the text or the width
	// changes; View only reads it.
	rows      []int
	rowsValid bool
	fresh     []int // rows laid out again after an edit (relayout), kept for the next
	laidOut   int   // runes laid out, for the tests of editing cost
}

// NewEditor is an empty field, 40×5 until sized.
func NewEditor() Editor { return Editor{width: 40, height: 5} }

// Focus shows the cursor: the field is the one typed into.
func (e *Editor) Focus() { e.focused = true }

// Height is the number of visual rows the editor shows.
func (e *Editor) Height() int { return e.height }

// Clone is an editor with its own copy of the text and the layout: an
// Editor value shares them, so a kept copy would change with the original.
func (e Editor) Clone() Editor {
	e.buf = slices.Clone(e.buf)
	e.rows = slices.Clone(e.rows)
	e.fresh = nil
	return e
}

// SetSize sets the field's width and height in cells, the layout following.
func (e *Editor) SetSize(w, h int) {
	w, h = max(w, 1), max(h, 1)
	if w != e.width {
		e.rowsValid = false
	}
	e.width, e.height = w, h
	e.settle()
}

// SetValue replaces the text (cleaned of what cannot be in an EAN list),
// the cursor at its end.
func (e *Editor) SetValue(s string) {
	e.buf = []rune(cleanInput(s))
	e.cursor = len(e.buf)
	e.rowsValid = false
	e.settle()
}

// Value is the text.
func (e *Editor) Value() string { return string(e.buf) }

// Update handles editing keys; it reports whether the text changed. Typed
// and pasted text is inserted; every other key is looked up in k.
func (e *Editor) Update(msg tea.KeyMsg, k *keymap.EditKeys) (changed bool) {
	defer e.settle()
	switch msg.Type {
	case tea.KeyRunes, tea.KeySpace:
		text := string(msg.Runes)
		if msg.Type == tea.KeySpace && text == "" {
			text = " "
		}
		text = cleanInput(text)
		if msg.Paste && text != "" && e.cursor > 0 && !isSep(e.buf[e.cursor-1]) && !isSep([]rune(text[:1])[0]) {
			// A paste after text that ends mid-token (a kept draft has no
			// trailing separator) must not glue onto it.
			text = "\n" + text
		}
		e.insert(text)
		return true
	}
	msg.Alt = false // alt+key edits as the key does
	if e.edit(msg, k) {
		return true
	}
	e.move(msg, k)
	return false
}

// edit applies a key that changes the text; it reports whether it did.
func (e *Editor) edit(msg tea.KeyMsg, k *keymap.EditKeys) bool {
	switch {
	case key.Matches(msg, k.Newline):
		e.insert("\n")
		return true
	case key.Matches(msg, k.Space):
		e.insert(" ")
		return true
	case key.Matches(msg, k.DeleteBack):
		return e.cut(e.cursor-1, e.cursor)
	case key.Matches(msg, k.Delete):
		return e.cut(e.cursor, e.cursor+1)
	case key.Matches(msg, k.DeleteWord):
		start := e.cursor
		for start > 0 && isSep(e.buf[start-1]) {
			start--
		}
		for start > 0 && !isSep(e.buf[start-1]) {
			start--
		}
		return e.cut(start, e.cursor)
	case key.Matches(msg, k.DeleteToStart):
		if e.cursor > 0 {
			from := e.lineStart(e.cursor)
			if from == e.cursor {
				// At a line's start: the line above goes, so pressing it
				// again keeps clearing (it cleared one line only).
				from = e.lineStart(e.cursor - 1)
			}
			e.delete(from, e.cursor)
			return true
		}
	case key.Matches(msg, k.DeleteToEnd):
		return e.cut(e.cursor, e.lineEnd(e.cursor))
	}
	return false
}

// cut deletes buf[from:to] when that is a non-empty range inside the text.
func (e *Editor) cut(from, to int) bool {
	if from < 0 || to > len(e.buf) || from >= to {
		return false
	}
	e.delete(from, to)
	return true
}

// move applies a cursor key.
func (e *Editor) move(msg tea.KeyMsg, k *keymap.EditKeys) {
	switch {
	case key.Matches(msg, k.Left):
		e.cursor = max(e.cursor-1, 0)
	case key.Matches(msg, k.Right):
		e.cursor = min(e.cursor+1, len(e.buf))
	case key.Matches(msg, k.LineStart):
		e.cursor = e.lineStart(e.cursor)
	case key.Matches(msg, k.LineEnd):
		e.cursor = e.lineEnd(e.cursor)
	case key.Matches(msg, k.Up):
		e.moveRows(-1)
	case key.Matches(msg, k.Down):
		e.moveRows(1)
	case key.Matches(msg, k.PageUp):
		e.moveRows(-e.height)
	case key.Matches(msg, k.PageDown):
		e.moveRows(e.height)
	case key.Matches(msg, k.TextStart):
		e.cursor = 0
	case key.Matches(msg, k.TextEnd):
		e.cursor = len(e.buf)
	}
}

// cleanInput keeps what can be part of an EAN list: control characters and
// escape sequences from a paste are dropped, CR and CRLF become LF, tabs
// become spaces.
func cleanInput(s string) string {
	clean := true
	for _, r := range s {
		if r < ' ' && r != '\n' || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\r':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case r == '\n':
			b.WriteByte('\n')
		case r < ' ', r == 0x7f, r >= 0x80 && r < 0xa0, r == utf8.RuneError:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isSep(r rune) bool { return r == ' ' || r == '\n' || r == ',' || r == ';' }

func (e *Editor) insert(s string) {
	if s == "" {
		return
	}
	rs := []rune(s)
	at := e.cursor
	e.buf = slices.Insert(e.buf, at, rs...)
	e.cursor += len(rs)
	e.relayout(at, 0, len(rs))
}

// Len is the text's length in runes.
// Len is the length of the text in runes.
func (e *Editor) Len() int { return len(e.buf) }

func (e *Editor) delete(from, to int) {
	e.buf = append(e.buf[:from], e.buf[to:]...)
	e.cursor = from
	e.relayout(from, to-from, 0)
}

func (e *Editor) lineStart(i int) int {
	for i > 0 && e.buf[i-1] != '\n' {
		i--
	}
	return i
}

func (e *Editor) lineEnd(i int) int {
	for i < len(e.buf) && e.buf[i] != '\n' {
		i++
	}
	return i
}

// layout computes where each visual row starts. Rows break after a newline
// or when the next rune would not fit in width cells.
func (e *Editor) layout() {
	if e.rowsValid {
		return
	}
	e.rows = append(e.rows[:0], 0)
	e.layoutFrom(0)
}

// layoutFrom lays out the text from the start of visual row row on, the
// rows before it kept.
func (e *Editor) layoutFrom(row int) {
	e.rows, _ = e.lay(e.rows[:row+1], e.rows[row], len(e.buf))
	e.rowsValid = true
}

// lay appends to rows where each visual row starts, from start (a row's
// start) on: a row breaks after a newline or where the next rune would not
// fit in width cells. It stops after the first newline at or after stop
// and returns the start of the line that follows; next is -1 when it laid
// out to the text's end.
func (e *Editor) lay(rows []int, start, stop int) (_ []int, next int) {
	col := 0
	for i := start; i < len(e.buf); i++ {
		e.laidOut++
		r := e.buf[i]
		if r == '\n' {
			rows = append(rows, i+1)
			col = 0
			if i >= stop {
				return rows, i + 1
			}
			continue
		}
		w := 1
		if r >= 0x1100 {
			w = termtext.Width(string(r))
		}
		if col+w > e.width && col > 0 {
			rows = append(rows, i)
			col = 0
		}
		col += w
	}
	return rows, -1
}

// relayout lays the text out again after the runes at..at+removed were
// replaced by inserted ones: from the row before the edit's (whose end may
// move) to the first line that starts after the edit; the rows after that
// line's start are as they were, moved by the change in length. An edit
// costs its line, not the text: a backspace in 10 000 EANs laid out all
// 140 000 runes again.
func (e *Editor) relayout(at, removed, inserted int) {
	if !e.rowsValid || len(e.rows) == 0 {
		e.rowsValid = false
		return
	}
	from := max(e.rowOf(at)-1, 0) // rows up to it start before the edit: kept
	fresh, next := e.lay(e.fresh[:0], e.rows[from], at+inserted)
	e.fresh = fresh
	end := len(e.rows) // the old rows replaced: up to the line laid out as before
	if next >= 0 {
		delta := inserted - removed
		i, found := slices.BinarySearch(e.rows, next-delta)
		if !found {
			e.rowsValid = false // never: every line's start is a row's
			return
		}
		end = i + 1
		for i := end; i < len(e.rows); i++ {
			e.rows[i] += delta
		}
	}
	e.rows = slices.Replace(e.rows, from+1, end, fresh...)
}

// rowOf returns the visual row holding index i.
func (e *Editor) rowOf(i int) int {
	lo, hi := 0, len(e.rows)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if e.rows[mid] <= i {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	// A cursor right after a soft wrap sits at the end of the previous row
	// only when it is the end of the text; keep it simple: start of next.
	return lo
}

func (e *Editor) rowEnd(row int) int {
	if row+1 < len(e.rows) {
		end := e.rows[row+1]
		if end > 0 && e.buf[end-1] == '\n' {
			end--
		}
		return end
	}
	return len(e.buf)
}

func (e *Editor) moveRows(n int) {
	e.layout()
	row := e.rowOf(e.cursor)
	col := e.cursor - e.rows[row]
	target := min(max(row+n, 0), len(e.rows)-1)
	e.cursor = min(e.rows[target]+col, e.rowEnd(target))
}

// settle lays the text out and scrolls the cursor into view, in Update, so
// that View has nothing to compute or keep.
func (e *Editor) settle() {
	e.layout()
	e.offset = e.viewOffset()
}

// viewOffset is the first row shown: the remembered one, moved just enough
// to show the cursor.
func (e *Editor) viewOffset() int {
	row := e.rowOf(e.cursor)
	off := e.offset
	if row < off {
		off = row
	}
	if row >= off+e.height {
		off = row - e.height + 1
	}
	return max(min(off, len(e.rows)-e.height), 0)
}

// View renders the visible rows, with the cursor as a styled cell; when
// styles are stripped (NO_COLOR), plainCursor draws it as a visible "|"
// (the field is laid out one cell narrower for it).
func (e *Editor) View(cursorStyle, textStyle lipgloss.Style, plainCursor bool) string {
	if !e.rowsValid { // not settled: lay out a copy, keep nothing
		c := *e
		c.rows = nil
		c.layout()
		e = &c
	}
	row := e.rowOf(e.cursor)
	offset := e.viewOffset()
	var b strings.Builder
	for r := offset; r < offset+e.height; r++ {
		if r > offset {
			b.WriteByte('\n')
		}
		if r >= len(e.rows) {
			continue
		}
		start, end := e.rows[r], e.rowEnd(r)
		if r != row || !e.focused {
			b.WriteString(textStyle.Render(string(e.buf[start:end])))
			continue
		}
		c := min(e.cursor, end)
		b.WriteString(textStyle.Render(string(e.buf[start:c])))
		if plainCursor {
			b.WriteString("|")
			b.WriteString(textStyle.Render(string(e.buf[c:end])))
			continue
		}
		under := " "
		if c < end {
			under = string(e.buf[c])
		}
		b.WriteString(cursorStyle.Render(under))
		if c < end {
			b.WriteString(textStyle.Render(string(e.buf[c+1 : end])))
		}
	}
	return b.String()
}
