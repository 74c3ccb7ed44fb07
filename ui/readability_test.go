package ui

import (
	"strings"
	"testing"

	"github.com/muesli/termenv"
)

// On a 16-colour terminal paused and error do not share a colour, and
// error is more than a colour (bold).
func TestPausedAndErrorDifferIn16Colours(t *testing.T) {
	for _, dark := range []bool{true, false} {
		st := NewStyles(termenv.ANSI, dark)
		p, e := st.Paused.GetForeground(), st.Failed.GetForeground()
		if p == e {
			t.Fatalf("dark=%v: paused and error are both %v", dark, p)
		}
		if !st.Failed.GetBold() {
			t.Fatalf("dark=%v: error is colour alone", dark)
		}
	}
}

// A long platform gets a wider column on a wide terminal, and the
// detail shows the full name and platform, wrapped.
func TestLongNamesAndPlatformsAreReadable(t *testing.T) {
	s := newScripted(2)
	s.items[0].Name = strings.Repeat("Grand Northern Outfitters ", 6) + "End" // 159 cells
	s.items[0].Platform = "salesforce_commerce_cloud"
	d := startScripted(t, s, 200, 50)
	row := d.m.list.renderRow(d.m.list.columns(), 0, false, "")
	if !strings.Contains(row, "salesforce_commerce_cloud") {
		t.Fatalf("the platform is cut to 12 at 200 columns: %q", row)
	}
	pane := flatView(d.m.detail.View(d.clock.Now(), ""))
	if !strings.Contains(pane, strings.TrimSpace(strings.Repeat("Grand Northern Outfitters ", 3))) ||
		!strings.Contains(pane, "Outfitters End") || !strings.Contains(pane, "salesforce_commerce_cloud") {
		t.Fatalf("the detail does not show the full name and platform:\n%s", d.m.detail.View(d.clock.Now(), ""))
	}
}
