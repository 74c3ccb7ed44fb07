package ui

// Issue 15's defects in the UI, each test named for the behaviour it
// protects (the item number in its comment).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/muesli/termenv"

	"github.com/pixee/pixee-tui/api"
)

// scriptedAPI is fakeAPI with the answers a test scripts: a sync's, a
// detail's (by id), and a hang that ends only when the request's context
// does.
type scriptedAPI struct {
	*fakeAPI
	sync    func() (*api.SyncResult, error)
	detail  func(id string) (*api.ConnectorDetail, error) // nil answer: fakeAPI's
	list    func(page, perPage int) *api.ConnectorPage    // nil: fakeAPI's
	hangOn  string                                        // GetConnector of this id waits for its context
	hungErr chan error
}

func (s *scriptedAPI) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	if id == s.hangOn {
		<-ctx.Done()
		s.hungErr <- ctx.Err()
		return nil, nil, ctx.Err()
	}
	if s.detail != nil {
		if d, err := s.detail(id); d != nil || err != nil {
			return d, &api.Response{StatusCode: 200}, err
		}
	}
	return s.fakeAPI.GetConnector(ctx, id)
}

func (s *scriptedAPI) SyncEANs(ctx context.Context, id string, eans []string) (*api.SyncResult, *api.Response, error) {
	if s.sync == nil {
		return s.fakeAPI.SyncEANs(ctx, id, eans)
	}
	s.fakeAPI.mu.Lock()
	s.fakeAPI.posts++
	s.fakeAPI.mu.Unlock()
	r, err := s.sync()
	return r, &api.Response{StatusCode: 202}, err
}

func (s *scriptedAPI) ListConnectors(ctx context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	if s.list != nil {
		return s.list(page, perPage), &api.Response{StatusCode: 200}, nil
	}
	return s.fakeAPI.ListConnectors(ctx, page, perPage)
}

func (s *scriptedAPI) SyncCatalog(ctx context.Context, id string) (*api.SyncResult, *api.Response, error) {
	return s.SyncEANs(ctx, id, nil)
}

func newScripted(n int) *scriptedAPI {
	return &scriptedAPI{fakeAPI: &fakeAPI{items: fakeConnectors(n)}, hungErr: make(chan error, 4)}
}

func startScripted(t *testing.T, s *scriptedAPI, w, h int) *driver {
	t.Helper()
	clock := newFakeClock()
	d := newDriver(t, testOptions(s, clock), clock, w, h)
	d.Advance(time.Second)
	return d
}

func mustShow(t *testing.T, d *driver, want ...string) {
	t.Helper()
	v := flatView(d.View())
	for _, s := range want {
		if !strings.Contains(v, s) {
			t.Fatalf("screen lacks %q:\n%s", s, d.View())
		}
	}
}

func mustNotShow(t *testing.T, d *driver, unwanted ...string) {
	t.Helper()
	v := flatView(d.View())
	for _, s := range unwanted {
		if strings.Contains(v, s) {
			t.Fatalf("screen shows %q:\n%s", s, d.View())
		}
	}
}

// #16: a 2xx with nothing readable is an accepted sync: said as what is
// known, the draft dropped, no resend invited.
func TestAcceptedSyncWithoutAnAnswerIsDoneNotFailed(t *testing.T) {
	s := newScripted(3)
	s.sync = func() (*api.SyncResult, error) {
		return &api.SyncResult{Unreported: true, ProductsQueuedUnknown: true}, nil
	}
	d := startScripted(t, s, 160, 48)
	submitSync(d, "4006381333931")
	mustShow(t, d, "accepted by the server; no sync id returned", "queued not reported")
	mustNotShow(t, d, "queued 0 products", "failed", "✗")
	if d.m.mon.Draft("c0") != "" || !d.m.openForm().Finished() {
		t.Fatal("the draft of an accepted sync is kept for a resend")
	}
	d.Key("enter") // dismissed
	d.Key("s")
	if d.m.openForm().Draft() != "" {
		t.Fatal("reopening the form offers the accepted EANs again")
	}
}

