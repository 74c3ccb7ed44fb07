package ui

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
)

// The fleet: the index the crawl fills, filtered, sorted,
// counted and grouped by cause.

// startIndexed is a dashboard with the crawl on, on a sandbox of n
// connectors (0: the default 137), advanced until the index is complete and
// the errors' details are known.
func startIndexed(t *testing.T, so sandbox.Options, w, h int) *uiFixture {
	t.Helper()
	clock := newFakeClock()
	c, sb, rec := newRecordedSandbox(t, clock, so)
	o := testOptions(c, clock)
	o.NoIndex = false
	d := newDriver(t, o, clock, w, h)
	d.Advance(2 * time.Minute)
	if ix := d.m.mon.Index(); !ix.Complete {
		t.Fatalf("index not complete after 2 min: %+v", ix)
	}
	return &uiFixture{driver: d, sb: sb, rec: rec, ids: sb.IDs()}
}

func (f *uiFixture) rowNames() []string {
	out := make([]string, f.m.list.Len())
	for i := range out {
		out[i] = f.m.list.items[i].Name
	}
	return out
}

// Typing filters the whole account, not the page: accent- and
// case-insensitive, CJK, Arabic and emoji alike; enter keeps the filter,
// esc clears it and the server page is back.
func TestFilterFindsAcrossTheAccount(t *testing.T) {
	f := startIndexed(t, sandbox.Options{}, 160, 48)
	for _, tc := range []struct {
		query, want string
	}{
		{"granite tools", "Granite Tools"},
		{"ELEGANCE cafe", "Boutique Élégance — Café"},
		{"東京", "東京ストア 公式"},
		{"الأناقة", "متجر الأناقة العربية"},
		{"🌞", "🛒 Summer Shop 🌞"},
		{"zurich", "Zürich Uhren & Schmuck AG"},
	} {
		f.Key("/")
		f.Type(tc.query)
		names := f.rowNames()
		if !slices.Contains(names, tc.want) {
			t.Errorf("%q: %q not among %v", tc.query, tc.want, names)
		}
		want := fmt.Sprintf("%d of 137", len(names))
		if !strings.Contains(f.View(), want) {
			t.Errorf("%q: the screen does not say %q:\n%s", tc.query, want, f.View())
		}
		f.Key("esc")
	}

	// A row on page 3 is found from page 1.
	last := f.m.mon.Store()
	c, _ := last.Get(f.ids[136])
	f.Key("/")
	f.Type(c.ID[:13])
	if got, ok := f.m.list.Selected(); !ok || got.ID != c.ID {
		t.Fatalf("id prefix %q: selected %+v", c.ID[:13], got)
	}
	f.Key("enter")
	if isTop[filterLine](f.m) || !f.m.fleet.active() {
		t.Fatalf("enter did not keep the filter and return to the list")
	}
	if !strings.Contains(f.View(), "filter “"+c.ID[:13]+"” · 1 of 137") {
		t.Errorf("the kept filter is not shown:\n%s", f.View())
	}
	// Paging keys do nothing on the fleet.
	f.Key("]")
	if f.m.mon.PageWanted() != 1 {
		t.Errorf("] paged while filtered")
	}
	// Cleared, the server's pages are back, on the page of the connector
	// selected, still selected.
	f.Key("/", "esc")
	if f.m.fleet.active() || !strings.Contains(f.View(), "page 3/3 · 137 connectors") {
		t.Errorf("esc did not bring the server page back:\n%s", f.View())
	}
	if got, _ := f.m.list.Selected(); got.ID != c.ID || f.m.list.Len() != 37 {
		t.Errorf("after clearing: %d rows, %q selected; want page 3's 37 and %q", f.m.list.Len(), got.ID, c.ID)
	}
}

// The matched text is visible without colour: in brackets.
func TestFilterMarksMatchesInPlainText(t *testing.T) {
	f := startIndexed(t, sandbox.Options{}, 160, 48)
	f.Key("/")
	f.Type("summer")
	if !strings.Contains(f.View(), "🛒 [Summer] Shop 🌞") {
		t.Errorf("no [match] on screen:\n%s", f.View())
	}
	f.Key("esc")
	f.Key("/")
	f.Type("东京 no such shop")
	if f.m.list.Len() != 0 || !strings.Contains(f.View(), "no connector matches") {
		t.Errorf("no match not said:\n%s", f.View())
	}
}

