package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/ean"
)

// Update-level tests: keys and results go through Model.Update, commands run
// against a sandbox over loopback HTTP, timers wait on the fake clock.

// Route names as the sandbox counts them.
const (
	sbList = "GET /connectors"
	sbGet  = "GET /connectors/{id}"
	sbSync = "POST /connectors/{id}/sync"
)

// Two EANs with valid check digits, the sandbox's first connector's name.
const (
	twoEANs            = "4006381333931 73513537"
	firstConnectorName = "My Shopify Store"
)

// newRecordedSandbox is a sandbox on the test server: it keeps the body of
// every POST and can make the list route fail, which the sandbox never does.
func newRecordedSandbox(t testing.TB, clock *fakeClock, o sandbox.Options) (*api.Client, *sandbox.Server, *testServer) {
	t.Helper()
	fs := newTestServer(t, clock, o)
	return fs.client, fs.sb, fs
}

// uiFixture is a dashboard on a sandbox, started and settled: page 1 shown,
// the first connector's detail fetched.
type uiFixture struct {
	*driver
	sb  *sandbox.Server
	rec *testServer
	ids []string
}

func startSettled(t *testing.T, w, h int) *uiFixture {
	t.Helper()
	clock := newFakeClock()
	c, sb, rec := newRecordedSandbox(t, clock, sandbox.Options{})
	d := newDriver(t, testOptions(c, clock), clock, w, h)
	d.Advance(time.Second) // past the selection debounce: the detail arrives
	if d.m.detail.data == nil {
		t.Fatalf("no detail after start:\n%s", d.View())
	}
	return &uiFixture{driver: d, sb: sb, rec: rec, ids: sb.IDs()}
}

// press types one key as a terminal sends it: a space arrives as KeySpace
// carrying the rune (keyMsg(" ") has none).
func (f *uiFixture) press(r rune) {
	if r == ' ' {
		f.Send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
		return
	}
	f.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
}

func (f *uiFixture) count(route string) int { return f.sb.Stats().ByRoute[route] }

func (f *uiFixture) selected() api.Connector {
	c, _ := f.m.list.Selected()
	return c
}

// has and lacks assert on the screen.
func (f *uiFixture) has(want ...string) {
	f.t.Helper()
	v := f.View()
	for _, s := range want {
		if !strings.Contains(v, s) {
			f.t.Fatalf("screen lacks %q:\n%s", s, v)
		}
	}
}

func (f *uiFixture) lacks(unwanted ...string) {
	f.t.Helper()
	v := f.View()
	for _, s := range unwanted {
		if strings.Contains(v, s) {
			f.t.Fatalf("screen shows %q:\n%s", s, v)
		}
	}
}

// detailHas and detailLacks assert on the detail pane alone.
func (f *uiFixture) detailHas(want ...string) {
	f.t.Helper()
	v := f.m.detail.View(f.clock.Now(), "")
	for _, s := range want {
		if !strings.Contains(v, s) {
			f.t.Fatalf("detail pane lacks %q:\n%s", s, v)
		}
	}
}

func (f *uiFixture) detailLacks(unwanted ...string) {
	f.t.Helper()
	v := f.m.detail.View(f.clock.Now(), "")
	for _, s := range unwanted {
		if strings.Contains(v, s) {
			f.t.Fatalf("detail pane shows %q:\n%s", s, v)
		}
	}
}

// helpLine is the screen's last line, the short help.
func (f *uiFixture) helpLine() string {
	v := f.View()
	return v[strings.LastIndexByte(v, '\n')+1:]
}

func (f *uiFixture) helpHas(want ...string) {
	f.t.Helper()
	h := f.helpLine()
	for _, s := range want {
		if !strings.Contains(h, s) {
			f.t.Fatalf("help line lacks %q: %q", s, h)
		}
	}
}

func (f *uiFixture) helpLacks(unwanted ...string) {
	f.t.Helper()
	// Idle keys are listed greyed (issue 15 #5): what must not be offered
	// is a live binding that does nothing.
	for _, s := range unwanted {
		for _, b := range f.m.helpKeys().Short {
			if b.Enabled() && strings.Contains(b.Help().Key+" "+b.Help().Desc, s) {
				f.t.Fatalf("help line offers %q, which does nothing now: %q", s, f.helpLine())
			}
		}
	}
}