// #17: a sync the server said it did not queue is headlined so, with the
// server's text; an unknown count is "not reported", not 0.
func TestRejectedSyncIsNotShownQueued(t *testing.T) {
	s := newScripted(3)
	s.sync = func() (*api.SyncResult, error) {
		return nil, &api.SyncRejectedError{Status: "rejected", Detail: "catalog locked"}
	}
	d := startScripted(t, s, 160, 48)
	submitSync(d, "4006381333931")
	mustShow(t, d, "✗ not queued", "catalog locked")
	mustNotShow(t, d, "✓ sync queued")

	// The whole-catalog flash too.
	d.Key("esc", "S", "y")
	mustShow(t, d, "✗ not queued")
	if strings.Contains(d.View(), "sync failed") {
		t.Fatalf("a rejection is called a failure:\n%s", d.View())
	}
	s.sync = func() (*api.SyncResult, error) {
		return &api.SyncResult{SyncID: "s9", Status: "queued", ProductsQueuedUnknown: true}, nil
	}
	d.Advance(time.Minute)
	d.Key("S", "y")
	mustShow(t, d, "products queued: not reported")
	mustNotShow(t, d, "queued: 0 products")
}

// #18: a time sent but unreadable is "?", in the list and the detail, and
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
	// #29: a year-1 time is "?", not "292y ago".
	zero := time.Time{}
	if got := ago(d.clock.Now(), zero); got != "?" {
		t.Fatalf("ago(year 1) = %q", got)
	}
}

// #19: unknown counts are "?", with no percentage or ETA, and are not
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
	if d.m.detail.nSample != 1 {
		t.Fatalf("%d samples: an unknown reading was taken as one", d.m.detail.nSample)
	}
	for _, tc := range []struct {
		secs float64
		want string
	}{{-5, "?"}, {1e30, "> 99h 00m"}, {90, "1m 30s"}} {
		if got := etaText(tc.secs); got != tc.want {
			t.Fatalf("etaText(%g) = %q, want %q", tc.secs, got, tc.want)
		}
	}
}

// #20: leaving a connector whose detail hangs cancels that request, so the
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
	if d.m.detail.data == nil || d.m.detail.data.ID != "c2" {
		t.Fatalf("c2 was not fetched after leaving the hanging c1:\n%s", d.View())
	}
}

// #25: a detail answer about another connector is the selected one's error,
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
		if d.m.detail.ID() != "c1" || d.m.detail.data != nil {
			t.Fatalf("the pane shows data under c1: %+v", d.m.detail.data)
		}
	}
}

// #29: "20 000 rejected", with the separator used elsewhere.
func TestRejectedCountHasThousandsSeparator(t *testing.T) {
	s := newScripted(1)
	d := startScripted(t, s, 160, 48)
	d.Key("s")
	d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("x ", 20000)), Paste: true})
	mustShow(t, d, "20 000 rejected")
}

