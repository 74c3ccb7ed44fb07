package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/shared"
)

// A team of three customers, each on its own server with its own key:
// acme (its first connector firstName),
// globex and initech, whose connectors are all renamed "<Name>-Secret-n"
// so that any of their names on a screen is found. carol may see acme
// only; dave sees acme (operate) and globex (watch), never initech.
type customers struct {
	*team
	sbs   map[string]*sandbox.Server
	logMu sync.Mutex
	log   bytes.Buffer // the server's log
}

func (c *customers) logged() string {
	c.logMu.Lock()
	defer c.logMu.Unlock()
	return c.log.String()
}

var customerIDs = []string{"acme", "globex", "initech"}

// startCustomers serves the three; carol may see carolSees (default acme).
func startCustomers(t *testing.T, carolSees ...string) *customers {
	t.Helper()
	c := &customers{sbs: map[string]*sandbox.Server{}}
	keys := map[string]gossh.Signer{"carol": newKey(t), "dave": newKey(t)}
	var accs []Account
	for i, id := range customerIDs {
		sb := sandbox.New(sandbox.Options{Seed: int64(i + 1), Connectors: 12, ReadLimit: -1, WriteLimit: -1,
			APIKey: "pm_test_" + id}) // a key each: one sent to another's server is refused
		if id != "acme" {
			for n, cid := range sb.IDs() {
				sb.SetName(cid, fmt.Sprintf("%s-Secret-%d", strings.ToUpper(id[:1])+id[1:], n))
			}
		}
		u, stop, err := sb.Start("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		cl, err := api.New(u, api.WithAPIKey(sb.APIKey()))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		h, _, err := history.Open(dir, id, history.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ev, _, err := history.OpenEvents(dir, history.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.sbs[id] = sb
		accs = append(accs, Account{ID: id, Name: id, Host: id + ".example", Open: func() (shared.Account, error) {
			return shared.Account{API: cl, History: h, Events: ev}, nil
		}})
	}
	if len(carolSees) == 0 {
		carolSees = []string{"acme"}
	}
	c.team = startTeam(t, func(o *Options) {
		o.Accounts = accs
		o.Current = 1 // the server starts on globex: carol, who may not see it, starts on acme
		o.Log = lockedWriter{&c.logMu, &c.log}
		o.ListRefresh, o.IdleRefresh, o.Refresh = time.Second, time.Second, time.Second
		o.HostKeyPath = filepath.Join(t.TempDir(), "host_key")
		o.Serve.Users = []config.ServeUser{
			{Name: "carol", Role: config.RoleOperate, Accounts: carolSees, Keys: []gossh.PublicKey{keys["carol"].PublicKey()}},
			{Name: "dave", Role: config.RoleWatch, Accounts: []string{"acme", "globex"},
				Roles: map[string]config.Role{"acme": config.RoleOperate}, Keys: []gossh.PublicKey{keys["dave"].PublicKey()}},
		}
	})
	for k, v := range keys {
		c.keys[k] = v
	}
	return c
}

// breakAll turns every connector of account id to error: its watch sees
// it and the hub says so.
func (c *customers) breakAll(id string) {
	for _, cid := range c.sbs[id].IDs() {
		c.sbs[id].SetStatus(cid, "error")
	}
}

// hidden finds a name of an account other than acme in s: the account's
// or one of its connectors'.
var hidden = regexp.MustCompile(`(?i)globex|initech|secret`)

// A user limited to one account never sees another's names: not in the
// header, the switcher, the home screen, the help, the events, the alerts
// or the status bar, while the others' connectors fail and their events
// reach the users who may see them.
func TestUserLimitedToOneAccountNeverSeesAnother(t *testing.T) {
	c := startCustomers(t)
	c.srv.OpenAll() // every account watched, initech too, which no session may open
	carol, dave := c.connect("carol", true), c.connect("dave", true)
	carol.waitFor(firstName)
	dave.waitFor("Accounts") // dave's first screen: his home screen
	c.breakAll("globex")
	c.breakAll("initech")
	for i := 1; i <= 2; i++ { // the others' events are published, to those who may see them
		until(t, customerIDs[i]+"'s events", func() bool { a := c.srv.opened(i); return a != nil && a.hub.Unacked() > 0 })
	}
	// Every screen carol can open, each given time to draw.
	for _, k := range []string{"P", "W", "L", "?", "\x1b", "E", "\x1b", "e", "\x1b", "H", "\x1b", "T", "\x1b", "x", "\x1b", "j", "\r", "\x1b"} {
		carol.keys(k)
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // the watches' next polls
	out := carol.screen()
	if !strings.Contains(out, "carol") || !strings.Contains(out, "acme") {
		t.Fatalf("carol's screen does not show her account: %q", tail(out))
	}
	if m := hidden.FindAllStringIndex(out, -1); len(m) > 0 {
		at := m[0][0]
		t.Fatalf("carol saw %d names of accounts she may not see, first %q in …%q…", len(m), out[m[0][0]:m[0][1]], out[max(at-80, 0):min(at+80, len(out))])
	}
	if n := posts(c.sbs["globex"]) + posts(c.sbs["initech"]); n != 0 {
		t.Errorf("%d POSTs to accounts carol may not see", n)
	}
}

// The home screen over SSH lists the accounts the user may see, with
// their watch's counts, and no other.
func TestHomeScreenOverSSHShowsOnlyAllowedAccounts(t *testing.T) {
	c := startCustomers(t)
	dave := c.connect("dave", true) // globex, the server's start account, on screen
	dave.waitFor("Accounts")
	c.breakAll("acme")
	dave.waitFor("latest: ") // acme's events, off screen, said on its row
	// The acme row counts its twelve connectors in error, from the
	// server's watch: dave's dashboard reads globex.
	row := regexp.MustCompile(`acme\s+reachable\s+12\s`)
	until(t, "the home screen shows acme's 12 errors", func() bool { return row.MatchString(dave.screen()) })
	if out := dave.screen(); regexp.MustCompile(`(?i)initech`).MatchString(out) {
		t.Fatal("dave's home screen names initech, which he may not see")
	}
	// One watch per account, whoever connects: three more home screens
	// cost acme no request.
	window := func() int {
		before := gets(c.sbs["acme"])
		time.Sleep(3 * time.Second)
		return gets(c.sbs["acme"]) - before
	}
	one := window()
	for range 3 {
		more := c.connect("dave", true)
		until(t, "another home screen shows acme", func() bool { return row.MatchString(more.screen()) })
	}
	four := window()
	t.Logf("acme GETs in 3s: 1 home screen %d, 4 home screens %d", one, four)
	if one == 0 || four > one+2 {
		t.Fatalf("acme GETs in 3s: %d with one home screen, %d with four: want the watch's alone", one, four)
	}
}

// A user's role may differ by account: dave operates on acme (his sync is
// sent there) and only watches globex (refused in words, nothing sent).
func TestRolePerAccountRefusesAWriteOnOneAndAllowsOnTheOther(t *testing.T) {
	c := startCustomers(t)
	dave := c.connect("dave", true)
	dave.waitFor("Accounts")
	dave.waitFor("dave · operate on acme · watch on globex")
	dave.keys("\r") // open globex, the server's start account, under the cursor
	dave.waitFor("Globex-Secret-0")
	dave.keys("S")
	dave.waitFor("read-only: your role")
	time.Sleep(300 * time.Millisecond)
	dave.keys("y")
	time.Sleep(500 * time.Millisecond)
	if n := posts(c.sbs["globex"]); n != 0 {
		t.Fatalf("dave's keys on globex, where he watches, sent %d POSTs", n)
	}

	dave.keys("W")
	time.Sleep(300 * time.Millisecond)
	dave.keys("k")
	time.Sleep(100 * time.Millisecond)
	dave.keys("\r")
	dave.waitFor(firstName)
	dave.keys("S")
	dave.waitFor("ENTIRE catalog")
	dave.keys("y")
	until(t, "dave's sync reaches acme", func() bool { return posts(c.sbs["acme"]) == 1 })
	// The server refuses too, naming the account, whatever a dashboard asks.
	for i, id := range customerIDs[:2] {
		a, err := c.srv.account(i)
		if err != nil {
			t.Fatal(err)
		}
		u := c.srv.opts.Serve.Users[1]
		_, _, err = (&userAPI{account: a, user: u}).TestConnector(context.Background(), c.sbs[id].IDs()[0])
		var we *WatcherError
		switch {
		case id == "acme" && err != nil:
			t.Errorf("dave's test on acme: %v, want it sent", err)
		case id == "globex" && (!errors.As(err, &we) || !strings.Contains(err.Error(), "dave has the watch role on globex")):
			t.Errorf("dave's test on globex: %v, want a WatcherError naming globex", err)
		}
	}
	if n := posts(c.sbs["globex"]); n != 0 {
		t.Fatalf("the server sent %d POSTs to globex for a watcher", n)
	}
}

// A user who may see none of the served accounts (a shard serving others)
// is told so in words, and gets no dashboard.
func TestUserWithNoServedAccountIsToldSo(t *testing.T) {
	c := startCustomers(t, "umbrella") // served by another shard
	until(t, "the log says carol sees nothing", func() bool {
		return strings.Contains(c.logged(), "carol may see none of the accounts served here (serve.users.carol.accounts)")
	})
	carol := c.connect("carol", true)
	_ = carol.waitEnd()
	if got := carol.stderr(); !strings.Contains(got, "carol may see none of the accounts this team server serves") {
		t.Fatalf("stderr %q", got)
	}
	if hidden.MatchString(carol.screen()) || strings.Contains(carol.screen(), "acme") {
		t.Fatalf("carol saw an account: %q", carol.screen())
	}
}

// An account the server cannot open is said on the home screen, without
// the server's details (they are in its log).
func TestHomeScreenSaysAnAccountCannotBeOpened(t *testing.T) {
	tm := startTeam(t, func(o *Options) {
		o.Accounts = append(o.Accounts, Account{ID: "broken", Name: "broken", Host: "broken.example", Open: func() (shared.Account, error) {
			return shared.Account{}, errors.New("api_key_command /secret/path failed")
		}})
	})
	c := tm.connect("alice", true)
	c.waitFor("cannot open: the server's log says why")
	if strings.Contains(c.screen(), "/secret/path") {
		t.Fatal("the server's details reached a session")
	}
}

// The line mode of a limited user opens on an account they may see, and
// names no other, though the server starts on one they may not.
func TestLineModeOfALimitedUserStaysOnTheirAccount(t *testing.T) {
	c := startCustomers(t)
	carol := c.connectLines("carol", true)
	carol.waitFor("Type list for the connectors")
	carol.keys("list\r")
	carol.waitFor(firstName)
	if hidden.MatchString(carol.screen()) {
		t.Fatalf("carol's lines name an account she may not see: %q", tail(carol.screen()))
	}
}
