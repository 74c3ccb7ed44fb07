package ui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/keymap"
)

// handleKey sends a key to the top of the screen stack: a question, the
// help, the form, or the browsing panes. ctrl+c always quits.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	m.updateKeys() // an earlier rune of the same read may have changed the state
	// Keys typed fast (or sent over a slow link) can arrive in one read, as
	// one message holding several runes. Outside the form's text field
	// (browsing, a dialog), each one is a key press of its own.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && m.screens.top().kind != layerForm &&
		m.screens.top().kind != layerFilter {
		return m.burst(msg)
	}
	if key.Matches(msg, m.keys.ForceQuit) {
		m.quitting = true
		return tea.Quit
	}
	switch m.screens.top().kind {
	case layerDialog:
		return m.dialogKey(msg)
	case layerHelp:
		return m.helpKey(msg)
	case layerHistory:
		return m.historyKey(msg)
	case layerEvents:
		return m.eventsKey(msg)
	case layerSwitcher:
		return m.switcherKey(msg)
	case layerExport:
		return m.exportKey(msg)
	case layerForm:
		return m.formKey(msg)
	case layerFilter:
		return m.filterKey(msg)
	case layerErrors:
		return m.errorsKey(msg)
	}
	return m.browseKey(msg)
}

// burst is several runes read at once, pressed one by one.
func (m *Model) burst(msg tea.KeyMsg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(msg.Runes))
	hadDialog := m.question() != nil
	for i, r := range msg.Runes {
		top := m.screens.top().kind
		if i > 0 && top == layerDialog && !hadDialog {
			// A key of this burst opened a question: what was typed
			// ahead must not answer it unseen.
			break
		}
		if top == layerForm || top == layerFilter {
			// An earlier rune opened the form or the filter: the rest is its text.
			cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes[i:]}))
			break
		}
		cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
	}
	return tea.Batch(cmds...)
}

func (m *Model) helpKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Quit):
		m.quitting = true
		return tea.Quit
	case key.Matches(msg, m.keys.Help), key.Matches(msg, m.keys.Back):
		m.screens.pop()
	}
	return nil
}

func (m *Model) dialogKey(msg tea.KeyMsg) tea.Cmd {
	d, ans := m.question().Update(msg, &m.keys)
	switch ans {
	case answeredYes:
		m.screens.pop()
		return m.send(d)
	case answeredNo:
		m.screens.pop() // back, with the draft as it was
	}
	return nil
}

func (m *Model) formKey(msg tea.KeyMsg) tea.Cmd {
	f, ev := m.openForm().Update(msg, &m.keys, m.mon.Syncing())
	switch ev {
	case formClose:
		m.closeForm()
	case formCloseAndKey:
		m.closeForm()
		return m.browseKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes})
	case formSubmit:
		d := m.newDialog(askSyncEANs, f.Connector(), f.Valid())
		d.rejected, d.warned = f.Rejected(), f.Warned()
		m.screens.push(layer{kind: layerDialog, dialog: d})
	}
	if f.Dirty() && !m.revalidating {
		// One timer for a run of typed keys: the text is validated once
		// per revalidateEvery, not once per key.
		m.revalidating = true
		return m.opts.After(revalidateEvery, revalidateMsg{})
	}
	return nil
}

// closeForm hides the form, keeping its draft for that connector until the
// program exits (a successful sync has already dropped it).
func (m *Model) closeForm() {
	f := m.openForm()
	if !f.Finished() {
		m.mon.KeepDraft(f.Connector().ID, f.Draft())
	}
	m.screens.pop()
	m.setFocus(layerList)
}

