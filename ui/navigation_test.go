package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// j on a page's last row goes on to the next page's first row, and k on
// its first row back to the previous page's last: the rows read as one
// list.
func TestJAndKCrossPageEdges(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("G")
	last, _ := f.m.list.Selected()
	f.Key("j")
	if f.m.list.Page() != 2 || f.m.list.Cursor() != 0 {
		t.Fatalf("j on page 1's last row: page %d row %d, want page 2 row 0", f.m.list.Page(), f.m.list.Cursor())
	}
	f.has("page 2/3")
	first, _ := f.m.list.Selected()
	f.Advance(time.Second)
	if f.m.detail.ID() != first.ID {
		t.Errorf("the detail shows %q, want page 2's first %q", f.m.detail.ID(), first.ID)
	}
	f.Key("k")
	if got, _ := f.m.list.Selected(); f.m.list.Page() != 1 || got.ID != last.ID {
		t.Fatalf("k on page 2's first row: page %d, %q selected; want page 1's last %q", f.m.list.Page(), got.ID, last.ID)
	}
	// The first row of the first page still has nothing above.
	f.Key("g", "k")
	if f.m.list.Page() != 1 || f.m.list.Cursor() != 0 {
		t.Errorf("k on the first row of page 1 moved to page %d row %d", f.m.list.Page(), f.m.list.Cursor())
	}
}

// esc on the list clears a kept filter (and a sort): the server's pages
// are back, on the page of the connector selected, which stays selected.
func TestEscClearsAKeptFilterKeepingTheSelection(t *testing.T) {
	f := startIndexed(t, sandbox.Options{}, 160, 48)
	c, _ := f.m.mon.Store().Get(f.ids[120]) // on page 3
	f.Key("/")
	f.Type(c.ID)
	f.Key("enter", "o")
	if got, _ := f.m.list.Selected(); got.ID != c.ID || !f.m.fleet.active() {
		t.Fatalf("filtered on its id: %q selected", got.ID)
	}
	f.Key("esc")
	if f.m.fleet.active() {
		t.Fatalf("esc kept the filter or sort:\n%s", f.View())
	}
	f.has("page 3/3")
	if got, _ := f.m.list.Selected(); got.ID != c.ID {
		t.Errorf("after esc %q is selected, want %q still", got.ID, c.ID)
	}
}

// From any sort, one key is the server's pages again: O (a kept filter
// stays) or esc.
func TestOneKeyFromASortBackToPages(t *testing.T) {
	f := startIndexed(t, sandbox.Options{}, 160, 48)
	for _, back := range []string{"O", "esc"} {
		for n := 1; n <= 4; n++ {
			for range n {
				f.Key("o")
			}
			if !f.m.fleet.active() {
				t.Fatalf("%d o: not sorted", n)
			}
			f.Key(back)
			if f.m.fleet.active() || !strings.Contains(f.View(), "page 1/3") {
				t.Fatalf("%d o then %s: not on the server's pages:\n%s", n, back, f.View())
			}
		}
	}
	f.Key("O")
	f.has("already in the server's order")
}

// enter on an event opens its connector: selected in the list, on its
// server page when it is on another.
func TestEnterOnAnEventOpensItsConnector(t *testing.T) {
	f := startIndexed(t, sandbox.Options{}, 160, 48)
	c, _ := f.m.mon.Store().Get(f.ids[130]) // on page 3
	f.m.feed.keep([]monitor.Event{{ID: "e1", Time: testEpoch, ConnectorID: c.ID, Name: c.Name, Kind: monitor.TurnedError}})
	f.Key("E", "enter")
	if isTop[*eventsView](f.m) {
		t.Fatal("enter left the events open")
	}
	if got, _ := f.m.list.Selected(); got.ID != c.ID || f.m.list.Page() != 3 {
		t.Fatalf("selected %q on page %d, want %q on page 3", got.ID, f.m.list.Page(), c.ID)
	}
	f.Advance(time.Second)
	if f.m.detail.ID() != c.ID {
		t.Errorf("the detail shows %q, want %q", f.m.detail.ID(), c.ID)
	}
}

