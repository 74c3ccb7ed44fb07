package termtext

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/charmbracelet/x/ansi"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"clean ASCII is untouched", "shopify-eu (prod) #42", "shopify-eu (prod) #42"},
		{"clean Unicode is untouched", "Café 東京 👩‍💻 Ünïcödé", "Café 東京 👩‍💻 Ünïcödé"},
		{"OSC 52 clipboard write", "\x1b]52;c;SGVsbG8=\x07", "^[]52;c;SGVsbG8=^G"},
		{"OSC 0 title change, BEL-terminated", "name\x1b]0;pwned\x07", "name^[]0;pwned^G"},
		{"OSC 0 title change, ST-terminated", "\x1b]0;pwned\x1b\\", "^[]0;pwned^[\\"},
		{"OSC 8 hyperlink", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "^[]8;;https://evil.example^[\\click^[]8;;^[\\"},
		{"CSI clear screen", "\x1b[2J", "^[[2J"},
		{"CSI cursor home and SGR", "\x1b[H\x1b[31mred", "^[[H^[[31mred"},
		{"8-bit CSI", "\u009b31m", `\x9b31m`},
		{"8-bit OSC and ST", "\u009d0;t\u009c", `\x9d0;t\x9c`},
		{"NEL is a C1 control", "a\u0085b", `a\x85b`},
		{"DCS request", "\x1bP+q544e\x1b\\", "^[P+q544e^[\\"},
		{"8-bit DCS", "\u0090q\u009c", `\x90q\x9c`},
		{"CR overwrite trick", "good\rEVIL", "good^MEVIL"},
		{"LF is not allowed in a single-line field", "a\nb", "a^Jb"},
		{"CRLF", "a\r\nb", "a^M^Jb"},
		{"TAB becomes one space", "a\tb", "a b"},
		{"NUL", "a\x00b", "a^@b"},
		{"BEL", "\a", "^G"},
		{"backspace", "abc\b\b\bxyz", "abc^H^H^Hxyz"},
		{"unit separator", "\x1f", "^_"},
		{"DEL", "a\x7fb", "a^?b"},
		{"invalid UTF-8", "\xff\xfe", "\uFFFD\uFFFD"},
		{"truncated sequence", "ok\xe4\xb8", "ok\uFFFD\uFFFD"},
		{"overlong slash", "\xc0\xaf", "\uFFFD\uFFFD"},
		{"encoded surrogate", "\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"},
		{"U+FFFD itself is kept", "a\uFFFDb", "a\uFFFDb"},
		{"RLO bidi override", "invoice\u202Efdp.exe", "invoice<U+202E>fdp.exe"},
		{"every bidi control", "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C",
			"<U+202A><U+202B><U+202C><U+202D><U+202E><U+2066><U+2067><U+2068><U+2069><U+200E><U+200F><U+061C>"},
		{"line and paragraph separators", "a\u2028b\u2029c", "a<U+2028>b<U+2029>c"},
		{"zero-width space", "ad\u200Bmin", "ad<U+200B>min"},
		{"BOM", "\uFEFFname", "<U+FEFF>name"},
		{"soft hyphen (lipgloss says 0 cells, many terminals draw 1)", "a\u00ADb", "a<U+00AD>b"},
		{"ZWJ and ZWNJ are kept", "👨\u200d👩\u200d👧 می\u200cخواهم", "👨\u200d👩\u200d👧 می\u200cخواهم"},
		{"flag of Scotland is kept", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"},
		{"hidden tag text is shown", "ok\U000E0068\U000E0069", "ok<U+E0068><U+E0069>"},
		{"tags after a cancel tag are shown", "🏴\U000E0067\U000E007F\U000E0068", "🏴\U000E0067\U000E007F<U+E0068>"},
		{"ESC inside Unicode text", "東京\x1b[2J京", "東京^[[2J京"},
		{"placeholders look like what they replace", "^[", "^["},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.in)
			if got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Sanitize(got); again != got {
				t.Errorf("Sanitize is not idempotent: Sanitize(%q) = %q", got, again)
			}
		})
	}
}

