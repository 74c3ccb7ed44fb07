package ui

import (
	"strings"
	"testing"
	"time"
)

// Saved views are listed on the home screen after the accounts; enter on
// a view of one account opens that account's list with the view's filter
// and sort; a view of every account opens the merged list.
func TestASavedViewOpensItsAccountFilteredAndSorted(t *testing.T) {
	h := newHandoverWith(t, false, time.Hour, func(o *Options) {
		o.Views = []View{{Name: "globex errors", Filter: "error", Sort: "name", Accounts: []int{1}},
			{Name: "everyone late", Filter: "late"}}
	})
	h.until("globex indexed by its watch", func() bool { return h.w.Snapshot().Rows[1].Summary.Index.Complete })
	h.Key("W")
	view := h.View()
	for _, want := range []string{"globex errors", "“error” · sort: name · globex", "everyone late", "“late” · every account"} {
		if !strings.Contains(view, want) {
			t.Fatalf("the home screen lacks %q:\n%s", want, view)
		}
	}
	h.Key("j", "j", "enter") // acme, globex, then the first view
	h.Advance(time.Second)
	view = h.View()
	for _, want := range []string{"globex · globex.example", "filter “error”", "sort: name"} {
		if !strings.Contains(view, want) {
			t.Fatalf("the view's account and list lack %q:\n%s", want, view)
		}
	}
	if h.m.fleet.query != "error" || h.m.fleet.sort != sortName {
		t.Errorf("globex's list: filter %q sort %v, want the view's", h.m.fleet.query, h.m.fleet.sort)
	}

	h.Key("W", "j", "j", "j", "enter") // past both accounts to the second view
	if !strings.Contains(h.View(), "view “everyone late” · All accounts") {
		t.Errorf("a view of every account did not open the merged list:\n%s", h.View())
	}
}

// A saved view of several accounts opens, from the home screen, the
// merged list over those accounts with the view's filter and sort, its
// header naming the view and the accounts; esc is the home screen again.
// A view of every account covers them all.
func TestASavedViewOfSeveralAccountsOpensTheirMergedList(t *testing.T) {
	h := newMergedFixtureWith(t, 3, func(o *Options) {
		o.Views = []View{{Name: "errors of two", Filter: "error", Sort: "name", Accounts: []int{1, 2}},
			{Name: "all in error", Filter: "error", Sort: "status"}}
	})
	h.until("the home screen", func(v string) bool { return strings.Contains(v, "errors of two") })
	h.Key("j", "j", "j", "enter") // past the three accounts to the first view
	h.until("globex's and initech's errors", func(v string) bool {
		h.Advance(time.Second)
		return strings.Contains(v, "view “errors of two” · 2 of 3 accounts: globex, initech · 4 of 39 connectors · by name") &&
			!strings.Contains(v, "so far")
	})
	h.has("filter: error")
	rows := mergedRows(h.View())
	for i, r := range rows {
		if r[0] == "acme" || i > 0 && strings.ToLower(rows[i-1][1]) > strings.ToLower(r[1]) {
			t.Fatalf("the view's rows %v: want globex's and initech's only, by name", rows)
		}
	}
	h.Key("esc")
	h.has("REACH", "errors of two")
	h.Key("j", "enter")
	h.until("every account's errors", func(v string) bool {
		h.Advance(time.Second)
		return strings.Contains(v, "view “all in error” · All accounts · 6 of 45 connectors · by status")
	})
}
