package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/ui/widget"
)

// An id is used as the server sent it: neutralising it for display must not
// change what is requested (a zero-width space would become "<U+200B>").
func TestRawIDsAddressRequests(t *testing.T) {
	clock := newFakeClock()
	f := &fakeAPI{items: []api.Connector{{ID: "abc\u200bdef", Name: "Odd id", Status: "active"}}}
	d := newDriver(t, testOptions(f, clock), clock, 160, 48)
	d.Advance(time.Second)
	if len(f.asked) == 0 || f.asked[0] != "abc\u200bdef" {
		t.Fatalf("asked for %q, want the raw id", f.asked)
	}
	if d.m.detail.Gone() || !strings.Contains(d.View(), "abc<U+200B>def") {
		t.Fatalf("the odd id is not fetched and shown neutralised:\n%s", d.View())
	}
}

// Scrolling the detail stops at its end, so the way back is one key.
func TestDetailScrollStopsAtTheEnd(t *testing.T) {
	clock := newFakeClock()
	c, sb := newSandbox(t, clock, sandbox.Options{})
	long := strings.Repeat("the platform said no; ", 40) // about 12 wrapped lines
	sb.SetLastError(sb.IDs()[0], &long)
	d := newDriver(t, testOptions(c, clock), clock, 80, 24)
	d.Advance(time.Second)
	d.Key("tab")
	for range 30 {
		d.Key("j")
	}
	end := d.m.detail.Offset()
	d.Key("k")
	if end == 0 || end >= 30 || d.m.detail.Offset() != end-1 {
		t.Fatalf("offset %d after 30 downs, %d after one up", end, d.m.detail.Offset())
	}
}

// Data shown from the cache says so until a fresh answer arrives.
func TestCachedDetailIsLabelled(t *testing.T) {
	clock := newFakeClock()
	f := &fakeAPI{items: fakeConnectors(3)}
	d := newDriver(t, testOptions(f, clock), clock, 160, 48)
	d.Advance(time.Second) // c0 fetched
	d.Key("j")
	d.Advance(time.Second) // c1 fetched
	d.Advance(20 * time.Minute)
	d.Key("k") // back to c0: its 20-minute-old detail is shown at once
	if v := d.View(); !strings.Contains(v, "cached · 20m ago") {
		t.Fatalf("cached detail not labelled:\n%s", v)
	}
	d.Advance(time.Second)
	if v := d.View(); strings.Contains(v, "cached") || !strings.Contains(v, "live · every") {
		t.Fatalf("still labelled cached after a fresh answer:\n%s", v)
	}
}

// A time sent but unreadable is "?", in the list and the detail, and
// stays so when the detail patches the list row.
func TestUnreadableTimesShowAQuestionMark(t *testing.T) {
	s := newScripted(2)
	s.items[0].LastSyncAtUnknown = true
	s.items[0].CreatedAtUnknown = true
	d := startScripted(t, s, 160, 48)
	row := d.m.list.renderRow(d.m.list.columns(), 0, false, d.m.list.lastSync(d.clock.Now(), d.m.list.columns(), 0))
	if !strings.Contains(row, " ? ") || strings.Contains(row, "never") {
		t.Fatalf("list row: %q", row)
	}
	pane := d.m.detail.View(d.clock.Now(), "")
	for _, want := range []string{"last sync  ?", "created    ?"} {
		if !strings.Contains(pane, want) {
			t.Fatalf("detail lacks %q:\n%s", want, pane)
		}
	}
	if strings.Contains(pane, "never") || strings.Contains(pane, "unknown") {
		t.Fatalf("an unreadable time is shown as none:\n%s", pane)
	}
	if it := d.m.list.items[0]; !it.LastSyncAtUnknown || !it.CreatedAtUnknown {
		t.Fatalf("the detail's patch dropped the flags: %+v", it)
	}
	// A year-1 time is "?", not "292y ago".
	zero := time.Time{}
	if got := widget.Ago(d.clock.Now(), zero); got != "?" {
		t.Fatalf("ago(year 1) = %q", got)
	}
}

// Unknown counts are "?", with no percentage or ETA, and are not
// taken as readings of the throughput; an ETA is never negative or absurd.
func TestUnknownCountsShowAQuestionMarkAndNoETA(t *testing.T) {
	s := newScripted(1)
	pending := 100
	unknown := false
	s.detail = func(id string) (*api.ConnectorDetail, error) {
		return &api.ConnectorDetail{Connector: s.items[0], SyncStats: api.SyncStats{ProductsSynced: 1000 - pending,
			ProductsPending: pending, ProductsPendingUnknown: unknown, ProductsSyncedUnknown: unknown}}, nil
	}
	d := startScripted(t, s, 160, 48)
	unknown = true
	d.Advance(15 * time.Second)
	pane := d.m.detail.View(d.clock.Now(), "")
	if !strings.Contains(pane, "synced     ? products") || !strings.Contains(pane, "pending    ? products") {
		t.Fatalf("unknown counts not shown as ?:\n%s", pane)
	}
	if strings.Contains(pane, "%") || strings.Contains(pane, "ETA") {
		t.Fatalf("a share or ETA of unknown counts:\n%s", pane)
	}
	if d.m.detail.Samples() != 1 {
		t.Fatalf("%d samples: an unknown reading was taken as one", d.m.detail.Samples())
	}
	for _, tc := range []struct {
		secs float64
		want string
	}{{-5, "?"}, {1e30, "> 99h 00m"}, {90, "1m 30s"}} {
		if got := widget.ETAText(tc.secs); got != tc.want {
			t.Fatalf("etaText(%g) = %q, want %q", tc.secs, got, tc.want)
		}
	}
}

