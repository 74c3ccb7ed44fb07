// Package ui is pixee-tui's Bubble Tea program: views over one account's
// monitor — a paginated connector list, a live detail pane and the EAN sync
// form. The monitor (package monitor) decides what to fetch and when; the
// root Model turns its plans into tea.Cmds (commands.go), hands results back
// and shows what they changed. The UI never blocks on the network.
package ui

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/pixee/pixee-tui/accounts"
	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
	"github.com/pixee/pixee-tui/write"
)

// Options configure the dashboard. Zero values take the defaults.
type Options struct {
	API      API
	Context  context.Context // cancelled when the program ends; nil = Background
	Host     string          // shown in the header
	Demo     bool            // shows the DEMO badge
	ReadOnly bool            // no sync can be triggered; shows the READ-ONLY badge
	History  *history.Store  // the account's history of actions; nil = none: no write is sent
	// HistoryErr is why History is nil, said when a write is refused.
	HistoryErr error
	User       string              // who acts, for the history
	Who        string              // team mode: the SSH user and role, shown in the header
	NoExport   bool                // no x: the files would be written where the program runs (a team server), not the user's
	Events     *history.EventLog   // the account's events, for the shift handover; nil = kept in memory only
	Runs       *history.RunLog     // the account's observed runs, kept for the next start; nil = kept in memory only
	Hub        shared.Hub          // team mode: events go through the account's hub (events.go); nil = none
	Notify     shared.Notifier     // the team's own tools, told of the events recorded without a hub; nil = none
	Fleet      monitor.FleetSource // team mode: the account's one index, read instead of a crawl of our own
	Alerts     AlertOptions        // bell and desktop notifications
	Terminal   io.Writer           // where the bell, notifications and copies (OSC 52) are written; nil = none
	InTmux     bool                // wrap OSC 52 for tmux
	// Accounts are the accounts the switcher offers; the one these options
	// describe is Accounts[Current]. Empty: one account, no switcher.
	Accounts    []shared.AccountSpec
	Current     int
	Home        Watcher        // every account watched (package accounts); with several, their home screen comes first
	Views       []View         // saved views, offered on the home screen (views.go)
	PerPage     int            // connectors per page (default 50)
	Refresh     time.Duration  // detail refresh while a sync runs (default 2s)
	IdleRefresh time.Duration  // detail refresh otherwise (default 10s)
	ListRefresh time.Duration  // list refresh (default 30s)
	Now         Clock          // default time.Now
	Location    *time.Location // for absolute times; default time.Local
	Keys        *keymap.KeyMap // default keymap.Default()
	Styles      *Styles        // default DefaultStyles(), or NewStylesFor(Renderer)
	// Renderer is the terminal's lipgloss renderer when it is not this
	// process's own (an SSH session's): styles and help are drawn with it.
	Renderer *lipgloss.Renderer
	Plain    bool   // styles are stripped (NO_COLOR, no colour profile)
	Seed     uint64 // jitter seed; 0 = from the clock
	NoIndex  bool   // no crawl of the whole account: no filter, sort, summary or errors view data
	// NoJobs asks for no connector's jobs (GET /connectors/{id}/jobs): runs
	// are then only those observed. On, the selected connector's jobs are
	// fetched once on selection, none while fresh (monitor.Options.Jobs).
	NoJobs bool
	// After schedules msg after d; default tea.Tick. Tests replace it to
	// drive every timer from an injected clock.
	After func(d time.Duration, msg tea.Msg) tea.Cmd
}

// Timing constants of the view (the fetching policy is the monitor's).
const (
	selectDebounce = monitor.SelectDebounce
	flashFor       = 6 * time.Second
)

// Model is the root model. Its state is behind one pointer: Bubble Tea v1
// keeps the model in an interface, so a model of a few kilobytes was
// copied to the heap twice a message (into Update, out of it), most of the
// cost of a typed key. Every message is applied in Bubble Tea's one loop,
// and no command reads the model (they take plain values), so copies
// sharing the state is safe.
type Model struct{ *rootState }

