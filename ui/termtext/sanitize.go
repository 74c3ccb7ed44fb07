// Package termtext makes untrusted text safe and measurable for the terminal.
//
// Lipgloss and Bubble Tea write strings to the terminal as they are, so a
// connector name holding "\x1b]52;c;…\x07" would write to the user's
// clipboard and "\x1b[2J" would clear the screen. Every string that comes
// from the server (names, platforms, statuses, ids, last_error, error
// details, header values) passes through Sanitize or SanitizeMultiline once,
// where it enters the UI; this package is that security boundary.
//
// Truncate, PadRight and Width then fit sanitized text into table columns.
// They measure with the same rule as lipgloss.Width (grapheme clusters sized
// by github.com/charmbracelet/x/ansi), so columns padded here line up with
// what lipgloss draws, CJK and emoji included.
package termtext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sanitize returns s with everything that could drive or deceive the
// terminal replaced by visible, printable placeholders. It is meant for
// single-line fields; use SanitizeMultiline for text that is wrapped.
//
//   - C0 controls (0x00–0x1F) become caret notation: ESC → "^[", NUL → "^@",
//     BEL → "^G", CR → "^M", LF → "^J". TAB becomes a single space, since it
//     is harmless but its width depends on the cursor column.
//   - DEL (0x7F) becomes "^?".
//   - C1 controls (U+0080–U+009F, e.g. the 8-bit CSI U+009B) become the
//     four characters `\x9b`.
//   - Each byte that is not valid UTF-8 becomes U+FFFD "�".
//   - Invisible format characters (Unicode category Cf, which includes the
//     bidi controls U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C,
//     and U+200B, U+2060, U+FEFF) and the separators U+2028 and U+2029
//     become "<U+XXXX>", e.g. "<U+202E>". Two format characters are kept
//     because text needs them: ZWNJ (U+200C) and ZWJ (U+200D, which joins
//     emoji such as 👩‍💻), and the tag characters U+E0020–U+E007F are kept
//     only inside an emoji tag sequence (🏴 followed by tags, as in the flag
//     of Scotland); anywhere else they are hidden text and are shown.
//
// Because ESC itself becomes "^[", whole CSI, OSC and DCS sequences are left
// as inert visible text such as "^[[2J"; that is intended, it shows the user
// what the server sent. The output contains no C0, C1 or DEL characters, is
// valid UTF-8, and Sanitize(Sanitize(s)) == Sanitize(s).
//
// When nothing needs replacing, s is returned as it is, without allocating.
func Sanitize(s string) string { return sanitize(s, false) }

// SanitizeMultiline is Sanitize for text that is shown wrapped over several
// lines, such as a connector's last_error: "\n" is kept as a line break and
// "\r\n" becomes "\n". A lone "\r" still becomes "^M", so "good\rEVIL"
// cannot overwrite what precedes it.
func SanitizeMultiline(s string) string { return sanitize(s, true) }

// Clean sanitizes s and truncates it to width cells: the usual treatment for
// a server string shown in a fixed-width cell.
func Clean(s string, width int) string { return Truncate(Sanitize(s), width) }

// Emoji tag sequences (flags of subdivisions such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿) are a black flag
// followed by tag characters and ended by CANCEL TAG.
const (
	blackFlag = 0x1F3F4
	tagFirst  = 0xE0020
	cancelTag = 0xE007F
)

func sanitize(s string, multiline bool) string {
	c := cleaner{s: s}
	inTag := false // the previous rune was a black flag or a kept tag character
	for i := 0; i < len(s); {
		switch b := s[i]; {
		case b >= 0x20 && b < 0x7F:
			// Copy the whole run of printable ASCII at once.
			j := i + 1
			for j < len(s) && s[j] >= 0x20 && s[j] < 0x7F {
				j++
			}
			if c.dirty {
				c.b.WriteString(s[i:j])
			}
			i = j
			inTag = false
		case b < utf8.RuneSelf: // C0 control or DEL
			i = c.control(i, multiline)
			inTag = false
		default:
			i, inTag = c.nonASCII(i, inTag)
		}
	}
	if !c.dirty {
		return s
	}
	return c.b.String()
}