func (m *Model) browseKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	onDetail := m.screens.focused() == layerDetail
	if d, ok := countDigit(msg, m.count); ok && !m.bound(msg) {
		m.count = min(m.count*10+d, 99999) // a count prefix: 5j
		return nil
	}
	count := m.count
	m.count = 0
	switch {
	case key.Matches(msg, k.Quit):
		m.quitting = true
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.screens.push(layer{kind: layerHelp})
	case key.Matches(msg, k.History):
		m.screens.push(layer{kind: layerHistory, history: &historyView{}})
		// Read again: other sessions of a team server, other dashboards
		// and the command line write the same history.
		return loadHistory(m.journal.store)
	case key.Matches(msg, k.Test):
		return m.startTest()
	case key.Matches(msg, k.CopyID), key.Matches(msg, k.CopyCard):
		if c, ok := m.list.Selected(); ok {
			if key.Matches(msg, k.CopyID) {
				return m.copyText("the id of "+c.Name, c.ID)
			}
			return m.copyText("an incident card for "+c.Name, m.incidentCard(c))
		}
	case key.Matches(msg, k.Export):
		m.openExport()
	case key.Matches(msg, k.SwitchAccount):
		m.screens.push(layer{kind: layerSwitcher, switcher: &switcher{cursor: m.index}})
	case key.Matches(msg, k.Events):
		m.screens.push(layer{kind: layerEvents, events: &eventsView{}})
	case key.Matches(msg, k.FocusNext), key.Matches(msg, k.FocusPrev):
		if onDetail {
			m.setFocus(layerList)
		} else {
			m.setFocus(layerDetail)
		}
	case key.Matches(msg, k.Open):
		m.setFocus(layerDetail)
	case key.Matches(msg, k.Filter):
		return m.openFilter()
	case key.Matches(msg, k.Sort):
		return m.cycleSort()
	case key.Matches(msg, k.Errors):
		m.openErrors()
	case m.fleet.active() && (key.Matches(msg, k.NextPage) || key.Matches(msg, k.PrevPage)):
		// The fleet's rows scroll: there are no pages.
	case key.Matches(msg, k.NextPage):
		return m.do(m.mon.ShowPage(m.mon.PageWanted() + 1))
	case key.Matches(msg, k.PrevPage):
		return m.do(m.mon.ShowPage(m.mon.PageWanted() - 1))
	case key.Matches(msg, k.Refresh):
		return m.refreshNow()
	case key.Matches(msg, k.Pause):
		return m.togglePause()
	case key.Matches(msg, k.Sync), key.Matches(msg, k.SyncAll):
		m.ask(key.Matches(msg, k.SyncAll))
	case onDetail: // what is left is the pane's own: scrolling
		m.detail = m.detail.Update(msg, k, m.now())
	default: // moving the cursor
		var moved bool
		if m.list, moved = m.list.Update(msg, k, count); moved {
			return m.selectionChanged(true)
		}
	}
	return nil
}

// bound says a key is some action's (a config may bind a digit).
func (m *Model) bound(msg tea.KeyMsg) bool {
	for _, a := range m.keys.Actions() {
		if slices.Contains(a.Binding.Keys(), msg.String()) {
			return true
		}
	}
	return false
}

// countDigit is a digit typed as a count prefix: 1–9 start one, 0 extends
// it. Digits are no binding's keys by default; a remapped one wins.
func countDigit(msg tea.KeyMsg, count int) (int, bool) {
	if msg.Type != tea.KeyRunes || len(msg.Runes) != 1 || msg.Alt {
		return 0, false
	}
	r := msg.Runes[0]
	if r < '0' || r > '9' || (r == '0' && count == 0) {
		return 0, false
	}
	return int(r - '0'), true
}

// ask opens the form for the selected connector, or for the whole catalog
// the question.
func (m *Model) ask(catalog bool) {
	c, ok := m.list.Selected()
	switch {
	case !ok:
	case catalog:
		m.screens.push(layer{kind: layerDialog, dialog: m.newDialog(askSyncCatalog, c, nil)})
	default:
		m.setFocus(layerList)
		m.list.Blur() // the form has the keys
		m.screens.push(layer{kind: layerForm, form: newSyncForm(m.styles, &m.keys, c, m.mon.Draft(c.ID))})
		m.layout()
	}
}

// setFocus gives the keys to a browsing pane.
func (m *Model) setFocus(f layerKind) {
	m.screens.at[0].kind = f
	m.list.Blur()
	m.detail.Blur()
	if f == layerDetail {
		m.detail.Focus()
	} else {
		m.list.Focus()
	}
	m.layout()
}

// refreshNow is r: fetch every target now, unless requests are held back;
// then say why nothing was sent.
func (m *Model) refreshNow() tea.Cmd {
	plan, wait := m.mon.Refresh()
	if wait > 0 {
		m.flashMsg(m.mon.HoldReason()+": nothing sent; next request in "+duration(wait), true)
		return nil
	}
	m.detail.SetGone(false)
	return m.do(plan)
}

func (m *Model) togglePause() tea.Cmd {
	plan := m.mon.SetPaused(!m.mon.Paused())
	if m.mon.Paused() {
		m.flashMsg("live refresh paused ("+keymap.Keys(m.keys.Pause)+" resumes)", false)
		return nil
	}
	m.flashMsg("live refresh resumed", false)
	return m.do(plan)
}

