// Package monitor is one Pixee account as the dashboard knows it: what we
// know (a store of connectors, the detail cache, drafts), when we ask (one
// scheduler for every poll target, the holds a rate limit, a bad key or a
// refused write impose, backoff, the budget the headers report) and what
// changed (events as values).
//
// It performs no I/O. Its methods return a Plan: requests to send and timers
// to arm. The caller — the Bubble Tea UI, a command line, an SSH server —
// makes the calls and hands each Result back to Apply, and each timer back to
// Wake. Every request carries the monitor's epoch and its target's sequence
// number, so an answer from an older epoch (another account, a reset) or to
// a superseded request is dropped.
//
// A Monitor is a value: a copy has its own scheduling state (so a Bubble Tea
// model that holds one stays a value), while the caches — the store, the
// detail cache and the drafts — are shared by copies, as conveniences that
// are never wrong to hold.
package monitor

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/pixee/pixee-tui/api"
)

// API is what a monitor's caller needs from the Pixee client: the methods of
// *api.Client. Tests use the sandbox or a fake.
type API interface {
	ListConnectors(ctx context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error)
	GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error)
	SyncEANs(ctx context.Context, id string, eans []string) (*api.SyncResult, *api.Response, error)
	SyncCatalog(ctx context.Context, id string) (*api.SyncResult, *api.Response, error)
	TestConnector(ctx context.Context, id string) (*api.TestResult, *api.Response, error)
}

// Options configure a monitor. Zero values take the defaults.
type Options struct {
	API         API
	Now         func() time.Time // default time.Now
	PerPage     int              // connectors per page (default 50)
	Refresh     time.Duration    // selected connector while a sync runs (default 2s)
	IdleRefresh time.Duration    // selected connector otherwise (default 10s)
	ListRefresh time.Duration    // the page on screen (default 30s)
	Seed        uint64           // jitter seed; 0 = from the clock
	Epoch       uint64           // first epoch (default 1); Reset moves on from it
	ReadOnly    bool             // no sync is ever asked for (a read-only profile)
	// Crawl adds the index's background target: every page of the list and
	// the details of connectors in error, paced (crawl.go).
	Crawl bool
	// Fleet, when set, is another monitor's index of the account (a team
	// server's watch): the index, counts, failures and the store this one
	// reports are its, and this one does not crawl.
	Fleet FleetSource
	// Cadence tunes how each connector's usual interval is learnt and when
	// it is late (cadence.go; Store.Cadence, LateWatch).
	Cadence CadenceOptions
	// Jobs asks for the selected connector's jobs when its detail answers
	// (jobs.go): one request, none while fresh. Off, nothing is asked.
	Jobs bool
	// JobsFresh is how long jobs serve before a selection asks again
	// (default DefaultJobsFresh); a sync seen to end asks sooner.
	JobsFresh time.Duration
}

// Policy: timings the monitor keeps, not configuration.
const (
	SelectDebounce = 150 * time.Millisecond // moving fast through rows fetches once
	FastWindow     = 30 * time.Second       // fast refresh after a triggered sync
	DefaultWait    = 60 * time.Second       // a 429 that names no wait
	MaxBackoff     = 2 * time.Minute
	MaxHold        = 15 * time.Minute // longest wait a server can impose
	RateWindow     = time.Minute      // life of a budget reading without a reset time
	MaxCache       = 256              // details remembered for instant redisplay
	// AfterFirstPaint is how long background targets (the crawl) wait
	// after the first page on screen has answered: a few frames, for it
	// to be drawn before anything else is asked.
	AfterFirstPaint = 250 * time.Millisecond
)

// Monitor is one account's fetching state. The zero value is not usable:
// build one with New.
type Monitor struct {
	opts    Options
	now     func() time.Time
	rng     *rand.Rand
	epoch   uint64
	stopped bool

	targets [MaxTargets]target
	nTarget int

	// Page on screen: what the last good page answer showed.
	shown    int // the page number those rows are (the one asked for)
	loaded   bool
	pageMeta api.PageMeta

	holds
	write writer

	paused    bool
	fastUntil time.Time

	store  *Store
	index  *index // the crawl's progress and the errors learnt; shared like the store
	cache  map[string]cachedDetail
	drafts map[string]string
	tests  map[string]TestRecord // the last connection test of each connector
	jobs   jobsFetch             // the selected connector's jobs (jobs.go)
}

type cachedDetail struct {
	detail *api.ConnectorDetail
	at     time.Time
}

