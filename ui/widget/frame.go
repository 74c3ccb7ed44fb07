package widget

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/pixee/pixee-tui/ui/termtext"
)

// The layout is assembled here by hand rather than with lipgloss' Join and
// Border: those measure text with grapheme widths and pad what they measure
// as short, while terminals such as tmux and xterm draw some clusters wider;
// a pane would then overflow its line and the terminal would wrap it,
// breaking the whole screen. Panes produce lines of exactly their width by
// termtext's measure, and these helpers only concatenate.

// Lines splits a pane's view into exactly h lines of w cells.
func Lines(s string, w, h int) []string {
	out := strings.SplitN(s, "\n", h+1)
	if len(out) > h {
		out = out[:h]
	}
	for i, l := range out {
		out[i] = FitLine(l, w)
	}
	for len(out) < h {
		out = append(out, Pad(w))
	}
	return out
}

// FitLine pads or cuts a (possibly styled) line to w cells.
func FitLine(l string, w int) string {
	lw := VisibleWidth(l)
	switch {
	case lw == w:
		return l
	case lw < w:
		return l + Pad(w-lw)
	}
	// Too wide: cut with the styling dropped (this is a safety net; panes
	// size their own lines).
	return FitLine(termtext.Truncate(stripANSI(l), w), w)
}

// VisibleWidth is the width of a styled line by termtext's measure. The
// SGR sequences our styles emit (ESC [ … m) are skipped in place; anything
// else falls back to stripping.
func VisibleWidth(l string) int {
	w := 0
	for {
		i := strings.IndexByte(l, 0x1b)
		if i < 0 {
			return w + termtext.Width(l)
		}
		w += termtext.Width(l[:i])
		l = l[i:]
		if len(l) < 2 || l[1] != '[' {
			return w + termtext.Width(stripANSI(l))
		}
		j := 2
		for j < len(l) && (l[j] < 0x40 || l[j] > 0x7e) {
			j++
		}
		if j == len(l) {
			return w // an unterminated sequence draws nothing
		}
		l = l[j+1:]
	}
}

// Box draws a rounded border around the lines (each w cells wide); the
// focused pane's is heavy, so focus shows without colour (NO_COLOR).
func Box(st *Styles, in []string, w int, focused bool) []string {
	border, side := st.Border, st.side
	if focused {
		border, side = st.BorderFocus, st.sideFocus
	}
	out := make([]string, 0, len(in)+2)
	top, bottom := st.edges(border, w, focused)
	out = append(out, top)
	for _, l := range in {
		out = append(out, side+l+side)
	}
	return append(out, bottom)
}

// edges renders the top and bottom of a box. Widths change only on resize
// and a screen has a few boxes, so layout (in Update) renders the edges of
// the boxes it sized into the Styles (PrepareEdges), and View only reads
// them; a width not prepared is drawn afresh and not kept. Entries are
// keyed by what they show, so every copy of a model may share them; the
// map is emptied when it passes 32 entries.
func (st *Styles) edges(border lipgloss.Style, w int, focused bool) (top, bottom string) {
	if e, ok := st.edgeCache[edgeKey{w: w, focused: focused, color: border.GetForeground()}]; ok {
		return e[0], e[1]
	}
	return renderEdges(border, w, focused)
}

func renderEdges(border lipgloss.Style, w int, focused bool) (top, bottom string) {
	if focused {
		return border.Render("┏" + strings.Repeat("━", w) + "┓"), border.Render("┗" + strings.Repeat("━", w) + "┛")
	}
	return border.Render("╭" + strings.Repeat("─", w) + "╮"), border.Render("╰" + strings.Repeat("─", w) + "╯")
}

// PrepareEdges renders the edges of boxes of these widths, focused or not.
func (st *Styles) PrepareEdges(widths ...int) {
	if st.edgeCache == nil || len(st.edgeCache)+2*len(widths) > 32 {
		st.edgeCache = map[edgeKey][2]string{}
	}
	for _, w := range widths {
		for i, border := range []lipgloss.Style{st.Border, st.BorderFocus} {
			key := edgeKey{w: w, focused: i == 1, color: border.GetForeground()}
			if _, ok := st.edgeCache[key]; !ok {
				top, bottom := renderEdges(border, w, i == 1)
				st.edgeCache[key] = [2]string{top, bottom}
			}
		}
	}
}

// PreparedEdges is how many box edges are rendered and kept: PrepareEdges
// adds to them, drawing never does.
func (st *Styles) PreparedEdges() int { return len(st.edgeCache) }

type edgeKey struct {
	w       int
	focused bool
	color   lipgloss.TerminalColor
}

// Pane renders a pane view of outer size w×h, bordered or not.
func Pane(view string, w, h int, bordered bool, st *Styles, focused bool) []string {
	if !bordered {
		return Lines(view, w, h)
	}
	return Box(st, Lines(view, max(w-2, 0), max(h-2, 0)), max(w-2, 0), focused)
}

// Besides joins two columns of lines of equal count side by side.
func Besides(a, b []string) []string {
	out := make([]string, max(len(a), len(b)))
	for i := range out {
		var l, r string
		if i < len(a) {
			l = a[i]
		}
		if i < len(b) {
			r = b[i]
		}
		out[i] = l + r
	}
	return out
}

// Overlay draws a block of lines (all the same width), centred across and
// from line top down, over body (h lines of w cells): the rest of the body
// stays in view around it.
func Overlay(body, block []string, w, h, top int) []string {
	bw := 0
	if len(block) > 0 {
		bw = min(VisibleWidth(block[0]), w)
	}
	left := max((w-bw)/2, 0)
	out := Lines(strings.Join(body, "\n"), w, h)
	for i, l := range block {
		if top+i >= h {
			break
		}
		under := out[top+i]
		before := FitLine(ansi.Truncate(under, left, ""), left)
		if strings.IndexByte(before, 0x1b) >= 0 {
			before += "\x1b[0m" // a style cut open must not colour the box
		}
		after := FitLine(ansi.TruncateLeft(under, left+bw, ""), w-left-bw)
		out[top+i] = FitLine(before+l, left+bw) + after
	}
	return out
}

// Pad is n spaces (none for n ≤ 0): the filler of a line or a pane.
func Pad(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(" ", n)
}

// stripANSI drops styling from a line that must be cut to fit.
func stripANSI(s string) string { return ansi.Strip(s) }
