package monitor

import (
	"cmp"
	"errors"
	"time"

	"github.com/pixee/pixee-tui/api"
)

// The crawl is one background target that keeps an index of the whole
// account: it walks every page of the list into the store and fetches the
// detail of each connector in error, to learn its last_error. It is the
// scheduler's like any target (one request in flight, every hold, backoff,
// the foreground's reserve), paced so that it never spends more than a
// CrawlShare of the read budget.

// Crawl policy.
const (
	CrawlShare        = 5                // the crawl spends at most 1/CrawlShare of the read budget
	DefaultReadBudget = 100              // reads a minute assumed when no X-RateLimit-* header says
	CrawlPerPage      = 100              // the most a page holds: the fewest requests
	CrawlRest         = 5 * time.Minute  // between two passes of a small account
	CrawlRestPerPage  = 30 * time.Second // a large account rests longer: per page of a pass
	LargeAccountPages = 10               // from this many pages, later passes go at half speed
	ErrorRecheck      = 30 * time.Minute // a known last_error is asked again after this
	crawlIdleCheck    = 30 * time.Second // nothing to do: look again after this
	// WatchedCrawlSpacing is the least time between two crawl requests
	// while a sync is watched: the detail every 2 s (30 a minute) and the
	// page on screen (2) leave the crawl 2 of WatchBudget a minute.
	WatchedCrawlSpacing = 30 * time.Second
	WatchBudget         = 35 // reads a minute while a sync is watched
)

// StatusError is the status of a connector whose last sync failed.
const StatusError = "error"

// index is the crawl's progress and what the error details taught. It is
// shared by copies of a Monitor, like the store.
type index struct {
	target TargetID
	on     bool

	passing   bool
	page      int                 // the next page of the pass
	seen      map[string]struct{} // ids the crawl read in this pass
	passTotal int                 // meta.total at the pass's first page
	dirty     bool                // the total moved during the pass: pages shifted
	total     int                 // the latest meta.total; -1 unknown
	pages     int
	complete  bool      // a clean pass has finished
	doneAt    time.Time // when the answers of the last clean pass were received (its oldest)
	passFrom  time.Time // the oldest answer of the pass under way
	nextPass  time.Time
	lastSent  time.Time
	lastPage  bool // the last request was a page (details and pages alternate)
	passes    int  // passes finished (IndexState.Passes)

	errs       map[string]*errorInfo
	errVersion uint64

	// pos is where each connector stood in the server's order when the
	// crawl last read it (0-based), so the UI can open its page. A removed
	// connector's stays: opening it finds it gone.
	pos map[string]int
}

// errorInfo is what a detail answer said about a connector in error.
type errorInfo struct {
	text      string
	known     bool // a detail answered (text may be "")
	firstSeen time.Time
	lastSeen  time.Time
	syncAt    *time.Time // last_sync_at when asked: a new sync may bring a new error
}

func newIndex(on bool) *index {
	return &index{on: on, total: -1, errs: map[string]*errorInfo{}, pos: map[string]int{}}
}

// crawlSpacing is the least time between two crawl requests: a CrawlShare of
// the budget the headers last announced (or DefaultReadBudget a minute),
// halved again for a large account once it is indexed.
func (m *Monitor) crawlSpacing() time.Duration {
	limit := DefaultReadBudget
	if m.rate.Known && m.rate.Limit > 0 {
		limit = m.rate.Limit
	}
	d := time.Duration(CrawlShare) * RateWindow / time.Duration(limit)
	if m.index.complete && m.index.pages >= LargeAccountPages {
		d *= 2
	}
	if m.Fast() {
		// A sync is watched: its detail every Refresh is what a person
		// looks at; the index yields to it.
		d = max(d, WatchedCrawlSpacing)
	}
	return d
}

// crawlRest is the wait between two clean passes: longer for more pages.
func (m *Monitor) crawlRest() time.Duration {
	return max(CrawlRest, time.Duration(m.index.pages)*CrawlRestPerPage)
}

// crawlStep is the crawl's next request, or how long to wait for one.
func (m *Monitor) crawlStep() (Request, time.Duration) {
	ix, now := m.index, m.now()
	if !ix.lastSent.IsZero() {
		if w := ix.lastSent.Add(m.crawlSpacing()).Sub(now); w > 0 {
			return Request{}, w
		}
	}
	passDue := ix.passing || !now.Before(ix.nextPass)
	// Pages first until the account is indexed once; then pages and
	// details take turns.
	if id := m.nextErrorDetail(now); id != "" && (!passDue || (ix.complete && ix.lastPage)) {
		ix.lastSent, ix.lastPage = now, false
		return Request{Kind: KindConnector, ID: id, Fresh: m.errorDetailFresh(id)}, 0
	}
	if !passDue {
		return Request{}, min(ix.nextPass.Sub(now), crawlIdleCheck)
	}
	if !ix.passing {
		ix.passing, ix.page, ix.seen, ix.passTotal, ix.dirty = true, 1, map[string]struct{}{}, -1, false
		ix.passFrom = time.Time{}
		m.store.pass++
	}
	ix.lastSent, ix.lastPage = now, true
	return Request{Kind: KindPage, Page: ix.page, PerPage: CrawlPerPage, Fresh: m.crawlRest()}, 0
}

// errorDetailFresh is how old a shared answer about a connector in error
// may be: one from before its last sync tells nothing new (the server's,
// then); otherwise one as old as a recheck is what this crawl would hold.
func (m *Monitor) errorDetailFresh(id string) time.Duration {
	c, _ := m.store.Get(id)
	if e := m.index.errs[id]; e != nil && !sameTime(e.syncAt, c.LastSyncAt) {
		return 0
	}
	return ErrorRecheck
}

