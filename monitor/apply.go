package monitor

import (
	"errors"
	"fmt"

	"github.com/pixee/pixee-tui/api"
)

// Outcome is what applying a result did, for the caller to show, and what to
// do next.
type Outcome struct {
	Plan    Plan
	Dropped bool // from another epoch, or a superseded request: nothing changed
	Target  TargetID

	// Page is set when the page on screen changed: show it.
	Page *PageShown
	// Detail is a fresh answer for the connector the target wants.
	Detail *api.ConnectorDetail
	// Gone is the id of a connector the server says no longer exists.
	Gone string
	// Sync is a finished sync.
	Sync *SyncDone
	// Test is a finished connection test.
	Test *TestDone
	// Changes are the store's changes this answer caused.
	Changes []Change
	// Note is something the user should be told once, e.g. that the
	// server serves smaller pages than asked for.
	Note string
	// Jobs is the id of a connector whose jobs answered (Monitor.Jobs).
	Jobs string
	// Runs are the runs observed to end with this answer (runs.go), for
	// the caller to keep in the account's history.
	Runs []Run
}

// PageShown is a page answer for the page on screen.
type PageShown struct {
	Number int // the page asked for: a server may not echo meta.page faithfully
	Items  []api.Connector
	Meta   api.PageMeta
	Same   bool // a refresh of the page already shown: keep the selection
}

// SyncDone is the end of a sync: Result on success, Err otherwise.
type SyncDone struct {
	ID      string
	Catalog bool
	Result  *api.SyncResult
	Err     error
}

// TestDone is the end of a connection test.
type TestDone struct {
	ID     string
	Result *api.TestResult
	Err    error
}

// Apply takes the answer to one of the monitor's requests.
func (m *Monitor) Apply(r Result) Outcome {
	if m.stopped || r.Epoch != m.epoch {
		return Outcome{Dropped: true, Target: r.Target}
	}
	if r.Write() {
		return m.applySync(r)
	}
	if r.Kind == KindJobs {
		return m.applyJobs(r)
	}
	if r.Target < 0 || int(r.Target) >= m.nTarget || r.Seq != m.targets[r.Target].seq {
		return Outcome{Dropped: true, Target: r.Target} // a newer request was sent since
	}
	t := &m.targets[r.Target]
	t.inFlight = false
	m.noteRate(r.Rate)
	if t.crawl {
		return m.applyCrawl(r, t)
	}
	if t.kind == KindPage {
		return m.applyPage(r, t)
	}
	return m.applyConnector(r, t)
}

func (m *Monitor) applyPage(r Result, t *target) Outcome {
	out := Outcome{Target: r.Target}
	if r.Err != nil {
		m.noteFailure(t, r.Err)
		if m.authErr == nil {
			out.Plan = m.next(r.Target)
		}
		return out
	}
	t.failures, t.err, t.lastOK = 0, nil, m.Received(r)
	m.answered()
	if r.PerPageCap > 0 && r.PerPageCap < m.opts.PerPage {
		// The server refused the page size and served its largest: pages
		// count in its size from now on, starting where this one does.
		m.opts.PerPage = r.PerPageCap
		r.Page = max(r.Meta.Page, 1)
		t.page = r.Page
		out.Note = fmt.Sprintf("this server serves at most %d per page", r.PerPageCap)
	}
	recovered := m.retryFailing(r.Target)
	for _, c := range r.Items {
		out.Changes = m.store.put(c, m.Received(r), out.Changes)
	}
	if r.Target == PageTarget {
		same, first := m.loaded && r.Page == m.shown, !m.loaded
		m.shown, m.loaded, m.pageMeta = r.Page, true, r.Meta
		out.Page = &PageShown{Number: r.Page, Items: r.Items, Meta: r.Meta, Same: same}
		if first {
			recovered = recovered.Then(m.startBackground())
		}
	}
	if len(r.Items) == 0 && r.Meta.TotalPages > 0 && r.Page > r.Meta.TotalPages {
		// The list shrank under us: go to its new last page.
		t.page = r.Meta.TotalPages
		t.again = true
	}
	out.Plan = m.next(r.Target).Then(recovered)
	return out
}

// startBackground arms every background target, which waited for the
// first page on screen (Start): AfterFirstPaint later, so that taking in
// the crawl's first answer (a hundred connectors) does not compete with
// drawing the page that just came.
func (m *Monitor) startBackground() Plan {
	var p Plan
	for i := range m.nTarget {
		if t := &m.targets[i]; t.priority == Background && !t.inFlight {
			p = p.Then(m.arm(TargetID(i), AfterFirstPaint, false))
		}
	}
	return p
}