// lineOf is the index of the first line of a pane view holding s, -1 if none.
func lineOf(view, s string) int {
	for i, l := range strings.Split(view, "\n") {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}

// #11: the detail reserves its rows: what follows the sync counters stays
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

// #22: has_next decides: with a page count of 0 the next page is reachable.
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

// #26: an empty page of a non-empty account is said as such.
func TestEmptyPageOfANonEmptyAccountSaysSo(t *testing.T) {
	s := newScripted(0)
	s.list = func(page, per int) *api.ConnectorPage {
		return &api.ConnectorPage{Meta: api.PageMeta{Page: page, PerPage: per, Total: 500, TotalPages: 10, HasNext: true}}
	}
	d := startScripted(t, s, 160, 48)
	mustShow(t, d, "the server returned an empty page 1 of 10")
	mustNotShow(t, d, "no connectors on this account")
}

// #21: EANs typed key by key (not a bracketed paste) cost the same per key
// however long the text: it is validated in batches, not on every key, and
// laid out from its last row. ctrl+c behind them still quits.
func TestTypedEANsAreNotValidatedOnEveryKey(t *testing.T) {
	s := newScripted(1)
	d := startScripted(t, s, 120, 40)
	d.Key("s")
	f := d.m.openForm()
	text := strings.Repeat("4006381333931\n", 1500) // 21 000 keys
	for _, r := range text {
		if r == '\n' {
			d.Key("enter")
		} else {
			d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
	if f.parses > len(text)/5 {
		t.Fatalf("%d validations for %d typed keys: one per key", f.parses, len(text))
	}
	d.Advance(time.Second) // the batch is due
	if f.Dirty() || len(f.parsed.Valid) != 1 || f.parsed.Duplicates != 1499 {
		t.Fatalf("typed text not validated in the end: %d valid, %d duplicates", len(f.parsed.Valid), f.parsed.Duplicates)
	}
	if f.editor.rowsValid {
		rows := append([]int(nil), f.editor.rows...)
		f.editor.rowsValid = false
		f.editor.layout()
		if !slices.Equal(rows, f.editor.rows) {
			t.Fatal("the incremental layout differs from a full one")
		}
	}
	d.Key("ctrl+c")
	if !d.quit {
		t.Fatal("ctrl+c did not quit")
	}
}

// #1 and #2: the sync result shows the connector's draining counts beside
// it, and the bar measures the sync triggered (queued → drained), saying
// so, not the catalog's share.
func TestSyncResultShowsTheDrainOfThatSync(t *testing.T) {
	s := newScripted(1)
	synced, pending := 1255, 0
	s.detail = func(id string) (*api.ConnectorDetail, error) {
		return &api.ConnectorDetail{Connector: s.items[0], SyncStats: api.SyncStats{ProductsSynced: synced, ProductsPending: pending}}, nil
	}
	s.sync = func() (*api.SyncResult, error) {
		pending = 100
		return &api.SyncResult{SyncID: "s1", Status: "queued", ProductsQueued: 100}, nil
	}
	d := startScripted(t, s, 80, 40)
	submitSync(d, "4006381333931")
	if !d.m.openForm().Finished() {
		t.Fatalf("no result:\n%s", d.View())
	}
	mustShow(t, d, "✓ sync queued", "pending 100 products", "0/100 of this sync")
	mustNotShow(t, d, "93%")
	synced, pending = 1295, 60
	d.Advance(3 * time.Second)
	mustShow(t, d, "✓ sync queued", "pending 60 products", "40/100 of this sync")
	d.Key("enter")
	mustShow(t, d, "40/100 of this sync") // the pane, once the result is dismissed
}

// #3: the question says what is left out, what is sent despite a warning,
// and a connector that is not active.
func TestConfirmationSaysRejectedWarnedAndState(t *testing.T) {
	s := newScripted(1)
	s.items[0].Status = "paused"
	d := startScripted(t, s, 120, 40)
	d.Key("s")
	d.Type("4006381333931 4006381333932 12345")
	d.Key("ctrl+s")
	if d.m.question() == nil {
		t.Fatalf("no question:\n%s", d.View())
	}
	mustShow(t, d, "Sync 2 EANs", "1 rejected (not sent)", "1 check-digit warning (sent anyway)", "The connector is ‖ paused.")
}

// #6: p says "resume" while paused, and is not offered once a rejected key
// stopped polling.
func TestPauseKeySaysResumeAndIsNotOfferedAfter401(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.helpHas("p pause live")
	f.Key("p")
	f.helpHas("p resume live")
	f.Key("p")
	f.helpHas("p pause live")
	f.rec.set(onReads(respond(401, "application/json", `{"detail":"Invalid API key"}`)))
	f.Key("r")
	if f.m.mon.AuthErr() == nil {
		t.Fatalf("no auth error after a 401:\n%s", f.View())
	}
	f.helpLacks("pause live")
}

// #5: the help shows every key of the screen (idle ones too), cuts none at
// 80x24, loses no column at 60x20, and names the form's and a question's
// keys; the help line holds whole items only.
func TestHelpShowsEveryKeyUncut(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 20}, {160, 48}} {
		f := startSettled(t, size[0], size[1])
		if strings.Contains(f.helpLine(), "…") {
			t.Fatalf("%dx%d: the help line cuts an item: %q", size[0], size[1], f.helpLine())
		}
		if size[0] >= 80 {
			f.helpHas("↑/k up") // idle on row 1, shown all the same where there is room
		}
		f.Key("?")
		v := flatView(f.View())
		k := &f.m.keys
		for _, b := range []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageDown, k.PageUp, k.HalfDown, k.HalfUp, k.NextPage, k.PrevPage, k.FocusNext,
			k.FocusPrev, k.Open, k.Sync, k.SyncAll, k.Refresh, k.Pause, k.Help, k.Quit, k.ForceQuit,
			k.Submit, k.CloseForm, k.ProblemsDown, k.ProblemsUp, k.Yes, k.No, k.Back} {
			if want := b.Help().Key + " " + b.Help().Desc; !strings.Contains(v, want) {
				t.Fatalf("%dx%d: the help lacks %q:\n%s", size[0], size[1], want, f.View())
			}
		}
	}
}

