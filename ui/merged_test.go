package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	opener "github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/accounts"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/shared"
)

// failWith gives ks's first n connectors the state error, each with a
// last_error of one cause (only the SKU differs).
func failWith(ks *keyedServer, n int, cause string) {
	for i, id := range ks.sb.IDs()[:n] {
		ks.sb.SetStatus(id, "error")
		msg := fmt.Sprintf(cause, 1000+i)
		ks.sb.SetLastError(id, &msg)
	}
}

// newMergedFixture is three accounts on three servers with different keys
// and API generations, every one watched, acme on screen with its index
// on: acme 2 in error, globex 3 (2 of the shared cause, 1 of its own),
// initech 1, all but globex's own of one cause.
func newMergedFixture(t *testing.T) *mergedFixture { return newMergedFixtureOf(t, 3) }

// mergedFixture is a home fixture whose accounts hold total connectors.
type mergedFixture struct {
	*homeFixture
	total int
}

// newMergedFixtureOf is newMergedFixture with its first n accounts (2:
// acme and globex).
func newMergedFixtureOf(t *testing.T, n int) *mergedFixture { return newMergedFixtureWith(t, n, nil) }

// newMergedFixtureWith is newMergedFixtureOf with the dashboard's options
// edited.
func newMergedFixtureWith(t *testing.T, n int, edit func(*Options)) *mergedFixture {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", home)
	clock := newFakeClock()
	h := &homeFixture{
		acme:    newKeyedServer(t, clock, "pm_test_acme", sandbox.Options{Connectors: 6}),
		globex:  newKeyedServer(t, clock, "pm_test_globex", sandbox.Options{Connectors: 30, Seed: 7, API: sandbox.Seed}),
		initech: newKeyedServer(t, clock, "pm_test_initech", sandbox.Options{Connectors: 9, Seed: 9}),
	}
	const shared1 = `Price missing for SKU "AB-%d"`
	setStatuses(h.acme, 0, 0)
	setStatuses(h.globex, 0, 3)
	setStatuses(h.initech, 0, 2)
	failWith(h.acme, 2, shared1)
	failWith(h.globex, 3, shared1)
	failWith(h.initech, 1, shared1)
	own := "Shopify API returned 401 Unauthorized"
	h.globex.sb.SetLastError(h.globex.sb.IDs()[2], &own)
	op := opener.Opener{StateHome: home}
	onScreen := shared.Account{API: h.acme.client(t, clock)}
	specs := []shared.AccountSpec{
		{Name: "acme", Host: "acme.example", Open: func() (shared.Account, error) { return onScreen, nil }},
		watchedSpec(op, "globex", h.globex),
		watchedSpec(op, "initech", h.initech),
	}
	ctx, cancel := context.WithCancel(context.Background())
	specs = specs[:n]
	h.w = accounts.Start(ctx, specs, 0, accounts.Options{ListRefresh: 100 * time.Millisecond, Now: clock.Now})
	t.Cleanup(func() { cancel(); h.w.Wait() })
	o := testOptions(onScreen.API, clock)
	o.Accounts, o.Home, o.NoIndex = h.w.Specs(), h.w, false
	if edit != nil {
		edit(&o)
	}
	d := newDriver(t, o, clock, 160, 60)
	d.Advance(time.Second)
	h.uiFixture = &uiFixture{driver: d, sb: h.acme.sb, ids: h.acme.sb.IDs()}
	return &mergedFixture{homeFixture: h, total: []int{0, 6, 36, 45}[n]}
}

// mergedComplete opens the merged list (L on the home screen) and waits
// until every account's index is in it, whole, and, with errs, every
// error's last_error read.
func (h *mergedFixture) mergedComplete(errs bool) {
	h.t.Helper()
	h.until("the home screen", func(v string) bool { return strings.Contains(v, "ACCOUNT") })
	h.Key("L")
	h.until("every account indexed, every error read", func(v string) bool {
		h.Advance(time.Second) // the dashboard's own crawl of acme
		n := fmt.Sprintf("%d of %d connectors · by account", h.total, h.total)
		return strings.Contains(v, n) && !strings.Contains(v, "so far") &&
			(!errs || h.mergedErrorsRead())
	})
}