// rootState is what the root model holds.
type rootState struct {
	opts    Options
	ctx     context.Context
	now     Clock
	keys    *keymap.KeyMap // never written
	styles  *Styles
	spinner spinner.Model
	start   monitor.Plan // the first requests, sent by Init

	// account is the account on screen; the switcher keeps the others in
	// accounts, by their index in Options.Accounts, to come back to.
	account
	accounts map[int]*account
	home     *home // what the watches of every account said (home.go); nil: nothing yet
	viewNext *View // a view to apply once its account has opened (views.go)
	jump     *jump // a connector being opened in its account (merged_keys.go); nil: none

	width, height int
	screens       screens // browsing at the bottom, overlays above; keys go to the top

	spinning     bool
	flash        string
	flashIsError bool
	flashUntil   time.Time
	helpCache    *helpLineCache // shared by copies: written in Update only, keyed by what it shows
	helpShown    helpKey        // what the help line shows after the last Update
	quitting     bool
	revalidating bool // a revalidateMsg is on its way
	count        int  // a count prefix typed while browsing (5j), 0 for none
	tmuxAsked    bool // tmux was asked whether it passes copies on (once)
	typing       typing
	textKeys     map[string]bool // the keys bound on screens that take text: a rune that is none is typed at once
}

// New builds the dashboard. The first page is requested by Init.
func New(o Options) Model {
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = afterOrDone(o.Context)
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	keys := keymap.Default()
	if o.Keys != nil {
		keys = *o.Keys
	}
	st := DefaultStyles()
	if o.Renderer != nil {
		st = NewStylesFor(o.Renderer)
	}
	if o.Styles != nil {
		st = *o.Styles
	}
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot))
	m := Model{&rootState{
		opts:      o,
		ctx:       o.Context,
		now:       o.Now,
		keys:      &keys,
		styles:    &st,
		spinner:   sp,
		account:   newAccount(o, &st, o.Current, shared.Account{API: o.API, History: o.History, HistoryErr: o.HistoryErr, Events: o.Events, Runs: o.Runs, Hub: o.Hub, Notify: o.Notify, Fleet: o.Fleet, ReadOnly: o.ReadOnly}),
		accounts:  map[int]*account{},
		helpCache: &helpLineCache{},
		screens:   newScreens(),
		textKeys:  textKeysOf(&keys),
		width:     80,
		height:    24,
	}}
	m.list.Focus()
	if m.homeOff() == "" {
		m.screens.push(&homeScreen{cursor: o.Current})
	}
	// Init sends the first page request; the monitor records it here since
	// Init cannot change the model.
	m.start = m.mon.Start()
	m.spinning = true
	m.layout()
	m.prepare()
	m.warnNoHistory()
	return m
}

// warnNoHistory says, on an account without a history, that its writes
// will not be sent, and why.
func (m *Model) warnNoHistory() {
	if m.journal.store != nil {
		return
	}
	why := ""
	if m.journal.noStore != nil {
		why = ": " + termtext.Sanitize(m.journal.noStore.Error())
	}
	m.flashMsg("no history for this account"+why+"; syncs and tests will not be sent", true)
}

// afterOrDone is like tea.Tick, but a timer ends when the context does:
// Bubble Tea cannot cancel a running Cmd, so a 30 s list timer would
// otherwise outlive the program by up to 30 s.
func afterOrDone(ctx context.Context) func(time.Duration, tea.Msg) tea.Cmd {
	return func(d time.Duration, msg tea.Msg) tea.Cmd {
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

// Init starts the first page request, the clock and the loading spinner.
func (m Model) Init() tea.Cmd {
	return tea.Batch(
		m.do(m.start),
		loadHistory(m.journal.store),
		loadEvents(m.feed.log),
		loadRuns(m.runs),
		m.opts.After(time.Second, clockMsg{}),
		m.spinner.Tick,
	)
}

// Update routes each message to the part of the model it concerns.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	typed := false // a key typed into the form's field that changed nothing else
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
	case tea.KeyMsg:
		cmd, typed = m.onKey(msg)
	case tea.MouseMsg:
		cmd = m.onMouse(msg)
	case pageMsg:
		cmd = m.onPage(msg.Result)
	case detailMsg:
		cmd = m.onDetail(msg.Result)
	case jobsMsg:
		cmd = m.onJobs(msg.Result)
	case runsLoadedMsg:
		m.onRunsLoaded(msg)
	case syncMsg:
		m.journal.noteSync(msg.Action, m.detail.Data())
		m.askedRun(msg.Action)
		cmd = tea.Batch(m.sent(msg.Action), m.onSync(msg.Result))
	case historyLoadedMsg:
		m.onHistoryLoaded(msg)
	case exportedMsg:
		m.onExported(msg)
	case tmuxClipboardMsg:
		m.onTmuxClipboard(msg)
	case accountOpenedMsg:
		cmd = m.onAccountOpened(msg)
	case eventsLoadedMsg:
		m.feed.loaded(msg)
	case shared.Events:
		cmd = m.onSharedEvents(msg)
	case shared.Acks:
		m.onSharedAcks(msg)
	case accounts.Snapshot:
		cmd = m.onAccounts(msg)
	case alertFlushMsg:
		cmd = m.feed.ring(m.feed.alerts.Flush(m.now()))
	case historyWrittenMsg:
		m.onHistoryWritten(msg)
	case wakeMsg:
		cmd = m.do(m.mon.Wake(msg.Timer))
	case clockMsg:
		cmd = m.onClock()
	case spinner.TickMsg:
		cmd = m.onSpinner(msg)
	case revalidateMsg:
		m.onRevalidate()
	}
	return m, m.after(msg, cmd, typed)
}

