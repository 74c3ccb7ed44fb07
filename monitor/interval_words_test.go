package monitor

import (
	"testing"
	"time"
)

// A cadence's duration reads as the dashboard writes durations, to the
// minute: never Go's "24h0m2s".
func TestIntervalsReadToTheMinute(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{20 * time.Second, "under a minute"},
		{45 * time.Minute, "45m"},
		{time.Hour, "1h 00m"},
		{24*time.Hour + 2*time.Second, "24h 00m"},
		{50*time.Hour + 3*time.Minute, "50h 03m"},
	} {
		if got := Interval(c.d); got != c.want {
			t.Errorf("Interval(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}