// ---- holding answers back --------------------------------------------------

// step delivers msg like Send, but the API answers it causes (pages,
// details, sync results) are held back and returned undelivered, so a test
// can deliver them late, out of order or twice: the network's orderings,
// made exact. Everything else runs as in Send.
func (d *driver) step(msg tea.Msg) []tea.Msg {
	d.t.Helper()
	if d.quit {
		return nil
	}
	next, cmd := d.m.Update(msg)
	d.m = next.(Model)
	return d.runHeld(cmd)
}

func (d *driver) stepKeys(keys ...string) []tea.Msg {
	var held []tea.Msg
	for _, k := range keys {
		held = append(held, d.step(keyMsg(k))...)
	}
	return held
}

func (d *driver) runHeld(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	var held []tea.Msg
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			held = append(held, d.runHeld(c)...)
		}
	case scheduled:
		d.seq++
		msg.seq = d.seq
		d.timers = append(d.timers, msg)
	case tea.QuitMsg:
		d.quit = true
	case pageMsg, detailMsg, syncMsg:
		held = append(held, msg)
	default:
		held = append(held, d.step(msg)...)
	}
	return held
}

// advanceHeld is Advance, holding back the answers the timers cause.
func (d *driver) advanceHeld(total time.Duration) []tea.Msg {
	d.t.Helper()
	end := d.clock.Now().Add(total)
	var held []tea.Msg
	for !d.quit {
		i := -1
		for j, s := range d.timers {
			if !s.at.After(end) && (i < 0 || s.at.Before(d.timers[i].at) ||
				s.at.Equal(d.timers[i].at) && s.seq < d.timers[i].seq) {
				i = j
			}
		}
		if i < 0 {
			break
		}
		next := d.timers[i]
		d.timers = append(d.timers[:i], d.timers[i+1:]...)
		if next.at.After(d.clock.Now()) {
			d.clock.Set(next.at)
		}
		held = append(held, d.step(next.msg)...)
	}
	d.clock.Set(end)
	return held
}

// heldOne returns the one held message of type T, failing otherwise.
func heldOne[T tea.Msg](t *testing.T, held []tea.Msg) T {
	t.Helper()
	var out []T
	for _, m := range held {
		if x, ok := m.(T); ok {
			out = append(out, x)
		}
	}
	if len(out) != 1 {
		var zero T
		t.Fatalf("held %d answers of type %T, want 1 (all held: %v)", len(out), zero, held)
	}
	return out[0]
}

func countHeld[T tea.Msg](held []tea.Msg) int {
	n := 0
	for _, m := range held {
		if _, ok := m.(T); ok {
			n++
		}
	}
	return n
}

// ---- navigation -------------------------------------------------------------

func TestCursorKeysMoveAndClampAtTheEnds(t *testing.T) {
	f := startSettled(t, 160, 48)
	items := f.m.list.items
	at := func(want int) {
		t.Helper()
		if f.m.list.cursor != want {
			t.Fatalf("cursor = %d, want %d", f.m.list.cursor, want)
		}
		f.has("▶ " + items[want].Name)
	}
	at(0)
	f.helpLacks("up") // nothing above the first row
	f.Key("k", "up")
	at(0)
	f.Key("j")
	at(1)
	f.Key("down")
	at(2)
	f.helpHas("↑/k up", "↓/j down")
	f.Key("k")
	at(1)
	f.Key("G") // the last row is below the 40 shown: the list scrolls to it
	at(49)
	f.helpHas("↓/j down") // on to the next page's first row (TestJAndKCrossPageEdges)
	f.Key("g")
	at(0)
	f.Key("end")
	at(49)
	f.Key("home")
	at(0)
}

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

