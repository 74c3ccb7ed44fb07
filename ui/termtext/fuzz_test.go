package termtext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// hostile returns the attacks the fuzz targets start from and the
// benchmarks measure.
func hostile() []string {
	return []string{
		"\x1b]52;c;SGVsbG8=\x07",
		"\x1b]0;pwned\x07",
		"\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
		"\x1b[2J\x1b[H",
		"\u009b31m\u009d0;t\u009c",
		"\x1bP+q544e\x1b\\",
		"good\rEVIL",
		"invoice\u202Efdp.exe",
		"\xff\xfe\xed\xa0\x80\xc0\xaf",
		"a\x00b\x7fc\td\r\ne",
		"ad\u200Bmin\uFEFF\u2028\u00AD",
		"ok\U000E0068\U000E0069 🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",
		"👨‍👩‍👧‍👦 🇫🇷 e\u0301 a\u0903 中文 नमस्ते",
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range hostile() {
		f.Add(s)
	}
	f.Add("plain ascii")
	f.Fuzz(func(t *testing.T, s string) {
		for _, multiline := range []bool{false, true} {
			got := sanitize(s, multiline)
			checkInert(t, s, got, multiline)
			if again := sanitize(got, multiline); again != got {
				t.Fatalf("not idempotent (multiline=%v): %q → %q → %q", multiline, s, got, again)
			}
			if multiline {
				// SanitizeMultiline is Sanitize line by line.
				lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
				for i, line := range lines {
					lines[i] = Sanitize(line)
				}
				if want := strings.Join(lines, "\n"); got != want {
					t.Fatalf("SanitizeMultiline(%q) = %q, but line by line Sanitize gives %q", s, got, want)
				}
			}
			// Measuring sanitized text is never narrower than lipgloss or wcwidth.
			for _, line := range strings.Split(got, "\n") {
				if w, lw := Width(line), ansi.StringWidth(line); w < lw || w < codepointWidth(line) {
					t.Fatalf("Width(%q) = %d, lipgloss says %d", line, w, lw)
				}
			}
		}
		if s == Sanitize(s) && !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 %q returned unchanged", s)
		}
	})
}

// checkInert fails unless got could be written to a terminal harmlessly.
func checkInert(t *testing.T, in, got string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(got) {
		t.Fatalf("sanitize(%q) = %q is not valid UTF-8", in, got)
	}
	for _, r := range got {
		switch {
		case r == '\n' && multiline:
		case r < 0x20 || r == 0x7F:
			t.Fatalf("sanitize(%q) = %q holds control %U", in, got, r)
		case r >= 0x80 && r < 0xA0:
			t.Fatalf("sanitize(%q) = %q holds C1 control %U", in, got, r)
		case r == '\u2028' || r == '\u2029':
			t.Fatalf("sanitize(%q) = %q holds separator %U", in, got, r)
		case unicode.Is(unicode.Bidi_Control, r):
			t.Fatalf("sanitize(%q) = %q holds bidi control %U", in, got, r)
		case unicode.Is(unicode.Cf, r) && r != '\u200C' && r != '\u200D' && (r < tagFirst || r > cancelTag):
			t.Fatalf("sanitize(%q) = %q holds format character %U", in, got, r)
		}
	}
}

func FuzzTruncate(f *testing.F) {
	for _, s := range hostile() {
		f.Add(s)
	}
	f.Add(strings.Repeat("中a😀", 30))
	f.Fuzz(func(t *testing.T, raw string) {
		s := Sanitize(raw)
		boundaries := clusterBoundaries(s)
		for w := 0; w <= 200; w++ {
			got := Truncate(s, w)
			if gw, lw := Width(got), ansi.StringWidth(got); gw > w || lw > w {
				t.Fatalf("Truncate(%q, %d) = %q is %d cells (lipgloss %d)", s, w, got, gw, lw)
			}
			if got != s {
				kept := strings.TrimSuffix(got, ellipsis)
				// Too narrow for the ellipsis only when RUNEWIDTH_EASTASIAN
				// makes it two cells.
				if w >= Width(ellipsis) && kept == got {
					t.Fatalf("Truncate(%q, %d) = %q cut without an ellipsis", s, w, got)
				}
				if !strings.HasPrefix(s, kept) || !boundaries[len(kept)] {
					t.Fatalf("Truncate(%q, %d) = %q does not end on a grapheme cluster boundary", s, w, got)
				}
			}
			p := PadRight(s, w)
			if pw, lw := Width(p), ansi.StringWidth(p); pw != w || lw > w || codepointWidth(p) > w {
				t.Fatalf("PadRight(%q, %d) = %q is %d cells (lipgloss %d)", s, w, p, pw, lw)
			}
			if !strings.HasPrefix(p, got) {
				t.Fatalf("PadRight(%q, %d) = %q does not start with Truncate's %q", s, w, p, got)
			}
			// Unsanitized input must still never come out too wide.
			if rw := Width(Truncate(raw, w)); rw > w {
				t.Fatalf("Truncate(%q, %d) of raw input is %d cells", raw, w, rw)
			}
		}
	})
}

// clusterBoundaries reports the byte offsets in s at which a grapheme
// cluster starts or s ends.
func clusterBoundaries(s string) map[int]bool {
	b := map[int]bool{0: true}
	for i := 0; i < len(s); {
		c, _ := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
		i += len(c)
		b[i] = true
	}
	return b
}
