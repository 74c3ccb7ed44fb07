package widget

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/charmbracelet/lipgloss"
)

// Ago renders how long ago t was, compactly: "now", "12s ago", "5m ago",
// "3h ago", "4d ago", "2mo ago", "1y ago".
func Ago(now, t time.Time) string {
	if BadTime(t) {
		return "?" // a placeholder (year 1), not a time: "292y ago" says nothing
	}
	d := now.Sub(t)
	switch {
	case d < time.Second:
		if d < -time.Minute {
			return "in the future"
		}
		return "just now"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s ago"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m ago"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h ago"
	case d < 60*24*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d ago"
	case d < 365*24*time.Hour:
		return strconv.Itoa(int(d/(30*24*time.Hour))) + "mo ago"
	}
	return strconv.Itoa(int(d/(365*24*time.Hour))) + "y ago"
}

// BadTime says a time is outside what a sync can have happened at (and
// what nanoseconds since 1970 hold): shown as "?".
func BadTime(t time.Time) bool {
	y := t.Year()
	return y < 1700 || y > 2200
}

// AgoPtr is Ago for a nullable time: "never" for nil, "?" when the server
// sent one that cannot be read.
func AgoPtr(now time.Time, t *time.Time, unknown bool) string {
	switch {
	case unknown:
		return "?"
	case t == nil:
		return "never"
	}
	return Ago(now, *t)
}

// Span is a stretch of time over which an ago text stays the same, in Unix
// nanoseconds (a row cache holds one per row: kept small): from inclusive,
// until exclusive.
type Span struct{ from, until int64 }

// Holds says whether the text of the span reads the same at now.
func (s Span) Holds(now time.Time) bool {
	n := now.UnixNano()
	return s.from <= n && n < s.until
}

// Always is the span of a text that never moves ("never").
func Always() Span { return Span{math.MinInt64, math.MaxInt64} }

// AgoSpan is the span of "now" around now over which AgoPtr(now, t) reads
// the same, so a row drawn with it can be reused without formatting again.
// A time beyond what nanoseconds hold gets an empty span: always redrawn.
func AgoSpan(now time.Time, t *time.Time) Span {
	if t == nil {
		return Always()
	}
	if BadTime(*t) {
		return Always() // "?" never moves
	}
	d := now.Sub(*t)
	at := func(d time.Duration) int64 { return t.Add(d).UnixNano() }
	step := func(lo, hi, unit time.Duration) Span {
		n := d / unit
		return Span{at(max(n*unit, lo)), at(min((n+1)*unit, hi))}
	}
	const day = 24 * time.Hour
	switch {
	case d < -time.Minute:
		return Span{math.MinInt64, at(-time.Minute)}
	case d < time.Second:
		return Span{at(-time.Minute), at(time.Second)}
	case d < time.Minute:
		return step(time.Second, time.Minute, time.Second)
	case d < time.Hour:
		return step(time.Minute, time.Hour, time.Minute)
	case d < 48*time.Hour:
		return step(time.Hour, 48*time.Hour, time.Hour)
	case d < 60*day:
		return step(48*time.Hour, 60*day, day)
	case d < 365*day:
		return step(60*day, 365*day, 30*day)
	}
	n := d / (365 * day)
	return Span{at(n * 365 * day), at((n + 1) * 365 * day)}
}

// StatusText is a connector status as glyph + word, never colour alone,
// and the style to colour it with. Unknown values are shown as they came.
func StatusText(st *Styles, status string) (string, lipgloss.Style) {
	switch status {
	case "active":
		return "● active", st.Active
	case "paused":
		return "‖ paused", st.Paused
	case "error":
		return "✗ error", st.Failed
	case "":
		return "? (none)", st.Unknown
	}
	return "? " + status, st.Unknown
}

// Thousands formats n with thin separators: 1250 → "1 250".
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return neg + s
}

// Plural is a count and its noun: "1 connector", "1 250 connectors".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Thousands(n) + " " + many
}

// Duration renders a wait or an ETA: "45s", "3m 05s", "2h 10m".
func Duration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
}
