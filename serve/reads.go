package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
)

// readTimeout bounds a shared read: it no longer ends with the session that
// asked first, since others may be waiting for it.
const readTimeout = 30 * time.Second

// reads are an account's reads, shared by every session's monitor. An
// answer received no longer ago than a request's Fresh (its poll interval,
// carried in the context: monitor.WithFresh) serves that request as well as
// a new one would, and a request for a page or a connector already on its
// way waits for that answer. So N sessions on the same page, or looking at
// the same connector, cost one session's requests, and each answer keeps
// the time it was received (api.Response.Served): ages shown never lie.
//
// A person's refresh (Fresh 0) is served by an answer at most refreshShare
// old, received after the account's last write was answered, so holding r
// costs one request per target every few seconds however fast it repeats;
// and each user's requests that do go to the API are limited per minute
// (perUser), so one person cannot spend the team's budget.
type reads struct {
	api     monitor.API
	now     func() time.Time
	perUser *limiter // nil: no limit (the account's own watch)

	mu      sync.Mutex
	entries map[readKey]*entry
	rate    api.RateLimit // the account's latest budget reading
	rateAt  time.Time
	wroteAt time.Time // when the account's last write was answered

	sent, shared atomic.Int64
}

type readKey struct {
	page, perPage int    // a page of the list
	id            string // a connector
	jobs          bool   // the connector's jobs rather than its detail
}

// refreshShare is how old an answer may be and still serve a person's
// refresh: seconds, which the ages on screen show.
const refreshShare = 5 * time.Second

// entry is one answer, or one on its way (done open).
type entry struct {
	done   chan struct{}
	sent   time.Time // when the request left
	at     time.Time
	page   *api.ConnectorPage
	detail *api.ConnectorDetail
	jobs   []api.Job
	resp   *api.Response
	err    error
}

// maxEntries bounds the answers kept: beyond it the oldest go first. A
// detail is kept for as long as someone polls it anyway.
const maxEntries = 4096

// newReads shares c's reads; perUser > 0 limits each user's requests that
// go to the API to that many a minute.
func newReads(c monitor.API, now func() time.Time, perUser int) *reads {
	r := &reads{api: c, now: now, entries: map[readKey]*entry{}}
	if perUser > 0 {
		r.perUser = newLimiter(perUser, now)
	}
	return r
}

// ListConnectors and GetConnector read for the account's own watch, with
// no user's limit.
func (r *reads) ListConnectors(ctx context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	return r.list(ctx, "", page, perPage)
}

func (r *reads) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	return r.detail(ctx, "", id)
}

func (r *reads) list(ctx context.Context, user string, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	e, err := r.get(ctx, user, readKey{page: page, perPage: perPage}, func(ctx context.Context, e *entry) {
		e.page, e.resp, e.err = r.api.ListConnectors(ctx, page, perPage)
	})
	if err != nil {
		return nil, nil, err
	}
	return e.page, r.response(e), e.err
}

func (r *reads) detail(ctx context.Context, user, id string) (*api.ConnectorDetail, *api.Response, error) {
	e, err := r.get(ctx, user, readKey{id: id}, func(ctx context.Context, e *entry) {
		e.detail, e.resp, e.err = r.api.GetConnector(ctx, id)
	})
	if err != nil {
		return nil, nil, err
	}
	return e.detail, r.response(e), e.err
}

// jobs reads a connector's jobs, shared like a detail: a session's
// selection asks, and another's within the freshness it asks for is served
// the same answer. Where the account's client reads no jobs, they are not
// offered, and the sessions observe runs instead.
func (r *reads) listJobs(ctx context.Context, user, id string) ([]api.Job, *api.Response, error) {
	jc, ok := r.api.(monitor.JobsAPI)
	if !ok {
		return nil, nil, &api.NotSupportedError{Err: errors.New("this client does not read jobs")}
	}
	e, err := r.get(ctx, user, readKey{id: id, jobs: true}, func(ctx context.Context, e *entry) {
		e.jobs, e.resp, e.err = jc.ListJobs(ctx, id)
	})
	if err != nil {
		return nil, nil, err
	}
	return e.jobs, r.response(e), e.err
}

// wrote notes that a write to the account was answered: no answer from
// before serves a person's refresh or the check after a sync.
func (r *reads) wrote() {
	r.mu.Lock()
	r.wroteAt = r.now()
	r.mu.Unlock()
}

// get is the entry for k: kept if fresh enough, joined if on its way, or
// fetched now, within user's limit ("" for none). err is the caller's own
// context ending, or a ReadLimitError.
func (r *reads) get(ctx context.Context, user string, k readKey, fetch func(context.Context, *entry)) (*entry, error) {
	fresh := monitor.FreshOf(ctx)
	r.mu.Lock()
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
		if user != "" && r.perUser != nil {
			if wait := r.perUser.take(user); wait > 0 {
				r.mu.Unlock()
				return nil, &ReadLimitError{User: user, Limit: r.perUser.n, Wait: wait}
			}
		}
		e = &entry{done: make(chan struct{}), sent: r.now()}
		r.put(k, e)
		r.sent.Add(1)
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

func (r *reads) run(k readKey, e *entry, fetch func(context.Context, *entry)) {
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			e.page, e.detail, e.resp = nil, nil, nil
			e.err = &panicError{value: p}
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

// put keeps e under k, dropping the oldest answers beyond maxEntries.
func (r *reads) put(k readKey, e *entry) {
	r.entries[k] = e
	if len(r.entries) <= maxEntries {
		return
	}
	var oldK readKey
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
func (r *reads) response(e *entry) *api.Response {
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

// ReadLimitError is a read beyond a user's share of the account's reads:
// not sent. It holds that user's dashboard back as a 429 would (Unwrap),
// and says why.
type ReadLimitError struct {
	User  string
	Limit int
	Wait  time.Duration
}

func (e *ReadLimitError) Error() string {
	return fmt.Sprintf("%s asked for %d reads of this account in the last minute, the most one person may on this team server; the next in %s",
		e.User, e.Limit, e.Wait.Round(time.Second))
}

func (e *ReadLimitError) Unwrap() error {
	return &api.APIError{StatusCode: http.StatusTooManyRequests, RetryAfter: e.Wait}
}

type panicError struct{ value any }

func (e *panicError) Error() string { return "internal error while reading the API (please report it)" }
