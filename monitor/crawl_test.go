package monitor

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/internal/fakeclock"
)

// runner drives a monitor the way the UI does, on a fake clock: a request
// is answered latency after it is sent (so requests can overlap), timers
// fire when the clock reaches them. It counts what each target sent.
type runner struct {
	t       *testing.T
	m       *Monitor
	clock   *fakeclock.Clock
	api     API
	latency time.Duration
	events  []event
	seq     int

	sent      map[TargetID][]time.Time // requests sent, by target
	inFlight  map[TargetID]int
	maxFlight map[TargetID]int
	after     func(Request) // called before each request is made
}

type event struct {
	at    time.Time
	seq   int
	timer *Timer
	req   *Request
}

func newRunner(t *testing.T, c API, clock *fakeclock.Clock, o Options) *runner {
	o.API, o.Now, o.Seed, o.Crawl = c, clock.Now, 1, true
	m := New(o)
	return &runner{t: t, m: &m, clock: clock, api: c, latency: 200 * time.Millisecond,
		sent: map[TargetID][]time.Time{}, inFlight: map[TargetID]int{}, maxFlight: map[TargetID]int{}}
}

func (r *runner) push(e event) {
	r.seq++
	e.seq = r.seq
	r.events = append(r.events, e)
}

func (r *runner) do(p Plan) {
	now := r.clock.Now()
	for _, s := range p {
		if s.Timer != nil {
			tm := *s.Timer
			r.push(event{at: now.Add(tm.After), timer: &tm})
			continue
		}
		req := s.Request
		r.sent[req.Target] = append(r.sent[req.Target], now)
		r.inFlight[req.Target]++
		r.maxFlight[req.Target] = max(r.maxFlight[req.Target], r.inFlight[req.Target])
		r.push(event{at: now.Add(r.latency), req: &req})
	}
}

// call makes a request and returns its result, as ui/commands.go does.
func (r *runner) call(req Request) Result {
	if r.after != nil {
		r.after(req)
	}
	ctx := context.Background()
	res := Result{Request: req}
	var resp *api.Response
	switch req.Kind {
	case KindPage:
		var p *api.ConnectorPage
		p, resp, res.Err = r.api.ListConnectors(ctx, req.Page, req.PerPage)
		if res.Err == nil {
			res.Items, res.Meta = p.Items, p.Meta
		}
	case KindConnector:
		res.Detail, resp, res.Err = r.api.GetConnector(ctx, req.ID)
	}
	if resp != nil {
		res.Rate = resp.Rate
	}
	return res
}

// advance runs events until the clock has moved by d.
func (r *runner) advance(d time.Duration) {
	end := r.clock.Now().Add(d)
	for {
		sort.SliceStable(r.events, func(i, j int) bool {
			if r.events[i].at.Equal(r.events[j].at) {
				return r.events[i].seq < r.events[j].seq
			}
			return r.events[i].at.Before(r.events[j].at)
		})
		if len(r.events) == 0 || r.events[0].at.After(end) {
			break
		}
		e := r.events[0]
		r.events = r.events[1:]
		if e.at.After(r.clock.Now()) {
			r.clock.Set(e.at)
		}
		if e.timer != nil {
			r.do(r.m.Wake(*e.timer))
			continue
		}
		r.inFlight[e.req.Target]--
		r.do(r.m.Apply(r.call(*e.req)).Plan)
	}
	r.clock.Set(end)
}

// inWindow is the most requests of a target sent within any window.
func (r *runner) inWindow(ti TargetID, window time.Duration) int {
	ts, most := r.sent[ti], 0
	for i := range ts {
		n := 0
		for j := i; j < len(ts) && ts[j].Sub(ts[i]) < window; j++ {
			n++
		}
		most = max(most, n)
	}
	return most
}

