package widget

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/pixee/pixee-tui/ui/termtext"
)

// The activity strip: a connector's last runs under its live sync stats,
// drawn from plain values (the ui turns the monitor's runs into them).
// Every outcome is a glyph and a word as well as a colour, so the strip
// reads the same without colour (NO_COLOR) and to a screen reader.

// Outcome is how a run ended, as the strip draws it.
type Outcome int

const (
	RunOK      Outcome = iota // completed
	RunFailed                 // ended in an error
	RunRunning                // running or queued: no end yet
	RunOther                  // a status the strip does not know, shown as it came
)

// Glyph is the outcome's mark in the bar.
func (o Outcome) Glyph() string {
	switch o {
	case RunOK:
		return "✓"
	case RunFailed:
		return "✗"
	case RunRunning:
		return "◐"
	}
	return "?"
}

// ActivityRun is one run of the connector.
type ActivityRun struct {
	Outcome       Outcome
	End           time.Time // zero while running, or when the end is not known
	Duration      time.Duration
	DurationKnown bool
	// Status is the run's status as the server sent it: a RunOther is
	// counted under it ("2 completed_with_warnings"), not as "other".
	Status string
}

// Activity is what the strip shows of a connector's past.
type Activity struct {
	Runs []ActivityRun // newest first
	// Observed says the runs were seen here, from the detail's counters;
	// false, they are the server's jobs.
	Observed bool
	// NoJobs says runs are observed here, the server's jobs not asked
	// for: with none seen yet, the calm line says so.
	NoJobs bool
	// Listed says the server answered with its jobs: with none, it lists
	// none.
	Listed bool
	// Lateness is "late" or "overdue" when the connector's last sync is
	// past its usual interval (the list's status word), "" on time or
	// not learnt; Usual and Behind are its interval and how far past the
	// expected sync it is.
	Lateness      string
	Usual, Behind time.Duration
}

// lateGlyph is the list's glyph of each lateness word.
var lateGlyph = map[string]string{"late": "◔", "overdue": "◕"}

// lateLine is the detail's words for a late connector: why the list
// calls it late. "" when it is not.
func (a Activity) lateLine() (label, value string) {
	if a.Lateness == "" || a.Usual <= 0 {
		return "", ""
	}
	return a.Lateness, "usually every " + Duration(a.Usual) + " · " + Duration(a.Behind) + " past due"
}

// SetActivity is the connector's runs, set in Update.
func (d *DetailPane) SetActivity(a Activity) { d.activity = a }

// Source is where the runs come from, in words.
func (a Activity) Source() string {
	if a.Observed {
		return "(observed here)"
	}
	return "(from the server)"
}

// Counts is the runs by outcome in words, the strip's text alternative:
// "8 ok · 2 failed · 1 running"; a status the strip does not know is
// counted under its own word, as the server sent it ("2
// completed_with_warnings"), or as "other" without one.
func (a Activity) Counts() string { return strings.Join(a.countParts(), " · ") }

// countParts are Counts' items, each a count and its word.
func (a Activity) countParts() []string {
	var n [3]int
	others := map[string]int{}
	var otherWords []string
	for _, r := range a.Runs {
		if r.Outcome != RunOther {
			n[r.Outcome]++
			continue
		}
		// Counted without regard to case, shown as the server first sent
		// it: only made safe, never altered.
		w := termtext.OneLine(termtext.Sanitize(r.Status), 40)
		if w == "" {
			w = "other"
		}
		k := strings.ToLower(w)
		if others[k] == 0 {
			otherWords = append(otherWords, w)
		}
		others[k]++
	}
	var parts []string
	for o, word := range []string{"ok", "failed", "running"} {
		if n[o] > 0 {
			parts = append(parts, Thousands(n[o])+" "+word)
		}
	}
	for _, w := range otherWords {
		parts = append(parts, Thousands(others[strings.ToLower(w)])+" "+w)
	}
	return parts
}

// countsLines are the counts and where they come from on lines of at most
// w cells, each count whole with its word: wrapped as words, "1" would end
// a line and "completed_with_warnings" start the next.
func (a Activity) countsLines(w int) []string {
	items := append(a.countParts(), a.Source())
	return Flow(items, w, func(i int) string {
		if i == len(items)-1 {
			return " " // the source follows the counts
		}
		return " · "
	})
}

// Flow joins parts on lines of at most width cells, each part whole where
// it fits a line (a part wider than a line has it alone, to be cut by its
// pane); sep(i) is what goes before part i when it joins a line.
func Flow(parts []string, width int, sep func(i int) string) []string {
	var lines []string
	line := ""
	for i, p := range parts {
		switch {
		case line == "":
			line = p
		case termtext.Width(line)+termtext.Width(sep(i))+termtext.Width(p) <= width:
			line += sep(i) + p
		default:
			lines = append(lines, line)
			line = p
		}
	}
	return append(lines, line)
}

// LastOK is the end of the newest run that completed, zero for none
// whose end is known.
func (a Activity) LastOK() time.Time {
	for _, r := range a.Runs {
		if r.Outcome == RunOK && !r.End.IsZero() {
			return r.End
		}
	}
	return time.Time{}
}

// anyOK says some run completed, its end known or not.
func (a Activity) anyOK() bool {
	return slices.ContainsFunc(a.Runs, func(r ActivityRun) bool { return r.Outcome == RunOK })
}

