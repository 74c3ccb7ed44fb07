package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	opener "github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/accounts"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// handover is a dashboard of two watched accounts, each opened through
// the watcher as the program opens them (the one on screen included).
type handover struct {
	*driver
	w             *accounts.Watcher
	acme, globex  *keyedServer
	globexAccount shared.Account
}

func newHandover(t *testing.T, crawl bool, watchRefresh time.Duration) *handover {
	t.Helper()
	return newHandoverWith(t, crawl, watchRefresh, nil)
}

// newHandoverWith is newHandover with its options changed by edit.
func newHandoverWith(t *testing.T, crawl bool, watchRefresh time.Duration, edit func(*Options)) *handover {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", home)
	clock := newFakeClock()
	h := &handover{
		acme:   newKeyedServer(t, clock, "pm_test_acme", sandbox.Options{Connectors: 6}),
		globex: newKeyedServer(t, clock, "pm_test_globex", sandbox.Options{Connectors: 8, Seed: 7, API: sandbox.Seed}),
	}
	setStatuses(h.acme, 0, 0)
	setStatuses(h.globex, 0, 0)
	op := opener.Opener{StateHome: home}
	ctx, cancel := context.WithCancel(context.Background())
	h.w = accounts.Start(ctx, []shared.AccountSpec{watchedSpec(op, "acme", h.acme), watchedSpec(op, "globex", h.globex)}, 0,
		accounts.Options{ListRefresh: watchRefresh, Now: clock.Now})
	t.Cleanup(func() { cancel(); h.w.Wait() })
	specs := h.w.Specs()
	acme, err := specs[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	if h.globexAccount, err = specs[1].Open(); err != nil {
		t.Fatal(err)
	}
	o := Start{Account: acme, Name: "acme", Host: "acme.example", Accounts: specs, Home: h.w}.Options()
	base := testOptions(acme.API, clock)
	o.Now, o.Location, o.Seed, o.Plain, o.After, o.NoIndex = base.Now, base.Location, base.Seed, base.Plain, base.After, !crawl
	if edit != nil {
		edit(&o)
	}
	h.driver = newDriver(t, o, clock, 160, 40)
	h.Advance(time.Second)
	if strings.Contains(h.View(), "REACH") {
		h.Key("esc") // the home screen, first with several accounts
	}
	return h
}

// events is how many events of kind about connector id globex's events
// log holds (the log the watch and the dashboard both reach).
func (h *handover) events(id string, kind monitor.EventKind) int {
	h.t.Helper()
	seen, _, err := h.globexAccount.Events.Load()
	if err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for _, e := range seen {
		if e.ConnectorID == id && e.Kind == kind {
			n++
		}
	}
	return n
}

// until hands the watcher's snapshots to the dashboard until cond holds,
// for at most 20 seconds.
func (h *handover) until(what string, cond func() bool) {
	h.t.Helper()
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		h.Send(h.w.Snapshot())
		if cond() {
			return
		}
	}
	h.t.Fatalf("not within 20s: %s", what)
}

// to switches the dashboard to account i with the switcher and lets its
// monitor ask (a parked one asks every target again at once).
func (h *handover) to(i int) {
	h.t.Helper()
	h.Key("W")
	if i == 0 {
		h.Key("k")
	} else {
		h.Key("j")
	}
	h.Key("enter")
	h.Advance(time.Second)
	h.Send(h.w.Snapshot())
}

// A connector of globex turns to error while globex is parked (acme on
// screen), and another while globex is on screen: each change is
// reported once, however often the dashboard switches across it — the
// watch and the dashboard's parked monitor, resumed, do not both report
// what one of them already did.
func TestSwitchingAccountsAcrossAChangeReportsItOnce(t *testing.T) {
	h := newHandover(t, false, 50*time.Millisecond)
	ids := h.globex.sb.IDs()
	h.to(1) // globex on screen: its monitor now knows every connector active
	if !strings.Contains(h.View(), "globex · globex.example") {
		t.Fatalf("globex is not on screen:\n%s", h.View())
	}
	h.to(0) // globex parked
	h.globex.sb.SetStatus(ids[2], "error")
	h.until("the watch reports globex's change", func() bool { return h.events(ids[2], monitor.TurnedError) >= 1 })
	h.to(1) // the parked monitor resumes with globex's connector active in its store
	h.to(0)
	h.to(1)
	h.globex.sb.SetStatus(ids[3], "error") // on screen: both the dashboard and the watch see it
	h.Advance(31 * time.Second)            // the page on screen asked again
	h.until("globex's second change reported", func() bool { return h.events(ids[3], monitor.TurnedError) >= 1 })
	time.Sleep(300 * time.Millisecond) // the watch's first page, asked several times meanwhile
	h.to(0)
	h.to(1)
	h.Advance(31 * time.Second)
	h.until("the events written", func() bool { return h.events(ids[2], monitor.TurnedError) >= 1 })
	time.Sleep(200 * time.Millisecond) // anything written twice is written by now
	for _, id := range ids[2:4] {
		if n := h.events(id, monitor.TurnedError); n != 1 {
			t.Errorf("connector %s: %d turned_error events in globex's log, want 1", id, n)
		}
	}
}

// Opening a watched account sends no second crawl: the dashboard's
// monitor reads the watch's index, and globex's server is asked for the
// whole list by the watch alone.
func TestOpeningAWatchedAccountSendsNoSecondCrawl(t *testing.T) {
	h := newHandover(t, true, time.Hour)
	h.until("globex indexed by its watch", func() bool {
		r := h.w.Snapshot().Rows[1]
		return r.Summary.Index.Complete
	})
	pages := func() int { return h.globex.sb.Stats().ByRoute["GET /connectors"] }
	before := pages()
	h.to(1)
	h.Advance(5 * time.Second) // long after the first paint: a crawl of its own would have begun
	if !strings.Contains(h.View(), "globex · globex.example") {
		t.Fatalf("globex is not on screen:\n%s", h.View())
	}
	// The dashboard asks for the page on screen, at most once (the watch's
	// answer, shared, may serve it); a crawl of its own would ask for the
	// list again.
	if got := pages() - before; got > 1 {
		t.Errorf("globex was asked for %d list pages on opening, want at most 1: the page on screen", got)
	}
	if !h.m.mon.Index().Complete {
		t.Errorf("the dashboard's index of globex is %+v, want the watch's, complete", h.m.mon.Index())
	}
}
