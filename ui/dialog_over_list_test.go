package ui

import (
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// A yes/no question is drawn over the screen it is asked on: the list's
// rows stay in view around it at every size, the selected one (what the
// question is about) among them.
func TestQuestionKeepsTheListInView(t *testing.T) {
	for _, tc := range []struct{ w, h, rows int }{{160, 48, 20}, {80, 24, 5}, {40, 12, 1}} {
		t.Run(strconv.Itoa(tc.w)+"x"+strconv.Itoa(tc.h), func(t *testing.T) {
			f := startSettled(t, tc.w, tc.h)
			sel := f.selected()
			before := strings.Split(ansi.Strip(f.View()), "\n")
			f.Key("S")
			if f.m.question() == nil {
				t.Fatalf("S asked no question:\n%s", f.View())
			}
			view := f.View()
			checkScreenFits(t, view, tc.w, tc.h)
			after := strings.Split(ansi.Strip(view), "\n")
			if !strings.Contains(strings.Join(after, " "), "ENTIRE catalog") {
				t.Fatalf("the question is not on screen:\n%s", view)
			}
			kept, selKept := 0, false
			for i, l := range before {
				if !strings.Contains(l, "▶ ") && !strings.Contains(l, "┃  ") {
					continue // not a row of the list
				}
				if strings.Contains(l, "NAME") {
					continue // the header
				}
				if after[i] == l {
					kept++
					selKept = selKept || strings.Contains(l, "▶ "+sel.Name)
				}
			}
			if kept < tc.rows || !selKept {
				t.Fatalf("%d rows of the list kept in view (want ≥ %d), the selected one %v:\n%s",
					kept, tc.rows, selKept, strings.Join(after, "\n"))
			}
		})
	}
}
