package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/keymap"
)

// browseScreen is the bottom of the stack: the list and the detail, one of
// them focused (screens.focus).
type browseScreen struct{}

var _ = registerKeys("browse", browseScreen{})

// bindings are the browsing keys, in the full help's columns; short is
// their place on the help line (? and q first: a narrow terminal cuts the
// line's end, and these two must always be seen).
func (browseScreen) bindings(m *Model) []binding {
	k := m.keys
	bs := []binding{
		// First: with a key bound twice (the config is checked, a test's
		// keymap may not be), these win, as they always did.
		m.bind("help", &k.Help).do(m.open(helpOverlay{})).in(7, 1),
		m.bind("quit", &k.Quit).do(m.quit).in(7, 2),
		m.bind("force_quit", &k.ForceQuit).do(m.quit).in(7, 0),
	}
	bs = append(bs, m.moveBindings()...)
	bs = append(bs, m.overlayBindings()...)
	return append(bs, m.actionBindings()...)
}

// moveBindings move the cursor, or scroll the detail when it has the keys.
func (m *Model) moveBindings() []binding {
	k := m.keys
	return []binding{
		m.bind("up", &k.Up).when(m.atTop).do(m.moveOrTurn(false)).in(0, 3),
		m.bind("down", &k.Down).when(m.atBottom).do(m.moveOrTurn(true)).in(0, 4),
		m.bind("top", &k.Top).when(m.listAtTop).do(m.move).in(0, 0),
		m.bind("bottom", &k.Bottom).when(m.listAtBottom).do(m.move).in(0, 0),
		m.bind("rows_page_down", &k.PageDown).when(m.listAtBottom).do(m.move).in(1, 0),
		m.bind("rows_page_up", &k.PageUp).when(m.listAtTop).do(m.move).in(1, 0),
		m.bind("rows_half_down", &k.HalfDown).when(m.listAtBottom).do(m.move).in(1, 0),
		m.bind("rows_half_up", &k.HalfUp).when(m.listAtTop).do(m.move).in(1, 0),
	}
}

// overlayBindings open the overlays over the panes.
func (m *Model) overlayBindings() []binding {
	k := m.keys
	return []binding{
		m.bind("history", &k.History).do(func(tea.KeyMsg) tea.Cmd {
			m.screens.push(&historyView{})
			// Read again: other sessions of a team server, other
			// dashboards and the command line write the same history.
			return loadHistory(m.journal.store)
		}).in(2, 0),
		m.bind("events", &k.Events).do(m.open(&eventsView{})).in(2, 0),
		m.bind("timeline", &k.Timeline).when(m.selectedConnector).do(m.openTimeline).in(2, 0),
		m.bind("export", &k.Export).unless(m.exportOff).when(m.noRows).
			do(func(tea.KeyMsg) tea.Cmd { m.openExport(); return nil }).in(2, 0),
		m.bind("switch_account", &k.SwitchAccount).unless(m.oneAccount).do(m.open(&switcher{cursor: m.index})).in(2, 0),
		m.bind("accounts_home", &k.AccountsHome).unless(m.homeOff).do(m.openHome).in(2, 0),
	}
}

