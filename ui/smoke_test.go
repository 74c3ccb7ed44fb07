package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// The first page arrives, the first connector is selected, and its detail
// is fetched once the selection debounce has passed.
func TestStartShowsFirstPageAndDetail(t *testing.T) {
	clock := newFakeClock()
	c, _ := newSandbox(t, clock, sandbox.Options{})
	d := newDriver(t, testOptions(c, clock), clock, 160, 48)
	if got := len(d.m.list.items); got != 50 {
		t.Fatalf("rows after start = %d, want 50", got)
	}
	if !strings.Contains(d.View(), "page 1/3 · 137 connectors") {
		t.Fatalf("no page position in view:\n%s", d.View())
	}
	d.Advance(time.Second)
	if d.m.detail.Data() == nil {
		t.Fatalf("detail not fetched after the debounce")
	}
	if !strings.Contains(d.View(), "synced") {
		t.Fatalf("detail stats not shown:\n%s", d.View())
	}
}