// mergedErrorsRead says every account's errors have their last_error.
func (h *mergedFixture) mergedErrorsRead() bool {
	ms, ok := h.m.screens.top().(*mergedScreen)
	return ok && len(ms.picks) == 6 && ms.waiting == 0
}

// mergedRows are the merged list's rows on screen: account and name.
func mergedRows(view string) [][2]string {
	var out [][2]string
	row := regexp.MustCompile(`^\S*\s*[ ▶]\s+(acme|globex|initech)\s+(.+?)\s{2,}`)
	for _, l := range strings.Split(view, "\n") {
		l = strings.Trim(l, "│┃ ")
		if m := row.FindStringSubmatch("  " + l); m != nil {
			out = append(out, [2]string{m[1], m[2]})
		}
	}
	return out
}

// The merged list holds every account's connectors with their account;
// / filters across accounts: "error" finds acme's 2, globex's 3 and
// initech's 1, and an account's name finds its own rows only.
func TestTheMergedListFiltersAcrossAccounts(t *testing.T) {
	h := newMergedFixture(t)
	h.mergedComplete(false)
	h.has("ACCOUNT", "NAME", "PLATFORM", "STATUS")

	h.Key("/")
	h.Type("error")
	h.Key("enter")
	h.has("6 of 45 connectors", "filter: error")
	byAcct := map[string]int{}
	for _, r := range mergedRows(h.View()) {
		byAcct[r[0]]++
	}
	if want := map[string]int{"acme": 2, "globex": 3, "initech": 1}; fmt.Sprint(byAcct) != fmt.Sprint(want) {
		t.Errorf("rows in error by account: %v, want %v\n%s", byAcct, want, h.View())
	}

	h.Key("/", "ctrl+u")
	h.Type("initech")
	h.Key("enter")
	h.has("9 of 45 connectors")
	for _, r := range mergedRows(h.View()) {
		if r[0] != "initech" {
			t.Errorf("filtered on initech, a row of %s: %v", r[0], r)
		}
	}
}

// The errors view of the merged list groups one cause across accounts:
// the SKU-missing error on acme, globex and initech is one group of 5
// naming the three accounts; globex's own cause is a group of its own.
func TestTheMergedErrorsViewGroupsOneCauseAcrossAccounts(t *testing.T) {
	h := newMergedFixture(t)
	h.mergedComplete(true)
	h.Key("e")
	h.has("Errors across accounts · 6 connectors · 2 causes")
	h.has(`Price missing for SKU "…" · 5 connectors · on acme, globex, initech`)
	h.has("Shopify API returned <n> Unauthorized · 1 connector · on globex")
	if n := strings.Count(h.View(), "Price missing for SKU"); n != 1 {
		t.Errorf("the shared cause is said %d times, want once (one group)\n%s", n, h.View())
	}
}

// enter on a connector of an error group opens it in its account: the
// dashboard switches to initech with that connector selected.
func TestAJumpFromTheMergedErrorsOpensTheConnectorInItsAccount(t *testing.T) {
	h := newMergedFixture(t)
	h.mergedComplete(true)
	h.Key("e")
	ms := h.m.screens.top().(*mergedScreen)
	for ms.picks[ms.cursor].acct != 2 {
		h.Key("j")
	}
	want := ms.picks[ms.cursor].f.ID
	h.Key("enter")
	h.until("initech on screen with its connector selected", func(string) bool {
		h.Advance(time.Second)
		return h.m.index == 2 && h.selected().ID == want
	})
	h.has("initech · initech.example")
}

// s on a merged row of globex switches to globex with the connector
// selected and opens its form; the question names the account, and the
// sync reaches globex's server alone, with globex's key.
func TestASyncFromTheMergedListGoesToItsAccountAlone(t *testing.T) {
	h := newMergedFixture(t)
	h.mergedComplete(false)
	id := h.globex.sb.IDs()[10]
	h.Key("/")
	h.Type(id)
	h.Key("enter")
	h.has("1 of 45 connectors")
	h.Key("s")
	h.until("globex's form open on the connector", func(string) bool {
		h.Advance(time.Second)
		return h.m.index == 1 && h.m.openForm() != nil
	})
	if got := h.selected().ID; got != id {
		t.Fatalf("selected %q, want globex's %q", got, id)
	}
	h.Type("4006381333931")
	h.Key("ctrl+s")
	h.has("on account globex?")
	h.Key("y")
	h.until("the sync's answer", func(string) bool {
		h.Advance(time.Second)
		return h.globex.sb.Stats().ByRoute["POST /connectors/{id}/sync"] == 1 && !h.m.mon.Syncing()
	})
	for _, ks := range []*keyedServer{h.acme, h.initech} {
		for route, n := range ks.sb.Stats().ByRoute {
			if strings.HasPrefix(route, "POST") {
				t.Errorf("%s was sent %d × %s", ks.sb.APIKey(), n, route)
			}
		}
	}
	for _, ks := range []*keyedServer{h.acme, h.globex, h.initech} {
		for k := range ks.keysSeen() {
			if k != "" && k != ks.sb.APIKey() {
				t.Errorf("a server was sent another account's key")
			}
		}
	}
}