// actionBindings page, focus, filter, sync, refresh, pause and copy.
func (m *Model) actionBindings() []binding {
	k := m.keys
	pause := m.bind("pause", &k.Pause).when(m.notPolling).do(func(tea.KeyMsg) tea.Cmd { return m.togglePause() }).in(6, 12)
	if m.mon.Paused() {
		pause.desc = "resume live"
	}
	return []binding{
		m.bind("next_page", &k.NextPage).when(m.atLastPage).do(func(tea.KeyMsg) tea.Cmd { m.landing = landing{}; return m.do(m.mon.ShowPage(m.mon.PageWanted() + 1)) }).in(3, 5),
		m.bind("prev_page", &k.PrevPage).when(m.atFirstPage).do(func(tea.KeyMsg) tea.Cmd { m.landing = landing{}; return m.do(m.mon.ShowPage(m.mon.PageWanted() - 1)) }).in(3, 6),
		m.bind("next_pane", &k.FocusNext).do(m.toggleFocus).in(3, 0),
		m.bind("prev_pane", &k.FocusPrev).do(m.toggleFocus).in(3, 0),
		m.bind("open", &k.Open).when(m.noneToOpen).do(func(tea.KeyMsg) tea.Cmd { m.setFocus(layerDetail); return nil }).in(4, 0),
		m.bind("filter", &k.Filter).when(m.noIndex).do(func(tea.KeyMsg) tea.Cmd { return m.openFilter() }).in(4, 8),
		m.bind("sort", &k.Sort).when(m.noIndex).do(func(tea.KeyMsg) tea.Cmd { return m.cycleSort() }).in(4, 9),
		m.bind("server_order", &k.ServerOrder).when(m.serverOrder).do(func(tea.KeyMsg) tea.Cmd { return m.leaveSort() }).in(6, 0),
		m.bind("back", &k.Back).says("clear all").when(m.nothingKept).do(func(tea.KeyMsg) tea.Cmd { return m.clearKept() }).in(7, 0),
		m.bind("errors", &k.Errors).when(m.noIndex).do(func(tea.KeyMsg) tea.Cmd { m.openErrors(); return nil }).in(4, 10),
		m.bind("sync_eans", &k.Sync).when(m.noLiveConnector).do(func(tea.KeyMsg) tea.Cmd { m.ask(false); return nil }).in(5, 7),
		m.bind("sync_catalog", &k.SyncAll).when(m.syncOut).do(func(tea.KeyMsg) tea.Cmd { m.ask(true); return nil }).in(5, 0),
		m.bind("test_connection", &k.Test).when(m.syncOut).do(func(tea.KeyMsg) tea.Cmd { return m.startTest() }).in(5, 0),
		m.bind("refresh", &k.Refresh).do(func(tea.KeyMsg) tea.Cmd { return m.refreshNow() }).in(5, 11),
		pause,
		m.bind("copy_id", &k.CopyID).when(m.selectedConnector).do(func(tea.KeyMsg) tea.Cmd {
			c, _ := m.list.Selected()
			return m.copyText("the id of "+c.Name, c.ID)
		}).in(6, 0),
		m.bind("copy_card", &k.CopyCard).when(m.selectedConnector).do(func(tea.KeyMsg) tea.Cmd {
			c, _ := m.list.Selected()
			return m.copyText("an incident card for "+c.Name, m.incidentCard(c))
		}).in(6, 0),
	}
}

// open is a handler that pushes s.
func (m *Model) open(s screen) func(tea.KeyMsg) tea.Cmd {
	return func(tea.KeyMsg) tea.Cmd { m.screens.push(s); return nil }
}

// ---- why a browsing key does nothing now ("" = it acts) ----------------------

func (m *Model) detailFocused() bool { return m.screens.focused() == layerDetail }

func (m *Model) atTop() string {
	if !m.detailFocused() && m.list.Cursor() <= 0 && !m.pageTurns(false) {
		return "already on the first row"
	}
	return ""
}

func (m *Model) atBottom() string {
	if !m.detailFocused() && m.list.Cursor() >= m.list.Len()-1 && !m.pageTurns(true) {
		return "already on the last row"
	}
	return ""
}

// detailHasKeys is why a key of the list does nothing on the detail.
func (m *Model) detailHasKeys() string {
	if m.detailFocused() {
		return "the detail pane has the keys (" + keymap.Keys(m.keys.FocusNext) + " goes back to the list)"
	}
	return ""
}

func (m *Model) listAtTop() string    { return or(m.detailHasKeys(), m.atTop) }
func (m *Model) listAtBottom() string { return or(m.detailHasKeys(), m.atBottom) }
func (m *Model) noneToOpen() string   { return or(m.detailHasKeys(), m.selectedConnector) }

