package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
)

func TestPagingKeysFetchServerPages(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.has("page 1/3 · 137 connectors")
	f.helpHas("next page")
	f.helpLacks("prev page") // on the first page it does nothing
	for _, k := range []string{"]", "l", "right"} {
		f.Key(k)
		f.has("page 2/3 · 137 connectors")
		if got := f.m.list.items[0].ID; got != f.ids[50] {
			t.Fatalf("%s: first row of page 2 = %s, want %s", k, got, f.ids[50])
		}
		f.Key("h")
		f.has("page 1/3 · 137 connectors")
	}
	f.Key("l", "l")
	f.has("page 3/3 · 137 connectors")
	if n := len(f.m.list.items); n != 37 {
		t.Fatalf("page 3 has %d rows, want 37", n)
	}
	// The last page: next page does nothing, so it is not offered and sends
	// nothing.
	f.helpLacks("next page")
	f.helpHas("prev page")
	f.sb.ResetStats()
	f.Key("]", "l", "right")
	if n := f.count(sbList); n != 0 {
		t.Fatalf("next page on the last page sent %d list requests", n)
	}
	f.has("page 3/3")
	f.Key("[")
	f.has("page 2/3")
	f.Key("left")
	f.has("page 1/3 · 137 connectors")
	f.sb.ResetStats()
	f.Key("[", "h", "left")
	if n := f.count(sbList); n != 0 {
		t.Fatalf("prev page on the first page sent %d list requests", n)
	}
	// A new page selects its first row, and the detail follows it.
	f.Key("G", "]")
	if f.m.list.cursor != 0 {
		t.Fatalf("cursor on a new page = %d, want 0", f.m.list.cursor)
	}
	f.Advance(time.Second)
	if got := f.m.detail.ID(); got != f.ids[50] {
		t.Fatalf("detail shows %s after paging, want %s", got, f.ids[50])
	}
}

// ---- sequence numbers and requests in flight -------------------------------

// A late copy of an older page answer (a slow network, a retry) is dropped:
// it neither replaces the page asked for since nor ends its wait.
func TestOlderPageAnswerNeverOverwritesNewer(t *testing.T) {
	clock := newFakeClock()
	c, sb, _ := newRecordedSandbox(t, clock, sandbox.Options{})
	ids := sb.IDs()
	d := &driver{t: t, m: New(testOptions(c, clock)), clock: clock, observed: map[string]int{}}
	held := d.runHeld(d.m.Init())
	held = append(held, d.step(tea.WindowSizeMsg{Width: 160, Height: 48})...)
	page1 := heldOne[pageMsg](t, held)
	d.step(page1)
	page2 := heldOne[pageMsg](t, d.stepKeys("]"))

	d.step(page1) // late duplicate, older seq
	if !d.m.mon.Target(monitor.PageTarget).InFlight {
		t.Fatal("an older answer ended the wait for page 2")
	}
	if !strings.Contains(d.View(), "loading page 2") {
		t.Fatalf("page 2 not shown as loading:\n%s", d.View())
	}
	d.step(page2)
	d.step(page1) // and once more after the newer one
	if p := d.m.list.meta.Page; p != 2 {
		t.Fatalf("list shows page %d, want 2", p)
	}
	if got := d.m.list.items[0].ID; got != ids[50] {
		t.Fatalf("first row %s, want page 2's %s", got, ids[50])
	}
	if !strings.Contains(d.View(), "page 2/3") {
		t.Fatalf("footer not on page 2:\n%s", d.View())
	}
}

// A server whose meta.page always says 1: the page shown is the page asked
// for, and a refresh of page 2 keeps the selection.
func TestPageShownIsThePageAskedFor(t *testing.T) {
	clock := newFakeClock()
	f := &fakeAPI{items: fakeConnectors(120), metaPage: 1}
	d := newDriver(t, testOptions(f, clock), clock, 160, 48)
	d.Key("]")
	d.Key("j", "j")
	sel, _ := d.m.list.Selected()
	d.Advance(31 * time.Second) // a list refresh
	after, _ := d.m.list.Selected()
	if after.ID != sel.ID || !strings.Contains(d.View(), "page 2/3") {
		t.Fatalf("after a refresh: selected %s (was %s); view:\n%s", after.ID, sel.ID, d.View())
	}
}

// The has_next field decides: with a page count of 0 the next page is reachable.
func TestHasNextReachesTheNextPageWithoutACount(t *testing.T) {
	s := newScripted(0)
	all := fakeConnectors(137)
	s.list = func(page, per int) *api.ConnectorPage {
		from, to := min((page-1)*per, len(all)), min(page*per, len(all))
		return &api.ConnectorPage{Items: all[from:to], Meta: api.PageMeta{Page: page, PerPage: per, HasNext: to < len(all)}}
	}
	d := startScripted(t, s, 160, 48)
	d.Key("]")
	d.Advance(time.Second)
	if d.m.list.Page() != 2 || d.m.list.items[0].ID != "c50" {
		t.Fatalf("] did not reach page 2 (has_next true, total_pages 0):\n%s", d.View())
	}
	d.Key("]")
	d.Advance(time.Second)
	if d.m.list.Page() != 3 || d.m.list.items[0].ID != "c100" {
		t.Fatalf("connectors 101–137 unreachable:\n%s", d.View())
	}
}

// An empty page of a non-empty account is said as such.
func TestEmptyPageOfANonEmptyAccountSaysSo(t *testing.T) {
	s := newScripted(0)
	s.list = func(page, per int) *api.ConnectorPage {
		return &api.ConnectorPage{Meta: api.PageMeta{Page: page, PerPage: per, Total: 500, TotalPages: 10, HasNext: true}}
	}
	d := startScripted(t, s, 160, 48)
	mustShow(t, d, "the server returned an empty page 1 of 10")
	mustNotShow(t, d, "no connectors on this account")
}
