package ui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	opener "github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/accounts"
	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// setStatuses gives ks's connectors known statuses: errs in error, then
// paused ones, the rest active.
func setStatuses(ks *keyedServer, errs, paused int) {
	for i, id := range ks.sb.IDs() {
		switch {
		case i < errs:
			ks.sb.SetStatus(id, "error")
		case i < errs+paused:
			ks.sb.SetStatus(id, "paused")
		default:
			ks.sb.SetStatus(id, "active")
		}
	}
}

// watchedSpec is ks as a profile opened through the account opener.
func watchedSpec(op opener.Opener, name string, ks *keyedServer) shared.AccountSpec {
	s := config.Settings{ProfileID: name, Name: name, BaseURL: ks.srv.URL + sandbox.BasePath, PerPage: 50, Timeout: 5 * time.Second}
	return shared.AccountSpec{Name: name, Host: name + ".example", Open: func() (shared.Account, error) {
		a, err := op.OpenWithKey(s, ks.sb.APIKey(), "")
		if err != nil {
			return shared.Account{}, err
		}
		return a.Session, nil
	}}
}

// homeFixture is a dashboard of three accounts on three servers with
// different keys and API generations, every one watched, acme on screen.
type homeFixture struct {
	*uiFixture
	w                     *accounts.Watcher
	acme, globex, initech *keyedServer
}

func newHomeFixture(t *testing.T) *homeFixture {
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
	setStatuses(h.globex, 5, 3)
	setStatuses(h.initech, 0, 2)
	op := opener.Opener{StateHome: home}
	onScreen := shared.Account{API: h.acme.client(t, clock)}
	specs := []shared.AccountSpec{
		{Name: "acme", Host: "acme.example", Open: func() (shared.Account, error) { return onScreen, nil }},
		watchedSpec(op, "globex", h.globex),
		watchedSpec(op, "initech", h.initech),
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.w = accounts.Start(ctx, specs, 0, accounts.Options{ListRefresh: 100 * time.Millisecond, Now: clock.Now})
	t.Cleanup(func() { cancel(); h.w.Wait() })
	o := testOptions(onScreen.API, clock)
	o.Accounts, o.Home = h.w.Specs(), h.w
	d := newDriver(t, o, clock, 160, 40)
	d.Advance(time.Second)
	h.uiFixture = &uiFixture{driver: d, sb: h.acme.sb, ids: h.acme.sb.IDs()}
	return h
}

// until hands the watcher's snapshots to the dashboard until cond holds,
// for at most 20 seconds.
func (h *homeFixture) until(what string, cond func(view string) bool) {
	h.t.Helper()
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		h.Send(h.w.Snapshot())
		if cond(h.m.View()) {
			return
		}
	}
	h.t.Fatalf("not within 20s: %s\n%s", what, h.m.View())
}

// rowOf is the home screen's row of an account.
func rowOf(view, name string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, "  "+name+" ") || strings.Contains(l, "▶ "+name+" ") || strings.Contains(l, "✓ "+name+" ") {
			return l
		}
	}
	return ""
}

// counts matches a row's reach and counts: error, late, paused, active,
// events.
func counts(reach string, errs, late, paused, active string) *regexp.Regexp {
	return regexp.MustCompile(reach + `\s+` + errs + `\s+` + late + `\s+` + paused + `\s+` + active + `\s+\d+\s`)
}

// With several accounts the home screen comes first: one row per account,
// each with its own counts by status, read by its own watch on its own
// server, and the account on screen's from the dashboard's monitor.
func TestTheHomeScreenShowsEachAccountsCounts(t *testing.T) {
	h := newHomeFixture(t)
	h.until("globex and initech indexed", func(v string) bool {
		return strings.Contains(rowOf(v, "globex"), "complete") && strings.Contains(rowOf(v, "initech"), "complete")
	})
	v := h.m.View()
	h.has("Accounts", "ACCOUNT", "REACH", "TOP CAUSE", "acme (shown)")
	for _, c := range []struct {
		name string
		re   *regexp.Regexp
	}{
		{"globex", counts("reachable", "5", "0", "3", "22")},
		{"initech", counts("reachable", "0", "0", "2", "7")},
	} {
		if r := rowOf(v, c.name); !c.re.MatchString(r) {
			t.Errorf("%s's row: %q, want %s", c.name, r, c.re)
		}
	}
	if r := rowOf(v, "acme"); !strings.Contains(r, "reachable") {
		t.Errorf("acme's row (on screen): %q", r)
	}
	for _, ks := range []*keyedServer{h.globex, h.initech} {
		for k := range ks.keysSeen() {
			if k != "" && k != ks.sb.APIKey() {
				t.Errorf("a server was sent another account's key")
			}
		}
	}
}