// Holding j across ten rows fetches one detail, for the row it stops on,
// once the selection has rested for the debounce.
func TestHoldingDownFetchesOneDetailAfterTheDebounce(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.sb.ResetStats()
	for range 10 {
		f.Key("j")
		f.Advance(selectDebounce / 2) // key repeat is faster than the debounce
	}
	if n := f.count(sbGet); n != 0 {
		t.Fatalf("%d detail requests while the selection was moving, want 0", n)
	}
	f.Advance(selectDebounce)
	if n := f.count(sbGet); n != 1 {
		t.Fatalf("%d detail requests after the selection rested, want 1", n)
	}
	if f.m.detail.data == nil || f.m.detail.data.ID != f.ids[10] {
		t.Fatalf("detail is not the 11th connector's")
	}
	f.detailHas(f.m.list.items[10].Name, "synced")
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

// A late copy of an older detail answer never replaces a newer one: after a
// sync the detail shows 2 pending, and an answer from before the sync must
// not bring back 0.
func TestOlderDetailAnswerNeverOverwritesNewer(t *testing.T) {
	f := startSettled(t, 160, 48)
	held := f.stepKeys("r")
	old := heldOne[detailMsg](t, held)
	for _, m := range held {
		f.Send(m)
	}
	if p := old.Detail.SyncStats.ProductsPending; p != 0 {
		t.Fatalf("setup: pending %d before the sync", p)
	}
	f.Key("s")
	f.Type(twoEANs)
	f.Key("ctrl+s", "y", "enter") // sync, then dismiss the result
	if p := f.m.detail.Pending(); p != 2 {
		t.Fatalf("pending after the sync = %d, want 2", p)
	}
	f.Send(old)
	if p := f.m.detail.Pending(); p != 2 {
		t.Fatalf("an older answer set pending back to %d", p)
	}
	f.has("pending    2 products")
}

// Moving on while a detail request is out ends with the detail of the
// connector now selected, not of the one asked for first.
func TestSelectionMovedWhileDetailInFlightShowsTheNewConnector(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.sb.ResetStats()
	f.stepKeys("j")
	second := heldOne[detailMsg](t, f.advanceHeld(selectDebounce))
	if second.ID != f.ids[1] {
		t.Fatalf("asked for %s, want %s", second.ID, f.ids[1])
	}
	// Moving on abandons the request out (issue 15 #20): the new selection
	// is asked for after its debounce, not behind the old answer.
	f.stepKeys("j")
	third := heldOne[detailMsg](t, f.advanceHeld(selectDebounce))
	if third.ID != f.ids[2] {
		t.Fatalf("after moving on asked for %s, want %s", third.ID, f.ids[2])
	}
	if held := f.step(second); len(held) != 0 { // the abandoned answer arrives late
		t.Fatalf("the abandoned answer caused requests: %v", held)
	}
	if d := f.m.detail.data; d != nil && d.ID != f.ids[2] {
		t.Fatalf("the pane for %s shows the late answer for %s", f.ids[2], d.ID)
	}
	f.detailHas(f.m.list.items[2].Name)
	f.detailLacks(f.m.list.items[1].Name)
	f.step(third)
	if got := f.m.detail.data.ID; got != f.ids[2] {
		t.Fatalf("detail shows %s, want the selected %s", got, f.ids[2])
	}
	f.detailHas(f.m.list.items[2].Name, "synced")
	if n := f.count(sbGet); n != 2 {
		t.Fatalf("%d detail requests, want 2", n)
	}
}

// Asking again while a request is out queues one more, never a second
// request in flight for the same target.
func TestAtMostOneRequestInFlightPerTarget(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.sb.ResetStats()
	held := f.stepKeys("r")
	held = append(held, f.stepKeys("r", "r")...)
	held = append(held, f.advanceHeld(2*time.Minute)...) // timers due meanwhile
	if l, g := f.count(sbList), f.count(sbGet); l != 1 || g != 1 {
		t.Fatalf("in flight: %d list and %d detail requests, want 1 and 1", l, g)
	}
	if n := f.m.mon.InFlight(); n != 2 {
		t.Fatalf("model counts %d in flight, want 2", n)
	}
	f.has("2 in flight")
	// Each answer releases the one queued behind it, and only one.
	var next []tea.Msg
	for _, m := range held {
		next = append(next, f.step(m)...)
	}
	if countHeld[pageMsg](next) != 1 || countHeld[detailMsg](next) != 1 {
		t.Fatalf("after the answers: %v, want one page and one detail request", next)
	}
	for _, m := range next {
		if more := f.step(m); len(more) != 0 {
			t.Fatalf("a queued request was sent twice: %v", more)
		}
	}
	if l, g := f.count(sbList), f.count(sbGet); l != 2 || g != 2 {
		t.Fatalf("%d list and %d detail requests in all, want 2 and 2", l, g)
	}
	f.lacks("in flight")
}

// ---- the sync form ------------------------------------------------------------

func TestFormValidatesMixedInputLive(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("s")
	f.has("Sync EANs to "+firstConnectorName, "0 valid EANs")
	for _, r := range "4006381333931, 123; 4006381333932 abc" {
		f.press(r) // typed one key at a time
	}
	f.Key("enter")
	f.Type("4006381333931 73513537 036000291452") // and a paste-like burst
	p := f.m.openForm().parsed
	if len(p.Valid) != 4 || p.Duplicates != 1 || len(p.Rejected) != 2 || len(p.Warnings) != 1 {
		t.Fatalf("parsed %+v", p)
	}
	f.has(
		"4 valid EANs · 1 duplicate removed · 2 rejected",
		`✗ "123" — length 3: EANs have 8, 12, 13 or 14 digits`,
		`✗ "abc" — not all digits`,
		"! 4006381333932 — check digit should be 1 (sent anyway)",
	)
	// A wrong check digit warns but does not block.
	f.helpHas("ctrl+s submit")
	f.Key("ctrl+s")
	f.has("Sync 4 EANs to " + firstConnectorName + "?")
}

func TestFormTakesAHundredEANsPastedAtOnce(t *testing.T) {
	f := startSettled(t, 160, 48)
	eans := make([]string, 0, 100)
	for i := range 100 {
		e := fmt.Sprintf("400638%06d0", i)
		e = e[:12] + string(ean.ExpectedCheckDigit(e))
		eans = append(eans, e)
	}
	paste := strings.Join(eans, "\r\n") + "\r\n" + eans[0] + "," + eans[1] + ";" + eans[2] + " 12345\t"
	f.Key("s")
	f.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(paste), Paste: true})
	f.has("100 valid EANs · 3 duplicates removed · 1 rejected")
	f.Key("ctrl+s")
	f.has("Sync 100 EANs to " + firstConnectorName + "?")
	f.Key("y")
	f.has("✓ sync queued", "queued    100 products")
	posts := f.rec.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d POSTs, want 1", len(posts))
	}
	var body struct{ EANs []string }
	if err := json.Unmarshal([]byte(posts[0]), &body); err != nil {
		t.Fatal(err)
	}
	if strings.Join(body.EANs, " ") != strings.Join(eans, " ") {
		t.Fatalf("sent %d EANs %v, want the 100 pasted, in order, once each", len(body.EANs), body.EANs)
	}
}