// o sorts the merged rows (by name, across accounts), and x exports them
// as shown, each with its account.
func TestTheMergedListSortsAndExportsWithTheAccount(t *testing.T) {
	h := newMergedFixture(t)
	h.mergedComplete(false)
	h.Key("o")
	h.has("by name")
	rows := mergedRows(h.View())
	if len(rows) < 3 || rows[0][1] > rows[1][1] && !strings.HasPrefix(rows[1][1], rows[0][1]) {
		t.Errorf("sorted by name, the first rows: %v", rows[:min(len(rows), 3)])
	}
	h.Key("/")
	h.Type("error")
	h.Key("enter", "x")
	path := filepath.Join(t.TempDir(), "merged.csv")
	h.Key("ctrl+u")
	h.Type(path)
	h.Key("enter")
	h.has("exported 6 connectors")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "account,id,name,platform,status,last_sync_at,created_at" || len(lines) != 7 {
		t.Fatalf("export:\n%s", b)
	}
	byAcct := map[string]int{}
	for _, l := range lines[1:] {
		byAcct[strings.Split(l, ",")[0]]++
	}
	if fmt.Sprint(byAcct) != fmt.Sprint(map[string]int{"acme": 2, "globex": 3, "initech": 1}) {
		t.Errorf("exported rows by account: %v", byAcct)
	}
}

// An account whose index is partial is said "so far" in the merged list,
// by name: acme, on screen with no index in this session, is never called
// complete.
func TestTheMergedListSaysSoFarForAPartialAccount(t *testing.T) {
	h := newHomeFixture(t)
	h.until("globex and initech indexed", func(v string) bool {
		return strings.Contains(rowOf(v, "globex"), "complete") && strings.Contains(rowOf(v, "initech"), "complete")
	})
	h.Key("L")
	h.until("the merged list", func(v string) bool { return strings.Contains(v, "All accounts") })
	h.has("45 of 45 connectors so far", "acme so far · no index")
	h.lacks("globex so far", "initech so far")
}

// With two accounts, t on a merged row of globex tests the connection
// of globex's connector: one POST, to globex's server alone, with its key.
func TestATestFromTheMergedListOfTwoAccountsGoesToItsAccountAlone(t *testing.T) {
	h := newMergedFixtureOf(t, 2)
	h.mergedComplete(false)
	id := h.globex.sb.IDs()[7]
	h.Key("/")
	h.Type(id)
	h.Key("enter", "t")
	const test = "POST /connectors/{id}/test"
	h.until("globex's test sent and answered", func(string) bool {
		h.Advance(time.Second)
		return h.globex.sb.Stats().ByRoute[test] == 1 && h.m.index == 1 && !h.m.mon.Syncing()
	})
	if got := h.selected().ID; got != id {
		t.Errorf("selected %q, want globex's %q", got, id)
	}
	for _, ks := range []*keyedServer{h.acme, h.initech} {
		if n := ks.sb.Stats().ByRoute[test]; n != 0 {
			t.Errorf("%s's server was sent %d tests", ks.sb.APIKey(), n)
		}
	}
	for _, ks := range []*keyedServer{h.acme, h.globex} {
		for k := range ks.keysSeen() {
			if k != "" && k != ks.sb.APIKey() {
				t.Errorf("a server was sent another account's key")
			}
		}
	}
}