// A connector of an account not on screen turns to error: its row shows
// the event, and the status bar says it with the account's name; enter on
// the row opens the account (the one watched), whose watch then pauses
// while the account left is watched instead.
func TestAnEventOnAnAccountNotOnScreenIsShownWithItsName(t *testing.T) {
	h := newHomeFixture(t)
	h.until("globex indexed", func(v string) bool { return strings.Contains(rowOf(v, "globex"), "complete") })
	id := h.globex.sb.IDs()[20]
	h.globex.sb.SetStatus(id, "error")
	h.until("globex's event on its row", func(v string) bool { return strings.Contains(v, "latest:") })
	if !strings.Contains(h.m.flash, "globex: ") || !h.m.flashIsError {
		t.Errorf("status bar: %q, want the alert naming globex", h.m.flash)
	}
	h.until("globex's count", func(v string) bool { return counts("reachable", "6", "0", "3", "21").MatchString(rowOf(v, "globex")) })

	before := h.acme.requests()
	h.Key("j", "enter")
	h.Advance(time.Second)
	h.has("globex · globex.example")
	h.until("acme watched off screen", func(string) bool { return h.acme.requests() > before })
	for k := range h.acme.keysSeen() {
		if k != "" && k != "pm_test_acme" {
			t.Error("acme's server was sent another account's key")
		}
	}
}

// stubWatcher records which account the dashboard says is on screen.
type stubWatcher struct{ shown []int }

func (s *stubWatcher) Show(i int) { s.shown = append(s.shown, i) }

// homeOfRows is a dashboard of four accounts, acme on screen, whose
// watcher said rows (one of each reach) at the fake clock's time.
func homeOfRows(t *testing.T, w, h int) (*uiFixture, *stubWatcher) {
	t.Helper()
	clock := newFakeClock()
	c, sb, rec := newRecordedSandbox(t, clock, sandbox.Options{Connectors: 12})
	st := &stubWatcher{}
	o := testOptions(c, clock)
	other := func() (shared.Account, error) { return shared.Account{API: &fakeAPI{items: fakeConnectors(4)}}, nil }
	o.Accounts = []shared.AccountSpec{{Name: "acme", Host: "acme.example"},
		{Name: "globex", Host: "globex.example", Open: other}, {Name: "initech", Host: "initech.example", Open: other},
		{Name: "umbrella", Host: "umbrella.example", Open: other}, {Name: "hooli", Host: "hooli.example", Open: other}}
	o.Home = st
	d := newDriver(t, o, clock, w, h)
	d.Advance(time.Second)
	now := clock.Now()
	d.Send(accounts.Snapshot{Rows: []accounts.Row{
		{Name: "acme", Opened: true, OnScreen: true},
		{Name: "globex", Opened: true, Unacked: 3, Summary: shared.Summary{Reach: shared.Reachable,
			Counts:   monitor.StatusCounts{Error: 5, Late: 2, Overdue: 1, Paused: 3, Active: 19},
			TopCause: "401 Unauthorized", TopCauseCount: 4,
			Budget: api.RateLimit{Known: true, Limit: 1000, Remaining: 987},
			Index:  monitor.IndexState{On: true, Known: 30, Total: 30, Complete: true, DoneAt: now.Add(-2 * time.Minute)}}},
		{Name: "initech", Opened: true, Summary: shared.Summary{Reach: shared.KeyRefused, Why: "key refused"}},
		{Name: "umbrella", Opened: true, Summary: shared.Summary{Reach: shared.RateLimited, Counts: monitor.StatusCounts{Error: 12, Active: 188},
			Index: monitor.IndexState{On: true, Known: 200, Total: 450}}},
		{Name: "hooli", Err: "api_key_command: exit status 1"},
	}, Events: []shared.Events{{Account: 1, Events: []monitor.Event{{Time: now, ConnectorID: "c-9", Name: "Lumen Lighting Pro", Kind: monitor.TurnedError}}}}})
	return &uiFixture{driver: d, sb: sb, rec: rec, ids: sb.IDs()}, st
}