func TestEscKeepsTheDraftForThatConnector(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("s")
	f.Type("4006381333931 12")
	f.Key("esc")
	if f.m.openForm() != nil {
		t.Fatal("esc did not close the form")
	}
	f.lacks("Sync EANs to")
	f.Key("j", "s") // another connector: its own, empty form
	if d := f.m.openForm().Draft(); d != "" {
		t.Fatalf("second connector's form holds %q", d)
	}
	f.has("Sync EANs to " + f.m.list.items[1].Name)
	f.Key("esc", "k", "s")
	if d := f.m.openForm().Draft(); d != "4006381333931 12" {
		t.Fatalf("reopened draft = %q", d)
	}
	f.has("4006381333931 12", "1 valid EAN · 1 rejected")
}

func TestSubmitWithoutAValidEANSaysWhy(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("s")
	f.helpLacks("submit")
	for _, text := range []string{"", "abc 123"} {
		f.Type(text)
		f.Key("ctrl+s")
		if f.m.question() != nil {
			t.Fatalf("%q: the confirmation opened with nothing to sync", text)
		}
		f.has("nothing to sync yet: enter at least one valid EAN")
	}
	f.Key("backspace") // editing clears the complaint
	f.lacks("nothing to sync yet")
	if n := f.count(sbSync); n != 0 {
		t.Fatalf("%d POSTs", n)
	}
}