// #7: the focused pane shows without colour: its border is heavy.
func TestFocusIsVisibleWithoutColour(t *testing.T) {
	f := startSettled(t, 160, 48) // the tests' profile is ASCII: no colour at all
	before := f.View()
	lines := strings.Split(before, "\n")
	if !strings.HasPrefix(lines[1], "┏") || strings.Count(lines[1], "┏") != 1 {
		t.Fatalf("the focused list has no heavy border:\n%s", lines[1])
	}
	f.Key("tab")
	after := strings.Split(f.View(), "\n")[1]
	if after == lines[1] || !strings.HasPrefix(after, "╭") || !strings.Contains(after, "┏") {
		t.Fatalf("tab changed nothing visible without colour:\n%s\n%s", lines[1], after)
	}
}

// #8: on a 16-colour terminal paused and error do not share a colour, and
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

// #15: PgDn/PgUp move a screenful of rows, ctrl+d/ctrl+u half of one, and
// a count repeats a move (5j) or names a row (12G).
func TestScreenfulHalfAndCountedMoves(t *testing.T) {
	s := newScripted(50)
	d := startScripted(t, s, 160, 24)
	screen := d.m.list.rowsShown()
	d.Send(tea.KeyMsg{Type: tea.KeyPgDown})
	if got := d.m.list.Cursor(); got != screen {
		t.Fatalf("pgdown: row %d, want %d", got, screen)
	}
	d.Send(tea.KeyMsg{Type: tea.KeyPgUp})
	d.Send(tea.KeyMsg{Type: tea.KeyCtrlD})
	if got := d.m.list.Cursor(); got != screen/2 {
		t.Fatalf("ctrl+d: row %d, want %d", got, screen/2)
	}
	d.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	if got := d.m.list.Cursor(); got != 0 {
		t.Fatalf("ctrl+u: row %d, want 0", got)
	}
	d.Key("5", "j")
	if got := d.m.list.Cursor(); got != 5 {
		t.Fatalf("5j: row %d, want 5", got)
	}
	d.Key("j")
	if got := d.m.list.Cursor(); got != 6 {
		t.Fatalf("the count outlived its move: j went to row %d", got)
	}
	d.Key("1", "2", "G")
	if got := d.m.list.Cursor(); got != 11 {
		t.Fatalf("12G: row %d, want 11", got)
	}
	d.Advance(time.Second)
	if d.m.detail.ID() != "c11" {
		t.Fatalf("the detail shows %s, want c11", d.m.detail.ID())
	}
}

// #9: a long platform gets a wider column on a wide terminal, and the
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

// #4: a paste after a kept draft gets a separator; the problems beyond
// the room ("… 94 more") scroll; ctrl+u at a line's start keeps clearing.
func TestPasteAfterDraftScrollingProblemsAndClearing(t *testing.T) {
	s := newScripted(1)
	d := startScripted(t, s, 120, 30)
	d.Key("s")
	d.Type("4029141777639")
	d.Key("esc", "s") // the draft is kept, without a trailing separator
	d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("4029141777630"), Paste: true})
	f := d.m.openForm()
	if got := f.Draft(); got != "4029141777639\n4029141777630" {
		t.Fatalf("the paste glued onto the draft: %q", got)
	}

	var junk []string
	for i := range 100 {
		junk = append(junk, fmt.Sprintf("x%03d", i))
	}
	d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Join(junk, " ")), Paste: true})
	mustShow(t, d, `"x000"`, "more (ctrl+n scrolls)")
	mustNotShow(t, d, `"x099"`)
	for range 99 {
		d.Send(tea.KeyMsg{Type: tea.KeyCtrlN})
	}
	mustShow(t, d, `"x099"`, "above")
	mustNotShow(t, d, `"x000"`)

	for range 3 {
		d.Key("ctrl+u")
	}
	if got := f.Draft(); got != "" {
		t.Fatalf("ctrl+u pressed on every line left %q", got)
	}
}
