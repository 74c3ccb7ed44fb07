package widget

import (
	"math"
	"testing"
	"time"
)

// A row drawn at one moment is reused at another only when its "ago" text
// reads the same then: the span AgoSpan gives is exactly where it does.
func TestAgoSpanIsWhereTheTextHolds(t *testing.T) {
	base := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for _, back := range []time.Duration{-2 * time.Hour, -30 * time.Second, 0, 500 * time.Millisecond, 1500 * time.Millisecond,
		59 * time.Second, 61 * time.Second, 59 * time.Minute, 3 * time.Hour, 47 * time.Hour, 49 * time.Hour,
		20 * 24 * time.Hour, 59 * 24 * time.Hour, 61 * 24 * time.Hour, 200 * 24 * time.Hour, 364 * 24 * time.Hour, 800 * 24 * time.Hour} {
		at := base.Add(-back)
		now := base
		sp := AgoSpan(now, &at)
		want := Ago(now, at)
		if !sp.Holds(now) {
			t.Fatalf("%s ago: span %v does not hold now", back, sp)
		}
		for i, n := range []int64{sp.from, sp.until - 1, sp.from - 1, sp.until} {
			if (i%2 == 0 && sp.from == math.MinInt64) || (i%2 == 1 && sp.until == math.MaxInt64) {
				continue // an open end
			}
			got := Ago(time.Unix(0, n).UTC(), at)
			if i < 2 && got != want {
				t.Errorf("%s ago: inside the span the text is %q, want %q", back, got, want)
			}
			if i >= 2 && got == want {
				t.Errorf("%s ago: outside the span the text is still %q", back, want)
			}
		}
	}
	if sp := AgoSpan(base, nil); !sp.Holds(base) || !sp.Holds(base.Add(1000*time.Hour)) {
		t.Error("never holds forever")
	}
}
