// Package ui is pixee-tui's Bubble Tea program: a paginated connector list,
// a live detail pane and the EAN sync form. The root Model owns focus, size,
// timers, the status bar and the request bookkeeping; panes render and keep
// their own small state. It talks to the Pixee API only through the API
// interface, and only through tea.Cmds, so the UI never blocks on the
// network.
package ui

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// Options configure the dashboard. Zero values take the defaults.
type Options struct {
	API         API
	Context     context.Context // cancelled when the program ends; nil = Background
	Host        string          // shown in the header
	Demo        bool            // shows the DEMO badge
	PerPage     int             // connectors per page (default 50)
	Refresh     time.Duration   // detail refresh while a sync runs (default 2s)
	IdleRefresh time.Duration   // detail refresh otherwise (default 10s)
	ListRefresh time.Duration   // list refresh (default 30s)
	Now         Clock           // default time.Now
	Location    *time.Location  // for absolute times; default time.Local
	Keys        *keymap.KeyMap  // default keymap.Default()
	Styles      *Styles         // default DefaultStyles()
	Plain       bool            // styles are stripped (NO_COLOR, no colour profile)
	Seed        uint64          // jitter seed; 0 = from the clock
	// After schedules msg after d; default tea.Tick. Tests replace it to
	// drive every timer from an injected clock.
	After func(d time.Duration, msg tea.Msg) tea.Cmd
}

// Timing constants that are policy, not configuration.
const (
	selectDebounce = 150 * time.Millisecond // moving fast through rows fetches once
	fastWindow     = 30 * time.Second       // fast refresh after a triggered sync
	flashFor       = 6 * time.Second
	maxBackoff     = 2 * time.Minute
	defaultWait    = 60 * time.Second // a 429 that names no wait
	maxCache       = 256              // details remembered for instant redisplay
	maxHold        = 15 * time.Minute // longest wait a server can impose
	rateWindow     = time.Minute      // life of a budget reading without a reset time
)

type focusArea int

const (
	focusList focusArea = iota
	focusDetail
	focusForm
)

// target is the request bookkeeping of one thing the dashboard polls: at
// most one request in flight, a newer wish queued behind it, and a timer
// generation so a re-armed timer never runs a second loop.
type target struct {
	seq      int  // of the latest request sent
	inFlight bool // a request is out
	again    bool // asked for while in flight: send when it returns
	gen      int  // timer generation
	failures int  // consecutive failures, for backoff
	lastOK   time.Time
	err      error // last failure, nil after a success
}

type cachedDetail struct {
	detail *api.ConnectorDetail
	at     time.Time
}

type dialogKind int

const (
	askSyncEANs dialogKind = iota
	askSyncCatalog
)

// dialog is a yes/no question; the default answer is No.
type dialog struct {
	kind      dialogKind
	connector api.Connector
	eans      []string
}

// Model is the root model.
type Model struct {
	opts    Options
	ctx     context.Context
	now     Clock
	keys    keymap.KeyMap
	styles  *Styles
	help    help.Model
	spinner spinner.Model
	rng     *rand.Rand

	width, height int
	focus         focusArea
	showHelp      bool

	list   connectorList
	detail detailPane
	form   *syncForm
	dialog *dialog
	drafts map[string]string
	cache  map[string]cachedDetail

	page         int // the page wanted (1-based)
	listT        target
	detailT      target
	syncSeq      int
	syncing      bool // a POST is out
	spinning     bool
	fastUntil    time.Time
	paused       bool
	limitedUntil time.Time
	authErr      error
	rate         api.RateLimit
	rateAt       time.Time // when rate was read
	postHeldTill time.Time // a 429 on a sync holds syncs, not polling
	flash        string
	flashIsError bool
	flashUntil   time.Time
	helpCache    *helpLineCache // shared by copies: keyed by what it shows
	quitting     bool
}

