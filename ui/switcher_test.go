package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/shared"
)

// keyedServer is a sandbox with a key of its own that records every key
// presented to it.
type keyedServer struct {
	sb   *sandbox.Server
	srv  *httptest.Server
	mu   sync.Mutex
	keys map[string]int
}

func newKeyedServer(t *testing.T, clock *fakeClock, key string, so sandbox.Options) *keyedServer {
	t.Helper()
	so.APIKey = key
	ks := &keyedServer{sb: sandbox.New(testSandboxOptions(clock, so)), keys: map[string]int{}}
	ks.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ks.mu.Lock()
		ks.keys[r.Header.Get("X-API-Key")]++
		ks.mu.Unlock()
		ks.sb.ServeHTTP(w, r)
	}))
	t.Cleanup(ks.srv.Close)
	return ks
}

func (ks *keyedServer) client(t *testing.T, clock *fakeClock) *api.Client {
	c, err := api.New(ks.srv.URL+sandbox.BasePath, api.WithAPIKey(ks.sb.APIKey()), api.WithHTTPClient(ks.srv.Client()),
		api.WithClock(clock.Now), api.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (ks *keyedServer) requests() int { return ks.sb.Stats().Total }

func (ks *keyedServer) keysSeen() map[string]int {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	out := map[string]int{}
	for k, v := range ks.keys {
		out[k] = v
	}
	return out
}

// Two accounts on two servers: P switches; the account left stops asking,
// keeps its page and selection for the way back, and no request with one
// account's key reaches the other's server; an answer of the account left,
// arriving late, is not applied to the one on screen.
func TestSwitchAccounts(t *testing.T) {
	clock := newFakeClock()
	a := newKeyedServer(t, clock, "pm_test_acme", sandbox.Options{})
	b := newKeyedServer(t, clock, "pm_test_globex", sandbox.Options{Connectors: 20, Seed: 7})
	opened := 0
	o := testOptions(a.client(t, clock), clock)
	o.Accounts = []shared.AccountSpec{
		{Name: "ACME Retail", Host: "acme.example"},
		{Name: "Globex", Host: "globex.example", Open: func() (shared.Account, error) {
			opened++
			return shared.Account{API: b.client(t, clock)}, nil
		}},
	}
	d := newDriver(t, o, clock, 160, 48)
	d.Advance(time.Second)
	f := &uiFixture{driver: d, sb: a.sb, ids: a.sb.IDs()}
	f.has("ACME Retail · acme.example")
	f.Key("j", "j") // the third connector of ACME
	f.Advance(time.Second)
	acmeSel := f.selected().ID

	held := f.stepKeys("r") // an ACME answer still out when the switch happens
	f.Key("P")
	f.has("Accounts", "ACME Retail · acme.example · on screen", "Globex · globex.example")
	f.Key("j", "enter")
	f.Advance(time.Second)
	if opened != 1 {
		t.Fatalf("Globex opened %d times", opened)
	}
	f.has("Globex · globex.example", "20 connectors")
	f.lacks("ACME Retail")
	globexSel := f.selected().ID
	for _, msg := range held {
		f.Send(msg) // ACME's late answers
	}
	if got := f.selected().ID; got != globexSel || f.m.list.Meta().Total != 20 {
		t.Fatalf("an ACME answer changed Globex's list: selected %s, total %d", got, f.m.list.Meta().Total)
	}

	before := a.requests()
	f.Advance(3 * time.Minute)
	if n := a.requests() - before; n != 0 {
		t.Errorf("ACME was asked %d times while Globex was on screen", n)
	}

	f.Key("P", "k", "enter")
	f.Advance(time.Second)
	f.has("ACME Retail · acme.example")
	if got := f.selected().ID; got != acmeSel {
		t.Errorf("back on ACME the selection is %s, want %s as left", got, acmeSel)
	}
	if opened != 1 {
		t.Errorf("Globex was opened again: %d", opened)
	}
	if a.requests() == before {
		t.Error("ACME was not refreshed on the way back")
	}
	bBefore := b.requests()
	f.Advance(3 * time.Minute)
	if n := b.requests() - bBefore; n != 0 {
		t.Errorf("Globex was asked %d times while ACME was on screen", n)
	}
	for k := range a.keysSeen() {
		if k != "pm_test_acme" {
			t.Errorf("ACME's server saw the key %q", k)
		}
	}
	for k := range b.keysSeen() {
		if k != "pm_test_globex" {
			t.Errorf("Globex's server saw the key %q", k)
		}
	}
}

// The switcher is offered only when there is another account, and a
// failing open (a key command that fails) says why and stays where it is.
func TestSwitcherOnlyWithAccountsAndFailingOpen(t *testing.T) {
	f := startOn(t, sandbox.Options{}, nil)
	f.Key("?")
	if strings.Contains(f.View(), "switch account") {
		t.Fatal("the switcher is offered with a single account")
	}
	g := startOn(t, sandbox.Options{}, func(o *Options) {
		o.Accounts = []shared.AccountSpec{{Name: "ACME", Host: "a"}, {Name: "Initech", Host: "i", Open: func() (shared.Account, error) {
			return shared.Account{}, errString("the key command failed (exit status 1): gpg: no secret key")
		}}}
	})
	g.Key("P", "j", "enter")
	g.has("Initech: the key command failed (exit status 1): gpg: no secret key", "ACME · a")
}

type errString string

func (e errString) Error() string { return string(e) }

// A profile reached with P pages as it does when started with --profile:
// its own per_page, not the start account's.
func TestTheSwitcherKeepsTheProfilesPerPage(t *testing.T) {
	clock := newFakeClock()
	a := newKeyedServer(t, clock, "pm_test_acme", sandbox.Options{})
	b := newKeyedServer(t, clock, "pm_test_globex", sandbox.Options{Connectors: 150, Seed: 7})
	o := testOptions(a.client(t, clock), clock)
	o.PerPage = 50
	o.Accounts = []shared.AccountSpec{
		{Name: "ACME Retail", Host: "acme.example"},
		{Name: "Globex", Host: "globex.example", Open: func() (shared.Account, error) {
			return shared.Account{API: b.client(t, clock), PerPage: 100}, nil
		}},
	}
	d := newDriver(t, o, clock, 160, 48)
	d.Advance(time.Second)
	f := &uiFixture{driver: d, sb: a.sb, ids: a.sb.IDs()}
	f.has("page 1/3")
	f.Key("P", "j", "enter")
	f.Advance(time.Second)
	f.has("Globex · globex.example", "page 1/2")
}
