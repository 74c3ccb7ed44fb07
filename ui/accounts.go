package ui

import (
	"cmp"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

// Several customer accounts, one on screen: each has its own client, its
// own monitor (with an epoch space of its own, so no answer of one is ever
// applied to another), its own history and events, and keeps its page,
// selection, filter and drafts while another is shown.

// account is one account's part of the model.
type account struct {
	index   int // in Options.Accounts; the start account's is Options.Current
	mon     monitor.Monitor
	list    connectorList
	detail  widget.DetailPane
	journal *journal        // the history as this session knows it; shared by copies, written in Update
	feed    *feed           // the events; shared by copies, written in Update
	hub     shared.Hub      // team mode: where events go instead of feed (events.go)
	notify  shared.Notifier // the team's own tools, told of what is recorded here (no hub); nil: none
	runs    *history.RunLog // observed runs kept for the next start (past.go); nil: not kept

	fleet       fleet              // filter and sort over the index (filter.go)
	sharedIndex bool               // the index is a team server's (shared.Account.Fleet): rows built only when used
	fleetSeen   uint64             // the index's version last followed
	lateChange  time.Time          // when lateness next moves with time alone: the summary and rows follow
	lateRecount bool               // lateness moved (jobs learnt): the summary and rows follow
	summary     [2]string          // the header's counts by status: long, short
	lastPage    *monitor.PageShown // the server page, put back when the fleet is left
	landing     landing            // where the cursor goes when the page asked for arrives (open.go)
	drive       shared.Driver      // turns the monitor's plans into commands; copies share its reads
}

// epochSpace keeps accounts' epochs apart: account i counts from (i+1)<<32.
func epochSpace(i int) uint64 { return uint64(i+1) << 32 }

func newAccount(o Options, st *Styles, index int, s shared.Account) account {
	a := account{
		index: index,
		mon: monitor.New(monitor.Options{API: s.API, Now: o.Now, PerPage: cmp.Or(s.PerPage, o.PerPage), Refresh: cmp.Or(s.Refresh, o.Refresh),
			IdleRefresh: o.IdleRefresh, ListRefresh: o.ListRefresh, Seed: o.Seed, ReadOnly: s.ReadOnly,
			Crawl: !o.NoIndex, Jobs: !o.NoJobs, Epoch: epochSpace(index), Fleet: s.Fleet}),
		journal:     &journal{store: s.History, noStore: s.HistoryErr, user: o.User, awaiting: map[string]awaited{}},
		feed:        newFeed(s.Events, o.Terminal, o.Alerts),
		hub:         s.Hub,
		notify:      s.Notify,
		runs:        s.Runs,
		sharedIndex: s.Fleet != nil,
		drive:       shared.NewDriver(s.API),
		list:        newConnectorList(st),
		detail:      widget.NewDetailPane(st, o.Location),
	}
	a.list.Focus()
	return a
}

// host is what the header names: the account's name and host.
func (m *Model) host() string {
	if m.index >= 0 && m.index < len(m.opts.Accounts) {
		s := m.opts.Accounts[m.index]
		if s.Name != "" {
			return s.Name + " · " + s.Host
		}
		return s.Host
	}
	return m.opts.Host
}

type accountOpenedMsg struct {
	index   int
	session shared.Account
	err     error
}

// switcher is the P overlay.
type switcher struct{ cursor int }

func (m *Model) switcherKey(msg tea.KeyMsg) tea.Cmd {
	sw := m.screens.top().(*switcher)
	return m.pickAccount(&sw.cursor, msg, m.keys.SwitchAccount)
}

// pickAccount moves cursor over the accounts and opens the one under it
// (the switcher, the home screen); Back or closer closes the screen.
func (m *Model) pickAccount(cursor *int, msg tea.KeyMsg, closer key.Binding) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, closer):
		m.screens.pop()
	case key.Matches(msg, k.Down):
		*cursor = min(*cursor+1, len(m.opts.Accounts)-1)
	case key.Matches(msg, k.Up):
		*cursor = max(*cursor-1, 0)
	case key.Matches(msg, k.Open):
		m.screens.pop()
		return m.switchTo(*cursor)
	}
	return nil
}

// switchTo leaves the account on screen (its requests end, its timers go
// stale) and shows account i: as it was left, refreshed, or opened now.
func (m *Model) switchTo(i int) tea.Cmd {
	if i == m.index || i < 0 || i >= len(m.opts.Accounts) {
		return nil
	}
	if m.mon.Syncing() {
		m.flashMsg("a sync is being sent on this account: switch once its answer is in", true)
		return nil
	}
	spec := m.opts.Accounts[i]
	if a, ok := m.accounts[i]; ok {
		m.leave()
		m.account = *a
		delete(m.accounts, i)
		m.layout()
		m.flashMsg("switched to "+termtext.Sanitize(spec.Name), false)
		m.shown()
		return m.do(m.mon.Resume())
	}
	m.flashMsg("opening "+termtext.Sanitize(spec.Name)+"…", false)
	open := spec.Open
	return func() tea.Msg {
		s, err := open()
		return accountOpenedMsg{index: i, session: s, err: err}
	}
}

// leave parks the account on screen: nothing it asked is applied later.
func (m *Model) leave() {
	m.mon.Stop()
	m.drive.CancelAll()
	a := m.account
	m.accounts[m.index] = &a
}

func (m *Model) onAccountOpened(msg accountOpenedMsg) tea.Cmd {
	spec := m.opts.Accounts[msg.index]
	if msg.err != nil {
		m.flashMsg(termtext.Sanitize(spec.Name)+": "+termtext.Sanitize(msg.err.Error()), true)
		return nil
	}
	if m.mon.Syncing() {
		m.flashMsg("a sync is being sent on this account: switch once its answer is in", true)
		return nil
	}
	m.leave()
	m.account = newAccount(m.opts, m.styles, msg.index, msg.session)
	m.shown()
	m.layout()
	m.flashMsg("switched to "+termtext.Sanitize(spec.Name), false)
	m.warnNoHistory()
	if len(msg.session.Warnings) > 0 {
		m.flashMsg(termtext.Sanitize(strings.Join(msg.session.Warnings, "; ")), true)
	}
	var view tea.Cmd
	if v := m.viewNext; v != nil && v.Accounts[0] == m.index {
		view = m.applyView(*v)
	}
	return tea.Batch(m.do(m.mon.Start()), loadHistory(m.journal.store), loadEvents(m.feed.log), loadRuns(m.runs), view)
}

func (m *Model) switcherBody(w, h int, bordered bool) []string {
	sw := m.screens.top().(*switcher)
	lines := []string{" Accounts · " + keymap.Keys(m.keys.Open) + " switches · " + keymap.Keys(m.keys.Back) + " closes", ""}
	for i, a := range m.opts.Accounts {
		mark := "  "
		if i == sw.cursor {
			mark = "▶ "
		}
		state := ""
		switch _, parked := m.accounts[i]; {
		case i == m.index:
			state = " · on screen"
		case parked:
			state = " · open"
		}
		lines = append(lines, termtext.Sanitize(mark+a.Name+" · "+a.Host+state))
	}
	return widget.Pane(strings.Join(lines, "\n"), w, h, bordered, m.styles, true)
}
