package termtext

import (
	"strings"
	"unicode/utf8"
)

// OneLine is s on one line: every run of white space (line breaks
// included) one space, and cut to at most max bytes, on a character,
// with "…" after the cut. The one rule for long free text (a server's
// answer, an error) put on a line of a log, an event or a message; each
// caller chooses its cap.
func OneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) { // keep UTF-8 whole
			cut--
		}
		s = s[:cut] + ellipsis
	}
	return s
}
