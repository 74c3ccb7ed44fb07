package termtext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// A long text is cut on a character boundary, at the caller's cap: the
// line stays UTF-8.
func TestOneLineCutsLongTextOnACharacterAtTheCap(t *testing.T) {
	for _, max := range []int{200, 300, 500} {
		s := OneLine("a"+strings.Repeat("é", 400), max)
		if !utf8.ValidString(s) || !strings.HasSuffix(s, "é…") || len(s) > max+len("…") || len(s) < max-1 {
			t.Errorf("cap %d: cut to %d bytes %q", max, len(s), s)
		}
	}
}

func TestOneLineFoldsWhiteSpaceAndKeepsShortText(t *testing.T) {
	if got := OneLine("  the key\n\twas\r\nrefused  ", 200); got != "the key was refused" {
		t.Errorf("got %q", got)
	}
	if got := OneLine("short", 5); got != "short" {
		t.Errorf("text at the cap was cut: %q", got)
	}
}
