package shared

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
)

// Reads are an account's reads, shared by every monitor that reads it: an
// account's watch and the dashboard's monitor when the account is on
// screen. An answer received no longer ago than a request's Fresh (its
// poll interval, carried in the context: monitor.WithFresh) serves that
// request as well as a new one would, and a request for a page or a
// connector already on its way waits for that answer. So the first page,
// asked every 30 s by both the watch and the dashboard, costs one request
// every 30 s, not two; and each answer keeps the time it was received
// (api.Response.Served): ages shown never lie.
//
// A person's refresh (Fresh 0) is served only by an answer at most
// refreshShare old, received after the account's last write was answered.
//
// The team server's accounts read through them too (serve/reads.go),
// shared by every session's monitor, with each user's requests to the
// server limited through Admit.
type Reads struct {
	ctx   context.Context // the reads' own: they outlive the monitor that asked first
	api   monitor.API
	now   func() time.Time
	admit func(context.Context) error // nil: every read may go to the server

	mu      sync.Mutex
	entries map[sharedKey]*entry
	rate    api.RateLimit // the account's latest budget reading
	rateAt  time.Time
	wroteAt time.Time // when the account's last write was answered
	running sync.WaitGroup

	sharing      atomic.Bool // answers are shared (Share); off, every read goes to the server
	sent, shared atomic.Int64
}

type sharedKey struct {
	page, perPage int    // a page of the list
	id            string // a connector
	jobs          bool   // the connector's jobs rather than its detail
}

// readTimeout bounds a shared read: it no longer ends with the monitor
// that asked first, since another may be waiting for it.
const readTimeout = 30 * time.Second

// refreshShare is how old an answer may be and still serve a person's
// refresh: seconds, which the ages on screen show.
const refreshShare = 5 * time.Second

// maxEntries bounds the answers kept: beyond it the oldest go first.
const maxEntries = 4096

// entry is one answer, or one on its way (done open).
type entry struct {
	done   chan struct{}
	sent   time.Time     // when the request left
	keep   time.Duration // how long after at it is kept: the asker's Fresh, at least refreshShare
	at     time.Time
	page   *api.ConnectorPage
	detail *api.ConnectorDetail
	jobs   []api.Job
	resp   *api.Response
	err    error
}

// NewReads shares c's reads, once Share says so, until ctx ends (every
// read out is then cancelled; Wait waits for them).
func NewReads(ctx context.Context, c monitor.API, now func() time.Time) *Reads {
	if now == nil {
		now = time.Now
	}
	return &Reads{ctx: ctx, api: c, now: now, entries: map[sharedKey]*entry{}}
}

// Admit has admit asked before each read goes to the server (never for
// one an answer kept or on its way serves), with the asker's context: an
// error refuses the read, unsent, and is the asker's. admit is called with
// the reads locked, so it must not call them. Set it before the first read.
func (r *Reads) Admit(admit func(context.Context) error) { r.admit = admit }

// API is the account as its monitors read it: reads shared, writes sent
// to the account's client (through the caller's write path) and noted, so
// that no answer from before a write serves a refresh after it.
func (r *Reads) API() monitor.API { return sharedAPI{r} }

// Share turns the sharing on or off: on while two monitors read the
// account (its watch and the dashboard's, the account on screen); off, a
// lone monitor's every read goes to the server, as it would without
// Reads (it is never served its own last answer).
func (r *Reads) Share(on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sharing.Store(on)
	if !on {
		clear(r.entries) // nothing kept for nobody
	}
}

// Requests are how many reads went to the API, and how many were served
// by an answer another monitor asked for.
func (r *Reads) Requests() (sent, shared int64) { return r.sent.Load(), r.shared.Load() }

// Details calls f with each connector's detail the reads hold (answered,
// not failed), whoever asked, and when it was received. f is called with
// the reads locked, so it must not call them.
func (r *Reads) Details(f func(id string, d *api.ConnectorDetail, at time.Time)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, e := range r.entries {
		if k.id != "" && !k.jobs && e.ready() && e.err == nil {
			f(k.id, e.detail, e.at)
		}
	}
}

// Wait returns when every read sent has ended: call it once ctx has ended.
func (r *Reads) Wait() { r.running.Wait() }

// ListConnectors, GetConnector and ListJobs read through the shared
// answers.
func (r *Reads) ListConnectors(ctx context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	e, err := r.get(ctx, sharedKey{page: page, perPage: perPage}, func(ctx context.Context, e *entry) {
		e.page, e.resp, e.err = r.api.ListConnectors(ctx, page, perPage)
	})
	if err != nil {
		return nil, nil, err
	}
	return e.page, r.response(e), e.err
}

func (r *Reads) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	e, err := r.get(ctx, sharedKey{id: id}, func(ctx context.Context, e *entry) {
		e.detail, e.resp, e.err = r.api.GetConnector(ctx, id)
	})
	if err != nil {
		return nil, nil, err
	}
	return e.detail, r.response(e), e.err
}

// ListJobs reads a connector's jobs; where the account's client reads no
// jobs, they are not offered (the monitor observes runs instead).
func (r *Reads) ListJobs(ctx context.Context, id string) ([]api.Job, *api.Response, error) {
	jc, ok := r.api.(monitor.JobsAPI)
	if !ok {
		return nil, nil, &api.NotSupportedError{Err: errors.New("this client does not read jobs")}
	}
	e, err := r.get(ctx, sharedKey{id: id, jobs: true}, func(ctx context.Context, e *entry) {
		e.jobs, e.resp, e.err = jc.ListJobs(ctx, id)
	})
	if err != nil {
		return nil, nil, err
	}
	return e.jobs, r.response(e), e.err
}