// New builds the dashboard. The first page is requested by Init.
func New(o Options) Model {
	if o.Context == nil {
		o.Context = context.Background()
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
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		// Like tea.Tick, but a timer ends when the context does: Bubble Tea
		// cannot cancel a running Cmd, so a 30 s list timer would otherwise
		// outlive the program by up to 30 s.
		ctx := o.Context
		o.After = func(d time.Duration, msg tea.Msg) tea.Cmd {
			return func() tea.Msg {
				t := time.NewTimer(d)
				select {
				case <-t.C:
					return msg
				case <-ctx.Done():
					t.Stop()
					return nil
				}
			}
		}
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	keys := keymap.Default()
	if o.Keys != nil {
		keys = *o.Keys
	}
	st := DefaultStyles()
	if o.Styles != nil {
		st = *o.Styles
	}
	seed := o.Seed
	if seed == 0 {
		seed = uint64(o.Now().UnixNano())
	}
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot))
	h := help.New()
	h.ShortSeparator = " · "
	m := Model{
		opts:      o,
		ctx:       o.Context,
		now:       o.Now,
		keys:      keys,
		styles:    &st,
		help:      h,
		spinner:   sp,
		rng:       rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		list:      newConnectorList(&st),
		detail:    newDetailPane(&st, o.Location),
		drafts:    map[string]string{},
		cache:     map[string]cachedDetail{},
		page:      1,
		helpCache: &helpLineCache{},
		width:     80,
		height:    24,
	}
	m.list.Focus()
	// Init sends the first page request; record it here since Init cannot
	// change the model.
	m.listT.seq, m.listT.inFlight = 1, true
	m.spinning = true
	m.layout()
	m.updateKeys()
	return m
}

// Init starts the first page request, the clock and the loading spinner.
func (m Model) Init() tea.Cmd {
	return tea.Batch(
		fetchPage(m.ctx, m.opts.API, m.listT.seq, m.page, m.opts.PerPage),
		m.opts.After(time.Second, clockMsg{}),
		m.spinner.Tick,
	)
}

// Update routes each message to the part of the model it concerns.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
	case tea.KeyMsg:
		cmd = m.handleKey(msg)
	case pageMsg:
		cmd = m.onPage(msg)
	case detailMsg:
		cmd = m.onDetail(msg)
	case syncMsg:
		cmd = m.onSync(msg)
	case listDueMsg:
		if msg.gen == m.listT.gen && !m.paused {
			cmd = m.requestList()
		}
	case detailDueMsg:
		// A pause stops polling, not what the user asks for: a new
		// selection is still fetched.
		if msg.gen == m.detailT.gen && (!m.paused || msg.user) {
			cmd = m.requestDetail()
		}
	case clockMsg:
		// One loop, started by Init: "ago" texts move, flashes expire.
		if !m.flashUntil.IsZero() && !m.now().Before(m.flashUntil) {
			m.flash, m.flashUntil = "", time.Time{}
		}
		cmd = m.opts.After(time.Second, clockMsg{})
	case spinner.TickMsg:
		// The spinner only runs while something is loading: dropping the
		// tick ends its loop, and nothing redraws for it when idle.
		if m.busy() {
			// The spinner's own timer is replaced by ours, so that every
			// timer of the program goes through Options.After.
			var next tea.Cmd
			m.spinner, next = m.spinner.Update(msg)
			if next != nil { // accepted: not a stale tick of an older loop
				cmd = m.opts.After(m.spinner.Spinner.FPS, m.spinner.Tick())
			}
		} else {
			m.spinning = false
		}
	}
	m.updateKeys()
	return m, tea.Batch(cmd, m.ensureSpinner())
}

// busy says whether anything visible is waiting for the network.
func (m *Model) busy() bool {
	return m.syncing || (m.listT.inFlight && (!m.list.loaded || m.page != m.list.page))
}

func (m *Model) ensureSpinner() tea.Cmd {
	if m.busy() && !m.spinning {
		m.spinning = true
		return m.spinner.Tick
	}
	return nil
}

