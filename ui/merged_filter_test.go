package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
)

// mergedOf is a merged list of rows as refreshMerged builds them: n
// connectors on each of three accounts, their names from a few words.
func mergedOf(n int) *mergedScreen {
	words := []string{"granite", "grain", "garden", "acme", "shop", "ridge"}
	ms := &mergedScreen{}
	for acct, name := range []string{"acme", "globex", "initech"} {
		for i := range n {
			c := api.Connector{ID: fmt.Sprintf("%s-%04d", name, i),
				Name:     words[i%len(words)] + " " + words[(i/len(words)+acct)%len(words)],
				Platform: []string{"shopify", "magento"}[i%2], Status: []string{"active", "error", "paused"}[i%3]}
			ms.rows = append(ms.rows, mergedRow{acct: acct, c: c,
				hay: monitor.FoldFieldsForMatch(c.Name, c.Platform, c.Status, c.ID, name).Text()})
		}
	}
	ms.sortRows()
	return ms
}

// searched is what a search of every row anew finds for ms's query, in
// the sort's order.
func searched(ms *mergedScreen) []int {
	var out []int
	for _, i := range ms.order {
		if ms.q.MatchesText(ms.rows[i].hay) {
			out = append(out, i)
		}
	}
	return out
}

// A query typed a key at a time into the merged list's filter, deleted a
// key at a time, with words added, a sort changed and the rows rebuilt
// between keys, finds at every key exactly what a search of every row
// anew finds, in the sort's order: the filter's shortcuts (the last
// matches narrowed, earlier queries' matches taken back, the arena
// searched whole) never keep a row that does not match nor lose one that
// does.
func TestTheMergedFilterFindsAtEveryKeyWhatASearchAnewFinds(t *testing.T) {
	var m Model
	ms := mergedOf(200)
	m.filterMerged(ms)
	check := func(step string) {
		t.Helper()
		want := searched(ms)
		if !slices.Equal(ms.shown, want) && !(len(ms.shown) == 0 && len(want) == 0) {
			t.Fatalf("%s: query %q shows %d rows, a search anew finds %d", step, ms.query, len(ms.shown), len(want))
		}
	}
	typeAndDelete := func(q string) {
		t.Helper()
		for i := range q {
			m.setMergedQuery(ms, q[:i+1])
			check("typing")
		}
		for i := len(q) - 1; i >= 0; i-- {
			m.setMergedQuery(ms, q[:i])
			check("deleting")
		}
	}
	typeAndDelete("granite")
	typeAndDelete("gra acme")
	typeAndDelete("shop error globex")

	m.setMergedQuery(ms, "gr")
	ms.sort = mergedByName // o, with a query typed
	ms.sortRows()
	m.filterMerged(ms)
	check("sorted by name")
	m.setMergedQuery(ms, "gra")
	check("typing after the sort")

	ms.rows = append(ms.rows[:0:0], ms.rows[50:]...) // the indexes moved: fewer rows
	for i := range ms.rows {
		ms.rows[i].hay = strings.Clone(ms.rows[i].hay)
	}
	ms.sortRows()
	m.filterMerged(ms)
	check("rebuilt")
	typeAndDelete("grain")
	if ms.query != "" || len(ms.shown) != len(ms.rows) {
		t.Fatalf("query %q deleted: %d of %d rows shown", ms.query, len(ms.shown), len(ms.rows))
	}
}

// At the bottom of a merged list longer than the screen (by account:
// acme's rows first, initech's last), the cursor's row is drawn, with
// the rows just above it; the first rows are not.
func TestTheMergedListDrawsTheRowsAroundTheCursor(t *testing.T) {
	h := newMergedFixture(t)
	h.mergedComplete(false)
	h.Send(tea.WindowSizeMsg{Width: 160, Height: 20})
	ms := h.m.screens.top().(*mergedScreen)
	last := ms.rows[ms.shown[len(ms.shown)-1]].c.Name
	h.Key("G")
	view := h.View()
	var cursor string
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, "▶") {
			cursor = l
		}
	}
	if !strings.Contains(cursor, last) {
		t.Fatalf("at the bottom, the cursor's row is %q, want the last row, %s:\n%s", cursor, last, view)
	}
	rows := mergedRows(view)
	if len(rows) < 5 {
		t.Errorf("at the bottom of 45 rows on a 20-line screen, %d rows drawn: %v", len(rows), rows)
	}
	for _, r := range rows {
		if r[0] != "initech" {
			t.Errorf("at the bottom, a row of %s is drawn: %v", r[0], rows)
		}
	}
}
