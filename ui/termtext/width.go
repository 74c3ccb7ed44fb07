package termtext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// ellipsis ends text that Truncate had to cut.
const ellipsis = "…"

// Width returns the number of terminal cells s occupies: wide characters
// (CJK, most emoji) count 2, combining marks 0, and an emoji ZWJ sequence
// such as 👩‍💻 counts as the one glyph it is drawn as.
//
// For sanitized text Width equals lipgloss.Width (ansi.StringWidth), which is
// what makes padded columns line up. Control characters count 0; text that
// still holds escape sequences has no meaningful width, so sanitize first.
func Width(s string) int {
	w := 0
	for i := 0; i < len(s); {
		n, cw := nextCluster(s, i)
		w += cw
		i += n
	}
	return w
}

// Truncate returns s cut to at most width cells, ending with "…" when it was
// cut. It cuts only between grapheme clusters, so an accented letter, a flag
// or a ZWJ emoji is kept whole or dropped whole, and a wide character that
// would straddle the edge is dropped. width <= 0 gives "".
//
// s should already be sanitized, but whatever it holds, Width of the result
// is at most width. When s fits, it is returned as it is, without allocating.
func Truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if len(s) <= width {
		// No cluster is wider than its encoding is long (a cell costs at
		// least a byte), so s fits: skip measuring it.
		return s
	}
	t, _ := truncate(s, width)
	return t
}

// PadRight returns s truncated to width cells and padded with spaces to
// exactly width cells, so that columns align whatever mix of ASCII, CJK and
// emoji the cells hold. width <= 0 gives "".
func PadRight(s string, width int) string {
	if width <= 0 {
		return ""
	}
	t, w := truncate(s, width)
	if w >= width {
		return t
	}
	var b strings.Builder
	b.Grow(len(t) + width - w)
	b.WriteString(t)
	for ; w < width; w++ {
		b.WriteByte(' ')
	}
	return b.String()
}

// truncate is Truncate for width > 0 that also reports the width of its
// result. It stops reading at the first cluster that does not fit, so cutting
// a megabyte-long string to a column costs as much as the column.
func truncate(s string, width int) (string, int) {
	total := 0
	plain := true // s[:i] is printable ASCII only: one byte, one cell
	for i := 0; i < len(s); {
		if isPlain(s, i) {
			if total == width {
				return cut(s, i, width, plain)
			}
			total++
			i++
			continue
		}
		plain = false
		n, cw := nextCluster(s, i)
		if total+cw > width {
			return cut(s, i, width, false)
		}
		total += cw
		i += n
	}
	return s, total
}

// cut returns the longest run of whole clusters from the start of s that
// leaves room for the ellipsis within width, followed by the ellipsis, and
// the width of the result. s[:end] is the part of s that fits in width and
// the text goes on beyond it; plain says s[:end] is printable ASCII only.
//
// It walks s itself rather than s[:end] so that it sees the same clusters
// truncate saw.
func cut(s string, end, width int, plain bool) (string, int) {
	tail := ellipsis
	budget := width - Width(tail)
	if budget < 0 {
		// The ellipsis alone is too wide (it is 2 cells when
		// RUNEWIDTH_EASTASIAN is set and width is 1): cut without it.
		tail, budget = "", width
	}
	if plain {
		// end == width: every byte was a cell.
		return s[:budget] + tail, width
	}
	total := 0
	i := 0
	for i < end {
		n, cw := nextCluster(s, i)
		if total+cw > budget {
			break
		}
		total += cw
		i += n
	}
	return s[:i] + tail, total + (width - budget)
}

// isPlain reports whether s[i] is a printable ASCII character that is a
// grapheme cluster on its own (not followed by a combining mark), and so
// one byte and one cell.
func isPlain(s string, i int) bool {
	c := s[i]
	return c >= 0x20 && c < 0x7F && (i+1 == len(s) || s[i+1] < 0x80)
}

// nextCluster returns the length in bytes and the width in cells of the
// grapheme cluster that starts at s[i].
//
// It measures the way ansi.StringWidth does, which treats each ASCII byte on
// its own and sizes each cluster that starts with a non-ASCII rune. Where the
// two differ, an ASCII letter followed by combining marks ("e\u0301"), the
// cluster is kept whole for cutting and measured with ansi.StringWidth so the
// total still agrees with lipgloss.
//
// Sanitized text is valid UTF-8. In text that is not, each invalid byte is a
// cluster of its own, one cell wide (a terminal draws it as "�"): the
// segmenter groups broken sequences differently depending on what follows,
// which would let a cut string measure wider than the cut said.
func nextCluster(s string, i int) (n, width int) {
	c := s[i]
	if c < utf8.RuneSelf {
		if i+1 == len(s) || (s[i+1] < utf8.RuneSelf && !(c == '\r' && s[i+1] == '\n')) {
			if c >= 0x20 && c < 0x7F {
				return 1, 1
			}
			return 1, 0
		}
	} else if r, size := utf8.DecodeRuneInString(s[i:]); r == utf8.RuneError && size == 1 {
		return 1, 1
	}
	cluster, w := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
	if !utf8.ValidString(cluster) {
		cluster, w = ansi.FirstGraphemeCluster(cluster[:validPrefix(cluster)], ansi.GraphemeWidth)
	}
	if c < utf8.RuneSelf {
		w = ansi.StringWidth(cluster)
	}
	// Terminals disagree on clusters: tmux and xterm draw each code point
	// with its wcwidth (a ZWJ family emoji as three wide glyphs, a
	// Devanagari vowel sign as a cell of its own), grapheme-aware terminals
	// draw the cluster once. Counting the wider of the two means a padded
	// line never overflows and wraps on either kind; at worst a few cells
	// stay blank on the other.
	if len(cluster) > 1 {
		w = max(w, codepointWidth(cluster))
	}
	return len(cluster), w
}

// codepointWidth measures a cluster the way wcwidth-based terminals draw
// it: each code point on its own, nonspacing and enclosing marks and format
// characters (ZWJ, variation selectors) taking no cell, spacing marks such
// as Devanagari vowel signs taking one.
func codepointWidth(cluster string) int {
	w := 0
	for i, r := range cluster {
		switch {
		case r < 0x300:
			w++
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		default:
			w += max(ansi.StringWidth(cluster[i:i+utf8.RuneLen(r)]), 1)
		}
	}
	return w
}

// validPrefix returns the length of the longest valid UTF-8 prefix of s.
func validPrefix(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(s)
}