func TestConfirmationNoReturnsToTheFormWithTextKept(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("s")
	f.Type(twoEANs)
	for _, no := range []string{"n", "N", "esc", "enter"} {
		f.Key("ctrl+s")
		f.has("Sync 2 EANs to " + firstConnectorName + "?")
		f.helpHas("y yes", "n/esc no")
		f.Key(no)
		if f.m.question() != nil || f.m.openForm() == nil {
			t.Fatalf("%s: dialog %v, form %v; want back in the form", no, f.m.question(), f.m.openForm())
		}
		if d := f.m.openForm().Draft(); d != twoEANs {
			t.Fatalf("%s: draft = %q", no, d)
		}
		f.has("Sync EANs to "+firstConnectorName, twoEANs)
	}
	if n := f.count(sbSync); n != 0 {
		t.Fatalf("%d POSTs after answering no", n)
	}
}

// y sends exactly one POST, however often y or ctrl+s are pressed while it
// runs; the result shows what the API answered.
func TestYesSendsExactlyOnePOST(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("s")
	f.Type(twoEANs)
	f.Key("ctrl+s")
	held := f.stepKeys("y")
	held = append(held, f.stepKeys("y", "ctrl+s", "y", "S", "enter", "ctrl+s")...)
	if n := f.count(sbSync); n != 1 {
		t.Fatalf("%d POSTs, want 1", n)
	}
	res := heldOne[syncMsg](t, held)
	if f.m.question() != nil {
		t.Fatal("a confirmation opened while the POST was out")
	}
	f.has("sending…")
	f.helpLacks("submit")
	// Closing the form does not open a way round: no whole-catalog sync,
	// no second submit from the reopened form.
	held = f.stepKeys("esc", "S", "y", "s", "ctrl+s")
	if n := f.count(sbSync); n != 1 || len(held) != 0 {
		t.Fatalf("%d POSTs (held %v) after esc and retries, want 1", n, held)
	}
	f.has("a sync is still being sent: wait for its result")
	f.lacks("nothing to sync yet")
	f.step(res)
	f.has("✓ sync queued",
		"sync id   "+res.Synced.SyncID,
		"status    queued",
		"queued    2 products")
	if res.Synced.SyncID == "" {
		t.Fatal("no sync id in the answer")
	}
	f.helpHas("dismiss")
	f.Key("enter")
	if f.m.openForm() != nil {
		t.Fatal("enter did not dismiss the result")
	}
	if f.m.mon.Draft(f.ids[0]) != "" {
		t.Fatal("the draft outlived its successful sync")
	}
	if n := f.count(sbSync); n != 1 {
		t.Fatalf("%d POSTs in all, want 1", n)
	}
}

// After a sync the detail polls at the fast rate and shows pending draining
// to zero; once that is over it goes back to the idle rate.
func TestDetailRefreshesFastAfterASyncUntilPendingDrains(t *testing.T) {
	f := startSettled(t, 160, 48)
	before := f.m.detail.data.SyncStats.ProductsSynced
	f.Key("s")
	f.Type(twoEANs)
	f.Key("ctrl+s", "y", "enter")
	f.has("pending    2 products", "every 2s")
	f.sb.ResetStats()
	f.Advance(10 * time.Second)
	if n := f.count(sbGet); n != 5 {
		t.Fatalf("%d detail requests in the 10 s after a sync, want 5 (every 2 s)", n)
	}
	f.has("pending    0 products")
	if got := f.m.detail.data.SyncStats.ProductsSynced; got != before+2 {
		t.Fatalf("synced %d, want %d", got, before+2)
	}
	f.Advance(30 * time.Second) // the fast window is over, nothing pending
	f.lacks("every 2s")
	f.sb.ResetStats()
	f.Advance(30 * time.Second)
	if n := f.count(sbGet); n != 3 {
		t.Fatalf("%d detail requests in 30 idle seconds, want 3 (every 10 s)", n)
	}
}

