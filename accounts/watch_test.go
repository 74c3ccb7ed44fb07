package accounts

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// customer is a sandbox with a key of its own, its connectors' statuses
// set (errors, paused, the rest active), and a log of every key presented
// to it.
type customer struct {
	name string
	sb   *sandbox.Server
	srv  *httptest.Server
	want monitor.StatusCounts

	mu    sync.Mutex
	keys  map[string]int    // the key of each request ("" for none)
	pages map[[2]string]int // the list's pages asked, by page and per_page
}

func newCustomer(t *testing.T, name, key string, gen sandbox.Generation, n, errs, paused int) *customer {
	t.Helper()
	return newCustomerLimited(t, name, key, gen, n, errs, paused, 1000)
}

// newCustomerLimited is newCustomer whose server allows readLimit reads a
// minute.
func newCustomerLimited(t *testing.T, name, key string, gen sandbox.Generation, n, errs, paused, readLimit int) *customer {
	t.Helper()
	c := &customer{name: name, keys: map[string]int{}, pages: map[[2]string]int{},
		sb: sandbox.New(sandbox.Options{Seed: int64(len(name)), APIKey: key, API: gen, Connectors: n,
			ReadLimit: readLimit, SyncFailureRate: -1}),
		want: monitor.StatusCounts{Error: errs, Paused: paused, Active: n - errs - paused}}
	for i, id := range c.sb.IDs() {
		switch {
		case i < errs:
			c.sb.SetStatus(id, "error")
			msg := "Shopify API returned 401 Unauthorized for " + name
			c.sb.SetLastError(id, &msg)
		case i < errs+paused:
			c.sb.SetStatus(id, "paused")
		default:
			c.sb.SetStatus(id, "active")
		}
	}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := r.Header.Get("X-API-Key")
		if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			k += b
		}
		c.mu.Lock()
		c.keys[k]++
		if strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), "/connectors") {
			c.pages[[2]string{r.URL.Query().Get("page"), r.URL.Query().Get("per_page")}]++
		}
		c.mu.Unlock()
		c.sb.ServeHTTP(w, r)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *customer) requests() int { return c.sb.Stats().Total }

// pageAsked is how many times page of perPage was asked of c.
func (c *customer) pageAsked(page, perPage int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pages[[2]string{strconv.Itoa(page), strconv.Itoa(perPage)}]
}

// keysOtherThanItsOwn are the keys presented to c that are not c's.
func (c *customer) keysOtherThanItsOwn() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for k := range c.keys {
		if k != "" && k != c.sb.APIKey() {
			out = append(out, k)
		}
	}
	return out
}

// specs are the customers as the dashboard gets them: profiles opened
// through the account opener, each with its own state folder.
func specs(t *testing.T, cs ...*customer) []shared.AccountSpec {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", home)
	op := account.Opener{StateHome: home}
	var out []shared.AccountSpec
	for _, c := range cs {
		s := config.Settings{ProfileID: c.name, Name: c.name, BaseURL: c.srv.URL + sandbox.BasePath,
			PerPage: 50, Timeout: 5 * time.Second}
		key := c.sb.APIKey()
		out = append(out, shared.AccountSpec{Name: c.name, Host: "sandbox", Open: func() (shared.Account, error) {
			a, err := op.OpenWithKey(s, key, "")
			if err != nil {
				return shared.Account{}, err
			}
			return a.Session, nil
		}})
	}
	return out
}

// waitFor polls cond for at most 20 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("not within 20s: %s", what)
}

func indexed(w *Watcher, i int) bool {
	r := w.Snapshot().Rows[i]
	return r.Summary.Index.Complete && r.Summary.Reach == shared.Reachable
}