// New builds a monitor. Nothing is asked until Start.
func New(o Options) Monitor {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PerPage <= 0 {
		o.PerPage = 50
	}
	if o.Refresh <= 0 {
		o.Refresh = 2 * time.Second
	}
	if o.IdleRefresh <= 0 {
		o.IdleRefresh = 10 * time.Second
	}
	if o.IdleRefresh < o.Refresh {
		o.IdleRefresh = o.Refresh
	}
	if o.ListRefresh <= 0 {
		o.ListRefresh = 30 * time.Second
	}
	if o.Epoch == 0 {
		o.Epoch = 1
	}
	if o.JobsFresh <= 0 {
		o.JobsFresh = DefaultJobsFresh
	}
	if o.Fleet != nil {
		o.Crawl = false // the fleet's monitor crawls
	}
	seed := o.Seed
	if seed == 0 {
		seed = uint64(o.Now().UnixNano())
	}
	m := Monitor{
		opts: o,
		now:  o.Now,
		rng:  rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
	m.reset(o.Epoch)
	return m
}

// reset forgets everything about the account and starts epoch e.
func (m *Monitor) reset(e uint64) {
	m.epoch, m.stopped = e, false
	m.targets, m.nTarget = [MaxTargets]target{}, 0
	m.addTarget(target{kind: KindPage, priority: Foreground, page: 1})
	m.addTarget(target{kind: KindConnector, priority: Foreground})
	m.shown, m.loaded, m.pageMeta = 0, false, api.PageMeta{}
	m.holds, m.write = holds{}, writer{}
	m.paused, m.fastUntil = false, time.Time{}
	m.store = newStore(m.opts.Cadence)
	m.index = newIndex(m.opts.Crawl)
	if m.opts.Crawl {
		m.index.target = m.addTarget(target{kind: KindPage, priority: Background, crawl: true})
	}
	m.cache = map[string]cachedDetail{}
	m.drafts = map[string]string{}
	m.tests = map[string]TestRecord{}
	m.jobs = jobsFetch{byID: map[string]JobsRecord{}}
}

// Options are the settings in force, defaults applied.
func (m *Monitor) Options() Options { return m.opts }

// API is the account's client, for the caller to make the calls with.
func (m *Monitor) API() API { return m.opts.API }

// Epoch is the current epoch: results and timers of any other are dropped.
func (m *Monitor) Epoch() uint64 { return m.epoch }

// Start asks for the first page. The crawl, and every other background
// target, waits for it to be on screen: sent together, the crawl's request
// could go first (the client probes the auth header with whichever GET
// comes first and holds the others behind it), and the page a person waits
// for would wait behind a page nobody sees.
func (m *Monitor) Start() Plan {
	return m.request(PageTarget)
}

// Reset forgets the account's state (targets, holds, budget, store, cache,
// drafts), moves to a new epoch so nothing asked before is applied, and
// starts again: what an account switch does.
func (m *Monitor) Reset() Plan {
	m.reset(m.epoch + 1)
	return m.Start()
}

// Resume starts a stopped monitor again where it was (page, selection,
// store, cache, drafts, holds kept) in a new epoch, so nothing asked before
// the stop is applied, and asks every target now: what coming back to an
// account does.
func (m *Monitor) Resume() Plan {
	m.stopped = false
	m.epoch++
	for i := range m.nTarget {
		t := &m.targets[i]
		t.inFlight, t.again = false, false
		t.gen++
	}
	m.write.inFlight = false
	return m.requestAll()
}

// Stop ends the monitor: every later result and timer is dropped and nothing
// more is asked.
func (m *Monitor) Stop() {
	m.stopped = true
	m.epoch++
}

// Paused says whether polling is paused.
func (m *Monitor) Paused() bool { return m.paused }

// SetPaused pauses or resumes polling. A pause stops the timers, not what
// the user asks for; resuming fetches every target now.
func (m *Monitor) SetPaused(p bool) Plan {
	if p == m.paused {
		return nil
	}
	m.paused = p
	if p {
		for i := range m.nTarget {
			m.targets[i].gen++ // pending timers become stale
		}
		return nil
	}
	return m.requestAll()
}

// Fast says whether the selected connector is refreshed at the fast rate:
// a sync is draining or was just triggered.
func (m *Monitor) Fast() bool {
	return m.targets[SelectedTarget].pending() > 0 || m.now().Before(m.fastUntil)
}

// Cached is the last detail seen for a connector, and when.
func (m *Monitor) Cached(id string) (*api.ConnectorDetail, time.Time) {
	cd := m.cache[id]
	return cd.detail, cd.at
}

func (m *Monitor) remember(id string, d *api.ConnectorDetail, at time.Time) {
	if _, ok := m.cache[id]; !ok && len(m.cache) >= MaxCache {
		for k := range m.cache { // any one: the cache is a convenience
			delete(m.cache, k)
			break
		}
	}
	m.cache[id] = cachedDetail{detail: d, at: at}
}

// TestRecord is what the last connection test of a connector answered.
type TestRecord struct {
	At     time.Time
	Result *api.TestResult // nil when Err is set
	Err    error           // the test could not be made, or the server refused it
}

// LastTest is the last connection test of connector id in this run, if any:
// kept with the connector, so its answer outlives the flash that told it.
func (m *Monitor) LastTest(id string) (TestRecord, bool) {
	r, ok := m.tests[id]
	return r, ok
}

// Draft is the EAN text typed for a connector and not yet synced.
func (m *Monitor) Draft(id string) string { return m.drafts[id] }

// KeepDraft keeps text as the draft for a connector; "" drops it.
func (m *Monitor) KeepDraft(id, text string) {
	if text == "" {
		delete(m.drafts, id)
		return
	}
	m.drafts[id] = text
}

// Drafts is how many drafts are kept.
func (m *Monitor) Drafts() int { return len(m.drafts) }

// CacheLen is how many details are cached.
func (m *Monitor) CacheLen() int { return len(m.cache) }

// Store is the connectors known, by id: the fleet's when the monitor
// reads another's (Options.Fleet), else its own.
func (m *Monitor) Store() *Store {
	st, _ := m.fleet()
	return st
}

// Received is when r's answer came: its At (a shared answer), never later
// than now. Events of the changes it brings happened then.
func (m *Monitor) Received(r Result) time.Time {
	now := m.now()
	if !r.At.IsZero() && r.At.Before(now) {
		return r.At
	}
	return now
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
