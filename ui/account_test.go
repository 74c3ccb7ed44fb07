package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// startOn is a settled dashboard on a sandbox built from so, with opts
// changed by edit.
func startOn(t *testing.T, so sandbox.Options, edit func(*Options)) *uiFixture {
	t.Helper()
	clock := newFakeClock()
	c, sb, rec := newRecordedSandbox(t, clock, so)
	o := testOptions(c, clock)
	if edit != nil {
		edit(&o)
	}
	d := newDriver(t, o, clock, 160, 48)
	d.Advance(time.Second)
	return &uiFixture{driver: d, sb: sb, rec: rec, ids: sb.IDs()}
}

// Read-only: the sync keys vanish from the screen and the help, the header
// says so, and no key sends a POST.
func TestReadOnlySendsNoPOSTThroughAnyKey(t *testing.T) {
	f := startOn(t, sandbox.Options{}, func(o *Options) { o.ReadOnly = true })
	f.has("READ-ONLY")
	f.helpLacks("sync")
	for _, keys := range [][]string{{"s"}, {"S", "y"}, {"s", "ctrl+s", "y"}} {
		f.Key(keys...)
		f.Key("esc")
	}
	f.Type("s4006381333931")
	f.Key("ctrl+s", "y", "S", "y")
	if n := f.count(sbSync); n != 0 {
		t.Fatalf("%d POSTs in read-only mode", n)
	}
	if f.m.openForm() != nil {
		t.Fatal("the sync form opened in read-only mode")
	}
	// The monitor itself refuses, whatever asks it.
	if _, err := f.m.mon.Sync(f.ids[0], []string{"4006381333931"}, false); err == nil {
		t.Fatal("the monitor accepted a sync in read-only mode")
	}
	f.Key("?")
	f.has("sync: read-only")
}

// A 403 on a sync says what the key may lack, and the session becomes
// read-only for this account: the sync keys vanish and nothing more is sent.
func TestSyncForbiddenMakesTheSessionReadOnly(t *testing.T) {
	f := startOn(t, sandbox.Options{NoManageSettings: true}, nil)
	f.lacks("READ-ONLY")
	f.Key("s")
	f.Type(twoEANs)
	f.Key("ctrl+s", "y")
	if n := f.count(sbSync); n != 1 {
		t.Fatalf("%d POSTs, want the one", n)
	}
	f.has("MANAGE_SETTINGS", "READ-ONLY")
	f.Key("esc")
	f.helpLacks("sync")
	f.Key("s", "S", "y")
	if n := f.count(sbSync); n != 1 {
		t.Fatalf("%d POSTs after the 403, want still 1", n)
	}
	f.Key("?")
	f.has("sync: this key may not trigger syncs")
}

// --per-page 500 against today's API (at most 100): connectors, not an
// error; the status bar says so once; the next page is the next 100.
func TestPageSizeCapIsAdopted(t *testing.T) {
	f := startOn(t, sandbox.Options{}, func(o *Options) { o.PerPage = 500 })
	if n := f.m.list.Len(); n != 100 {
		t.Fatalf("%d rows, want the server's 100:\n%s", n, f.View())
	}
	f.has("this server serves at most 100 per page", "page 1/2")
	f.Key("]")
	f.Advance(time.Second)
	if n := f.m.list.Len(); n != 37 {
		t.Fatalf("page 2: %d rows, want 37:\n%s", n, f.View())
	}
	if got, want := f.selected().ID, f.ids[100]; got != want {
		t.Errorf("page 2 starts at %s, want connector 101 (%s)", got, want)
	}
	f.Advance(10 * time.Second)
	if strings.Contains(f.View(), "at most 100 per page") {
		t.Error("the note stays on screen")
	}
}

// Every badge at once still fits the narrowest terminal.
func TestHeaderBadgesFitAnyWidth(t *testing.T) {
	f := startOn(t, sandbox.Options{}, func(o *Options) { o.ReadOnly, o.Demo = true, true })
	f.sb.SetStatus(f.ids[0], "error")
	f.Advance(15 * time.Second) // one event: the ⚑ badge
	for _, w := range []int{160, 80, 40, 20, 12, 5} {
		f.Send(tea.WindowSizeMsg{Width: w, Height: 12})
		head := strings.SplitN(f.View(), "\n", 2)[0]
		if got := lipgloss.Width(head); got > w {
			t.Errorf("width %d: header of %d columns: %q", w, got, head)
		}
	}
}
