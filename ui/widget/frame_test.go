package widget

import (
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/ui/termtext"
)

// A styled line (the progress bar colours every cell) is measured by what it
// draws, not by its escape codes: it is padded, never cut.
func TestFitLineMeasuresStyledTextByWhatItDraws(t *testing.T) {
	cell := "\x1b[38;5;71m█\x1b[0m"
	bar := strings.Repeat(cell, 20) + strings.Repeat("\x1b[38;2;96;96;96m░\x1b[0m", 5) + "  30%"
	got := FitLine(bar, 40)
	if n := strings.Count(got, "█"); n != 20 {
		t.Fatalf("fitLine kept %d of 20 filled cells: %q", n, got)
	}
	if !strings.Contains(got, "30%") {
		t.Fatalf("fitLine dropped the percentage: %q", got)
	}
	if w := termtext.Width(stripANSI(got)); w != 40 {
		t.Fatalf("fitLine gave %d cells, want 40", w)
	}
	if w := VisibleWidth(bar); w != 30 {
		t.Fatalf("visibleWidth = %d, want 30", w)
	}
}

// A line too wide is cut to the width, styling dropped.
func TestFitLineCutsWideLines(t *testing.T) {
	got := FitLine("\x1b[1m"+strings.Repeat("x", 50)+"\x1b[0m", 10)
	if got != "xxxxxxxxx…" {
		t.Fatalf("fitLine = %q", got)
	}
}