// A connector no page has shown (no index, another page) is asked for by
// id and selected when it comes.
func TestEnterOnAnEventFetchesAConnectorNotSeen(t *testing.T) {
	f := startSettled(t, 160, 48)
	id := f.ids[100] // page 3, never shown, no index
	if _, ok := f.m.mon.Store().Get(id); ok {
		t.Fatal("the connector is known already")
	}
	f.m.feed.keep([]monitor.Event{{ID: "e1", Time: testEpoch, ConnectorID: id, Name: "far away", Kind: monitor.TurnedError}})
	f.Key("E", "enter")
	f.Advance(time.Second)
	if got, _ := f.m.list.Selected(); got.ID != id {
		t.Fatalf("selected %q, want %q", got.ID, id)
	}
	if f.m.detail.ID() != id {
		t.Errorf("the detail shows %q, want %q", f.m.detail.ID(), id)
	}
}

// enter on a history row opens that row's connector.
func TestEnterOnAHistoryRowOpensItsConnector(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("j", "j", "j")
	want, _ := f.m.list.Selected()
	f.Key("g")
	f.Send(historyLoadedMsg{actions: []history.Action{
		{ID: "a2", Time: testEpoch, ConnectorID: want.ID, ConnectorName: want.Name, Kind: history.SyncEANs, EANs: []string{"4006381333931"}, Outcome: "queued"},
	}})
	f.Key("H")
	f.has("▶ ")
	f.Key("enter")
	if isTop[*historyView](f.m) {
		t.Fatal("enter left the history open")
	}
	if got, _ := f.m.list.Selected(); got.ID != want.ID {
		t.Errorf("selected %q, want %q", got.ID, want.ID)
	}
}

// F cycles the events' kind filter the other way; a kind with no events
// says so and how to clear the filter, and esc clears it.
func TestEventKindFilterBackwardsAndEmpty(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.m.feed.keep([]monitor.Event{{ID: "e1", Time: testEpoch, ConnectorID: f.ids[0], Name: "Shop", Kind: monitor.TurnedError}})
	f.Key("E", "F")
	ev := f.m.screens.top().(*eventsView)
	if kinds := eventKinds(); ev.kind != kinds[len(kinds)-1] {
		t.Fatalf("F from all kinds: %q, want the last kind %q", ev.kind, kinds[len(kinds)-1])
	}
	view := f.View()
	if strings.Contains(view, "Nothing has changed yet") || !strings.Contains(view, "No "+string(ev.kind)+" events") ||
		!strings.Contains(view, "esc clears the filter") {
		t.Errorf("an empty kind filter does not say so:\n%s", view)
	}
	f.Key("esc")
	if !isTop[*eventsView](f.m) || ev.kind != "" {
		t.Fatalf("esc did not clear the kind filter (kind %q)", ev.kind)
	}
	f.has("turned_error")
	f.Key("esc")
	if isTop[*eventsView](f.m) {
		t.Error("esc with no filter did not close the events")
	}
}

// The export prompt's and the switcher's enter say what enter does there.
func TestEnterHintsSayWhatEnterDoes(t *testing.T) {
	f := startOn(t, sandbox.Options{}, func(o *Options) {
		o.Accounts = []shared.AccountSpec{{Name: "ACME", Host: "a"}, {Name: "Initech", Host: "i"}}
	})
	f.Key("x")
	if h := f.helpLine(); strings.Contains(h, "open detail") || !strings.Contains(h, "enter write file") {
		t.Errorf("export prompt's help: %q", h)
	}
	f.Key("esc", "P")
	if h := f.helpLine(); strings.Contains(h, "open detail") || !strings.Contains(h, "enter open account") {
		t.Errorf("switcher's help: %q", h)
	}
}