func TestSanitizeMultiline(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"LF is kept", "line 1\nline 2\n", "line 1\nline 2\n"},
		{"CRLF becomes LF", "line 1\r\nline 2\r\n", "line 1\nline 2\n"},
		{"lone CR is shown", "good\rEVIL", "good^MEVIL"},
		{"CR before CRLF", "a\r\r\nb", "a^M\nb"},
		{"escapes are still neutralised", "error:\n\x1b[2J\x1b]52;c;SGVsbG8=\x07", "error:\n^[[2J^[]52;c;SGVsbG8=^G"},
		{"TAB becomes one space", "at\tline", "at line"},
		{"line separator is not a line break", "a\u2028b", "a<U+2028>b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SanitizeMultiline(tt.in); got != tt.want {
				t.Errorf("SanitizeMultiline(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// The fast paths are what keep View() cheap at 500 rows a frame.
func TestCleanTextDoesNotAllocate(t *testing.T) {
	cases := []struct {
		name string
		f    func()
	}{
		{"Sanitize ASCII", func() { Sanitize("shopify-eu-production") }},
		{"Sanitize Unicode", func() { Sanitize("Café 東京 👩‍💻") }},
		{"SanitizeMultiline", func() { SanitizeMultiline("line 1\nline 2") }},
		{"Truncate fits", func() { Truncate("shopify-eu", 20) }},
		{"Truncate Unicode fits", func() { Truncate("東京 👩‍💻 shop", 20) }},
		{"PadRight exact", func() { PadRight("shopify-eu", 10) }},
		{"Width", func() { Width("東京 👩‍💻 shop") }},
		{"Clean", func() { Clean("shopify-eu", 20) }},
	}
	for _, c := range cases {
		if n := testing.AllocsPerRun(100, c.f); n != 0 {
			t.Errorf("%s: %v allocations, want 0", c.name, n)
		}
	}
}

func TestUnchangedTextIsNotCopied(t *testing.T) {
	s := strings.Repeat("Café 東京 👩‍💻 ", 3)
	for name, got := range map[string]string{
		"Sanitize":          Sanitize(s),
		"SanitizeMultiline": SanitizeMultiline(s),
		"Truncate":          Truncate(s, 100),
		"PadRight":          PadRight(s, Width(s)),
	} {
		if unsafe.StringData(got) != unsafe.StringData(s) || len(got) != len(s) {
			t.Errorf("%s returned a copy of text it did not change", name)
		}
	}
}

func TestTruncate(t *testing.T) {
	skipIfEastAsian(t)
	const scotland = "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"
	tests := []struct {
		name  string
		in    string
		width int
		want  string
	}{
		{"fits", "hello", 10, "hello"},
		{"exactly fits", "hello", 5, "hello"},
		{"cut", "hello world", 5, "hell…"},
		{"width 1", "hello", 1, "…"},
		{"width 0", "hello", 0, ""},
		{"negative width", "hello", -3, ""},
		{"empty", "", 5, ""},
		{"CJK fits exactly", "中文字符", 8, "中文字符"},
		{"CJK cut on a character", "中文字符", 5, "中文…"},
		{"CJK cut would straddle the edge", "中文字符", 4, "中…"},
		{"wide character that does not fit at all", "中a", 2, "…"},
		{"ASCII then CJK", "a中文", 2, "a…"},
		{"emoji", "😀😀😀", 5, "😀😀…"},
		// A ZWJ sequence counts 4 cells: code-point terminals draw two glyphs.
		{"ZWJ emoji kept whole", "👩‍💻👩‍💻", 5, "👩‍💻…"},
		{"ZWJ emoji dropped whole", "👩‍💻👩‍💻", 4, "…"},
		{"family emoji counts as its four glyphs", "👨‍👩‍👧‍👦x", 9, "👨‍👩‍👧‍👦x"},
		{"regional indicator pairs kept whole", "🇫🇷🇩🇪🇯🇵", 9, "🇫🇷🇩🇪…"},
		{"tag sequence flag kept whole", scotland + scotland, 3, scotland + "…"},
		{"combining mark stays with its letter", "e\u0301e\u0301e\u0301", 2, "e\u0301…"},
		{"precomposed", "ééé", 2, "é…"},
		{"spacing mark stays with its ASCII base", "a\u0903b", 2, "…"},
		{"Devanagari conjunct kept whole", "नमस्ते दुनिया", 5, "नमस्ते…"},
		{"sanitized hostile text", Sanitize("\x1b]52;c;SGVsbG8=\x07"), 8, "^[]52;c…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Truncate(tt.in, tt.width)
			if got != tt.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
			if w := max(tt.width, 0); Width(got) > w || ansi.StringWidth(got) > w {
				t.Errorf("Truncate(%q, %d) = %q is %d cells wide (lipgloss: %d)", tt.in, tt.width, got, Width(got), ansi.StringWidth(got))
			}
		})
	}
}

func TestPadRight(t *testing.T) {
	skipIfEastAsian(t)
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"ab", 4, "ab  "},
		{"abcd", 4, "abcd"},
		{"abcdef", 4, "abc…"},
		{"", 3, "   "},
		{"ab", 0, ""},
		{"中", 3, "中 "},
		{"中文", 3, "中…"},
		{"中文字", 4, "中… "},
		{"a中文", 4, "a中…"},
		{"👩‍💻", 6, "👩‍💻  "},
		{"e\u0301", 3, "e\u0301  "},
	}
	for _, tt := range tests {
		got := PadRight(tt.in, tt.width)
		if got != tt.want {
			t.Errorf("PadRight(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
		if w := ansi.StringWidth(got); w > tt.width {
			t.Errorf("PadRight(%q, %d) = %q is %d cells wide by lipgloss's measure", tt.in, tt.width, got, w)
		}
	}
}

// A line padded by PadRight must never be wider than its budget on any
// terminal, so Width takes the wider of the two ways terminals measure.
func TestWidthAgreesWithLipgloss(t *testing.T) {
	for _, s := range []string{
		"", "abc", "中文", "😀", "👩‍💻", "👨‍👩‍👧‍👦", "🇫🇷", "e\u0301", "a\u0903",
		"#\uFE0F", "1\uFE0F\u20E3", "☺", "☺\uFE0F", "ｆｕｌｌ", "ﾊﾝｶｸ", "\uFFFD", "…",
		"🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", "नमस्ते", "한국어", "ㅤ",
		"नमस्ते बाज़ार", // tmux draws it 10 cells wide (vowel signs take a cell), lipgloss says 7
		Sanitize("\x1b[2J\u009b\u202E\xff"),
	} {
		// Never narrower than either way terminals draw it: grapheme
		// clusters (lipgloss, modern terminals) or code points (tmux, xterm).
		if got, lg, wc := Width(s), ansi.StringWidth(s), codepointWidth(s); got < lg || got < wc {
			t.Errorf("Width(%q) = %d, narrower than lipgloss (%d) or wcwidth (%d)", s, got, lg, wc)
		}
	}
}

func TestClean(t *testing.T) {
	skipIfEastAsian(t)
	if got, want := Clean("\x1b[2Jwipe", 6), "^[[2J…"; got != want {
		t.Errorf("Clean = %q, want %q", got, want)
	}
}

// skipIfEastAsian skips tests whose expected widths assume ambiguous-width
// characters such as "…" and "é" take one cell, which RUNEWIDTH_EASTASIAN
// changes. The fuzz targets check the width rules in either mode.
func skipIfEastAsian(t *testing.T) {
	t.Helper()
	if Width(ellipsis) != 1 {
		t.Skip("RUNEWIDTH_EASTASIAN is set: expectations assume one-cell ambiguous characters")
	}
}

func TestWidthCoversCodepointTerminals(t *testing.T) {
	// What tmux 3.3 on this machine drew: cursor_x after printf.
	for s, tmux := range map[string]int{"नमस्ते बाज़ार": 10, "👨‍👩‍👧‍": 2, "東京": 4} {
		if got := Width(s); got < tmux {
			t.Errorf("Width(%q) = %d, but tmux draws it %d cells wide", s, got, tmux)
		}
	}
}