// The home screen at the golden sizes: reach said plainly, counts,
// events, cause, budget, index, an account that could not be opened, and
// an event of an account not on screen on its row and in the status bar;
// at every size from tiny to wide it fits the terminal.
func TestGoldenHomeScreen(t *testing.T) {
	for _, sz := range append(goldenSizes, [2]int{40, 16}) { // 40 wide: name, errors, late and reach
		f, _ := homeOfRows(t, sz[0], sz[1])
		checkGolden(t, fmt.Sprintf("home_%dx%d", sz[0], sz[1]), f.m.View())
	}
	f, _ := homeOfRows(t, 80, 24)
	for _, w := range []int{1, 2, 10, 20, 24, 30, 46, 62, 80, 101, 160, 250} {
		for _, h := range []int{1, 2, 3, 4, 5, 8, 9, 19, 24, 48} {
			f.Send(tea.WindowSizeMsg{Width: w, Height: h})
			if !checkScreenFits(t, f.View(), w, h) {
				t.Fatalf("at %dx%d", w, h)
			}
		}
	}
}

// enter on a row switches to that account and tells the watcher, so the
// account's watch pauses (and the one left resumes); W from browsing
// brings the home screen back, esc closes it.
func TestTheHomeScreenOpensAnAccountAndTellsTheWatcher(t *testing.T) {
	f, st := homeOfRows(t, 160, 48)
	f.has("globex: Lumen Lighting Pro turned to error")
	f.Key("j", "enter")
	f.Advance(time.Second)
	f.has("globex · globex.example")
	if len(st.shown) != 1 || st.shown[0] != 1 {
		t.Fatalf("the watcher was told %v, want [1]", st.shown)
	}
	f.Key("W")
	f.has("ACCOUNT", "REACH")
	f.Key("esc")
	f.lacks("REACH")
	f.Key("W", "k", "enter") // back to acme, parked
	f.Advance(time.Second)
	f.has("acme · acme.example")
	if len(st.shown) != 2 || st.shown[1] != 0 {
		t.Errorf("the watcher was told %v, want [1 0]", st.shown)
	}
}

// The home screen counts the late and overdue connectors of each account
// in a column of their own, between the errors and the paused: acme's
// first connector, hourly and not synced since, is late three hours on.
func TestTheHomeScreenCountsLateConnectors(t *testing.T) {
	h := newHomeFixture(t)
	h.until("globex indexed", func(v string) bool { return strings.Contains(rowOf(v, "globex"), "complete") })
	h.has("ERROR  LATE PAUSED")
	if r := rowOf(h.View(), "acme"); !counts("reachable", `\d+`, "0", `\d+`, `\d+`).MatchString(r) {
		t.Fatalf("on time, acme's row: %q", r)
	}
	h.Advance(3 * time.Hour)
	h.until("acme's late connector counted", func(v string) bool {
		return counts("reachable", `\d+`, "1", `\d+`, `\d+`).MatchString(rowOf(v, "acme"))
	})

	f, _ := homeOfRows(t, 160, 48) // globex's watch: 2 late and 1 overdue
	if r := rowOf(f.View(), "globex"); !counts("reachable", "5", "3", "3", "19").MatchString(r) {
		t.Errorf("globex's row: %q, want 3 late (2 late, 1 overdue)", r)
	}
}

// J on an account's row opens the connector its latest event names, in
// that account (switching to it, as enter on an event or a merged row
// does); on a row without one it does nothing and says why.
func TestJOpensTheConnectorOfAnAccountsLatestEvent(t *testing.T) {
	h := newHomeFixture(t)
	h.until("globex indexed", func(v string) bool { return strings.Contains(rowOf(v, "globex"), "complete") })
	h.Key("J") // acme, on screen: its events are its own feed's
	if !strings.Contains(h.m.flash, "no event on this row") {
		t.Errorf("J on acme's row: status %q, want why it does nothing", h.m.flash)
	}
	h.has("REACH")
	id := h.globex.sb.IDs()[20]
	h.globex.sb.SetStatus(id, "error")
	h.until("globex's event on its row", func(v string) bool { return strings.Contains(v, "latest:") })
	h.Key("j", "J")
	h.until("globex's connector open", func(string) bool {
		h.Advance(time.Second)
		sel, ok := h.m.list.Selected()
		return ok && sel.ID == id
	})
	h.has("globex · globex.example")
	h.lacks("REACH")
	if !strings.HasSuffix(h.m.flash, " in globex") {
		t.Errorf("status %q, want the connector named in globex", h.m.flash)
	}
}
