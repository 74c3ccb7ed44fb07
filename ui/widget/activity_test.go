package widget

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// The sparkline shows the spread, oldest first: the smallest value the
// lowest bar, the largest the full one; values all alike a flat middle
// line; only the last w values.
func TestSparklineScalesFromSmallestToLargest(t *testing.T) {
	s := time.Second
	for _, tc := range []struct {
		in   []time.Duration
		w    int
		want string
	}{
		{[]time.Duration{8 * s, 10 * s, 15 * s, 8 * s}, 10, "▁▃█▁"},
		{[]time.Duration{5 * s, 5 * s, 5 * s}, 10, "▄▄▄"},
		{[]time.Duration{1 * s, 2 * s, 3 * s, 4 * s}, 2, "▁█"},
		{nil, 10, ""},
		{[]time.Duration{s}, 0, ""},
	} {
		if got := Sparkline(tc.in, tc.w); got != tc.want {
			t.Errorf("Sparkline(%v, %d) = %q, want %q", tc.in, tc.w, got, tc.want)
		}
	}
}

func stripPane(w, h int) DetailPane {
	st := NewStyles(termenv.Ascii, true)
	d := NewDetailPane(&st, time.UTC)
	d.Show(api.Connector{ID: "c1", Name: "Shop", Platform: "shopify", Status: "active"}, nil, time.Time{})
	end := time.Date(2026, 11, 26, 11, 0, 0, 0, time.UTC)
	d.SetActivity(Activity{Runs: []ActivityRun{
		{Outcome: RunRunning},
		{Outcome: RunFailed, End: end, Duration: 20 * time.Second, DurationKnown: true},
		{Outcome: RunOK, End: end.Add(-time.Hour), Duration: 10 * time.Second, DurationKnown: true},
		{Outcome: RunOther, End: end.Add(-2 * time.Hour), Status: "Completed_With_Warnings"},
	}})
	d.SetSize(w, h)
	return d
}

// The strip says in words what its colours say, oldest run first, and
// the last success is the newest run that completed, not the newest run.
func TestStripCarriesItsMeaningWithoutColour(t *testing.T) {
	d := stripPane(60, 30)
	v := d.View(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC), "")
	for _, want := range []string{"runs       ?✓✗◐", "1 ok · 1 failed · 1 running · 1 Completed_With_Warnings", "(from the server)",
		"last ok    2026-11-26 10:00 · 2h ago", "median 15s"} {
		if !strings.Contains(v, want) {
			t.Errorf("pane lacks %q:\n%s", want, v)
		}
	}
}

// Every line of the pane with its strip is the pane's width, however
// narrow, tall (the full strip) or short (its one row).
func TestStripLinesAreThePanesWidth(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for w := 1; w <= 70; w++ {
		for _, h := range []int{5, 30} {
			d := stripPane(w, h)
			for i := range max(len(d.lines(now))-h+2, 1) {
				d.Scroll(i, now)
				for _, l := range strings.Split(d.View(now, ""), "\n") {
					if got := termtext.Width(ansi.Strip(l)); got != w {
						t.Fatalf("%dx%d: line %q is %d cells", w, h, l, got)
					}
				}
			}
		}
	}
}

// A status the strip does not know is counted without regard to case and
// shown as the server first sent it, only made safe: never lowercased
// (a control character shown "^J" stays "^J").
func TestStripShowsUnknownStatusesAsSent(t *testing.T) {
	a := Activity{Runs: []ActivityRun{
		{Outcome: RunOther, Status: "Done\nLate"}, {Outcome: RunOther, Status: "DONE\nLATE"}, {Outcome: RunOther, Status: "Skipped"},
	}}
	if got, want := a.Counts(), "2 Done^JLate · 1 Skipped"; got != want {
		t.Errorf("Counts() = %q, want %q", got, want)
	}
}

// Where the counts do not fit on one line, each count keeps its word: no
// line ends with a bare number whose word starts the next.
func TestStripCountsWrapWhole(t *testing.T) {
	a := Activity{Runs: []ActivityRun{{Outcome: RunOK}, {Outcome: RunFailed}, {Outcome: RunOther, Status: "completed_with_warnings"}}}
	for w := 10; w <= 60; w++ {
		for _, l := range a.countsLines(w) {
			if f := strings.Fields(l); len(f) > 0 && strings.Trim(f[len(f)-1], "0123456789") == "" {
				t.Errorf("at %d: line %q ends with a bare count", w, l)
			}
		}
	}
}