// cleaner is sanitize's output: s itself until something differs, then a
// copy being built.
type cleaner struct {
	s     string
	b     strings.Builder
	dirty bool // b holds s[:i] with replacements; until then nothing is copied
}

// replace switches to building a copy the first time something differs.
func (c *cleaner) replace(i int) {
	if !c.dirty {
		c.dirty = true
		c.b.Grow(len(c.s) + 32)
		c.b.WriteString(c.s[:i])
	}
}

// control writes the C0 control or DEL at i (kept newline, CRLF as a
// newline, tab as a space, the rest in caret notation) and returns where
// the next character starts.
func (c *cleaner) control(i int, multiline bool) int {
	s, ch := c.s, c.s[i]
	switch {
	case ch == '\n' && multiline:
		if c.dirty {
			c.b.WriteByte('\n')
		}
		return i + 1
	case ch == '\r' && multiline && i+1 < len(s) && s[i+1] == '\n':
		c.replace(i)
		c.b.WriteByte('\n')
		return i + 2
	case ch == '\t':
		c.replace(i)
		c.b.WriteByte(' ')
		return i + 1
	default:
		c.replace(i)
		// Caret notation: ^@ for NUL, ^[ for ESC, ^? for DEL.
		c.b.WriteByte('^')
		c.b.WriteByte(ch ^ 0x40)
		return i + 1
	}
}

// nonASCII writes the rune at i, kept or replaced by what shows it, and
// returns where the next one starts and whether it may be followed by tag
// characters.
func (c *cleaner) nonASCII(i int, inTag bool) (int, bool) {
	r, size := utf8.DecodeRuneInString(c.s[i:])
	switch keep(r, size, inTag) {
	case keepRune:
		if c.dirty {
			c.b.WriteString(c.s[i : i+size])
		}
		return i + size, r == blackFlag || (r >= tagFirst && r < cancelTag && inTag)
	case invalidByte:
		c.replace(i)
		c.b.WriteRune(utf8.RuneError)
	case c1Control:
		c.replace(i)
		c.b.WriteString(`\x`)
		c.b.WriteByte(lowerHex[r>>4])
		c.b.WriteByte(lowerHex[r&0xF])
	case codePoint:
		c.replace(i)
		writeCodePoint(&c.b, r)
	}
	return i + size, false
}

type verdict uint8

const (
	keepRune    verdict = iota
	invalidByte         // → U+FFFD
	c1Control           // → `\x9b`
	codePoint           // → "<U+202E>"
)

// keep decides what happens to the non-ASCII rune r of encoded length size.
func keep(r rune, size int, inTag bool) verdict {
	switch {
	case r == utf8.RuneError && size == 1:
		return invalidByte
	case r < 0xA0:
		return c1Control
	case r == '\u2028' || r == '\u2029':
		return codePoint
	case r == '\u200C' || r == '\u200D':
		return keepRune
	case r >= tagFirst && r <= cancelTag && inTag:
		return keepRune
	case unicode.Is(unicode.Cf, r):
		return codePoint
	}
	return keepRune
}

// C1 controls are written the way Go and C escape a byte (`\x9b`); code
// points the way Unicode names them (U+202E).
const (
	lowerHex  = "0123456789abcdef"
	hexDigits = "0123456789ABCDEF"
)

// writeCodePoint writes r as "<U+XXXX>", with at least four hex digits as in
// the Unicode standard's own notation.
func writeCodePoint(b *strings.Builder, r rune) {
	b.WriteString("<U+")
	n := 4
	for r>>(4*n) != 0 {
		n++
	}
	for shift := 4 * (n - 1); shift >= 0; shift -= 4 {
		b.WriteByte(hexDigits[(r>>shift)&0xF])
	}
	b.WriteByte('>')
}