// Leaving a connector whose detail hangs cancels that request, so the
// next one is fetched at once.
func TestLeavingAHangingDetailCancelsIt(t *testing.T) {
	s := newScripted(3)
	d := startScripted(t, s, 160, 48)
	s.hangOn = "c1"
	d.Key("j")
	// The debounce fires: c1's request goes out and hangs, off the driver.
	var wake tea.Msg
	for i := len(d.timers) - 1; i >= 0; i-- {
		if w, ok := d.timers[i].msg.(wakeMsg); ok && w.Target == 1 && d.m.mon.Live(w.Timer) {
			wake = d.timers[i].msg
			d.timers = append(d.timers[:i], d.timers[i+1:]...)
			break
		}
	}
	if wake == nil {
		t.Fatal("no debounce timer for the selection")
	}
	next, cmd := d.m.Update(wake)
	d.m = next.(Model)
	answered := make(chan tea.Msg, 1)
	go func() { answered <- cmd() }()
	d.Key("j") // on to c2
	select {
	case err := <-s.hungErr:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the hanging request ended with %v", err)
		}
	case <-time.After(10 * time.Second): // a guard against hanging the test, not a timing assertion
		t.Fatal("the hanging request for the connector left was not cancelled")
	}
	d.Send(<-answered) // its answer is dropped
	d.Advance(time.Second)
	if d.m.detail.Data() == nil || d.m.detail.Data().ID != "c2" {
		t.Fatalf("c2 was not fetched after leaving the hanging c1:\n%s", d.View())
	}
}

// A detail answer about another connector is the selected one's error,
// and renames no list row.
func TestDetailAnswerForAnotherIDIsAnError(t *testing.T) {
	s := newScripted(3)
	for _, typed := range []bool{true, false} {
		// typed: the client said so; otherwise an API that does not check
		// answered c2's detail with no error.
		s.detail = func(id string) (*api.ConnectorDetail, error) {
			switch {
			case id != "c1":
				return nil, nil
			case typed:
				return nil, &api.ConnectorMismatchError{Asked: "c1", Answered: "c2"}
			}
			other := s.items[2]
			other.Name = "Renamed by a stray answer"
			return &api.ConnectorDetail{Connector: other}, nil
		}
		d := startScripted(t, s, 160, 48)
		d.Key("j")
		d.Advance(time.Second)
		mustShow(t, d, `answered with connector "c2" when asked for "c1"`)
		mustNotShow(t, d, "Renamed by a stray answer")
		if d.m.list.items[1].Name != "Shop 1" || d.m.list.items[2].Name != "Shop 2" {
			t.Fatalf("a list row was patched: %+v", d.m.list.items)
		}
		if d.m.detail.ID() != "c1" || d.m.detail.Data() != nil {
			t.Fatalf("the pane shows data under c1: %+v", d.m.detail.Data())
		}
	}
}

// The detail reserves its rows: what follows the sync counters stays
// put while the stats load, while a sync drains and after it ends.
func TestDetailRowsDoNotJump(t *testing.T) {
	s := newScripted(1)
	pending := 0
	s.detail = func(id string) (*api.ConnectorDetail, error) {
		return &api.ConnectorDetail{Connector: s.items[0], SyncStats: api.SyncStats{ProductsSynced: 50, ProductsPending: pending}}, nil
	}
	clock := newFakeClock()
	d := newDriver(t, testOptions(s, clock), clock, 160, 48)
	loading := lineOf(d.m.detail.View(clock.Now(), ""), "last sync")
	d.Advance(time.Second)
	idle := lineOf(d.m.detail.View(clock.Now(), ""), "last sync")
	pending = 20
	d.Advance(15 * time.Second)
	view := d.m.detail.View(clock.Now(), "")
	syncing := lineOf(view, "last sync")
	if !strings.Contains(view, "█") && !strings.Contains(view, "░") {
		t.Fatalf("no progress bar while syncing:\n%s", view)
	}
	pending = 0
	d.Advance(15 * time.Second)
	after := lineOf(d.m.detail.View(clock.Now(), ""), "last sync")
	if loading < 0 || loading != idle || idle != syncing || syncing != after {
		t.Fatalf("\"last sync\" moves: row %d loading, %d idle, %d syncing, %d after", loading, idle, syncing, after)
	}
}
