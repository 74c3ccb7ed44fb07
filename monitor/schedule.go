package monitor

import (
	"errors"
	"time"

	"github.com/pixee/pixee-tui/api"
)

// TargetID names a poll target of a monitor.
type TargetID int

// The targets every monitor has. More (a crawl of all pages, watched
// connectors) are added with AddTarget.
const (
	PageTarget     TargetID = 0  // the page on screen
	SelectedTarget TargetID = 1  // the selected connector
	WriteTarget    TargetID = -1 // syncs: not polled
)

// MaxTargets bounds the poll targets of one monitor. Targets live in an
// array so that a copy of a Monitor is a copy of its schedule.
const MaxTargets = 8

// Priority orders targets that share the read budget.
type Priority int

const (
	// Foreground targets are what a person looks at: they are polled at
	// their rate whatever the budget, slowed down only when it runs low.
	Foreground Priority = iota
	// Background targets (a crawl, watched connectors) yield to the
	// foreground: they send nothing while the budget is below BackgroundReserve.
	Background
)

// BackgroundReserve is the share of the read budget (1/n) kept for the
// foreground: background targets wait while less than a quarter is left.
const BackgroundReserve = 4

// Spec describes a target added with AddTarget.
type Spec struct {
	Kind     Kind // KindPage or KindConnector
	Priority Priority
	Page     int           // KindPage
	ID       string        // KindConnector
	Every    time.Duration // base poll interval; 0 = the monitor's default for the kind
}

// target is the bookkeeping of one thing the monitor polls: at most one
// request in flight, a newer wish queued behind it, and a timer generation
// so a re-armed timer never runs a second loop.
type target struct {
	kind     Kind
	priority Priority
	every    time.Duration
	page     int    // KindPage: the page wanted (1-based)
	id       string // KindConnector: the connector wanted; "" for none
	gone     bool   // KindConnector: the server says 404: not polled until asked
	crawl    bool   // the index's crawl (crawl.go): pages and error details, paced

	last *api.ConnectorDetail // KindConnector: last good answer for id

	seq      int  // of the latest request sent
	inFlight bool // a request is out
	again    bool // asked for while in flight: send when it returns
	gen      int  // timer generation
	failures int  // consecutive failures, for backoff
	lastOK   time.Time
	err      error // last failure, nil after a success
}

func (t *target) pending() int {
	if t.last == nil {
		return 0
	}
	return t.last.SyncStats.ProductsPending
}

// idle says the target has nothing to poll.
func (t *target) idle() bool { return t.kind == KindConnector && (t.id == "" || t.gone) }

// TargetState is what the UI may show of a target.
type TargetState struct {
	Page     int    // KindPage: wanted
	ID       string // KindConnector: wanted
	InFlight bool
	Gone     bool
	Failures int
	LastOK   time.Time
	Err      error
}

// Target reports a target's state.
func (m *Monitor) Target(id TargetID) TargetState {
	t := &m.targets[id]
	return TargetState{Page: t.page, ID: t.id, InFlight: t.inFlight, Gone: t.gone,
		Failures: t.failures, LastOK: t.lastOK, Err: t.err}
}

// ErrTooManyTargets is AddTarget on a full monitor.
var ErrTooManyTargets = errors.New("monitor: too many poll targets")

func (m *Monitor) addTarget(t target) TargetID {
	m.targets[m.nTarget] = t
	m.nTarget++
	return TargetID(m.nTarget - 1)
}

// AddTarget adds a poll target and asks for it now.
func (m *Monitor) AddTarget(s Spec) (TargetID, Plan, error) {
	if m.nTarget == MaxTargets {
		return 0, nil, ErrTooManyTargets
	}
	if s.Kind != KindPage && s.Kind != KindConnector {
		return 0, nil, errors.New("monitor: a poll target reads a page or a connector")
	}
	id := m.addTarget(target{kind: s.Kind, priority: s.Priority, every: s.Every, page: max(s.Page, 1), id: s.ID})
	return id, m.request(id), nil
}

// InFlight is how many requests are out: reads and the write.
func (m *Monitor) InFlight() int {
	n := 0
	for i := range m.nTarget {
		if m.targets[i].inFlight {
			n++
		}
	}
	if m.write.inFlight {
		n++
	}
	return n
}