func sandboxClient(t *testing.T, clock *fakeclock.Clock, o sandbox.Options) (*api.Client, *sandbox.Server) {
	t.Helper()
	o.Now = clock.Now
	if o.Seed == 0 {
		o.Seed = 42
	}
	o.SyncFailureRate = -1
	sb := sandbox.New(o)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	c, err := api.New(srv.URL+sandbox.BasePath, api.WithAPIKey(sb.APIKey()), api.WithHTTPClient(srv.Client()),
		api.WithTimeout(5*time.Second), api.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	return c, sb
}

// 10 000 connectors, 100 a page, the sandbox's 100 reads a minute: the
// crawl indexes the whole account with one request out at a time and never
// more than a fifth of the budget in any minute, while the page on screen
// and the selected connector keep polling; nothing earns a 429.
func TestCrawlIndexesTenThousandWithinAFifthOfTheBudget(t *testing.T) {
	clock := fakeclock.New(epoch0)
	c, sb := sandboxClient(t, clock, sandbox.Options{Connectors: 10000})
	r := newRunner(t, c, clock, Options{})
	r.do(r.m.Start())
	r.advance(time.Second)
	r.do(r.m.Select(sb.IDs()[0], false))
	r.advance(6 * time.Minute)

	ix := r.m.Index()
	if !ix.Complete || ix.Known != 10000 || ix.Total != 10000 {
		t.Fatalf("after 6 min: index %+v, want complete 10000/10000", ix)
	}
	crawl, _ := r.m.CrawlTarget()
	if got := r.maxFlight[crawl]; got != 1 {
		t.Errorf("%d crawl requests in flight at once, want 1", got)
	}
	if got := r.inWindow(crawl, time.Minute); got > 100/CrawlShare+1 {
		t.Errorf("%d crawl requests in one minute, want at most %d", got, 100/CrawlShare+1)
	}
	st := sb.Stats()
	all := 0
	for _, ts := range r.sent {
		all += len(ts)
	}
	if st.Total != all {
		t.Errorf("sandbox saw %d requests, the runner sent %d", st.Total, all)
	}
	if r.m.Target(PageTarget).Err != nil || r.m.HoldOff() > 0 {
		t.Errorf("the foreground was held: %v, hold %v", r.m.Target(PageTarget).Err, r.m.HoldOff())
	}
	if n := len(r.sent[PageTarget]); n < 12 {
		t.Errorf("the page on screen was asked %d times in 6 min, want its every-30s", n)
	}
	// Details of connectors in error follow once the account is indexed.
	r.advance(2 * time.Minute)
	known, _ := r.m.Failures()
	if len(known) == 0 {
		t.Errorf("no last_error learnt 2 min after the index completed")
	}
	t.Logf("sandbox %v; crawl sent %d", st.ByRoute, len(r.sent[crawl]))
}

// A budget the headers announce paces the crawl: 30 a minute leaves it 6.
func TestCrawlFollowsTheAnnouncedBudget(t *testing.T) {
	clock := fakeclock.New(epoch0)
	c, _ := sandboxClient(t, clock, sandbox.Options{Connectors: 3000, ReadLimit: 30})
	r := newRunner(t, c, clock, Options{})
	r.do(r.m.Start())
	r.advance(5 * time.Minute)
	crawl, _ := r.m.CrawlTarget()
	if got := r.inWindow(crawl, time.Minute); got > 30/CrawlShare+1 {
		t.Errorf("%d crawl requests in one minute under a budget of 30, want at most %d", got, 30/CrawlShare+1)
	}
	if got := len(r.sent[crawl]); got < 4*30/CrawlShare {
		t.Errorf("only %d crawl requests in 5 min: the crawl stalled", got)
	}
}

// faultAPI fails every call while fail says so.
type faultAPI struct {
	API
	mu   sync.Mutex
	fail error
}

func (f *faultAPI) set(err error) { f.mu.Lock(); f.fail = err; f.mu.Unlock() }
func (f *faultAPI) err() error    { f.mu.Lock(); defer f.mu.Unlock(); return f.fail }

func (f *faultAPI) ListConnectors(ctx context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	if err := f.err(); err != nil {
		return nil, &api.Response{}, err
	}
	return f.API.ListConnectors(ctx, page, perPage)
}

func (f *faultAPI) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	if err := f.err(); err != nil {
		return nil, &api.Response{}, err
	}
	return f.API.GetConnector(ctx, id)
}