// retryFailing asks again now for every other target that failed for want
// of an answer: one answer says the server is back, and a reason shown as
// "cannot reach …" must not outlive the recovery by a backoff.
func (m *Monitor) retryFailing(except TargetID) Plan {
	if m.HoldOff() > 0 || m.authErr != nil || m.paused {
		return nil // they wait for the hold, the key or the user anyway
	}
	var p Plan
	for i := range m.nTarget {
		t := &m.targets[i]
		if TargetID(i) == except || t.failures == 0 || t.inFlight || t.idle() {
			continue
		}
		p = p.Then(m.request(TargetID(i)))
	}
	return p
}

func (m *Monitor) applyConnector(r Result, t *target) Outcome {
	out := Outcome{Target: r.Target}
	if r.ID != t.id {
		// The selection moved while it was out: keep what is good, fetch
		// the connector wanted now — unless the answer says to hold back.
		switch {
		case r.Err == nil:
			m.answered()
			m.remember(r.ID, r.Detail, m.Received(r))
			m.noteDetail(r.Detail, m.Received(r))
			out.Runs = m.observeRun(r.Detail, m.Received(r))
			out.Changes = m.store.put(r.Detail.Connector, m.Received(r), nil)
		case errors.As(r.Err, new(*api.RateLimitError)), errors.Is(r.Err, api.ErrUnauthorized):
			m.noteFailure(t, r.Err)
			t.err = nil // about another connector: not this one's state
		}
		t.again = true
		out.Plan = m.next(r.Target)
		return out
	}
	if r.Err != nil {
		if errors.Is(r.Err, api.ErrNotFound) {
			// Deleted on the server: stop polling it, and let the page on
			// screen catch up.
			t.gone = true
			delete(m.cache, r.ID)
			out.Changes = m.store.remove(r.ID, nil)
			t.err, t.failures = nil, 0
			out.Gone = r.ID
			out.Plan = m.request(PageTarget)
			return out
		}
		m.noteFailure(t, r.Err)
		if m.authErr != nil || errors.Is(r.Err, api.ErrForbidden) {
			// A 403 here is this connector's scope, not the key: stop
			// polling it (the error says why).
			return out
		}
		out.Plan = m.next(r.Target)
		return out
	}
	m.remember(r.ID, r.Detail, m.Received(r))
	m.noteDetail(r.Detail, m.Received(r))
	out.Runs = m.observeRun(r.Detail, m.Received(r))
	out.Changes = m.store.put(r.Detail.Connector, m.Received(r), nil)
	t.last = r.Detail
	out.Detail = r.Detail
	t.failures, t.err, t.lastOK = 0, nil, m.Received(r)
	m.answered()
	out.Plan = m.next(r.Target).Then(m.retryFailing(r.Target))
	if r.Target == SelectedTarget {
		out.Plan = out.Plan.Then(m.jobsFor(r.Detail))
	}
	return out
}

func (m *Monitor) applySync(r Result) Outcome {
	out := Outcome{Target: WriteTarget}
	if r.Seq != m.write.seq {
		out.Dropped = true
		return out
	}
	m.write.inFlight = false
	if r.Kind == KindTest {
		out.Test = &TestDone{ID: r.ID, Result: r.Tested, Err: r.Err}
		if _, ok := m.tests[r.ID]; !ok && len(m.tests) >= MaxCache {
			for k := range m.tests { // any one: bounded like the detail cache
				delete(m.tests, k)
				break
			}
		}
		m.tests[r.ID] = TestRecord{At: m.now(), Result: r.Tested, Err: r.Err}
		if wait, ok := retryWait(r.Err); ok {
			m.write.heldTill = maxTime(m.write.heldTill, m.now().Add(wait))
		}
		return out
	}
	catalog := r.Kind == KindSyncCatalog
	out.Sync = &SyncDone{ID: r.ID, Catalog: catalog, Result: r.Synced, Err: r.Err}
	if r.Err != nil {
		// Never retried: the user decides, with the facts. A 429 holds
		// later syncs, not the polling; a 403 ends them for this run.
		if wait, ok := retryWait(r.Err); ok {
			m.write.heldTill = maxTime(m.write.heldTill, m.now().Add(wait))
		}
		if errors.Is(r.Err, api.ErrForbidden) {
			m.write.refused = r.Err
			out.Sync.Err = &NoPermissionError{Err: r.Err}
		}
		return out
	}
	m.fastUntil = m.now().Add(FastWindow)
	if !catalog {
		delete(m.drafts, r.ID)
	}
	if r.ID == m.targets[SelectedTarget].id {
		out.Plan = m.request(SelectedTarget)
		for i := range out.Plan {
			// The server's answer from after the sync, never one a reader
			// had from before it: that one would say the sync drained.
			out.Plan[i].Request.Fresh = 0
		}
	}
	return out
}
