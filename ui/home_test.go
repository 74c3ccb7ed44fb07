package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	opener "github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/accounts"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/config"
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
		if strings.Contains(l, "  "+name+" ") || strings.Contains(l, "▶ "+name+" ") {
			return l
		}
	}
	return ""
}

// counts matches a row's reach and counts: error, paused, active, events.
func counts(reach string, errs, paused, active string) *regexp.Regexp {
	return regexp.MustCompile(reach + `\s+` + errs + `\s+` + paused + `\s+` + active + `\s+\d+\s`)
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
		{"globex", counts("reachable", "5", "3", "22")},
		{"initech", counts("reachable", "0", "2", "7")},
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
	h.until("globex's count", func(v string) bool { return counts("reachable", "6", "3", "21").MatchString(rowOf(v, "globex")) })

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
