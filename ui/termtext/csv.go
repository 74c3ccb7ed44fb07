package termtext

import "strings"

// CSVCell makes untrusted text safe as a cell of a CSV file, which is read
// by people in a terminal and by spreadsheets alike. The text is
// neutralised as by SanitizeMultiline (a name may hold a line break; it
// stays one, quoted by the CSV writer), and a cell a spreadsheet would take
// for a formula — one that starts with "=", "+", "-" or "@", or with a tab
// or a carriage return (OWASP's list), also after leading spaces — gets a
// leading "'" so that it is shown as text and never evaluated
// ("=HYPERLINK(…)" becomes "'=HYPERLINK(…)").
func CSVCell(s string) string {
	s = SanitizeMultiline(s)
	if formulaLike(s) {
		return "'" + s
	}
	return s
}

func formulaLike(s string) bool {
	t := strings.TrimLeft(s, " ")
	if t == "" {
		return false
	}
	switch t[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}