// updateKeys enables exactly the bindings that do something now, so the
// help never lists a dead key.
func (m *Model) updateKeys() {
	k := &m.keys
	// The help overlay lists the browsing keys, so they stay enabled under
	// it (handleKey sends it only ?, esc and q).
	browsing := m.screens.browsing()
	form, asking := m.openForm(), m.question() != nil
	onDetail := m.screens.focused() == layerDetail
	_, hasSel := m.list.Selected()
	n, cur := m.list.Len(), m.list.Cursor()
	page := m.mon.PageWanted()
	syncing := m.mon.Syncing()
	onList := browsing && !onDetail
	k.Up.SetEnabled(browsing && (onDetail || cur > 0))
	k.Down.SetEnabled(browsing && (onDetail || cur < n-1))
	k.Top.SetEnabled(onList && cur > 0)
	k.Bottom.SetEnabled(onList && cur < n-1)
	k.PageDown.SetEnabled(onList && cur < n-1)
	k.HalfDown.SetEnabled(onList && cur < n-1)
	k.PageUp.SetEnabled(onList && cur > 0)
	k.HalfUp.SetEnabled(onList && cur > 0)
	fleetOn := m.fleet.active()
	k.NextPage.SetEnabled(browsing && !fleetOn && m.list.Loaded() && page < m.list.Pages())
	k.PrevPage.SetEnabled(browsing && !fleetOn && page > 1)
	k.FocusNext.SetEnabled(browsing)
	k.FocusPrev.SetEnabled(browsing)
	k.Open.SetEnabled(onList && hasSel)
	k.Sync.SetEnabled(browsing && hasSel && !m.detail.Gone())
	k.SyncAll.SetEnabled(browsing && hasSel && !m.detail.Gone() && !syncing)
	k.Refresh.SetEnabled(browsing)
	// Nothing polls after a rejected key: no pause to offer. The label
	// says what p does now.
	k.Pause.SetEnabled(browsing && m.mon.AuthErr() == nil)
	pauseDesc := "pause live"
	if m.mon.Paused() {
		pauseDesc = "resume live"
	}
	k.Pause.SetHelp(k.Pause.Help().Key, pauseDesc)
	k.Help.SetEnabled(browsing)
	k.Quit.SetEnabled(browsing)
	editing := form != nil && !asking
	k.Submit.SetEnabled(editing && form.CanSubmit() && !syncing)
	k.CloseForm.SetEnabled(editing && !form.Finished())
	k.ProblemsDown.SetEnabled(editing && !form.Finished() && form.HasProblemsBelow())
	k.ProblemsUp.SetEnabled(editing && !form.Finished() && form.HasProblemsAbove())
	k.Dismiss.SetEnabled(editing && form.Finished())
	top := m.screens.top().kind
	// Overlays with keys of their own; the help is not one of them: it
	// lists the browsing keys, which stay enabled under it.
	own := top == layerHistory || top == layerEvents || top == layerErrors || top == layerFilter || top == layerSwitcher || top == layerExport
	k.Back.SetEnabled(top == layerHelp || top == layerHistory || top == layerEvents || top == layerErrors || top == layerSwitcher || top == layerExport)
	k.Export.SetEnabled(browsing && !own && m.list.Len() > 0 && !m.opts.NoExport)
	k.SwitchAccount.SetEnabled(browsing && (!own || top == layerSwitcher) && len(m.opts.Accounts) > 1)
	if top == layerSwitcher || top == layerExport {
		k.Open.SetEnabled(true)
	}
	k.History.SetEnabled(browsing && !own)
	k.Events.SetEnabled(browsing && !own)
	k.Test.SetEnabled(browsing && !own && hasSel && !m.detail.Gone() && !syncing)
	k.CopyID.SetEnabled(browsing && !own && hasSel)
	k.CopyCard.SetEnabled(browsing && !own && hasSel)
	k.HistoryMine.SetEnabled((top == layerHistory || top == layerEvents) && hasSel)
	for _, b := range []*key.Binding{&k.Ack, &k.AckAll, &k.EventKind, &k.Mute, &k.MuteAll} {
		b.SetEnabled(top == layerEvents)
	}
	indexed := m.mon.Index().On
	k.Filter.SetEnabled(browsing && indexed && !own)
	k.Sort.SetEnabled(browsing && indexed && !own)
	k.Errors.SetEnabled(browsing && indexed && !own)
	k.FilterKeep.SetEnabled(top == layerFilter)
	k.FilterClear.SetEnabled(top == layerFilter)
	k.Select.SetEnabled(top == layerErrors && m.screens.top().errors.Selected() != "")
	if own {
		k.Up.SetEnabled(true)
		k.Down.SetEnabled(true)
	}
	exportAsks := top == layerExport && (m.screens.top().export.confirm || m.screens.top().export.askPartial)
	k.Yes.SetEnabled(asking || exportAsks)
	k.No.SetEnabled(asking || exportAsks)
	if m.mon.WritesOff() != "" {
		k.DisableWrites() // read-only: the sync keys vanish from screen and help
	}
}

// pressed matches a binding's keys even while it is disabled, for keys that
// should explain why they do nothing rather than fall through.
func pressed(msg tea.KeyMsg, b key.Binding) bool {
	return slices.Contains(b.Keys(), msg.String())
}