// Wrote notes that a write to the account was answered: no answer from
// before serves a person's refresh or the check after a sync.
func (r *Reads) Wrote() {
	r.mu.Lock()
	r.wroteAt = r.now()
	r.mu.Unlock()
}

// get is the entry for k: kept if fresh enough, joined if on its way, or
// fetched now if admitted. err is the caller's own context ending, or
// admit's refusal.
func (r *Reads) get(ctx context.Context, k sharedKey, fetch func(context.Context, *entry)) (*entry, error) {
	fresh := monitor.FreshOf(ctx)
	r.mu.Lock()
	if !r.sharing.Load() {
		err := r.admitted(ctx)
		r.mu.Unlock()
		if err != nil {
			return nil, err
		}
		return r.alone(ctx, fetch), nil
	}
	e := r.entries[k]
	// A request that wants the server's answer from now (a person's
	// refresh, the check after a sync) takes one that left after the
	// last write, at most refreshShare old.
	afterWrite := e != nil && !e.sent.Before(r.wroteAt)
	switch {
	case e != nil && !e.ready() && (fresh > 0 || afterWrite):
		r.shared.Add(1) // on its way: wait for it
	case e != nil && e.ready() && e.err == nil && fresh > 0 && r.now().Sub(e.at) <= fresh,
		e != nil && e.ready() && e.err == nil && fresh == 0 && afterWrite && r.now().Sub(e.at) <= refreshShare:
		r.shared.Add(1)
		r.mu.Unlock()
		return e, nil
	default:
		if err := r.admitted(ctx); err != nil {
			r.mu.Unlock()
			return nil, err
		}
		e = &entry{done: make(chan struct{}), sent: r.now(), keep: max(fresh, refreshShare)}
		r.put(k, e)
		r.sent.Add(1)
		r.running.Add(1)
		go r.run(k, e, fetch)
	}
	r.mu.Unlock()
	select {
	case <-e.done:
		return e, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// admitted is admit's answer for a read about to go to the server.
func (r *Reads) admitted(ctx context.Context) error {
	if r.admit == nil {
		return nil
	}
	return r.admit(ctx)
}

// alone is a read while nothing is shared: sent as the caller asks it,
// kept for nobody.
func (r *Reads) alone(ctx context.Context, fetch func(context.Context, *entry)) *entry {
	r.sent.Add(1)
	e := &entry{}
	fetch(ctx, e) // a panic is the caller's read's (Driver.Job)
	r.mu.Lock()
	defer r.mu.Unlock()
	e.at = r.now()
	if e.resp != nil && e.resp.Rate.Known && !e.at.Before(r.rateAt) {
		r.rate, r.rateAt = e.resp.Rate, e.at
	}
	return e
}

func (r *Reads) run(k sharedKey, e *entry, fetch func(context.Context, *entry)) {
	defer r.running.Done()
	ctx, cancel := context.WithTimeout(r.ctx, readTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			e.page, e.detail, e.jobs, e.resp = nil, nil, nil, nil
			e.err = Recovered("reading the API", p)
		}
		r.mu.Lock()
		e.at = r.now()
		if e.resp != nil && e.resp.Rate.Known && !e.at.Before(r.rateAt) {
			r.rate, r.rateAt = e.resp.Rate, e.at
		}
		if e.err != nil && r.entries[k] == e {
			delete(r.entries, k) // joined, never kept
		}
		close(e.done)
		r.mu.Unlock()
	}()
	fetch(ctx, e)
}

func (e *entry) ready() bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// put keeps e under k, dropping the answers kept long enough (a crawl's
// pages, which the dashboard's monitor never asks for, go after their
// rest), and the oldest beyond maxEntries.
func (r *Reads) put(k sharedKey, e *entry) {
	now := r.now()
	for kk, ee := range r.entries {
		if ee.ready() && now.Sub(ee.at) > ee.keep {
			delete(r.entries, kk)
		}
	}
	r.entries[k] = e
	if len(r.entries) <= maxEntries {
		return
	}
	var oldK sharedKey
	var old *entry
	for kk, ee := range r.entries {
		if ee.ready() && (old == nil || ee.at.Before(old.at)) {
			oldK, old = kk, ee
		}
	}
	if old != nil {
		delete(r.entries, oldK)
	}
}

// response is e's answer as this caller gets it: when it was received,
// and the account's latest budget reading, whoever's request brought it.
func (r *Reads) response(e *entry) *api.Response {
	if e.resp == nil {
		return nil
	}
	resp := *e.resp
	resp.Served = e.at
	r.mu.Lock()
	if r.rate.Known && r.rateAt.After(e.at) {
		resp.Rate = r.rate
	}
	r.mu.Unlock()
	return &resp
}

// sharedAPI is Reads as a monitor.API: its writes are the client's,
// forwarded as the write path sends them, each noted once answered.
type sharedAPI struct{ *Reads }

func (s sharedAPI) SyncEANs(ctx context.Context, id string, eans []string) (*api.SyncResult, *api.Response, error) {
	defer s.Wrote()
	return s.api.SyncEANs(ctx, id, eans)
}

func (s sharedAPI) SyncCatalog(ctx context.Context, id string) (*api.SyncResult, *api.Response, error) {
	defer s.Wrote()
	return s.api.SyncCatalog(ctx, id)
}

func (s sharedAPI) TestConnector(ctx context.Context, id string) (*api.TestResult, *api.Response, error) {
	defer s.Wrote()
	return s.api.TestConnector(ctx, id)
}