// A failed POST shows the API's own words in the form and keeps the draft.
func TestSyncErrorsShowTheAPIDetailAndKeepTheDraft(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(sb *sandbox.Server, id string) bool
		want  string
	}{
		{"deleted", func(sb *sandbox.Server, id string) bool { return sb.Remove(id) }, "✗ Connector not found (HTTP 404 NOT_FOUND)"},
		{"paused", func(sb *sandbox.Server, id string) bool { return sb.SetStatus(id, "paused") },
			"✗ Connector is paused (HTTP 409 CONFLICT)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := startSettled(t, 160, 48)
			f.Key("s")
			f.Type(twoEANs)
			f.Key("ctrl+s")
			if !tc.spoil(f.sb, f.ids[0]) {
				t.Fatal("setup failed")
			}
			f.Key("y")
			if n := f.count(sbSync); n != 1 {
				t.Fatalf("%d POSTs, want 1", n)
			}
			f.has(tc.want)
			if f.m.openForm() == nil || f.m.openForm().state != formEditing || f.m.openForm().Draft() != twoEANs {
				t.Fatalf("form after the error: %+v", f.m.openForm())
			}
			f.helpHas("ctrl+s submit") // the user may try again
			f.Key("esc", "s")
			if d := f.m.openForm().Draft(); d != twoEANs {
				t.Fatalf("draft after reopening = %q", d)
			}
		})
	}
}

func TestWholeCatalogSyncAsksAndDefaultsToNo(t *testing.T) {
	f := startSettled(t, 160, 48)
	for _, no := range []string{"enter", "n", "esc", "x"} {
		f.Key("S")
		f.has("Sync the ENTIRE catalog to "+firstConnectorName+"?", "no (default)")
		f.Key(no)
		if no == "x" { // not an answer: the question stays
			if f.m.question() == nil {
				t.Fatal("an unrelated key answered the question")
			}
			f.Key("esc")
		}
		if f.m.question() != nil {
			t.Fatalf("%s did not close the question", no)
		}
	}
	if n := f.count(sbSync); n != 0 {
		t.Fatalf("%d POSTs without a yes", n)
	}
	f.Key("S", "y")
	posts := f.rec.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d POSTs, want 1", len(posts))
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal([]byte(posts[0]), &body); err != nil && strings.TrimSpace(posts[0]) != "" {
		t.Fatalf("body %q: %v", posts[0], err)
	}
	if _, ok := body["eans"]; ok {
		t.Fatalf("a whole-catalog sync sent eans: %s", posts[0])
	}
	f.has("whole-catalog sync queued: 1 250 products")
	if p := f.m.detail.Pending(); p != 1250 {
		t.Fatalf("pending after a catalog sync = %d, want 1250", p)
	}
}

func TestPauseStopsPollingAndResumeFetchesNow(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("p")
	f.has("· ‖ paused") // not a paused connector's row: the status bar
	f.sb.ResetStats()
	f.Advance(3 * time.Minute)
	if n := f.sb.Stats().Total; n != 0 {
		t.Fatalf("%d requests while paused", n)
	}
	f.has("· ‖ paused") // still saying so after the flash has gone
	f.Key("p")
	f.lacks("· ‖ paused")
	if l, g := f.count(sbList), f.count(sbGet); l != 1 || g != 1 {
		t.Fatalf("resume sent %d list and %d detail requests, want 1 and 1", l, g)
	}
	f.Advance(30 * time.Second)
	if l := f.count(sbList); l != 2 {
		t.Fatalf("%d list requests 30 s after resuming, want 2", l)
	}
}

// A pause stops polling, not what the user asks for: moving to another
// connector still fetches it, once.
func TestPausedSelectionIsStillFetchedOnce(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("p")
	f.sb.ResetStats()
	f.Key("j")
	f.Advance(time.Minute)
	if n := f.sb.Stats().Total; n != 1 {
		t.Fatalf("%d requests after moving while paused, want 1 (the new detail)", n)
	}
	if got := f.m.detail.data.ID; got != f.ids[1] {
		t.Fatalf("detail shows %s, want %s", got, f.ids[1])
	}
}