// Every hold stops the crawl: a 429's wait, a rejected key until asked
// again, an outage's backoff.
func TestCrawlPausedByEveryHold(t *testing.T) {
	clock := fakeclock.New(epoch0)
	c, sb := sandboxClient(t, clock, sandbox.Options{Connectors: 5000})
	f := &faultAPI{API: c}
	r := newRunner(t, f, clock, Options{})
	crawl, _ := r.m.CrawlTarget()
	r.do(r.m.Start())
	r.advance(30 * time.Second)

	// A 429 naming 60 s: nothing at all is sent for 60 s.
	f.set(&api.RateLimitError{APIError: api.APIError{StatusCode: 429}, RetryAfter: 60 * time.Second})
	r.advance(4 * time.Second) // some request meets it
	f.set(nil)
	held := r.m.HoldOff()
	if held <= 0 {
		t.Fatalf("no hold after a 429")
	}
	sb.ResetStats()
	before := len(r.sent[crawl])
	r.advance(held - time.Second)
	if n := sb.Stats().Total; n != 0 {
		t.Errorf("%d requests during a 429 hold", n)
	}
	r.advance(30 * time.Second)
	if len(r.sent[crawl]) == before {
		t.Errorf("the crawl did not resume after the hold")
	}

	// A rejected key: nothing until r.
	f.set(fmt.Errorf("wrapped: %w", api.ErrUnauthorized))
	r.advance(15 * time.Second)
	f.set(nil)
	sb.ResetStats()
	r.advance(5 * time.Minute)
	if n := sb.Stats().Total; n != 0 {
		t.Errorf("%d requests after the key was rejected", n)
	}
	p, _ := r.m.Refresh()
	r.do(p)
	r.advance(10 * time.Second)
	if sb.Stats().Total == 0 {
		t.Errorf("refresh did not resume polling")
	}

	// An outage: the crawl backs off, far below its pace.
	f.set(&api.APIError{StatusCode: 503})
	before = len(r.sent[crawl])
	r.advance(10 * time.Minute)
	f.set(nil)
	if n := len(r.sent[crawl]) - before; n > 12 {
		t.Errorf("%d crawl requests in a 10-minute outage: no backoff", n)
	}
	r.advance(5 * time.Minute)
	if r.m.Target(crawl).Failures != 0 {
		t.Errorf("the crawl did not recover after the outage: %+v", r.m.Target(crawl))
	}

	// Paused by the user: the crawl's timers stop too.
	r.do(r.m.SetPaused(true))
	before = len(r.sent[crawl])
	r.advance(5 * time.Minute)
	if n := len(r.sent[crawl]) - before; n > 1 {
		t.Errorf("%d crawl requests while paused", n)
	}
}

// shiftingAPI is a connector list that a test changes between two pages.
type shiftingAPI struct {
	API
	mu    sync.Mutex
	items []api.Connector
}

func (s *shiftingAPI) ListConnectors(_ context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := len(s.items)
	from, to := min((page-1)*perPage, total), min(page*perPage, total)
	pages := (total + perPage - 1) / perPage
	return &api.ConnectorPage{Items: slices.Clone(s.items[from:to]),
		Meta: api.PageMeta{Total: total, Page: page, PerPage: perPage, TotalPages: pages, HasNext: page < pages}}, &api.Response{}, nil
}

func (s *shiftingAPI) GetConnector(_ context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.items {
		if c.ID == id {
			return &api.ConnectorDetail{Connector: c}, &api.Response{}, nil
		}
	}
	return nil, &api.Response{}, &api.APIError{StatusCode: 404}
}

func (s *shiftingAPI) ids() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.items))
	for i, c := range s.items {
		out[i] = c.ID
	}
	sort.Strings(out)
	return out
}

func storeIDs(m *Monitor) []string {
	var out []string
	m.Store().Each(func(c api.Connector) { out = append(out, c.ID) })
	sort.Strings(out)
	return out
}