// after is what follows every message: the fleet and the merged list
// brought up to date, the render caches prepared, the spinner and the
// frame. A key typed into the form's field that changed nothing else
// (typed) needs none of it but the frame: what the other panes and the
// help line show stands. Doing it all cost such a key twenty times its
// edit, and 10 000 EANs typed are 140 000 keys. What moves on its own
// meanwhile (the time, a shared index) is caught up by the next other
// message, at the latest the clock's tick a second later.
func (m *Model) after(msg tea.Msg, cmd tea.Cmd, typed bool) tea.Cmd {
	if typed {
		if hold := m.holdFrame(msg); hold != nil {
			return tea.Batch(cmd, hold)
		}
		return cmd // tea.Batch allocates even for one
	}
	if fc := m.syncFleet(); fc != nil {
		cmd = tea.Batch(cmd, fc)
	}
	cmd = tea.Batch(cmd, m.followMerged())
	m.prepare()
	return tea.Batch(cmd, m.ensureSpinner(), m.holdFrame(msg))
}

// onHistoryLoaded merges the journal read from disk into the one kept
// since the start; a read that failed is said in the history view.
func (m *Model) onHistoryLoaded(msg historyLoadedMsg) {
	m.journal.merge(msg.actions)
	if msg.err != nil {
		m.journal.err = "history: " + termtext.Sanitize(msg.err.Error())
	}
}

// onHistoryWritten says a journal write that failed, in the history view
// and in a flash, since a sync's record may be missing.
func (m *Model) onHistoryWritten(msg historyWrittenMsg) {
	if msg.err != nil {
		m.journal.err = "history: " + termtext.Sanitize(msg.err.Error())
		m.flashMsg(m.journal.err, true)
	}
}

// onClock is the one loop, started by Init: "ago" texts move, flashes
// expire.
func (m *Model) onClock() tea.Cmd {
	if !m.flashUntil.IsZero() && !m.now().Before(m.flashUntil) {
		m.flash, m.flashUntil = "", time.Time{}
	}
	var late tea.Cmd
	if m.lateDue() {
		late = m.record(m.pastEvents())
	}
	return tea.Batch(late, m.opts.After(time.Second, clockMsg{}))
}

// onRevalidate validates the open form's typed EANs, batched after typing
// rather than on every key.
func (m *Model) onRevalidate() {
	m.revalidating = false
	if f := m.openForm(); f != nil {
		f.Revalidate()
	}
}

// prepare fills the render caches for the screen this Update leaves, so
// that View only reads them. Each cache is keyed by what it shows, and View
// draws afresh, keeping nothing, whatever does not match.
func (m *Model) prepare() {
	m.list.Prepare(m.now(), m.mon.Lateness)
	m.detail.SetStale(m.detailStale())
	m.detail.SetLastTest(m.lastTestText(m.detail.ID()))
	m.detail.SetActivity(m.activityOf(m.detail.ID()))
	m.detail.Prepare()
	if f := m.openForm(); f != nil && f.Finished() {
		f.SetLive(m.detail.LiveLines(f.Connector().ID, f.Width()))
	}
	m.prepareHelp()
}

