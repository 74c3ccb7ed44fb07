package ui

import (
	"strings"

	"github.com/pixee/pixee-tui/monitor"
)

// The merged list's filter at scale: 10 accounts of 10 000 connectors are
// 100 000 rows, and a keystroke must not search them all, sort them, or
// draw them. The rows are folded once (refreshMerged's haystacks), sorted
// once per rebuild or sort (sortRows) and their haystacks then laid end
// to end in that order (layOut); a query searched anew searches that
// arena as one string (scan), a keystroke that extends the query searches
// only the last matches, one that comes back to an earlier query
// (backspace) takes its matches as they were, and a frame draws the rows
// around the cursor alone (inView).

// mergedHits are the rows' haystacks laid out for the filter, and its
// earlier matches, kept until the rows or their order change.
type mergedHits struct {
	// arena is every row's haystack end to end in the sort's order, so
	// that a search of 100 000 rows reads memory in sequence: span[i] is
	// row i's piece of it.
	// Pieces are separated by a NUL, which no query holds, so no match
	// runs from one row into the next; starts[p] is where the row at
	// position p of the order begins (and starts[len] the end).
	arena  string
	span   [][2]int32
	starts []int32

	words []string // the query the last matches are of
	ok    bool
	// earlier are the matches of earlier queries, by their folded words:
	// never changed once stored (ms.shown may be one of them). kept is
	// how many rows they list, bounded (maxEarlierRows).
	earlier map[string][]int
	kept    int
}

// maxEarlierRows bounds the rows the earlier matches list, as a multiple
// of the rows: 100 000 rows keep at most 6.4 MB of them, not one slice of up
// to 100 000 for each of the last maxEarlier queries.
const maxEarlierRows = 8

// forget drops the earlier matches: the next query is searched anew.
func (h *mergedHits) forget() { h.words, h.ok, h.earlier, h.kept = nil, false, nil, 0 }

// filterMerged applies the filter to every row anew, in the sort's order:
// after the rows were rebuilt or sorted. The cursor stays in range.
func (m *Model) filterMerged(ms *mergedScreen) {
	ms.hits = mergedHits{}
	ms.layOut()
	ms.shown = ms.scan()
	ms.remember()
	ms.clamp()
}

// setMergedQuery filters the rows by q: from the last matches when q only
// extends the last query, from an earlier query's matches when q is one.
func (m *Model) setMergedQuery(ms *mergedScreen, q string) {
	ms.query, ms.q = q, monitor.ParseQuery(q)
	words := ms.q.Words()
	switch prev, ok := ms.hits.earlier[strings.Join(words, "\x00")]; {
	case ok:
		ms.shown = prev
	case ms.hits.ok && refines(words, ms.hits.words):
		ms.shown = ms.match(ms.shown)
	default:
		ms.shown = ms.scan()
	}
	ms.remember()
	ms.clamp()
}

// match is the rows of from that the query matches, in from's order: a
// new slice, since from may be an earlier query's.
func (ms *mergedScreen) match(from []int) []int {
	if ms.q.Empty() {
		return from
	}
	out := make([]int, 0, len(from)/4)
	arena, span := ms.hits.arena, ms.hits.span
	for _, i := range from {
		if ms.q.MatchesText(arena[span[i][0]:span[i][1]]) {
			out = append(out, i)
		}
	}
	return out
}

// scan is every row the query matches, in the sort's order: the arena
// is searched for the query's longest word as one string (the search
// skips what cannot match without looking at rows), and each row where
// it is found is checked for the other words.
func (ms *mergedScreen) scan() []int {
	words := ms.q.Words()
	if len(words) == 0 {
		return ms.order
	}
	longest := words[0]
	for _, w := range words[1:] {
		if len(w) > len(longest) {
			longest = w
		}
	}
	arena, starts := ms.hits.arena, ms.hits.starts
	var out []int
	for at, p := 0, 0; at < len(arena); {
		j := strings.Index(arena[at:], longest)
		if j < 0 {
			break
		}
		for at += j; starts[p+1] <= int32(at); p++ { // the row the match is in
		}
		if len(words) == 1 || ms.q.MatchesText(arena[starts[p]:starts[p+1]]) {
			out = append(out, ms.order[p])
		}
		at = int(starts[p+1]) // on to the next row
	}
	return out
}

// layOut puts the rows' haystacks end to end in the sort's order; each
// row's own copy goes.
func (ms *mergedScreen) layOut() {
	n := 0
	for _, r := range ms.rows {
		n += len(r.hay)
	}
	var b strings.Builder
	b.Grow(n + len(ms.rows))
	span := make([][2]int32, len(ms.rows))
	starts := make([]int32, 0, len(ms.order)+1)
	for _, i := range ms.order {
		from := int32(b.Len())
		starts = append(starts, from)
		b.WriteString(ms.rows[i].hay)
		span[i] = [2]int32{from, int32(b.Len())}
		b.WriteByte(0)
	}
	starts = append(starts, int32(b.Len()))
	arena := b.String()
	for i := range ms.rows {
		ms.rows[i].hay = arena[span[i][0]:span[i][1]]
	}
	ms.hits.arena, ms.hits.span, ms.hits.starts = arena, span, starts
}

// remember keeps the matches of the query now, for the next keystroke.
func (ms *mergedScreen) remember() {
	h, words := &ms.hits, ms.q.Words()
	h.words, h.ok = words, true
	key := strings.Join(words, "\x00")
	if _, ok := h.earlier[key]; ok {
		return
	}
	n := len(ms.shown)
	if n == len(ms.order) {
		ms.shown, n = ms.order, 0 // every row (the empty query, an account's prefix): the order itself, kept anyway
	}
	if h.earlier == nil || len(h.earlier) >= maxEarlier || h.kept+n > maxEarlierRows*len(ms.rows) {
		h.earlier, h.kept = map[string][]int{}, 0
	}
	h.earlier[key], h.kept = ms.shown, h.kept+n
}

// inView are the positions in ms.shown of the rows a frame of h lines can
// show with the cursor's in view: the list scrolls so the cursor's row is
// the last, so no row more than h before it, nor h from the first drawn,
// is ever on screen.
func (ms *mergedScreen) inView(h int) (lo, hi int) {
	lo = max(ms.cursor-h+1, 0)
	return lo, min(lo+max(h, 0), len(ms.shown))
}
