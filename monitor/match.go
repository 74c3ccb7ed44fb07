package monitor

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Folded is a text prepared for matching: case folded and stripped of
// accents ("Élégance" → "elegance"), with a map back to the original's byte
// offsets so a match can be shown on the text as the server wrote it.
// Scripts without case or accents (CJK, Arabic, emoji) match as they are.
type Folded struct {
	text string // folded
	orig []int  // orig[i] = offset in the original of folded byte i; one extra entry for the end
}

// Fold prepares s for matching.
func Fold(s string) Folded {
	var b strings.Builder
	b.Grow(len(s))
	orig := make([]int, 0, len(s)+1)
	for i, r := range s {
		for _, fr := range foldRune(r) {
			n := utf8.RuneLen(fr)
			if n < 0 {
				continue
			}
			b.WriteRune(fr)
			for range n {
				orig = append(orig, i)
			}
		}
	}
	orig = append(orig, len(s))
	return Folded{text: b.String(), orig: orig}
}

// foldRune is r without its marks, lower-cased: "É" → "e", "ß" → "ss".
// Most runes are ASCII and return at once.
func foldRune(r rune) []rune {
	if r < utf8.RuneSelf {
		return []rune{unicode.ToLower(r)}
	}
	if r == 'ß' || r == 'ẞ' {
		return []rune{'s', 's'}
	}
	var out []rune
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue // a combining accent
		}
		out = append(out, unicode.ToLower(d))
	}
	return out
}

// FoldFields folds several fields into one haystack, separated so that no
// word can match across two of them: one search per word and row, which is
// what keeps a keystroke over 10 000 connectors within a millisecond or two.
func FoldFields(fields ...string) Folded {
	return Fold(strings.Join(fields, "\x00"))
}

// FoldFieldsForMatch is FoldFields without the map back to the original:
// a haystack to match on, not to highlight (Ranges needs the map), at an
// eighth of the memory. An index of 10 000 rows holds one per row.
func FoldFieldsForMatch(fields ...string) Folded {
	f := FoldFields(fields...)
	f.orig = nil
	return f
}

// Text is the folded text.
func (f Folded) Text() string { return f.text }

// Query is what the user typed into the filter, folded once per keystroke:
// every word must be found (AND), each as a substring of one of the
// fields. Substring rather than fuzzy: support staff type a few letters of
// a name, an id prefix or a status, and over thousands of connectors fuzzy
// matching lets in rows that share only scattered letters.
type Query struct {
	words []string
}

// ParseQuery folds q and splits it into words.
func ParseQuery(q string) Query {
	return Query{words: strings.Fields(Fold(q).text)}
}

// Words are the query's folded words, in order.
func (q Query) Words() []string { return q.words }

// MatchesText is Matches on one folded text (Folded.Text).
func (q Query) MatchesText(folded string) bool {
	for _, w := range q.words {
		if !strings.Contains(folded, w) {
			return false
		}
	}
	return true
}

// Empty says whether the query matches everything.
func (q Query) Empty() bool { return len(q.words) == 0 }

// Matches says whether every word occurs in one of fields.
func (q Query) Matches(fields ...*Folded) bool {
	for _, w := range q.words {
		found := false
		for _, f := range fields {
			if strings.Contains(f.text, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Ranges are the byte ranges of the original text (as passed to Fold) that
// the query's words matched, in order and merged, for highlighting.
func (q Query) Ranges(f Folded) [][2]int {
	var out [][2]int
	for _, w := range q.words {
		for from := 0; from < len(f.text); {
			i := strings.Index(f.text[from:], w)
			if i < 0 {
				break
			}
			start, end := from+i, from+i+len(w)
			out = append(out, [2]int{f.orig[start], origEnd(f, end)})
			from = end
		}
	}
	return mergeRanges(out)
}

// origEnd maps a folded end offset to the end of the original rune there.
func origEnd(f Folded, end int) int {
	o := f.orig[end]
	if end > 0 && f.orig[end-1] == o {
		// end falls inside the expansion of one original rune (ß → ss):
		// take that rune whole.
		for j := end; j < len(f.orig); j++ {
			if f.orig[j] != o {
				return f.orig[j]
			}
		}
	}
	return o
}

func mergeRanges(rs [][2]int) [][2]int {
	if len(rs) < 2 {
		return rs
	}
	for i := 1; i < len(rs); i++ { // insertion sort: a handful of ranges
		for j := i; j > 0 && rs[j][0] < rs[j-1][0]; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
	out := rs[:1]
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if r[0] <= last[1] {
			last[1] = max(last[1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}
