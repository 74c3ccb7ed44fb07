package monitor

import (
	"errors"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/internal/fakeclock"
)

var epoch0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// clock is the tests' one fake clock.
type clock = fakeclock.Clock

func newTest(t *testing.T) (*Monitor, *clock) {
	t.Helper()
	c := fakeclock.New(epoch0)
	m := New(Options{Now: c.Now, Seed: 1})
	return &m, c
}

func conn(id string) api.Connector {
	return api.Connector{ID: id, Name: "Shop " + id, Status: "active"}
}

// requests and timers split a plan, failing on anything else.
func split(p Plan) (reqs []Request, timers []Timer) {
	for _, s := range p {
		if s.Timer != nil {
			timers = append(timers, *s.Timer)
		} else {
			reqs = append(reqs, s.Request)
		}
	}
	return reqs, timers
}

func oneRequest(t *testing.T, p Plan) Request {
	t.Helper()
	reqs, timers := split(p)
	if len(reqs) != 1 || len(timers) != 0 {
		t.Fatalf("plan %+v: want one request", p)
	}
	return reqs[0]
}

func oneTimer(t *testing.T, p Plan) Timer {
	t.Helper()
	reqs, timers := split(p)
	if len(reqs) != 0 || len(timers) != 1 {
		t.Fatalf("plan %+v: want one timer", p)
	}
	return timers[0]
}

func pageOK(r Request, items ...api.Connector) Result {
	return Result{Request: r, Items: items, Meta: api.PageMeta{Total: len(items), Page: r.Page, TotalPages: 3}}
}

func detailOK(r Request, pending int) Result {
	return Result{Request: r, Detail: &api.ConnectorDetail{Connector: conn(r.ID), SyncStats: api.SyncStats{ProductsPending: pending}}}
}

func failed(r Request, err error) Result { return Result{Request: r, Err: err} }

func budget(c *clock, remaining, limit int) api.RateLimit {
	return api.RateLimit{Known: true, Limit: limit, Remaining: remaining, Reset: c.Now().Add(time.Hour)}
}

// The page is asked for at start; its answer arms the list refresh, and a
// selection is fetched after the debounce, then polled at the idle rate.
func TestStartPollsPageAndSelection(t *testing.T) {
	m, _ := newTest(t)
	r := oneRequest(t, m.Start())
	if r.Kind != KindPage || r.Page != 1 || r.PerPage != 50 || r.Seq != 1 || r.Epoch != 1 {
		t.Fatalf("first request %+v", r)
	}
	out := m.Apply(pageOK(r, conn("a"), conn("b")))
	if out.Page == nil || out.Page.Same || len(out.Page.Items) != 2 {
		t.Fatalf("page outcome %+v", out.Page)
	}
	if tm := oneTimer(t, out.Plan); tm.After != 30*time.Second || tm.Target != PageTarget {
		t.Fatalf("list timer %+v", tm)
	}
	tm := oneTimer(t, m.Select("a", true))
	if !tm.User || tm.After != SelectDebounce {
		t.Fatalf("selection timer %+v", tm)
	}
	d := oneRequest(t, m.Wake(tm))
	if d.Kind != KindConnector || d.ID != "a" {
		t.Fatalf("detail request %+v", d)
	}
	out = m.Apply(detailOK(d, 0))
	if out.Detail == nil || oneTimer(t, out.Plan).After != 10*time.Second {
		t.Fatalf("detail outcome %+v", out)
	}
	if m.Wake(tm) != nil {
		t.Fatal("a spent timer asked again")
	}
}