// noLiveConnector: a key that acts on the selected connector, which must
// still exist.
func (m *Model) noLiveConnector() string {
	if why := m.selectedConnector(); why != "" {
		return why
	}
	if m.detail.Gone() {
		return "this connector no longer exists"
	}
	return ""
}

// syncOut: one write at a time.
func (m *Model) syncOut() string {
	if m.mon.Syncing() {
		return "a sync is being sent: wait for its answer"
	}
	return m.noLiveConnector()
}

func (m *Model) noIndex() string {
	if !m.mon.Index().On {
		return "no index of the account in this session"
	}
	return ""
}

// pagesOff: the filtered or sorted rows scroll instead.
func (m *Model) pagesOff() string {
	if m.fleet.active() {
		return "the filtered or sorted rows scroll: there are no pages"
	}
	return ""
}

func (m *Model) atLastPage() string {
	return or(m.pagesOff(), func() string {
		switch {
		case !m.list.Loaded():
			return "the first page is loading"
		case m.mon.PageWanted() >= m.list.Pages():
			return "already on the last page"
		}
		return ""
	})
}

func (m *Model) atFirstPage() string {
	return or(m.pagesOff(), func() string {
		if m.mon.PageWanted() <= 1 {
			return "already on the first page"
		}
		return ""
	})
}

func (m *Model) serverOrder() string {
	if m.fleet.sort == sortServer {
		return "already in the server's order"
	}
	return ""
}

func (m *Model) nothingKept() string {
	if !m.fleet.active() {
		return "no filter or sort to clear"
	}
	return ""
}

func (m *Model) notPolling() string {
	if m.mon.AuthErr() != nil {
		return "nothing polls after a rejected key"
	}
	return ""
}

func (m *Model) exportOff() string {
	if m.opts.NoExport {
		return "export is off here: the file would be written on the team server, not your machine"
	}
	return ""
}

func (m *Model) noRows() string {
	if m.list.Len() == 0 {
		return "no rows to export"
	}
	return ""
}

func (m *Model) oneAccount() string {
	if len(m.opts.Accounts) < 2 {
		return "one account: nothing to switch to"
	}
	return ""
}

// or is why, or else what next says.
func or(why string, next func() string) string {
	if why != "" {
		return why
	}
	return next()
}

// key is a key no binding has: a digit of a count prefix (5j: five rows
// down; 5G: row 5).
func (browseScreen) key(m *Model, msg tea.KeyMsg) tea.Cmd {
	if d, ok := countDigit(msg, m.count); ok {
		m.count = min(m.count*10+d, 99999)
	}
	return nil
}

func (browseScreen) view(m *Model, w, h int) string { return m.panes(w, h) }

// move is a cursor key: it scrolls the detail when it has the keys, or
// moves the list's cursor, a count prefix times.
func (m *Model) move(msg tea.KeyMsg) tea.Cmd {
	count := m.count
	m.count = 0
	if m.detailFocused() {
		m.detail = m.detail.Update(msg, m.keys, m.now())
		return nil
	}
	var moved bool
	if m.list, moved = m.list.Update(msg, m.keys, count); moved {
		return m.selectionChanged(true)
	}
	return nil
}

// moveOrTurn is j or k: a row down or up, or onto the next or previous
// page at a page's edge.
func (m *Model) moveOrTurn(down bool) func(tea.KeyMsg) tea.Cmd {
	return func(msg tea.KeyMsg) tea.Cmd {
		if m.pageTurns(down) {
			m.count = 0
			return m.turnPage(down)
		}
		return m.move(msg)
	}
}

func (m *Model) toggleFocus(tea.KeyMsg) tea.Cmd {
	if m.screens.focused() == layerDetail {
		m.setFocus(layerList)
	} else {
		m.setFocus(layerDetail)
	}
	return nil
}

// browseHelp is the browsing panes' help (the switcher left out when there
// is no other account: it is not idle then, it does not exist).
func (m *Model) browseHelp() keymap.Help { return m.helpOf(browseScreen{}.bindings(m)) }