// Three accounts on three servers, with different keys and API
// generations: each is watched — its counts by status, top cause, budget
// and index are its own — with requests that go only to its own server,
// with its own key; the one on screen too (the dashboard reads its
// watch's index instead of crawling it again).
func TestEveryAccountIsWatchedOnItsOwnServerWithItsOwnKey(t *testing.T) {
	acme := newCustomer(t, "acme", "pm_test_acme", sandbox.Current, 12, 2, 1)
	globex := newCustomer(t, "globex", "pm_test_globex", sandbox.Seed, 30, 5, 3)
	initech := newCustomer(t, "initech", "pm_test_initech", sandbox.Current, 7, 0, 2)
	ctx, cancel := context.WithCancel(context.Background())
	w := Start(ctx, specs(t, acme, globex, initech), 0, Options{})
	t.Cleanup(func() { cancel(); w.Wait() })

	waitFor(t, "globex and initech indexed, globex's errors read", func() bool {
		return indexed(w, 1) && indexed(w, 2) && w.Snapshot().Rows[1].Summary.TopCauseCount == 5
	})
	rows := w.Snapshot().Rows
	for i, c := range []*customer{globex, initech} {
		r := rows[i+1]
		if r.Name != c.name || r.Summary.Counts != c.want {
			t.Errorf("%s: row %q counts %+v, want %+v", c.name, r.Name, r.Summary.Counts, c.want)
		}
		if !r.Summary.Budget.Known || r.Summary.Budget.Limit != 1000 {
			t.Errorf("%s: budget %+v, want its own server's 1000 a minute", c.name, r.Summary.Budget)
		}
	}
	if r := rows[1]; r.Summary.TopCause == "" || r.Summary.TopCauseCount != 5 {
		t.Errorf("globex: top cause %q ×%d, want its 5 errors' one cause", r.Summary.TopCause, r.Summary.TopCauseCount)
	}
	if !rows[0].OnScreen {
		t.Errorf("acme is not said to be on screen")
	}

	w.Show(1) // globex on screen: every account is still watched, acme's index the watch's
	waitFor(t, "acme indexed by its watch", func() bool { return indexed(w, 0) })
	if got := w.Snapshot().Rows[0].Summary.Counts; got != acme.want {
		t.Errorf("acme: counts %+v, want %+v", got, acme.want)
	}
	for _, c := range []*customer{acme, globex, initech} {
		if c.requests() == 0 {
			t.Errorf("%s: no request reached its server", c.name)
		}
		if k := c.keysOtherThanItsOwn(); len(k) > 0 {
			t.Errorf("%s's server was sent %d other keys", c.name, len(k))
		}
	}
}

// A connector of an account not on screen turns to error: the event
// arrives tagged with that account, and is written to that account's
// events log (where the dashboard reads it when the account is opened).
func TestAnEventOnAnAccountNotOnScreenArrivesTaggedWithItsAccount(t *testing.T) {
	acme := newCustomer(t, "acme", "pm_test_acme", sandbox.Current, 5, 0, 0)
	globex := newCustomer(t, "globex", "pm_test_globex", sandbox.Seed, 5, 0, 0)
	ctx, cancel := context.WithCancel(context.Background())
	sp := specs(t, acme, globex)
	w := Start(ctx, sp, 0, Options{ListRefresh: 100 * time.Millisecond})
	t.Cleanup(func() { cancel(); w.Wait() })
	waitFor(t, "globex indexed", func() bool { return indexed(w, 1) })
	w.Snapshot() // what came before

	id := globex.sb.IDs()[3]
	globex.sb.SetStatus(id, "error")
	var got shared.Events
	waitFor(t, "globex's event", func() bool {
		for _, b := range w.Snapshot().Events {
			for _, e := range b.Events {
				if e.ConnectorID == id && e.Kind == monitor.TurnedError {
					got = b
					return true
				}
			}
		}
		return false
	})
	if got.Account != 1 {
		t.Errorf("the event is tagged with account %d, want 1 (globex)", got.Account)
	}
	if r := w.Snapshot().Rows[1]; r.Unacked == 0 || r.Summary.Counts.Error != 1 {
		t.Errorf("globex's row: %d unacknowledged, %d in error; want the event and the error", r.Unacked, r.Summary.Counts.Error)
	}
	s, err := w.Specs()[1].Open()
	if err != nil || s.Events == nil {
		t.Fatalf("globex: %v", err)
	}
	seen, _, err := s.Events.Load()
	if err != nil {
		t.Fatal(err)
	}
	logged := false
	for _, e := range seen {
		logged = logged || (e.ConnectorID == id && e.Kind == monitor.TurnedError)
	}
	if !logged {
		t.Error("the event is not in globex's events log")
	}
}