// While the index is incomplete the matches so far are shown, and the
// count says so; they grow as the crawl goes on.
func TestFilterOnAnIncompleteIndex(t *testing.T) {
	clock := newFakeClock()
	c, _, _ := newRecordedSandbox(t, clock, sandbox.Options{Connectors: 1000})
	o := testOptions(c, clock)
	o.NoIndex = false
	f := newDriver(t, o, clock, 160, 48)
	f.Advance(time.Second) // page 1 of the crawl: 100 of 1000
	if ix := f.m.mon.Index(); ix.Complete || ix.Known >= 1000 {
		t.Fatalf("index already complete: %+v", ix)
	}
	f.Key("/")
	f.Type("a")
	before := f.m.list.Len()
	ix := f.m.mon.Index()
	want := fmt.Sprintf("%d of %d so far (index %d/1000)", before, ix.Known, ix.Known)
	if !strings.Contains(f.View(), want) {
		t.Errorf("the count does not say %q:\n%s", want, f.View())
	}
	f.Key("enter")
	f.Advance(time.Minute)
	if after := f.m.list.Len(); after <= before {
		t.Errorf("matches did not grow with the index: %d then %d", before, after)
	}
	f.Advance(time.Minute)
	if !f.m.mon.Index().Complete || strings.Contains(f.View(), "so far") {
		t.Errorf("complete index still says so far:\n%s", f.View())
	}
}

// o cycles name · status (errors first) · last sync (stalest first) ·
// platform · the server's pages; the header marks the column, the footer
// names the order, and every row of the account is there.
func TestSortCyclesOverTheWholeAccount(t *testing.T) {
	f := startIndexed(t, sandbox.Options{}, 160, 48)
	all := func() []api.Connector { return f.m.list.items }
	checks := []struct {
		mode   sortMode
		column string
		sorted func(a, b api.Connector) bool // a may come before b
	}{
		{sortName, "NAME↓", func(a, b api.Connector) bool {
			return monitor.Fold(a.Name).Text() <= monitor.Fold(b.Name).Text()
		}},
		{sortStatus, "STATUS↓", func(a, b api.Connector) bool {
			return statusRank(a.Status, f.m.mon.Lateness(a.ID)) <= statusRank(b.Status, f.m.mon.Lateness(b.ID))
		}},
		{sortLastSync, "STALEST↓", func(a, b api.Connector) bool { return compareStale(a, b) <= 0 }},
		{sortPlatform, "PLATFORM↓", func(a, b api.Connector) bool { return a.Platform <= b.Platform }},
	}
	for _, c := range checks {
		f.Key("o")
		if f.m.fleet.sort != c.mode {
			t.Fatalf("sort %v, want %v", f.m.fleet.sort, c.mode)
		}
		rows := all()
		if len(rows) != 137 {
			t.Fatalf("%v: %d rows, want the whole account", c.mode, len(rows))
		}
		for i := 1; i < len(rows); i++ {
			if !c.sorted(rows[i-1], rows[i]) {
				t.Fatalf("%v: row %d %+v before %+v", c.mode, i, rows[i-1], rows[i])
			}
		}
		view := f.View()
		if !strings.Contains(view, c.column) || !strings.Contains(view, "sort: "+c.mode.String()) {
			t.Errorf("%v: header or footer does not say so:\n%s", c.mode, view)
		}
	}
	if rows := all(); rows[0].Status != "error" && f.m.fleet.sort == sortStatus {
		t.Errorf("status sort does not start with errors")
	}
	// Scrolling to the last row: no pages.
	f.Key("G")
	if got, _ := f.m.list.Selected(); got.ID != all()[136].ID {
		t.Errorf("G did not reach row 137")
	}
	// The fifth o starts the fields again; O is the server's pages, in one
	// key whatever the sort.
	f.Key("o")
	if f.m.fleet.sort != sortName {
		t.Errorf("the fifth o sorts by %v, want name again", f.m.fleet.sort)
	}
	f.Key("O")
	if f.m.fleet.active() || f.m.list.Len() != 50 {
		t.Errorf("O did not return to server pages")
	}
}

