package ui

import (
	"fmt"
	"strconv"
	"time"

	"github.com/charmbracelet/lipgloss"
)

// ago renders how long ago t was, compactly: "now", "12s ago", "5m ago",
// "3h ago", "4d ago", "2mo ago", "1y ago".
func ago(now, t time.Time) string {
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

// agoPtr is ago for a nullable time: "never" for nil.
func agoPtr(now time.Time, t *time.Time) string {
	if t == nil {
		return "never"
	}
	return ago(now, *t)
}

// statusText is a connector status as glyph + word, never colour alone,
// and the style to colour it with. Unknown values are shown as they came.
func statusText(st *Styles, status string) (string, lipgloss.Style) {
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

func itoa(n int) string { return strconv.Itoa(n) }

// thousands formats n with thin separators: 1250 → "1 250".
func thousands(n int) string {
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

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// duration renders a wait or an ETA: "45s", "3m 05s", "2h 10m".
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
}