// The switcher's opening is the watcher's: the account switched to is the
// one watched, opened once.
func TestTheSwitcherOpensTheWatchedAccountNotASecondOne(t *testing.T) {
	acme := newCustomer(t, "acme", "pm_test_acme", sandbox.Current, 3, 0, 0)
	globex := newCustomer(t, "globex", "pm_test_globex", sandbox.Current, 3, 0, 0)
	var mu sync.Mutex
	opened := 0
	sp := specs(t, acme, globex)
	open := sp[1].Open
	sp[1].Open = func() (shared.Account, error) {
		mu.Lock()
		opened++
		mu.Unlock()
		return open()
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := Start(ctx, sp, 0, Options{})
	t.Cleanup(func() { cancel(); w.Wait() })
	a, err := w.Specs()[1].Open()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := w.Specs()[1].Open()
	mu.Lock()
	defer mu.Unlock()
	if opened != 1 || a.API != b.API {
		t.Errorf("globex opened %d times, or two clients", opened)
	}
}

// Ending the watcher's context ends every watch: nothing is left asking.
func TestTheWatchesEndWithTheirContext(t *testing.T) {
	acme := newCustomer(t, "acme", "pm_test_acme", sandbox.Current, 3, 0, 0)
	globex := newCustomer(t, "globex", "pm_test_globex", sandbox.Seed, 3, 0, 0)
	sp := specs(t, acme, globex)
	before := goleak.IgnoreCurrent() // the servers
	ctx, cancel := context.WithCancel(context.Background())
	w := Start(ctx, sp, 0, Options{ListRefresh: 50 * time.Millisecond})
	t.Cleanup(func() { cancel(); w.Wait() })
	waitFor(t, "globex indexed", func() bool { return indexed(w, 1) })
	cancel()
	w.Wait()
	goleak.VerifyNone(t, before,
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreAnyFunction("internal/poll.runtime_pollWait"))
}

// Reachability is said plainly for each account: a key its server refuses,
// a server that does not answer, a budget spent.
func TestEachAccountsReachabilityIsSaidPlainly(t *testing.T) {
	acme := newCustomer(t, "acme", "pm_test_acme", sandbox.Current, 3, 0, 0)
	refused := newCustomer(t, "refused", "pm_test_refused", sandbox.Seed, 3, 0, 0)
	gone := newCustomer(t, "gone", "pm_test_gone", sandbox.Current, 3, 0, 0)
	spent := newCustomerLimited(t, "spent", "pm_test_spent", sandbox.Current, 3, 0, 0, 1)
	sp := specs(t, acme, refused, gone, spent)
	op := account.Opener{StateHome: t.TempDir()}
	s := config.Settings{ProfileID: "refused", Name: "refused", BaseURL: refused.srv.URL + sandbox.BasePath, Timeout: 5 * time.Second}
	sp[1].Open = func() (shared.Account, error) {
		a, err := op.OpenWithKey(s, "pm_test_not_this_one", "")
		if err != nil {
			return shared.Account{}, err
		}
		return a.Session, nil
	}
	gone.srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	w := Start(ctx, sp, 0, Options{})
	t.Cleanup(func() { cancel(); w.Wait() })
	waitFor(t, "the key refused, the server down and the budget spent said", func() bool {
		r := w.Snapshot().Rows
		return r[1].Summary.Reach == shared.KeyRefused && r[2].Summary.Reach == shared.Down && r[3].Summary.Reach == shared.RateLimited
	})
	said := []string{shared.KeyRefused.String(), shared.Down.String(), shared.RateLimited.String()}
	if got := strings.Join(said, ", "); got != "key refused, down, rate limited" {
		t.Errorf("said %q", got)
	}
}