// onSpinner runs the spinner only while something is loading: dropping the
// tick ends its loop, and nothing redraws for it when idle.
func (m *Model) onSpinner(msg spinner.TickMsg) tea.Cmd {
	if !m.busy() {
		m.spinning = false
		return nil
	}
	// The spinner's own timer is replaced by ours, so that every timer of
	// the program goes through Options.After.
	var next tea.Cmd
	m.spinner, next = m.spinner.Update(msg)
	if next == nil { // a stale tick of an older loop
		return nil
	}
	return m.opts.After(m.spinner.Spinner.FPS, m.spinner.Tick())
}

// busy says whether anything visible is waiting for the network.
func (m *Model) busy() bool {
	return m.mon.Syncing() || (m.mon.Target(monitor.PageTarget).InFlight &&
		(!m.list.Loaded() || m.mon.PageWanted() != m.list.Page()))
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

// ---- the monitor's results --------------------------------------------------

func (m *Model) onPage(r monitor.Result) tea.Cmd {
	m.drive.Answered(r.Request) // release its context
	out := m.mon.Apply(r)
	if out.Note != "" {
		m.flashMsg(out.Note, false)
	}
	evs := append(monitor.EventsOfChanges(m.mon.Received(r), out.Changes, out.Page != nil && out.Page.Same), m.healthEvents()...)
	evs = append(evs, m.pastEvents()...)
	events := tea.Batch(m.record(evs), m.keepRuns(out.Runs))
	if out.Page == nil {
		return tea.Batch(events, m.do(out.Plan))
	}
	p := out.Page
	m.lastPage = p
	if m.fleet.active() {
		return m.do(out.Plan) // the list shows the index
	}
	m.list.SetPage(p.Number, p.Items, p.Meta, p.Same)
	landed := m.land(p.Number)
	return tea.Batch(events, m.selectionChanged(!p.Same && !landed), m.do(out.Plan))
}

func (m *Model) onDetail(r monitor.Result) tea.Cmd {
	m.drive.Answered(r.Request) // release its context
	prev := m.detail.Data()
	out := m.mon.Apply(r)
	evs := append(monitor.EventsOfChanges(m.mon.Received(r), out.Changes, true), m.healthEvents()...)
	if out.Detail != nil {
		evs = append(evs, m.detailEvents(prev, out.Detail)...)
		if e, ok := m.journal.drained(m.now(), out.Detail); ok {
			evs = append(evs, e)
		}
	}
	evs = append(evs, m.pastEvents()...)
	events := tea.Batch(m.record(evs), m.keepRuns(out.Runs))
	for _, c := range out.Changes {
		if c.Kind != monitor.Removed {
			// The list never contradicts the detail between list refreshes.
			m.list.Patch(c.After)
		}
	}
	switch {
	case out.Gone != "":
		if m.landing.fetch == out.Gone {
			m.landing = landing{}
		}
		m.detail.SetGone(true)
		m.flashMsg("connector "+termtext.Sanitize(out.Gone)+" no longer exists", true)
	case out.Detail != nil:
		landed := m.fetched(out.Detail.ID) // selected first: the detail is the selection's
		m.detail.SetDetail(out.Detail, m.now())
		return tea.Batch(events, m.journal.observe(out.Detail), m.do(out.Plan), landed)
	}
	return tea.Batch(events, m.do(out.Plan))
}

func (m *Model) onSync(r monitor.Result) tea.Cmd {
	out := m.mon.Apply(r)
	if out.Test != nil {
		m.onTest(out.Test)
		return nil
	}
	s := out.Sync
	if s == nil {
		return nil
	}
	form := m.openForm()
	formHere := form != nil && form.Connector().ID == s.ID && !s.Catalog
	switch {
	case s.Err != nil && formHere:
		// Never retried: the user decides, with the facts.
		form.Failed(submitError(s.Err))
	case s.Err != nil && errors.Is(s.Err, api.ErrSyncRejected):
		m.flashMsg("✗ "+submitError(s.Err).Error(), true)
	case s.Err != nil && errors.As(s.Err, new(*write.NotRecordedError)):
		m.flashMsg("✗ "+s.Err.Error(), true)
	case s.Err != nil:
		m.flashMsg("sync failed: "+submitError(s.Err).Error(), true)
	case formHere:
		form.Done(s.Result)
	default:
		m.flashMsg(syncFlash(s.Catalog, s.Result), false)
	}
	if s.Err == nil {
		m.detail.StartRun(s.ID, s.Result)
	}
	return m.do(out.Plan)
}

// syncFlash is the status bar's word on an accepted sync, saying no more
// than the answer did.
func syncFlash(catalog bool, r *api.SyncResult) string {
	what := "sync"
	if catalog {
		what = "whole-catalog sync"
	}
	if r.Unreported {
		return "✓ " + what + " accepted by the server; no sync id returned"
	}
	s := "✓ " + what + " queued: " + widget.Plural(r.ProductsQueued, "product", "products")
	if r.ProductsQueuedUnknown {
		s = "✓ " + what + " queued · products queued: not reported"
	}
	return s + " · sync id " + orNot(r.SyncID, "not returned")
}

// selectionChanged points the detail pane and the monitor at the selected
// connector; the monitor debounces its fetch so holding j does not flood
// the API.
func (m *Model) selectionChanged(debounce bool) tea.Cmd {
	c, ok := m.list.Selected()
	if !ok {
		m.detail.Clear()
		return m.do(m.mon.Select("", false))
	}
	if c.ID == m.detail.ID() {
		m.detail.Show(c, nil, time.Time{})
	} else {
		cd, at := m.mon.Cached(c.ID)
		m.detail.Show(c, cd, at)
	}
	return m.do(m.mon.Select(c.ID, debounce))
}

// send fires the POST the dialog asked for. A second send while one is out
// is impossible: the form and the dialog are both closed to it, and the
// monitor refuses it.
func (m *Model) send(d *dialog) tea.Cmd {
	id, eans, catalog := d.Sync()
	req, err := m.mon.Sync(id, eans, catalog)
	var held *monitor.HoldError
	switch {
	case errors.As(err, &held):
		m.flashMsg("rate limited: nothing sent; try again in "+widget.Duration(held.Wait), true)
		return nil
	case errors.Is(err, monitor.ErrReadOnly):
		m.flashMsg(m.mon.WritesOff()+": nothing sent", true)
		return nil
	case err != nil:
		return nil
	}
	if f := m.openForm(); !catalog && f != nil {
		f.Sending()
	}
	return m.do(monitor.Plan{{Request: req}})
}

// do turns a monitor's plan into commands, in its order.
func (m *Model) do(p monitor.Plan) tea.Cmd {
	switch len(p) {
	case 0:
		return nil
	case 1:
		return m.step(p[0])
	}
	cmds := make([]tea.Cmd, len(p))
	for i, s := range p {
		cmds[i] = m.step(s)
	}
	return tea.Batch(cmds...)
}

func (m *Model) step(s monitor.Step) tea.Cmd {
	j := m.drive.Job(m.ctx, s)
	switch {
	case j.Timer != nil:
		return m.opts.After(j.Timer.After, wakeMsg{*j.Timer})
	case j.Write != nil:
		// A write is never abandoned: one that may have been sent must run
		// to its answer. It is recorded in the history before it leaves.
		r := *j.Write
		c, _ := m.mon.Store().Get(r.ID)
		w := write.Writer{API: m.drive.API(), History: m.journal.store, NoHistory: m.journal.noStore, User: m.journal.user}
		if r.Kind == monitor.KindTest {
			return triggerTest(m.ctx, w, r, c.Name)
		}
		return triggerSync(m.ctx, w, r, c.Name)
	case j.Read != nil:
		// A read can be abandoned (the selection moved on): the driver
		// cancels it.
		return request(s.Request.Kind, j.Read)
	}
	return nil
}

// newDialog is the question before a sync, with what the history and the
// detail say it should weigh.
func (m *Model) newDialog(kind dialogKind, c api.Connector, eans []string) *dialog {
	return &dialog{kind: kind, connector: c, eans: eans, account: m.writeAccount(),
		warnings: m.journal.recent(m.now(), c, m.detail.Data(), eans, kind == askSyncCatalog)}
}