// At most one request per target is out; asking again queues exactly one.
func TestOneRequestInFlightPerTarget(t *testing.T) {
	m, _ := newTest(t)
	r := oneRequest(t, m.Start())
	p, _ := m.Refresh()
	if len(p) != 0 || !m.Target(PageTarget).InFlight {
		t.Fatalf("a second page request went out: %+v", p)
	}
	m.Refresh()
	next := oneRequest(t, m.Apply(pageOK(r)).Plan)
	if next.Seq != 2 {
		t.Fatalf("queued request seq %d", next.Seq)
	}
	if out := m.Apply(pageOK(r)); !out.Dropped {
		t.Fatal("an older answer was applied")
	}
	if _, timers := split(m.Apply(pageOK(next)).Plan); len(timers) != 1 {
		t.Fatal("the queued request was sent twice")
	}
}

// A low budget slows every target; a background target yields the last
// quarter of the budget to the foreground, which keeps polling.
func TestBudgetIsSharedForegroundFirst(t *testing.T) {
	m, c := newTest(t)
	m.Apply(pageOK(oneRequest(t, m.Start()), conn("a")))
	d := oneRequest(t, m.Select("a", false))
	watch, p, err := m.AddTarget(Spec{Kind: KindConnector, ID: "b", Priority: Background, Every: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	w := oneRequest(t, p)

	res := detailOK(d, 0)
	res.Rate = budget(c, 20, 100) // 20 % left: below the reserve
	if tm := oneTimer(t, m.Apply(res).Plan); tm.After != 20*time.Second {
		t.Fatalf("foreground at 20%% budget waits %s, want 2x 10s", tm.After)
	}
	wres := detailOK(w, 0)
	wres.Rate = budget(c, 19, 100)
	tm := oneTimer(t, m.Apply(wres).Plan)
	c.Advance(tm.After)
	if got := oneTimer(t, m.Wake(tm)); got.Target != watch {
		t.Fatalf("background target sent at 19%% budget: %+v", got)
	}
	// The foreground still asks.
	if r := oneRequest(t, m.Wake(Timer{Epoch: 1, Target: SelectedTarget, Gen: m.targets[SelectedTarget].gen})); r.ID != "a" {
		t.Fatalf("foreground request %+v", r)
	}
	// Plenty of budget again: the background target asks too.
	m.noteRate(budget(c, 90, 100))
	if r := oneRequest(t, m.request(watch)); r.ID != "b" {
		t.Fatalf("background request %+v", r)
	}
}

// A refresh asks foreground targets before background ones, whatever the
// order they were added in.
func TestRefreshAsksForegroundFirst(t *testing.T) {
	m, _ := newTest(t)
	m.Apply(pageOK(oneRequest(t, m.Start()), conn("a")))
	_, p, _ := m.AddTarget(Spec{Kind: KindPage, Page: 2, Priority: Background})
	m.Apply(pageOK(oneRequest(t, p)))
	m.Select("a", true)
	p, _ = m.Refresh()
	reqs, _ := split(p)
	if len(reqs) != 3 || reqs[0].Target != PageTarget || reqs[1].Target != SelectedTarget || reqs[2].Target != 2 {
		t.Fatalf("refresh order %+v", reqs)
	}
}

// A 429 holds every read for the wait it names, or 60 s when it names none;
// timers are armed for the end of the hold.
func TestRateLimitHoldsEveryRead(t *testing.T) {
	m, c := newTest(t)
	r := oneRequest(t, m.Start())
	m.Apply(failed(r, &api.RateLimitError{APIError: api.APIError{StatusCode: 429}}))
	if m.HoldOff() != DefaultWait {
		t.Fatalf("hold %s, want the default %s", m.HoldOff(), DefaultWait)
	}
	tm := oneTimer(t, m.Select("a", false))
	if tm.After != DefaultWait {
		t.Fatalf("held request re-armed after %s", tm.After)
	}
	if _, wait := m.Refresh(); wait != DefaultWait {
		t.Fatalf("refresh during a hold: wait %s", wait)
	}
	c.Advance(DefaultWait)
	if r := oneRequest(t, m.Wake(tm)); r.ID != "a" {
		t.Fatalf("after the hold %+v", r)
	}
}

// An exhausted budget holds reads until its reset, capped at MaxHold.
func TestSpentBudgetHoldsUntilResetCapped(t *testing.T) {
	m, c := newTest(t)
	r := oneRequest(t, m.Start())
	res := pageOK(r)
	res.Rate = api.RateLimit{Known: true, Limit: 100, Remaining: 0, Reset: c.Now().Add(24 * time.Hour)}
	m.Apply(res)
	if m.HoldOff() != MaxHold {
		t.Fatalf("hold %s, want %s", m.HoldOff(), MaxHold)
	}
}

// A budget reading without a reset time expires after one window.
func TestBudgetReadingExpires(t *testing.T) {
	m, c := newTest(t)
	res := pageOK(oneRequest(t, m.Start()))
	res.Rate = api.RateLimit{Known: true, Limit: 100, Remaining: 5}
	m.Apply(res)
	if _, ok := m.Budget(); !ok {
		t.Fatal("fresh reading not held")
	}
	c.Advance(RateWindow + time.Second)
	if _, ok := m.Budget(); ok {
		t.Fatal("reading outlived its window")
	}
}

// A rejected key stops polling until a refresh; a 403 on the list is the
// key's, a 403 on one connector stops only that connector.
func TestBadKeyStopsPollingForbiddenConnectorStopsOnlyIt(t *testing.T) {
	m, _ := newTest(t)
	r := oneRequest(t, m.Start())
	if out := m.Apply(failed(r, &api.APIError{StatusCode: 401})); len(out.Plan) != 0 || m.AuthErr() == nil {
		t.Fatalf("401: plan %+v, auth %v", out.Plan, m.AuthErr())
	}
	if p := m.Select("a", false); len(p) != 0 {
		t.Fatalf("polling went on after a 401: %+v", p)
	}
	p, _ := m.Refresh()
	reqs, _ := split(p)
	if len(reqs) != 2 || m.AuthErr() != nil {
		t.Fatalf("refresh after a 401 sent %+v", reqs)
	}
	m.Apply(pageOK(reqs[0], conn("a")))
	if out := m.Apply(failed(reqs[1], &api.APIError{StatusCode: 403})); len(out.Plan) != 0 || m.AuthErr() != nil {
		t.Fatalf("403 on a connector: plan %+v, auth %v", out.Plan, m.AuthErr())
	}
	if m.Target(SelectedTarget).Err == nil {
		t.Fatal("the connector's 403 is not its state")
	}

	m2, _ := newTest(t)
	m2.Apply(failed(oneRequest(t, m2.Start()), &api.APIError{StatusCode: 403}))
	if !errors.Is(m2.AuthErr(), api.ErrForbidden) {
		t.Fatalf("403 on the list: auth %v", m2.AuthErr())
	}
}

// A 429 on a sync holds later syncs, not the polling; a sync is refused
// while one is out.
func TestWriteHoldsAreTheirOwn(t *testing.T) {
	m, c := newTest(t)
	w, err := m.Sync("a", []string{"4006381333931"}, false)
	if err != nil || w.Kind != KindSyncEANs {
		t.Fatalf("sync: %+v %v", w, err)
	}
	if _, err := m.Sync("a", nil, true); !errors.Is(err, ErrWriteBusy) {
		t.Fatalf("second sync while one is out: %v", err)
	}
	out := m.Apply(failed(w, &api.RateLimitError{APIError: api.APIError{StatusCode: 429}, RetryAfter: 20 * time.Second}))
	if out.Sync == nil || out.Sync.Err == nil {
		t.Fatalf("sync outcome %+v", out.Sync)
	}
	var held *HoldError
	if _, err := m.Sync("a", nil, true); !errors.As(err, &held) || held.Wait != 20*time.Second {
		t.Fatalf("sync during a write hold: %v", err)
	}
	if m.HoldOff() != 0 || len(m.Start()) != 1 {
		t.Fatal("a write hold held reads")
	}
	c.Advance(20 * time.Second)
	if _, err := m.Sync("a", nil, true); err != nil {
		t.Fatalf("after the write hold: %v", err)
	}
}

// A successful EAN sync drops its draft and refreshes fast; a catalog sync
// keeps the draft.
func TestSyncDropsDraftAndRefreshesFast(t *testing.T) {
	m, _ := newTest(t)
	m.Apply(pageOK(oneRequest(t, m.Start()), conn("a")))
	d := oneRequest(t, m.Select("a", false))
	m.Apply(detailOK(d, 0))
	m.KeepDraft("a", "4006381333931")
	w, _ := m.Sync("a", []string{"4006381333931"}, false)
	out := m.Apply(Result{Request: w, Synced: &api.SyncResult{SyncID: "s1"}})
	if m.Draft("a") != "" || !m.Fast() || m.Every() != 2*time.Second {
		t.Fatalf("after a sync: draft %q fast %v every %s", m.Draft("a"), m.Fast(), m.Every())
	}
	if r := oneRequest(t, out.Plan); r.ID != "a" {
		t.Fatalf("after a sync asked %+v", r)
	}
	m.KeepDraft("a", "x")
	m.Apply(Result{Request: mustSync(t, m, "a", true), Synced: &api.SyncResult{}})
	if m.Draft("a") != "x" {
		t.Fatal("a catalog sync dropped the EAN draft")
	}
}

func mustSync(t *testing.T, m *Monitor, id string, catalog bool) Request {
	t.Helper()
	r, err := m.Sync(id, nil, catalog)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// After a reset (an account switch) or a stop, nothing asked before is
// applied, even when its seq matches the new epoch's.
func TestOlderEpochIsDropped(t *testing.T) {
	m, _ := newTest(t)
	old := oneRequest(t, m.Start())
	fresh := oneRequest(t, m.Reset())
	if fresh.Seq != old.Seq || fresh.Epoch == old.Epoch {
		t.Fatalf("setup: old %+v fresh %+v", old, fresh)
	}
	if out := m.Apply(pageOK(old, conn("x"))); !out.Dropped || m.Store().Len() != 0 {
		t.Fatal("an older epoch's answer was applied")
	}
	if m.Apply(pageOK(fresh, conn("y"))).Dropped {
		t.Fatal("the current answer was dropped")
	}
	tm := oneTimer(t, m.Select("y", true))
	m.Stop()
	if len(m.Wake(tm)) != 0 || !m.Apply(pageOK(fresh)).Dropped {
		t.Fatal("a stopped monitor acted")
	}
}

// Failures back off exponentially with jitter, up to MaxBackoff; a success
// returns to the base rate.
func TestFailuresBackOff(t *testing.T) {
	m, c := newTest(t)
	r := oneRequest(t, m.Start())
	want := 30 * time.Second
	for i := 0; i < 6; i++ {
		tm := oneTimer(t, m.Apply(failed(r, errors.New("boom"))).Plan)
		if lo, hi := time.Duration(float64(want)*0.8), time.Duration(float64(want)*1.2); tm.After < lo || tm.After > hi {
			t.Fatalf("failure %d: wait %s, want %s ±20%%", i+1, tm.After, want)
		}
		want = min(want*2, MaxBackoff)
		c.Advance(tm.After)
		r = oneRequest(t, m.Wake(tm))
	}
	if tm := oneTimer(t, m.Apply(pageOK(r)).Plan); tm.After != 30*time.Second {
		t.Fatalf("after a success: wait %s", tm.After)
	}
}

// The store reports what changed, as values: new connectors, changed ones
// (a detail without created_at keeps the known one), and deleted ones.
func TestStoreReportsChanges(t *testing.T) {
	m, _ := newTest(t)
	created := epoch0.Add(-time.Hour)
	a := conn("a")
	a.CreatedAt = &created
	out := m.Apply(pageOK(oneRequest(t, m.Start()), a, conn("b")))
	if len(out.Changes) != 2 || out.Changes[0].Kind != Added || out.Changes[0].After.ID != "a" {
		t.Fatalf("first page changes %+v", out.Changes)
	}
	d := oneRequest(t, m.Select("a", false))
	res := detailOK(d, 0)
	res.Detail.Status = "paused"
	out = m.Apply(res)
	if len(out.Changes) != 1 {
		t.Fatalf("detail changes %+v", out.Changes)
	}
	ch := out.Changes[0]
	if ch.Kind != Updated || ch.Before.Status != "active" || ch.After.Status != "paused" || ch.After.CreatedAt == nil {
		t.Fatalf("change %+v", ch)
	}
	p, _ := m.Refresh()
	reqs, _ := split(p)
	out = m.Apply(pageOK(reqs[0], ch.After, conn("b")))
	if len(out.Changes) != 0 {
		t.Fatalf("an unchanged page reported %+v", out.Changes)
	}
	out = m.Apply(failed(reqs[1], &api.APIError{StatusCode: 404}))
	if out.Gone != "a" || len(out.Changes) != 1 || out.Changes[0].Kind != Removed {
		t.Fatalf("404 outcome %+v", out)
	}
	if r := oneRequest(t, out.Plan); r.Kind != KindPage {
		t.Fatalf("after a 404 asked %+v", r)
	}
	if _, ok := m.Store().Get("a"); ok {
		t.Fatal("a deleted connector stayed in the store")
	}
}

// An answer for a connector no longer selected is kept in the cache and the
// connector now selected is asked for.
func TestMovedSelectionAsksForTheNewOne(t *testing.T) {
	m, _ := newTest(t)
	m.Apply(pageOK(oneRequest(t, m.Start()), conn("a"), conn("b")))
	d := oneRequest(t, m.Select("a", false))
	// Leaving a: its request, maybe hanging, is cancelled and b's is
	// sent at once, not queued behind it.
	var cancelled *Request
	var sent []Request
	for _, s := range m.Select("b", false) {
		switch {
		case s.Cancel != nil:
			cancelled = s.Cancel
		case s.Timer == nil:
			sent = append(sent, s.Request)
		}
	}
	if cancelled == nil || cancelled.Seq != d.Seq || cancelled.ID != "a" {
		t.Fatalf("a's request was not cancelled: %+v", cancelled)
	}
	if len(sent) != 1 || sent[0].ID != "b" {
		t.Fatalf("asked %+v, want b now", sent)
	}
	if out := m.Apply(detailOK(d, 3)); !out.Dropped || out.Detail != nil {
		t.Fatal("a's late answer was applied after it was abandoned")
	}
	if m.InFlight() != 1 {
		t.Fatalf("%d in flight, want b's only", m.InFlight())
	}
}

// A 503 naming a Retry-After holds reads like a 429, rather
// than being retried on the backoff's schedule.
func TestServiceUnavailableRetryAfterHoldsReads(t *testing.T) {
	m, _ := newTest(t)
	r := oneRequest(t, m.Start())
	m.Apply(failed(r, &api.APIError{StatusCode: 503, RetryAfter: 120 * time.Second}))
	if m.HoldOff() != 120*time.Second {
		t.Fatalf("hold %s after a 503 with Retry-After: 120, want 2m", m.HoldOff())
	}
	if tm := oneTimer(t, m.Select("a", false)); tm.After != 120*time.Second {
		t.Fatalf("a read was armed after %s during the hold", tm.After)
	}
}

// The detail cache stays bounded.
func TestDetailCacheIsBounded(t *testing.T) {
	m, _ := newTest(t)
	for i := 0; i < MaxCache*2; i++ {
		m.remember(string(rune('a'+i%26))+itoa(i), &api.ConnectorDetail{}, time.Time{})
	}
	if n := m.CacheLen(); n > MaxCache {
		t.Fatalf("cache holds %d, bound %d", n, MaxCache)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

// Pausing stops the timers, not what the user asks for; resuming asks now.
func TestPauseStopsTimersNotTheUser(t *testing.T) {
	m, _ := newTest(t)
	lt := oneTimer(t, m.Apply(pageOK(oneRequest(t, m.Start()), conn("a"))).Plan)
	m.SetPaused(true)
	if len(m.Wake(lt)) != 0 {
		t.Fatal("a poll ran while paused")
	}
	tm := oneTimer(t, m.Select("a", true))
	if r := oneRequest(t, m.Wake(tm)); r.ID != "a" {
		t.Fatal("a new selection was not fetched while paused")
	}
	reqs, _ := split(m.SetPaused(false))
	if len(reqs) != 1 || reqs[0].Kind != KindPage { // the detail is still out: queued
		t.Fatalf("resume sent %+v", reqs)
	}
}

// One good answer after an outage asks again at once for the targets that
// failed: their "cannot reach" must not outlive the
// recovery by a backoff.
func TestRecoveryRetriesTheOtherFailedTargetsNow(t *testing.T) {
	m, _ := newTest(t)
	m.Apply(pageOK(oneRequest(t, m.Start()), conn("a")))
	d := oneRequest(t, m.Select("a", false))
	lost := errors.New("cannot reach the server")
	m.Apply(failed(oneRequest(t, m.ShowPage(2)), lost)) // the list fails
	if m.Target(PageTarget).Err == nil {
		t.Fatal("the page's failure was not recorded")
	}
	out := m.Apply(detailOK(d, 0)) // the server is back
	var again bool
	for _, s := range out.Plan {
		if s.Timer == nil && s.Cancel == nil && s.Request.Target == PageTarget {
			again = true
		}
	}
	if !again {
		t.Fatalf("the failed page waits for its backoff after the recovery: %+v", out.Plan)
	}
}

// Browsing costs a bounded share of the budget: a detail
// fetched less than a poll interval ago is shown from the cache and not
// fetched again on selection, and the debounce grows as the budget runs low.
func TestBrowsingCostIsBounded(t *testing.T) {
	m, c := newTest(t)
	m.Apply(pageOK(oneRequest(t, m.Start()), conn("a"), conn("b")))
	a := oneRequest(t, m.Select("a", false))
	m.Apply(detailOK(a, 0))
	c.Advance(2 * time.Second)
	if tm := oneTimer(t, m.Select("b", true)); tm.After != SelectDebounce {
		t.Fatalf("with a full budget the debounce is %s", tm.After)
	}
	c.Advance(time.Second)
	if tm := oneTimer(t, m.Select("a", true)); tm.After < 5*time.Second {
		t.Fatalf("a, fetched 3s ago, is fetched again after %s: the cache is not first", tm.After)
	}
	plan, _ := m.Refresh()
	var r Request
	for _, s := range plan {
		if s.Timer == nil && s.Cancel == nil && s.Request.Target == SelectedTarget {
			r = s.Request
		}
	}
	res := detailOK(r, 0)
	res.Rate = budget(c, 5, 100)
	m.Apply(res)
	if tm := oneTimer(t, m.Select("b", true)); tm.After < 4*SelectDebounce {
		t.Fatalf("with 5/100 left the debounce is %s", tm.After)
	}
}

// The status says why reads wait: a 429, a 503 that named its wait, or a
// spent budget.
func TestHoldReason(t *testing.T) {
	m := New(Options{Now: func() time.Time { return time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC) }})
	pg := &m.targets[PageTarget]
	m.noteFailure(pg, &api.RateLimitError{RetryAfter: 30 * time.Second})
	if got := m.HoldReason(); got != "rate limited" {
		t.Errorf("after a 429: %q", got)
	}
	m.noteFailure(pg, &api.APIError{StatusCode: 503, RetryAfter: 2 * time.Minute})
	if got := m.HoldReason(); got != "the server is unavailable" {
		t.Errorf("after a 503 with Retry-After: %q", got)
	}
}
