package monitor

import (
	"testing"
	"time"
)

// A low budget slows the polls and the selections made by moving by one
// rule, the README's: 2× under a quarter of the budget left, 4× under a
// tenth, and not at all above a quarter.
func TestLowBudgetSlowsPollsAndSelectionsByOneRule(t *testing.T) {
	for _, tc := range []struct {
		remaining int
		factor    time.Duration
	}{{60, 1}, {40, 1}, {26, 1}, {20, 2}, {9, 4}, {1, 4}} {
		m, c := newTest(t)
		res := pageOK(oneRequest(t, m.Start()), conn("a"), conn("b"))
		res.Rate = budget(c, tc.remaining, 100)
		list := oneTimer(t, m.Apply(res).Plan)
		if want := 30 * time.Second * tc.factor; list.After != want {
			t.Errorf("%d/100 left: the list polls every %s, want %s", tc.remaining, list.After, want)
		}
		sel := oneTimer(t, m.Select("b", true))
		if want := SelectDebounce * tc.factor; sel.After != want {
			t.Errorf("%d/100 left: a selection waits %s, want %s", tc.remaining, sel.After, want)
		}
	}
}
