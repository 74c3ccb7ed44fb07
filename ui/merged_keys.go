package ui

import (
	"cmp"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// The merged list's keys, its filter line, and the jump: a connector
// named in one account's list, error group, event or history row, opened
// in that account.

func (ms *mergedScreen) bindings(m *Model) []binding {
	k := m.keys
	none := func() string {
		if _, _, ok := ms.selected(); !ok {
			return "no connector on this row"
		}
		return ""
	}
	// s, S and t write nothing here: they open the connector in its
	// account, where the account's own session (and its read-only rules)
	// takes the key.
	inAccount := func(action string, kb *key.Binding) binding {
		b := m.bind(action, kb).when(func() string { return cmp.Or(none(), m.mergedRowWritesOff(ms)) }).
			do(func(msg tea.KeyMsg) tea.Cmd { return m.mergedJump(ms, &msg) })
		b.writes = false
		return b
	}
	return m.overlayRow(
		m.bind("open", &k.Open).says("open in its account").when(none).do(func(tea.KeyMsg) tea.Cmd { return m.mergedJump(ms, nil) }),
		m.bind("back", &k.Back),
		m.bind("filter", &k.Filter).do(func(tea.KeyMsg) tea.Cmd { m.screens.push(mergedFilter{}); return nil }),
		m.bind("sort", &k.Sort).do(func(tea.KeyMsg) tea.Cmd {
			ms.sort = (ms.sort + 1) % nMergedSorts
			ms.sortRows()
			m.filterMerged(ms)
			return nil
		}),
		m.bind("errors", &k.Errors).says("errors by cause / all").do(func(tea.KeyMsg) tea.Cmd {
			ms.errs, ms.cursor = !ms.errs, 0
			return nil
		}),
		m.bind("export", &k.Export).unless(m.exportOff).when(func() string {
			if ms.errs || len(ms.shown) == 0 {
				return "no rows to export here"
			}
			return ""
		}).do(func(tea.KeyMsg) tea.Cmd { m.mergedExport(ms); return nil }),
		inAccount("sync_eans", &k.Sync), inAccount("sync_catalog", &k.SyncAll), inAccount("test_connection", &k.Test),
		m.bind("quit", &k.Quit).do(m.quit),
		m.bind("top", &k.Top).unlisted(), m.bind("bottom", &k.Bottom).unlisted())
}

// key moves the cursor; the rows follow the indexes as they move.
func (ms *mergedScreen) key(m *Model, msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.screens.pop()
	case key.Matches(msg, k.Down):
		ms.cursor++
	case key.Matches(msg, k.Up):
		ms.cursor--
	case key.Matches(msg, k.Top):
		ms.cursor = 0
	case key.Matches(msg, k.Bottom):
		ms.cursor = ms.n() - 1
	}
	ms.clamp()
	return nil
}

func (ms *mergedScreen) view(m *Model, w, h int) string { return m.mergedBody(ms, w, h) }

// mergedFilter is / over the merged list: typed text filters it.
type mergedFilter struct{}

func (mergedFilter) bindings(m *Model) []binding { return filterLine{}.bindings(m) }

func (mergedFilter) takesText() {}

func (mergedFilter) view(m *Model, w, h int) string {
	if ms, ok := m.screens.under().(*mergedScreen); ok {
		return m.mergedBody(ms, w, h)
	}
	return ""
}

func (mergedFilter) key(m *Model, msg tea.KeyMsg) tea.Cmd {
	ms, ok := m.screens.under().(*mergedScreen)
	if !ok {
		m.screens.pop()
		return nil
	}
	k := m.keys
	switch r := []rune(ms.query); {
	case key.Matches(msg, k.FilterKeep):
		m.screens.pop()
	case key.Matches(msg, k.FilterClear):
		m.screens.pop()
		m.setMergedQuery(ms, "")
	case key.Matches(msg, k.Edit.DeleteBack):
		m.setMergedQuery(ms, string(r[:max(len(r)-1, 0)]))
	case key.Matches(msg, k.Edit.DeleteToStart), key.Matches(msg, k.Edit.DeleteWord):
		m.setMergedQuery(ms, "")
	case msg.Type == tea.KeySpace:
		m.setMergedQuery(ms, ms.query+" ")
	case msg.Type == tea.KeyRunes:
		m.setMergedQuery(ms, ms.query+printable(msg.Runes))
	case key.Matches(msg, k.Up), key.Matches(msg, k.Down):
		return ms.key(m, msg)
	}
	return nil
}

// followMerged, after every message, keeps the merged list's rows with
// the indexes and moves a jump on.
func (m *Model) followMerged() tea.Cmd {
	for i := m.screens.depth - 1; i > 0; i-- {
		if ms, ok := m.screens.at[i].(*mergedScreen); ok {
			m.refreshMerged(ms)
		}
	}
	if m.jump == nil {
		return nil
	}
	return m.followJump()
}

// ---- the jump ---------------------------------------------------------------

// jump is a connector to open in an account: switched to (its session
// opened when it was not), the connector opened there, then, for s, S
// or t, that key given to the account's own browsing keys. Any key
// pressed meanwhile forgets it: nothing acts later on its own.
type jump struct {
	account int
	id      string
	name    string
	opened  bool
	then    *tea.KeyMsg
}

// mergedJump opens the selected row's connector in its account.
func (m *Model) mergedJump(ms *mergedScreen, then *tea.KeyMsg) tea.Cmd {
	acct, c, ok := ms.selected()
	if !ok {
		return nil
	}
	return m.jumpTo(acct, c, then)
}

// jumpTo opens c in account acct, switching to it when it is another.
func (m *Model) jumpTo(acct int, c api.Connector, then *tea.KeyMsg) tea.Cmd {
	for m.screens.depth > 1 {
		m.screens.pop()
	}
	m.jump = &jump{account: acct, id: c.ID, name: c.Name, then: then}
	if acct == m.index {
		return m.followJump()
	}
	return tea.Batch(m.switchTo(acct), m.followJump())
}

// followJump moves a jump on, after every message: once its account is
// on screen with its first page shown the connector is opened (its
// page's own selection would otherwise replace it), and once it is
// selected the key is given.
func (m *Model) followJump() tea.Cmd {
	j := m.jump
	if j == nil || j.account != m.index {
		return nil
	}
	if !j.opened {
		if m.list.Len() == 0 {
			return nil // an account just opened: its first page lands first, then the connector
		}
		j.opened = true
		open := m.openConnector(j.id, j.name)
		return tea.Batch(open, m.followJump())
	}
	if c, ok := m.list.Selected(); !ok || c.ID != j.id || m.screens.depth > 1 {
		return nil
	}
	m.jump = nil
	m.flashMsg(termtext.Sanitize(j.name)+" in "+m.accountName(j.account), false)
	if j.then == nil {
		return nil
	}
	return m.route(browseScreen{}, *j.then)
}

// writeAccount names the account a sync is sent on, for its question,
// when the dashboard has several: a write reached from the merged list
// says where it goes.
func (m *Model) writeAccount() string {
	if len(m.opts.Accounts) < 2 {
		return ""
	}
	return m.accountName(m.index)
}