// The header counts the account by status, glyph and word.
func TestSummaryCountsTheAccount(t *testing.T) {
	f := startIndexed(t, sandbox.Options{}, 160, 48)
	n := f.m.mon.Counts()
	if n.Error+n.Paused+n.Active+n.Other != 137 {
		t.Fatalf("counts %+v do not add up to 137", n)
	}
	want := fmt.Sprintf("✗ %d error · ‖ %d paused · ● %d active", n.Error, n.Paused, n.Active)
	if header := strings.SplitN(f.View(), "\n", 2)[0]; !strings.Contains(header, want) {
		t.Errorf("header %q lacks %q", header, want)
	}
	if !strings.Contains(f.View(), "index 137/137 · ") {
		t.Errorf("no index state:\n%s", f.View())
	}
	// Narrow: the short form.
	f.Send(tea.WindowSizeMsg{Width: 60, Height: 24})
	short := fmt.Sprintf("✗%d ‖%d ●%d", n.Error, n.Paused, n.Active)
	if header := strings.SplitN(f.View(), "\n", 2)[0]; !strings.Contains(header, short) {
		t.Errorf("narrow header %q lacks %q", header, short)
	}
}

// e groups the connectors in error by cause, listing the platforms; enter on one
// selects it in the list (even off the page shown) and closes the view.
func TestErrorsViewGroupsAndSelects(t *testing.T) {
	f := startIndexed(t, sandbox.Options{}, 160, 48)
	known, waiting := f.m.mon.Failures()
	if len(known) == 0 || len(waiting) != 0 {
		t.Fatalf("%d known, %d waiting", len(known), len(waiting))
	}
	f.Key("e")
	if !isTop[*errorsView](f.m) {
		t.Fatalf("e did not open the errors view")
	}
	view := f.View()
	for _, g := range monitor.GroupByCause(known) {
		if !strings.Contains(view, fmt.Sprintf("✗ %d × %s", len(g.Connectors), g.Cause[:min(len(g.Cause), 20)])) {
			t.Errorf("group %d × %s not shown:\n%s", len(g.Connectors), g.Cause, view)
		}
	}
	f.Key("G")
	id := f.m.screens.top().(*errorsView).Selected()
	f.Key("enter")
	if isTop[*errorsView](f.m) {
		t.Fatalf("enter did not close the view")
	}
	if got, ok := f.m.list.Selected(); !ok || got.ID != id {
		t.Fatalf("selected %q, want %q", got.ID, id)
	}
	f.Advance(time.Second)
	if f.m.detail.ID() != id {
		t.Errorf("the detail shows %q, want %q", f.m.detail.ID(), id)
	}
}

// A row in error shows its last_error once a detail told it, without
// visiting the row.
func TestListPreviewsKnownLastError(t *testing.T) {
	f := startIndexed(t, sandbox.Options{}, 160, 48)
	for _, c := range f.m.list.items {
		if c.Status != "error" || c.ID == f.m.detail.ID() {
			continue
		}
		text, ok := f.m.mon.LastError(c.ID)
		if !ok {
			t.Fatalf("%s: last_error not learnt", c.Name)
		}
		if first := firstLine(text); !strings.Contains(f.View(), c.Name+"  ✗ "+first[:min(len(first), 10)]) {
			t.Errorf("no preview for %s:\n%s", c.Name, f.View())
		}
		return
	}
	t.Fatal("no connector in error on page 1")
}

// An idle dashboard on the default account, crawl and error details
// included, stays at or under 10 requests a minute on average.
func TestIdleDashboardRequestsPerMinute(t *testing.T) {
	clock := newFakeClock()
	c, sb, _ := newRecordedSandbox(t, clock, sandbox.Options{ReadLimit: 100})
	o := testOptions(c, clock)
	o.NoIndex = false
	d := newDriver(t, o, clock, 160, 48)
	const minutes = 60
	d.Advance(minutes * time.Minute)
	st := sb.Stats()
	perMin := float64(st.Total) / minutes
	t.Logf("%d requests in %d idle minutes: %.2f/min (%v)", st.Total, minutes, perMin, st.ByRoute)
	if perMin > 10 {
		t.Errorf("%.2f requests a minute idle, budget is 10", perMin)
	}
	if !d.m.mon.Index().Complete {
		t.Errorf("index incomplete after an hour")
	}
}

