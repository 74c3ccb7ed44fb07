package ui

import (
	"strings"
	"testing"
	"time"
)

// Saved views are listed on the home screen after the accounts; enter on
// a view of one account opens that account's list with the view's filter
// and sort; a view of several accounts says it needs the merged list.
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
	if !strings.Contains(h.View(), "needs the merged list") {
		t.Errorf("a view of every account opened nothing and said nothing:\n%s", h.View())
	}
}