// mergedStatuses are the status cells of the merged list's rows on
// screen, in order.
func mergedStatuses(view string) []string {
	var out []string
	for _, l := range strings.Split(view, "\n") {
		if !regexp.MustCompile(`^\S*\s*[ ▶]\s+(acme|globex|initech)\s`).MatchString("  " + strings.Trim(l, "│┃ ")) {
			continue
		}
		for _, st := range []string{"✗ error", "◕ overdue", "◔ late", "‖ paused", "● active"} {
			if strings.Contains(l, st) {
				out = append(out, st)
				break
			}
		}
	}
	return out
}

// The merged list says a status as each account's own list does: glyph
// and word for every status (these dashboards are NO_COLOR, so the words
// alone must say it), late or overdue for a connector past its usual
// interval; the status sort puts those right after the errors.
func TestTheMergedListSaysLateAndEveryStatusInWords(t *testing.T) {
	h := newHomeFixture(t)
	h.until("globex and initech indexed", func(v string) bool {
		return strings.Contains(rowOf(v, "globex"), "complete") && strings.Contains(rowOf(v, "initech"), "complete")
	})
	h.Key("L")
	if sts := mergedStatuses(h.View()); slices.Contains(sts, "◕ overdue") || len(sts) == 0 {
		t.Fatalf("on time, the rows say %v", sts)
	}
	h.Advance(3 * time.Hour) // acme's first on-time connector, hourly, is past two intervals: with time alone
	h.until("acme's overdue connector said", func(v string) bool { return slices.Contains(mergedStatuses(v), "◕ overdue") })
	sts := mergedStatuses(h.View())
	for _, want := range []string{"✗ error", "◕ overdue", "‖ paused", "● active"} {
		if !slices.Contains(sts, want) {
			t.Errorf("no row says %q: %v\n%s", want, sts, h.View())
		}
	}
	h.Key("o", "o")
	h.has("by status (errors, then late first)")
	sts = mergedStatuses(h.View())
	errs := 0
	for errs < len(sts) && sts[errs] == "✗ error" {
		errs++
	}
	if errs == 0 || errs >= len(sts) || sts[errs] != "◕ overdue" {
		t.Errorf("by status, the overdue row is not right after the errors: %v", sts)
	}
	h.Key("/")
	h.Type("late")
	h.Key("enter")
	if sts = mergedStatuses(h.View()); len(sts) != 1 || sts[0] != "◕ overdue" {
		t.Errorf("filtered on late, the rows say %v, want the overdue one", sts)
	}
}

// space is the space bar as a terminal sends it.
var space = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}

// space on the home screen marks the account under the cursor (a second
// time unmarks it), the marked rows say so, and L opens the merged list
// over the marked accounts only, its header naming them; with none
// marked it is every account again.
func TestMarkedAccountsMakeTheMergedList(t *testing.T) {
	h := newMergedFixture(t)
	h.until("the home screen", func(v string) bool { return strings.Contains(v, "ACCOUNT") })
	h.Key("j")
	h.Send(space) // globex
	h.Key("j")
	h.Send(space) // initech
	h.Key("k")
	h.Send(space) // globex unmarked
	if r := rowOf(h.View(), "globex"); strings.Contains(r, "✓") {
		t.Fatalf("globex unmarked, its row: %q", r)
	}
	h.Send(space) // and marked again
	h.has("2 of 3 marked", "L merged list of the marked")
	for name, want := range map[string]bool{"acme": false, "globex": true, "initech": true} {
		if r := rowOf(h.View(), name); strings.Contains(r, "✓ "+name) != want {
			t.Errorf("%s's row %q: marked %v, want %v", name, r, !want, want)
		}
	}
	h.Key("L")
	h.until("globex and initech, whole", func(v string) bool {
		h.Advance(time.Second)
		return strings.Contains(v, "2 of 3 accounts: globex, initech · 39 of 39 connectors · by account") && !strings.Contains(v, "so far")
	})
	for _, r := range mergedRows(h.View()) {
		if r[0] == "acme" {
			t.Fatalf("acme is not marked, yet a row of it: %v\n%s", r, h.View())
		}
	}
	h.Key("e")
	h.has("Errors across 2 of 3 accounts: globex, initech")

	h.Key("esc", "j")
	h.Send(space)
	h.Key("k")
	h.Send(space) // none marked
	h.lacks("marked")
	h.Key("L")
	h.until("every account", func(v string) bool {
		h.Advance(time.Second)
		return strings.Contains(v, "All accounts · 45 of 45 connectors")
	})
}
