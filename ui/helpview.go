package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"

	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

// The help is drawn here rather than by bubbles' help, which leaves out
// disabled bindings (a key that merely does nothing this instant, such as
// ↑ on the first row, vanished), cuts the line's last item to "h…", and
// drops whole columns of the full help that do not fit beside the others.
// Here every key of the screen is shown, greyed while idle; the short line
// holds whole items only, and the full help flows its columns into rows.

const helpGap = 3 // cells between two columns of the full help

// helpItem is one binding as "key desc", greyed when it does nothing now.
func (m *Model) helpItem(b key.Binding) string {
	h := b.Help()
	if !b.Enabled() {
		return m.styles.HelpOff.Render(h.Key + " " + h.Desc)
	}
	return m.styles.HelpKey.Render(h.Key) + " " + m.styles.HelpDesc.Render(h.Desc)
}

func helpItemWidth(b key.Binding) int {
	h := b.Help()
	return termtext.Width(h.Key) + 1 + termtext.Width(h.Desc)
}

// shortHelp is the help line: the screen's short bindings in order, each
// whole or not at all, in width cells. Live keys claim the room first; idle
// ones (greyed) fill what is left.
func (m *Model) shortHelp(h keymap.Help, width int) string {
	const sep = 3 // " · "
	chosen := make([]bool, len(h.Short))
	used := 0
	for _, live := range []bool{true, false} {
		for i, k := range h.Short {
			if k.Enabled() != live || k.Help().Key == "" {
				continue
			}
			w := helpItemWidth(k)
			if used > 0 {
				w += sep
			}
			if used+w <= width {
				chosen[i], used = true, used+w
			}
		}
	}
	var b strings.Builder
	first := true
	for i, k := range h.Short {
		if !chosen[i] {
			continue
		}
		if !first {
			b.WriteString(m.styles.HelpSep.Render(" · "))
		}
		first = false
		b.WriteString(m.helpItem(k))
	}
	return widget.FitLine(b.String(), width)
}

// helpBody is the help overlay: it takes the whole body, drawn without a
// frame, so that every key of every screen fits a 60x20 terminal. Its
// head is said in whole parts, on as many lines as the width needs.
func (m *Model) helpBody(w, h int) string {
	parts := []string{"Keys", m.keys.Help.Help().Key + " or " + keymap.Keys(m.keys.Back) + " closes this help", "greyed: idle now"}
	if why := m.mon.WritesOff(); why != "" {
		parts = append([]string{"sync: " + why}, parts...)
	}
	head := flowParts(parts, " · ", w-1)
	for i := range head {
		head[i] = " " + head[i]
	}
	full := m.fullHelp(m.overlayHelp(), w, h-len(head))
	if room := h - len(head); room >= 2 && len(full) > room {
		// Cut at the bottom, say so: keys missing without a word would
		// read as keys that do not exist.
		full = append(full[:room-1], moreKeysLine(len(full)-room+1, w))
	}
	return strings.Join(widget.Pane(strings.Join(append(head, full...), "\n"), w, h, false, m.styles, true), "\n")
}

// moreKeysLine says n lines of keys are cut off below, in the most words
// that fit w cells.
func moreKeysLine(n, w int) string {
	long := fmt.Sprintf(" ↓ %d more lines of keys: a bigger window shows them", n)
	for _, s := range []string{long, fmt.Sprintf(" ↓ %d more lines of keys", n), fmt.Sprintf(" ↓ %d more", n)} {
		if termtext.Width(s) <= w {
			return s
		}
	}
	return termtext.Truncate(long, w)
}

// flowParts joins parts with sep on lines of at most width cells
// (widget.Flow).
func flowParts(parts []string, sep string, width int) []string {
	return widget.Flow(parts, width, func(int) string { return sep })
}

// fullHelp is the help overlay's text: the columns of h side by side while
// they fit in width, then on further bands, so none is left out. Where
// height leaves room, a blank line parts the bands: the columns of one band
// do not start where those above start, and run together they read as a
// table whose columns are misaligned.
func (m *Model) fullHelp(h keymap.Help, width, height int) []string {
	cols := m.helpColumns(h)
	var bands [][]string
	for len(cols) > 0 {
		// One band: as many columns as fit (at least one).
		n, used := 1, cols[0].w
		for n < len(cols) && used+helpGap+cols[n].w <= width {
			used += helpGap + cols[n].w
			n++
		}
		rows := 0
		for _, c := range cols[:n] {
			rows = max(rows, len(c.lines))
		}
		var out []string
		for r := 0; r < rows; r++ {
			var b strings.Builder
			for i, c := range cols[:n] {
				if i > 0 {
					b.WriteString(widget.Pad(helpGap))
				}
				if r < len(c.lines) {
					b.WriteString(c.lines[r])
				} else {
					b.WriteString(widget.Pad(c.w))
				}
			}
			out = append(out, widget.FitLine(b.String(), width))
		}
		bands = append(bands, out)
		cols = cols[n:]
	}
	return partBands(bands, height)
}

// helpColumn is one group of the full help drawn as a column, w wide.
type helpColumn struct {
	lines []string
	w     int
}

// helpColumns are h's groups as columns, key and description aligned.
func (m *Model) helpColumns(h keymap.Help) []helpColumn {
	var cols []helpColumn
	for _, group := range h.Full {
		keyW, descW := 0, 0
		for _, b := range group {
			keyW = max(keyW, termtext.Width(b.Help().Key))
			descW = max(descW, termtext.Width(b.Help().Desc))
		}
		if keyW == 0 {
			continue
		}
		c := helpColumn{w: keyW + 1 + descW}
		for _, b := range group {
			hb := b.Help()
			text := termtext.PadRight(hb.Key, keyW) + " " + termtext.PadRight(hb.Desc, descW)
			if !b.Enabled() {
				text = m.styles.HelpOff.Render(text)
			} else {
				text = m.styles.HelpKey.Render(termtext.PadRight(hb.Key, keyW)) + " " +
					m.styles.HelpDesc.Render(termtext.PadRight(hb.Desc, descW))
			}
			c.lines = append(c.lines, text)
		}
		cols = append(cols, c)
	}
	return cols
}

// partBands are the bands' lines, a blank line between two bands where
// height holds them all.
func partBands(bands [][]string, height int) []string {
	var out []string
	for _, b := range bands {
		out = append(out, b...)
	}
	if len(out)+len(bands)-1 > height {
		return out // no room to part them: every key first
	}
	out = out[:0:0]
	for i, b := range bands {
		if i > 0 {
			out = append(out, "")
		}
		out = append(out, b...)
	}
	return out
}

// enabled is a copy of bindings shown as what another screen offers (the
// form's, a question's): not greyed as if idle here.
func enabled(bs ...key.Binding) []key.Binding {
	out := make([]key.Binding, len(bs))
	for i, b := range bs {
		b.SetEnabled(true)
		out[i] = b
	}
	return out
}