// Live says whether a timer is still the one its target waits for.
func (m *Monitor) Live(t Timer) bool {
	return !m.stopped && t.Epoch == m.epoch && t.Target >= 0 && int(t.Target) < m.nTarget &&
		m.targets[t.Target].gen == t.Gen
}

// Wake is a timer firing.
func (m *Monitor) Wake(t Timer) Plan {
	if !m.Live(t) || (m.paused && !t.User) {
		return nil
	}
	return m.request(t.Target)
}

// ShowPage makes page p (clamped to the pages known) the page on screen.
func (m *Monitor) ShowPage(p int) Plan {
	last := max(m.pageMeta.TotalPages, 1)
	if m.pageMeta.HasNext {
		last = max(last, m.shown+1) // has_next decides, whatever the count says
	}
	p = min(max(p, 1), last)
	t := &m.targets[PageTarget]
	if p == t.page {
		return nil
	}
	t.page = p
	return m.request(PageTarget)
}

// PageWanted is the page asked to be on screen.
func (m *Monitor) PageWanted() int { return m.targets[PageTarget].page }

// Select points the selected-connector target at id ("" for none). A new
// selection is fetched now, or after SelectDebounce when debounce is set so
// that moving fast through rows fetches once.
func (m *Monitor) Select(id string, debounce bool) Plan {
	t := &m.targets[SelectedTarget]
	if id == "" {
		t.id, t.gone, t.last = "", false, nil
		t.gen++ // stop the loop
		return nil
	}
	if id == t.id {
		return nil
	}
	// A request for the connector left is abandoned: a hanging answer must
	// not hold the new selection back, so the caller cancels it and its
	// answer, if one comes, is dropped.
	var p Plan
	if t.inFlight {
		p = Plan{{Cancel: &Request{Epoch: m.epoch, Target: SelectedTarget, Seq: t.seq, Kind: KindConnector, ID: t.id}}}
		t.inFlight, t.again = false, false
		t.seq++
	}
	cd := m.cache[id]
	t.id, t.gone, t.last = id, false, cd.detail
	t.err, t.failures, t.lastOK = nil, 0, cd.at
	if !debounce {
		return p.Then(m.request(SelectedTarget))
	}
	return p.Then(m.arm(SelectedTarget, m.selectDelay(cd), true))
}

// selectDelay is how long a selection made by moving waits before it is
// fetched, so that browsing row by row costs a bounded share of the
// budget: a detail remembered from less than a poll interval ago is shown
// and polled when due (the cache first); otherwise the debounce grows as
// the budget runs low, so a person walking the rows fetches fewer of them.
func (m *Monitor) selectDelay(cd cachedDetail) time.Duration {
	if cd.detail != nil {
		if age := m.now().Sub(cd.at); age >= 0 && age < m.opts.IdleRefresh {
			return max(m.opts.IdleRefresh-age, SelectDebounce)
		}
	}
	return SelectDebounce * m.lowBudget()
}

// Refresh asks for every target now, clearing backoff, a key rejection
// (the key may have been fixed on the server) and a 404. While a rate limit
// holds, nothing is sent and the wait is returned.
func (m *Monitor) Refresh() (Plan, time.Duration) {
	if wait := m.HoldOff(); wait > 0 {
		return nil, wait
	}
	m.authErr = nil
	for i := range m.nTarget {
		m.targets[i].failures, m.targets[i].gone = 0, false
	}
	p := m.requestAll()
	for i := range p {
		p[i].Request.Fresh = 0 // a person asked: the server's answer, not a shared one
	}
	return p, 0
}

// requestAll asks for every target: foreground first, then in the order
// they were added.
func (m *Monitor) requestAll() Plan {
	var p Plan
	for _, pr := range []Priority{Foreground, Background} {
		for i := range m.nTarget {
			if m.targets[i].priority == pr {
				p = p.Then(m.request(TargetID(i)))
			}
		}
	}
	return p
}