// Pages that shift while the crawl reads them: a connector removed before
// the page being read pulls the next page's first connector onto a page
// already read (skipped this pass), one added in front pushes a connector
// onto the next page (read twice). Neither is lost, doubled, or kept once
// gone.
func TestCrawlStoreAcrossShiftingPages(t *testing.T) {
	clock := fakeclock.New(epoch0)
	s := &shiftingAPI{}
	for i := range 250 {
		s.items = append(s.items, api.Connector{ID: fmt.Sprintf("c%03d", i), Name: fmt.Sprintf("Shop %03d", i), Status: "active"})
	}
	r := newRunner(t, s, clock, Options{})
	crawl, _ := r.m.CrawlTarget()
	var shift func(page int) // called before each crawl page is read
	r.after = func(req Request) {
		if req.Target == crawl && req.Kind == KindPage && shift != nil {
			shift(req.Page)
		}
	}
	r.do(r.m.Start())
	r.advance(time.Minute)
	if ix := r.m.Index(); !ix.Complete || ix.Known != 250 {
		t.Fatalf("first pass: %+v", ix)
	}

	// Pass 2: after page 1, c010 is deleted: c100 slides onto page 1.
	skipped := "c100"
	shift = func(page int) {
		if page == 2 {
			s.mu.Lock()
			s.items = slices.DeleteFunc(s.items, func(c api.Connector) bool { return c.ID == "c010" })
			s.mu.Unlock()
			shift = nil
		}
	}
	r.advance(CrawlRest + time.Minute)
	if _, ok := r.m.Store().Get(skipped); !ok {
		t.Fatalf("%s, skipped by a shifted page, was dropped from the store", skipped)
	}
	// Pass 3 (started at once: the pass was not clean) removes c010.
	r.advance(time.Minute)
	if got, want := storeIDs(r.m), s.ids(); !slices.Equal(got, want) {
		t.Fatalf("after the removal: store has %d, server %d", len(got), len(want))
	}

	// A connector added in front after page 1: c099 is read twice, the new
	// one is found by the next pass.
	shift = func(page int) {
		if page == 2 {
			s.mu.Lock()
			s.items = append([]api.Connector{{ID: "a000", Name: "New shop", Status: "active"}}, s.items...)
			s.mu.Unlock()
			shift = nil
		}
	}
	r.advance(CrawlRest + 2*time.Minute)
	got, want := storeIDs(r.m), s.ids()
	if !slices.Equal(got, want) {
		t.Fatalf("after the addition: store has %d, server %d", len(got), len(want))
	}
	if ix := r.m.Index(); ix.Known != 250 || ix.Total != 250 || !ix.Complete {
		t.Fatalf("index %+v, want 250/250", ix)
	}
}

// The detail of a connector in error is asked once and cached: asked again
// only after a new sync or ErrorRecheck.
func TestCrawlAsksErrorDetailsOnce(t *testing.T) {
	clock := fakeclock.New(epoch0)
	c, sb := sandboxClient(t, clock, sandbox.Options{})
	r := newRunner(t, c, clock, Options{})
	r.do(r.m.Start())
	r.advance(3 * time.Minute)
	n := r.m.Counts().Error
	known, waiting := r.m.Failures()
	if n == 0 || len(known) != n || len(waiting) != 0 {
		t.Fatalf("%d in error: %d known, %d waiting", n, len(known), len(waiting))
	}
	details := sb.Stats().ByRoute["GET /connectors/{id}"]
	r.advance(10 * time.Minute)
	if again := sb.Stats().ByRoute["GET /connectors/{id}"] - details; again != 0 {
		t.Errorf("%d detail requests again within ErrorRecheck", again)
	}
}

// The crawl's requests say how old a shared answer may be: a page as old
// as a rest between passes, a connector in error's detail as old as a
// recheck, unless the connector synced since the detail seen (then only
// the server's answer tells).
func TestCrawlRequestsCarryTheirFreshness(t *testing.T) {
	clock := fakeclock.New(epoch0)
	c, _ := sandboxClient(t, clock, sandbox.Options{})
	r := newRunner(t, c, clock, Options{})
	crawl, _ := r.m.CrawlTarget()
	var pages, details []Request
	r.after = func(q Request) {
		if q.Target != crawl {
			return
		}
		if q.Kind == KindPage {
			pages = append(pages, q)
		} else {
			details = append(details, q)
		}
	}
	r.do(r.m.Start())
	r.advance(3 * time.Minute)
	if len(pages) == 0 || len(details) == 0 {
		t.Fatalf("the crawl sent %d pages and %d details", len(pages), len(details))
	}
	for _, q := range pages {
		if q.Fresh != r.m.crawlRest() {
			t.Fatalf("crawl page %d: Fresh %v, want the rest %v", q.Page, q.Fresh, r.m.crawlRest())
		}
	}
	for _, q := range details {
		if q.Fresh != ErrorRecheck {
			t.Fatalf("first detail of %s: Fresh %v, want %v", q.ID, q.Fresh, ErrorRecheck)
		}
	}
	// A connector in error synced since the detail seen: only the
	// server's answer tells.
	id := details[0].ID
	if got := r.m.errorDetailFresh(id); got != ErrorRecheck {
		t.Fatalf("before its sync: %v", got)
	}
	cn, _ := r.m.store.Get(id)
	later := clock.Now().Add(time.Minute)
	cn.LastSyncAt = &later
	r.m.store.put(cn, clock.Now(), nil)
	if got := r.m.errorDetailFresh(id); got != 0 {
		t.Fatalf("detail of %s after its sync: Fresh %v, want 0", id, got)
	}
}