func TestTabAndEnterMoveFocusBetweenPanes(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("tab")
	if f.m.screens.focused() != layerDetail {
		t.Fatal("tab did not focus the detail")
	}
	f.Key("j") // scrolls the detail, not the list
	if f.m.list.cursor != 0 {
		t.Fatalf("j with the detail focused moved the list to %d", f.m.list.cursor)
	}
	f.Key("shift+tab")
	if f.m.screens.focused() != layerList {
		t.Fatal("shift+tab did not focus the list")
	}
	f.Key("enter")
	if f.m.screens.focused() != layerDetail {
		t.Fatal("enter did not open the detail")
	}
	f.Key("tab")
	if f.m.screens.focused() != layerList {
		t.Fatal("tab did not go back to the list")
	}
}

func TestRefreshKeyFetchesNow(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.sb.ResetStats()
	f.Key("r")
	if l, g := f.count(sbList), f.count(sbGet); l != 1 || g != 1 {
		t.Fatalf("r sent %d list and %d detail requests, want 1 and 1", l, g)
	}
}

func TestListRefreshesEveryThirtySeconds(t *testing.T) {
	f := startSettled(t, 160, 48) // the page arrived at the epoch, one second ago
	f.sb.ResetStats()
	f.Advance(28 * time.Second)
	if n := f.count(sbList); n != 0 {
		t.Fatalf("%d list requests before 30 s", n)
	}
	f.Advance(time.Second)
	if n := f.count(sbList); n != 1 {
		t.Fatalf("%d list requests at 30 s, want 1", n)
	}
}

func TestQuitKeys(t *testing.T) {
	t.Run("q quits", func(t *testing.T) {
		f := startSettled(t, 160, 48)
		f.Key("q")
		if !f.quit {
			t.Fatal("q did not quit")
		}
	})
	t.Run("q types in the form", func(t *testing.T) {
		f := startSettled(t, 160, 48)
		f.Key("s", "q")
		if f.quit {
			t.Fatal("q quit from the form")
		}
		if d := f.m.openForm().Draft(); d != "q" {
			t.Fatalf("draft = %q, want q", d)
		}
		f.Key("ctrl+c")
		if !f.quit {
			t.Fatal("ctrl+c did not quit from the form")
		}
	})
	t.Run("ctrl+c quits from a question", func(t *testing.T) {
		f := startSettled(t, 160, 48)
		f.Key("S", "q")
		if f.quit || f.m.question() == nil {
			t.Fatal("q answered or quit from a question")
		}
		f.Key("ctrl+c")
		if !f.quit {
			t.Fatal("ctrl+c did not quit")
		}
	})
	t.Run("help", func(t *testing.T) {
		f := startSettled(t, 160, 48)
		f.Key("?")
		f.has("Keys", "G/end", "last row", "S sync whole catalog", "enter", "open detail", "ctrl+c")
		if top := findHelp(f.m.browseHelp(), "first row"); top == nil || top.Enabled() { // g does nothing on the first row: listed, greyed
			t.Fatal("g is offered as live on the first row")
		}
		f.Key("?")
		f.lacks("last row")
		f.Key("?", "esc")
		f.lacks("last row")
		f.Key("?", "q")
		if !f.quit {
			t.Fatal("q in the help did not quit")
		}
	})
}

// "yy" typed fast arrives as one message: in the confirmation the first y
// answers it and sends once; the second is not a second send.
func TestFastYesInConfirmationSendsOnce(t *testing.T) {
	clock := newFakeClock()
	c, sb := newSandbox(t, clock, sandbox.Options{})
	d := newDriver(t, testOptions(c, clock), clock, 160, 48)
	d.Advance(time.Second)
	d.Key("s")
	d.Type("4006381333931 96385074")
	d.Key("ctrl+s")
	if d.m.question() == nil {
		t.Fatal("no confirmation after ctrl+s")
	}
	d.Type("yy")
	if got := sb.Stats().ByRoute["POST /connectors/{id}/sync"]; got != 1 {
		t.Fatalf("POSTs after a fast \"yy\" = %d, want 1", got)
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