// request asks for target ti, unless a request is out (then it is queued),
// requests are held back (rate limit, bad key, a background target in the
// budget's reserve), or there is nothing to ask.
func (m *Monitor) request(ti TargetID) Plan {
	t := &m.targets[ti]
	if m.stopped || t.idle() {
		return nil
	}
	if t.inFlight {
		t.again = true
		return nil
	}
	if wait := m.HoldOff(); wait > 0 {
		return m.arm(ti, wait, false)
	}
	if m.authErr != nil {
		return nil
	}
	if t.priority == Background && m.reserveOnly() {
		return m.arm(ti, m.interval(t), false)
	}
	var cr Request
	if t.crawl {
		var wait time.Duration
		if cr, wait = m.crawlStep(); wait > 0 {
			return m.arm(ti, wait, false)
		}
	}
	t.seq++
	t.inFlight = true
	t.gen++ // its answer arms the next timer; pending ones are moot
	r := Request{Epoch: m.epoch, Target: ti, Seq: t.seq, Kind: t.kind, Fresh: m.base(t)}
	if t.crawl {
		r.Kind, r.Page, r.PerPage, r.ID, r.Fresh = cr.Kind, cr.Page, cr.PerPage, cr.ID, cr.Fresh
	} else if t.kind == KindPage {
		r.Page, r.PerPage = t.page, m.opts.PerPage
	} else {
		r.ID = t.id
	}
	return Plan{{Request: r}}
}

func (m *Monitor) arm(ti TargetID, d time.Duration, user bool) Plan {
	t := &m.targets[ti]
	t.gen++
	return Plan{{Timer: &Timer{Epoch: m.epoch, Target: ti, Gen: t.gen, After: d, User: user}}}
}

// next sends a queued request or arms the next poll.
func (m *Monitor) next(ti TargetID) Plan {
	t := &m.targets[ti]
	if t.again {
		t.again = false
		return m.request(ti)
	}
	if m.paused || t.idle() {
		return nil
	}
	d := m.interval(t)
	if !t.crawl && t.failures == 0 && !t.lastOK.IsZero() {
		// A shared answer was already this old: the next poll comes an
		// interval after it was received, so what is shown is never older
		// than an interval (and at least a second apart).
		if age := m.now().Sub(t.lastOK); age > 0 {
			d = max(d-age, min(d, time.Second))
		}
	}
	return m.arm(ti, d, false)
}

// base is a target's poll interval before budget and backoff.
func (m *Monitor) base(t *target) time.Duration {
	switch {
	case t.crawl:
		return m.crawlSpacing()
	case t.every > 0:
		return t.every
	case t.kind == KindPage:
		return m.opts.ListRefresh
	case t.pending() > 0 || m.now().Before(m.fastUntil):
		return m.opts.Refresh
	}
	return m.opts.IdleRefresh
}

// Every is the selected connector's poll interval now, before budget and
// backoff: what "live · every 2s" says.
func (m *Monitor) Every() time.Duration { return m.base(&m.targets[SelectedTarget]) }

// interval is the wait before a target's next poll: its base, slowed down
// when the budget runs low, or an exponential backoff with jitter after
// failures.
func (m *Monitor) interval(t *target) time.Duration {
	base := m.base(t)
	if t.failures > 0 {
		return m.backoff(base, t.failures)
	}
	return base * m.lowBudget()
}

// lowBudget is the one slow-down of a low read budget, for polls and
// selections alike (README, "budget running low"): 2× under a quarter of
// the budget left, 4× under a tenth.
func (m *Monitor) lowBudget() time.Duration {
	if r, ok := m.Budget(); ok && r.Limit > 0 && r.Remaining >= 0 {
		switch {
		case r.Remaining*10 < r.Limit:
			return 4
		case r.Remaining*4 < r.Limit:
			return 2
		}
	}
	return 1
}

// backoff doubles from base (at least 2 s) per failure up to MaxBackoff, ±20 %.
func (m *Monitor) backoff(base time.Duration, failures int) time.Duration {
	d := max(base, 2*time.Second)
	for i := 1; i < failures && d < MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, MaxBackoff)
	return time.Duration(float64(d) * (0.8 + 0.4*m.rng.Float64()))
}

// reserveOnly says the budget is down to the foreground's reserve.
func (m *Monitor) reserveOnly() bool {
	r, ok := m.Budget()
	return ok && r.Limit > 0 && r.Remaining >= 0 && r.Remaining*BackgroundReserve < r.Limit
}