// durations are the known durations of the finished runs, oldest first.
func (a Activity) durations() []time.Duration {
	var out []time.Duration
	for i := len(a.Runs) - 1; i >= 0; i-- {
		if r := a.Runs[i]; r.DurationKnown && r.Outcome != RunRunning {
			out = append(out, r.Duration)
		}
	}
	return out
}

// Median is the median duration of the finished runs; ok false when none
// has one.
func (a Activity) Median() (time.Duration, bool) {
	ds := a.durations()
	if len(ds) == 0 {
		return 0, false
	}
	slices.Sort(ds)
	if n := len(ds); n%2 == 0 {
		return (ds[n/2-1] + ds[n/2]) / 2, true
	}
	return ds[len(ds)/2], true
}

// activityLines are the strip's rows: the bar, the counts and where they
// come from, the last successful sync, the median and its sparkline. A
// compact pane gets one row: a short bar and the counts.
func (d *DetailPane) activityLines(b *detailLines, now time.Time, compact bool) {
	a := d.activity
	switch {
	case len(a.Runs) == 0:
		b.plain(noRunsText(a))
		return
	case compact:
		d.compactActivity(b)
		return
	}
	w := b.w
	lw := min(max(fieldLabelWidth(w), 5), w) // "runs " even where fields have no label column
	b.add(b.st.Label.Render(termtext.PadRight("runs", lw)) + runBar(b.st, a.Runs, w-lw))
	// Under the bar where they fit on one line; else from the left edge,
	// as a long value wraps, each count whole.
	cw := fieldLabelWidth(w)
	counts := a.countsLines(w - cw)
	if len(counts) > 1 {
		cw, counts = 0, a.countsLines(w)
	}
	for _, l := range counts {
		b.indented(cw, l)
	}
	last := "none in the last " + Plural(len(a.Runs), "run", "runs")
	if t := a.LastOK(); !t.IsZero() {
		last = d.when(now, &t, false, "")
	} else if a.anyOK() {
		last = "? (the server sent no end time)"
	}
	b.field("last ok", last)
	if med, ok := a.Median(); ok {
		text := "median " + Duration(med)
		if room := w - fieldLabelWidth(w) - termtext.Width(text) - 3; room >= 4 {
			text += " · " + Sparkline(a.durations(), min(room, 24))
		}
		b.field("durations", text)
	}
}

// compactActivity is the strip on one row: a short bar, the counts and
// where they come from; on two rows, without the bar, where they do not
// fit on one.
func (d *DetailPane) compactActivity(b *detailLines) {
	a := d.activity
	text := a.Counts() + " " + a.Source()
	room := b.w - termtext.Width(text) - 1
	switch {
	case room >= 3:
		b.add(runBar(b.st, a.Runs, min(room, len(a.Runs), 12)) + " " + termtext.PadRight(text, b.w-min(room, len(a.Runs), 12)-1))
	case room >= -1:
		b.plain(text)
	default:
		b.plain(a.Counts())
		b.plain(a.Source())
	}
}

// noRunsText is the calm line for a connector without runs known.
func noRunsText(a Activity) string {
	switch {
	case a.NoJobs:
		return "runs: none seen yet (observed here)"
	case a.Listed:
		return "runs: none (the server lists none)"
	}
	return "runs: none known yet"
}

// fieldLabelWidth is the label column of a field at width w.
func fieldLabelWidth(w int) int {
	if w < 30 {
		return 0
	}
	return 11
}

// runBar draws the last runs that fit in w cells, oldest on the left and
// the newest at the right end, one glyph each, coloured by outcome: one
// styled stretch per outcome in a row, not one per glyph.
func runBar(st *Styles, runs []ActivityRun, w int) string {
	n := min(len(runs), max(w, 0))
	var b strings.Builder
	for i := n - 1; i >= 0; {
		o := runs[i].Outcome
		j := i
		for j >= 0 && runs[j].Outcome == o {
			j--
		}
		b.WriteString(outcomeStyle(st, o).Render(strings.Repeat(o.Glyph(), i-j)))
		i = j
	}
	return b.String() + Pad(max(w-n, 0))
}

func outcomeStyle(st *Styles, o Outcome) lipgloss.Style {
	switch o {
	case RunOK:
		return st.OK
	case RunFailed:
		return st.Error
	case RunRunning:
		return st.Warning
	}
	return st.Unknown
}

// sparks are the sparkline's eight heights.
var sparks = []rune("▁▂▃▄▅▆▇█")

// Sparkline is a few lines of our own rather than ntcharts' (v0.5.x): its
// sparkline is a canvas model with its own Update and View, and the module
// brings bubblezone, pflag and go-perlin with it, for one row of glyphs.
//
// Sparkline draws the last w values, oldest first, as bars from ▁ to █
// scaled from the smallest to the largest: the spread is what it shows.
// Values all alike are a flat line of middling bars.
func Sparkline(values []time.Duration, w int) string {
	if w <= 0 || len(values) == 0 {
		return ""
	}
	values = values[max(len(values)-w, 0):]
	lo, hi := slices.Min(values), slices.Max(values)
	out := make([]rune, len(values))
	for i, v := range values {
		h := 3
		if hi > lo {
			h = int(float64(v-lo)/float64(hi-lo)*float64(len(sparks)-1) + 0.5)
		}
		out[i] = sparks[h]
	}
	return string(out)
}
