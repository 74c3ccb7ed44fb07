package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/ui/widget"
)

// While the index is incomplete, every figure drawn from it says so: the
// header's counts, the errors view, and an export, which asks first and
// puts "partial" in the file's name.
func TestFiguresOfAnIncompleteIndexSaySoFar(t *testing.T) {
	clock := newFakeClock()
	c, _, _ := newRecordedSandbox(t, clock, sandbox.Options{Connectors: 1000})
	o := testOptions(c, clock)
	o.NoIndex = false
	d := newDriver(t, o, clock, 200, 48)
	d.Advance(time.Second) // page 1 of the crawl: 100 of 1000
	ix := d.m.mon.Index()
	if ix.Complete || ix.Known >= 1000 {
		t.Fatalf("index already complete: %+v", ix)
	}
	f := &uiFixture{driver: d}
	soFarText := "so far · index " + widget.Thousands(ix.Known) + "/1 000"
	if header := strings.SplitN(f.View(), "\n", 2)[0]; !strings.Contains(header, " · "+soFarText) {
		t.Errorf("the header's counts do not say %q: %q", soFarText, header)
	}

	f.Key("e")
	if title := flatView(f.View()); !strings.Contains(title, "Connectors in error · ") || !strings.Contains(title, soFarText) {
		t.Errorf("the errors view does not say %q:\n%s", soFarText, f.View())
	}
	f.Key("esc")

	dir := t.TempDir()
	f.Key("/")
	f.Type("a")
	f.Key("enter", "x")
	f.has("The index is incomplete", "partial")
	setInput(f, filepath.Join(dir, "out.csv"))
	f.Key("enter")
	f.has("Write a partial export?")
	if _, err := os.Stat(filepath.Join(dir, "out-partial.csv")); err == nil {
		t.Fatal("written before the yes")
	}
	f.Key("y")
	f.has("exported ", "a partial export)")
	if _, err := os.Stat(filepath.Join(dir, "out-partial.csv")); err != nil {
		t.Errorf("the partial export's name does not say so: %v", err)
	}

	d.Advance(2 * time.Minute)
	if !d.m.mon.Index().Complete {
		t.Fatal("index not complete")
	}
	if strings.Contains(strings.SplitN(f.View(), "\n", 2)[0], "so far") {
		t.Errorf("a complete index still says so far: %q", strings.SplitN(f.View(), "\n", 2)[0])
	}
}