// The fleet's screens in goldens: the summary and index state in every
// one, the errors view, a filter with its marks and count, a sorted list.
var fleetGoldens = []struct {
	name string
	then func(f *uiFixture)
}{
	{"fleet_errors", func(f *uiFixture) { f.Key("e", "j", "j") }},
	{"fleet_filter", func(f *uiFixture) {
		f.Key("/")
		f.Type("shop")
	}},
	{"fleet_sorted", func(f *uiFixture) { f.Key("o", "o") }},
}

func TestGoldenFleetViews(t *testing.T) {
	for _, sc := range fleetGoldens {
		for _, sz := range goldenSizes {
			w, h := sz[0], sz[1]
			name := fmt.Sprintf("%s_%dx%d", sc.name, w, h)
			t.Run(name, func(t *testing.T) {
				f := startIndexed(t, sandbox.Options{}, w, h)
				sc.then(f)
				if f.m.busy() {
					t.Fatalf("still loading: a golden must not hold a spinner frame")
				}
				view := f.View()
				checkScreenFits(t, view, w, h)
				checkGolden(t, name, view)
			})
		}
	}
}

// The fleet's screens fit every terminal size.
func TestFleetViewsFitEveryTerminalSize(t *testing.T) {
	widths := []int{1, 2, 10, 20, 24, 30, 46, 62, 80, 100, 160, 250}
	heights := []int{1, 2, 3, 4, 5, 8, 19, 24, 48}
	for _, sc := range fleetGoldens {
		t.Run(sc.name, func(t *testing.T) {
			f := startIndexed(t, sandbox.Options{}, 80, 24)
			sc.then(f)
			for _, w := range widths {
				for _, h := range heights {
					f.Send(tea.WindowSizeMsg{Width: w, Height: h})
					if !checkScreenFits(t, f.View(), w, h) {
						t.Fatalf("at %dx%d", w, h)
					}
				}
			}
		})
	}
}

// A person presses /, types a few letters of a connector on page 3, keeps
// the filter with enter and presses s: the sync form opens for that
// connector. Through a real tea.Program, in real time.
func TestJourneyFilterThenSyncForm(t *testing.T) {
	c, _ := newSandbox(t, nil, sandbox.Options{Now: time.Now, Seed: 42, SyncFailureRate: -1, AutoSync: false})
	bg := context.Background()
	var all []api.Connector
	for p := 1; p <= 2; p++ {
		page, _, err := c.ListConnectors(bg, p, 100)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Items...)
	}
	// A name on page 3 (rows 101–137) that no other name contains.
	var target api.Connector
	for _, cand := range all[100:] {
		unique := true
		for _, other := range all {
			if other.ID != cand.ID && strings.Contains(monitor.Fold(other.Name).Text(), monitor.Fold(cand.Name).Text()) {
				unique = false
			}
		}
		if unique && cand.Status != "paused" {
			target = cand
			break
		}
	}
	if target.ID == "" {
		t.Fatal("no unique name on page 3")
	}
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	m := New(Options{API: c, Context: ctx, Host: "api.test", Plain: true, Seed: 1, Location: time.UTC})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 48))
	defer func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	}()
	wait := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	wait("index 137/137")
	query := strings.ToLower(target.Name)
	tm.Type("/")
	tm.Type(query)
	wait("/" + query + "▏ · 1 of 137")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	wait("filter “" + query + "” · 1 of 137")
	tm.Type("s")
	wait("Sync EANs to " + target.Name)
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc}) // close the form, draft kept
	tm.Type("q")
	fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !ok {
		t.Fatal("final model is not a ui.Model")
	}
	if sel, _ := fm.list.Selected(); sel.ID != target.ID || fm.mon.PageWanted() != 1 {
		t.Fatalf("final selection %q on page %d, want %q from page 1's screen", sel.ID, fm.mon.PageWanted(), target.ID)
	}
}