func (m *Model) flashMsg(s string, isErr bool) {
	m.flash, m.flashIsError, m.flashUntil = s, isErr, m.now().Add(flashFor)
}

// ---- requests and their results -------------------------------------------

// requestList asks for the wanted page, unless a request is out (then it is
// queued), requests are held back (rate limit, bad key), or there is nothing
// to do.
func (m *Model) requestList() tea.Cmd {
	if m.listT.inFlight {
		m.listT.again = true
		return nil
	}
	if wait := m.holdOff(); wait > 0 {
		return m.armList(wait)
	}
	if m.authErr != nil {
		return nil
	}
	m.listT.seq++
	m.listT.inFlight = true
	m.listT.gen++ // its answer arms the next timer; pending ones are moot
	return fetchPage(m.ctx, m.opts.API, m.listT.seq, m.page, m.opts.PerPage)
}

func (m *Model) requestDetail() tea.Cmd {
	id := m.detail.ID()
	if id == "" || m.detail.gone {
		return nil
	}
	if m.detailT.inFlight {
		m.detailT.again = true
		return nil
	}
	if wait := m.holdOff(); wait > 0 {
		return m.armDetail(wait)
	}
	if m.authErr != nil {
		return nil
	}
	m.detailT.seq++
	m.detailT.inFlight = true
	m.detailT.gen++
	return fetchDetail(m.ctx, m.opts.API, m.detailT.seq, id)
}

func (m *Model) armList(d time.Duration) tea.Cmd {
	m.listT.gen++
	return m.opts.After(d, listDueMsg{gen: m.listT.gen})
}

func (m *Model) armDetail(d time.Duration) tea.Cmd {
	m.detailT.gen++
	return m.opts.After(d, detailDueMsg{gen: m.detailT.gen})
}

// holdOff is how long no request may be sent: the rest of a rate-limit wait.
func (m *Model) holdOff() time.Duration {
	if d := m.limitedUntil.Sub(m.now()); d > 0 {
		return d
	}
	return 0
}

func (m *Model) onPage(msg pageMsg) tea.Cmd {
	if msg.seq != m.listT.seq {
		return nil // an older answer: a newer request was sent since
	}
	m.listT.inFlight = false
	m.noteRate(msg.rate)
	if msg.err != nil {
		m.noteFailure(&m.listT, msg.err)
		if m.authErr != nil {
			return nil
		}
		return m.nextList()
	}
	m.listT.failures, m.listT.err, m.listT.lastOK = 0, nil, m.now()
	// "Same page" is the page asked for: a server may not echo meta.page
	// faithfully for skip/limit requests.
	same := m.list.loaded && msg.page == m.list.page
	m.list.SetPage(msg.page, msg.items, msg.meta, same)
	if len(msg.items) == 0 && msg.meta.TotalPages > 0 && msg.page > msg.meta.TotalPages {
		// The list shrank under us: go to its new last page.
		m.page = msg.meta.TotalPages
		m.listT.again = true
	}
	return tea.Batch(m.selectionChanged(!same), m.nextList())
}

// nextList sends a queued request or arms the next refresh.
func (m *Model) nextList() tea.Cmd {
	if m.listT.again {
		m.listT.again = false
		return m.requestList()
	}
	if m.paused {
		return nil
	}
	return m.armList(m.interval(&m.listT, m.opts.ListRefresh))
}