// nextErrorDetail is the connector in error whose last_error is wanted
// most: never asked, asked before its last sync, or asked long ago. The
// selected connector is left to its own target. Smallest id first, so the
// order is stable.
func (m *Monitor) nextErrorDetail(now time.Time) string {
	sel := m.targets[SelectedTarget].id
	best := ""
	for id, c := range m.store.byID {
		if c.Status != StatusError || id == sel || (best != "" && id >= best) {
			continue
		}
		e := m.index.errs[id]
		if e == nil || !sameTime(e.syncAt, c.LastSyncAt) || now.Sub(e.lastSeen) >= ErrorRecheck {
			best = id
		}
	}
	return best
}

func (m *Monitor) applyCrawl(r Result, t *target) Outcome {
	out := Outcome{Target: r.Target}
	if r.Err != nil {
		switch {
		case r.Kind == KindConnector && errors.Is(r.Err, api.ErrNotFound):
			out.Changes = m.store.remove(r.ID, nil)
			m.forgetError(r.ID)
		case r.Kind == KindConnector && errors.Is(r.Err, api.ErrForbidden):
			// This connector's scope: note it asked, so it is not asked
			// again until ErrorRecheck.
			c, _ := m.store.Get(r.ID)
			m.index.errs[r.ID] = &errorInfo{lastSeen: m.now(), firstSeen: m.now(), syncAt: c.LastSyncAt}
		default:
			m.noteFailure(t, r.Err)
			if m.authErr == nil {
				out.Plan = m.next(r.Target)
			}
			return out
		}
		out.Plan = m.next(r.Target)
		return out
	}
	t.failures, t.err, t.lastOK = 0, nil, m.Received(r)
	m.answered()
	if r.Kind == KindConnector {
		// Kept like the selected one's: its counts are known (metrics),
		// and selecting it shows them at once.
		m.remember(r.ID, r.Detail, m.Received(r))
		m.noteDetail(r.Detail, m.Received(r))
		out.Runs = m.observeRun(r.Detail, m.Received(r))
		out.Changes = m.store.put(r.Detail.Connector, m.Received(r), nil)
	} else {
		out.Changes = m.crawlPage(r, out.Changes)
	}
	out.Plan = m.next(r.Target)
	return out
}

// crawlPage takes one page of a pass. A pass whose total held still and
// whose pages added up to it is clean: connectors it did not see (nor any
// other target during the pass) are gone. A pass over pages that shifted
// under it (a connector added or removed before the page being read) may
// have skipped one: nothing is removed, and the next pass starts at once.
// The store is keyed by id, so a connector read twice counts once.
func (m *Monitor) crawlPage(r Result, changes []Change) []Change {
	ix, now := m.index, m.now()
	ix.total, ix.pages = r.Meta.Total, r.Meta.TotalPages
	if ix.passTotal < 0 {
		ix.passTotal = r.Meta.Total
	} else if r.Meta.Total != ix.passTotal {
		ix.dirty = true
	}
	at := m.Received(r)
	if ix.passFrom.IsZero() || at.Before(ix.passFrom) {
		ix.passFrom = at
	}
	per := cmp.Or(r.Meta.PerPage, r.PerPageCap, r.PerPage)
	for i, c := range r.Items {
		changes = m.store.put(c, at, changes)
		ix.seen[c.ID] = struct{}{}
		ix.pos[c.ID] = (r.Page-1)*per + i
		// The store's, which a newer answer may have given.
		if c, _ := m.store.Get(c.ID); c.Status != StatusError && ix.errs[c.ID] != nil {
			m.forgetError(c.ID)
		}
	}
	if len(r.Items) > 0 && r.Page < r.Meta.TotalPages {
		ix.page++
		return changes
	}
	ix.passing = false
	ix.passes++
	seen := len(ix.seen)
	ix.seen = nil // the store's marks say the rest
	if ix.dirty || seen != ix.passTotal {
		ix.nextPass = now
		return changes
	}
	for id := range m.store.byID {
		if m.store.mark[id] != m.store.pass {
			changes = m.store.remove(id, changes)
			m.forgetError(id)
		}
	}
	// As old as its oldest page: a pass over shared answers is as fresh
	// as they were.
	ix.complete, ix.doneAt = true, ix.passFrom
	ix.nextPass = now.Add(m.crawlRest())
	return changes
}

// PageOf is the server page (1-based, of the page on screen's size) that
// held the connector when the crawl last read it; false when no pass has
// read it.
func (m *Monitor) PageOf(id string) (int, bool) {
	_, ix := m.fleet()
	at, ok := ix.pos[id]
	if !ok {
		return 0, false
	}
	per := cmp.Or(m.pageMeta.PerPage, m.opts.PerPage, 1)
	return at/per + 1, true
}

// noteDetail learns a connector's last_error from any detail answer.
func (m *Monitor) noteDetail(d *api.ConnectorDetail, at time.Time) {
	if d == nil {
		return
	}
	c := d.Connector
	if c.Status != StatusError {
		m.forgetError(c.ID)
		return
	}
	text := ""
	if d.SyncStats.LastError != nil {
		text = *d.SyncStats.LastError
	}
	// The answer's own time, not its handing over: sessions sharing one
	// answer then recheck it together, and share the next too.
	now := at
	e := m.index.errs[c.ID]
	if e == nil || !e.known || e.text != text {
		e = &errorInfo{text: text, known: true, firstSeen: now}
		m.index.errs[c.ID] = e
		m.index.errVersion++
	}
	e.lastSeen, e.syncAt = now, c.LastSyncAt
}

func (m *Monitor) forgetError(id string) {
	if _, ok := m.index.errs[id]; ok {
		delete(m.index.errs, id)
		m.index.errVersion++
	}
}