func (m *Model) onDetail(msg detailMsg) tea.Cmd {
	if msg.seq != m.detailT.seq {
		return nil
	}
	m.detailT.inFlight = false
	m.noteRate(msg.rate)
	if msg.id != m.detail.ID() {
		// The selection moved while it was out: keep what is good, fetch
		// the connector shown now — unless the answer says to hold back.
		switch {
		case msg.err == nil:
			m.remember(msg.id, msg.detail)
			m.list.Patch(msg.detail.Connector)
		case errors.As(msg.err, new(*api.RateLimitError)), errors.Is(msg.err, api.ErrUnauthorized):
			m.noteFailure(&m.detailT, msg.err)
			m.detailT.err = nil // about another connector: not this one's state
		}
		m.detailT.again = true
		return m.nextDetail()
	}
	if msg.err != nil {
		if errors.Is(msg.err, api.ErrNotFound) {
			// Deleted on the server: say so, stop polling it, and let the
			// list catch up.
			m.detail.SetGone()
			delete(m.cache, msg.id)
			m.detailT.err, m.detailT.failures = nil, 0
			m.flashMsg("connector "+termtext.Sanitize(msg.id)+" no longer exists", true)
			return m.requestList()
		}
		m.noteFailure(&m.detailT, msg.err)
		if m.authErr != nil || errors.Is(msg.err, api.ErrForbidden) {
			// A 403 here is this connector's scope, not the key: stop
			// polling it and say why (the footer shows the API's detail).
			return nil
		}
		return m.nextDetail()
	}
	m.remember(msg.id, msg.detail)
	m.list.Patch(msg.detail.Connector)
	m.detail.SetDetail(msg.detail, m.now())
	m.detailT.failures, m.detailT.err, m.detailT.lastOK = 0, nil, m.now()
	return m.nextDetail()
}

func (m *Model) nextDetail() tea.Cmd {
	if m.detailT.again {
		m.detailT.again = false
		return m.requestDetail()
	}
	if m.paused || m.detail.gone || m.detail.ID() == "" {
		return nil
	}
	base := m.opts.IdleRefresh
	if m.detail.Pending() > 0 || m.now().Before(m.fastUntil) {
		base = m.opts.Refresh
	}
	return m.armDetail(m.interval(&m.detailT, base))
}

// interval is the wait before the next poll: the base, slowed down when the
// rate-limit budget runs low, or an exponential backoff with jitter after
// failures.
func (m *Model) interval(t *target, base time.Duration) time.Duration {
	if t.failures > 0 {
		d := max(base, 2*time.Second)
		for i := 1; i < t.failures && d < maxBackoff; i++ {
			d *= 2
		}
		d = min(d, maxBackoff)
		return time.Duration(float64(d) * (0.8 + 0.4*m.rng.Float64()))
	}
	if r, ok := m.budget(); ok && r.Limit > 0 && r.Remaining >= 0 {
		switch {
		case r.Remaining*10 < r.Limit:
			base *= 4
		case r.Remaining*4 < r.Limit:
			base *= 2
		}
	}
	return base
}

// budget is the last rate-limit reading while it still holds: once the
// window it describes has reset, "5 left" says nothing about now, and an
// answer without the headers (not every one has them) must not leave
// polling slowed down, or an old budget on screen, for good.
func (m *Model) budget() (api.RateLimit, bool) {
	r := m.rate
	expired := !r.Reset.IsZero() && !m.now().Before(r.Reset)
	if r.Reset.IsZero() && m.now().Sub(m.rateAt) > rateWindow {
		expired = true // no reset time: a reading is good for one window
	}
	if !r.Known || expired {
		return api.RateLimit{}, false
	}
	return r, true
}

func (m *Model) noteRate(r api.RateLimit) {
	if !r.Known {
		return
	}
	m.rate, m.rateAt = r, m.now()
	if r.Remaining == 0 && r.Reset.After(m.now()) {
		// Budget spent: wait for the window to reset rather than earn a
		// 429 — capped, so a server clock far ahead cannot freeze us.
		m.limitedUntil = maxTime(m.limitedUntil, minTime(r.Reset, m.now().Add(maxHold)))
	}
}

// noteFailure classifies an error: a rate limit holds every request back, a
// bad key stops polling, anything else counts towards backoff.
func (m *Model) noteFailure(t *target, err error) {
	t.err = err
	var rl *api.RateLimitError
	switch {
	case errors.Is(err, context.Canceled):
	case errors.As(err, &rl):
		wait := rl.RetryAfter
		if wait <= 0 {
			wait = defaultWait
		}
		m.limitedUntil = maxTime(m.limitedUntil, m.now().Add(wait))
	case errors.Is(err, api.ErrUnauthorized), errors.Is(err, api.ErrForbidden) && t == &m.listT:
		// A bad key, or a key that may not even list: polling stops. A 403
		// on one connector only stops that connector (see onDetail).
		m.authErr = err
	case errors.Is(err, api.ErrForbidden):
	default:
		t.failures++
	}
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

func (m *Model) remember(id string, d *api.ConnectorDetail) {
	if _, ok := m.cache[id]; !ok && len(m.cache) >= maxCache {
		for k := range m.cache { // any one: the cache is a convenience
			delete(m.cache, k)
			break
		}
	}
	m.cache[id] = cachedDetail{detail: d, at: m.now()}
}

// selectionChanged points the detail pane at the selected connector and
// schedules its fetch, debounced so holding j does not flood the API.
func (m *Model) selectionChanged(debounce bool) tea.Cmd {
	c, ok := m.list.Selected()
	if !ok {
		m.detail.Clear()
		m.detailT.gen++ // stop the detail loop
		return nil
	}
	if c.ID == m.detail.ID() {
		m.detail.Show(c, nil, time.Time{})
		return nil
	}
	cd := m.cache[c.ID]
	m.detail.Show(c, cd.detail, cd.at)
	m.detailT.err, m.detailT.failures = nil, 0
	m.detailT.lastOK = cd.at
	if !debounce {
		return m.requestDetail()
	}
	m.detailT.gen++
	return m.opts.After(selectDebounce, detailDueMsg{gen: m.detailT.gen, user: true})
}

func (m *Model) onSync(msg syncMsg) tea.Cmd {
	if msg.seq != m.syncSeq {
		return nil
	}
	m.syncing = false
	// Writes have their own budget on the server: a POST's rate headers
	// and 429s govern later syncs, not the polling.
	formHere := m.form != nil && m.form.connector.ID == msg.id && !msg.catalog
	if msg.err != nil {
		// Never retried: the user decides, with the facts.
		err := submitError(msg.err)
		var rl *api.RateLimitError
		if errors.As(msg.err, &rl) {
			wait := rl.RetryAfter
			if wait <= 0 {
				wait = defaultWait
			}
			m.postHeldTill = maxTime(m.postHeldTill, m.now().Add(wait))
		}
		if formHere {
			m.form.state, m.form.err = formEditing, err
		} else {
			m.flashMsg("sync failed: "+err.Error(), true)
		}
		return nil
	}
	m.fastUntil = m.now().Add(fastWindow)
	if formHere {
		m.form.state, m.form.result, m.form.err = formDone, msg.result, nil
	} else {
		what := "sync"
		if msg.catalog {
			what = "whole-catalog sync"
		}
		m.flashMsg("✓ "+what+" queued: "+plural(msg.result.ProductsQueued, "product", "products")+
			" · sync id "+msg.result.SyncID, false)
	}
	if !msg.catalog {
		delete(m.drafts, msg.id)
	}
	if msg.id == m.detail.ID() {
		return m.requestDetail()
	}
	return nil
}

// send fires the POST the dialog asked for. A second send while one is out
// is impossible: the form and the dialog are both closed to it.
func (m *Model) send(d *dialog) tea.Cmd {
	if m.syncing {
		return nil
	}
	wait := m.holdOff()
	if d := m.postHeldTill.Sub(m.now()); d > wait {
		wait = d
	}
	if wait > 0 {
		m.flashMsg("rate limited: nothing sent; try again in "+duration(wait), true)
		return nil
	}
	m.syncing = true
	m.syncSeq++
	if d.kind == askSyncEANs && m.form != nil {
		m.form.state, m.form.err = formSending, nil
	}
	var eans []string
	if d.kind == askSyncEANs {
		eans = d.eans
	}
	return triggerSync(m.ctx, m.opts.API, m.syncSeq, d.connector.ID, eans)
}
