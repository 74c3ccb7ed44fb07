package ui

import (
	"errors"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
)

// handleKey sends a key to whatever has it: a dialog, the help overlay, the
// form, or the browsing panes, in that order. ctrl+c always quits.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	m.updateKeys() // an earlier rune of the same read may have changed the state
	// Keys typed fast (or sent over a slow link) can arrive in one read, as
	// one message holding several runes. Outside the form's text field
	// (browsing, a dialog), each one is a key press of its own.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && (m.focus != focusForm || m.dialog != nil) {
		cmds := make([]tea.Cmd, 0, len(msg.Runes))
		hadDialog := m.dialog != nil
		for i, r := range msg.Runes {
			if i > 0 && m.dialog != nil && !hadDialog {
				// A key of this burst opened a question: what was typed
				// ahead must not answer it unseen.
				break
			}
			if m.focus == focusForm && m.form != nil && m.dialog == nil {
				// An earlier rune opened the form: the rest is its text.
				rest := tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes[i:]}
				cmds = append(cmds, m.handleKey(rest))
				break
			}
			cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		}
		return tea.Batch(cmds...)
	}
	if key.Matches(msg, k.ForceQuit) {
		m.quitting = true
		return tea.Quit
	}
	switch {
	case m.dialog != nil:
		return m.dialogKey(msg)
	case m.showHelp:
		switch {
		case key.Matches(msg, k.Quit):
			m.quitting = true
			return tea.Quit
		case key.Matches(msg, k.Help), key.Matches(msg, k.Back):
			m.showHelp = false
		}
		return nil
	case m.focus == focusForm && m.form != nil:
		return m.formKey(msg)
	}
	return m.browseKey(msg)
}

func (m *Model) dialogKey(msg tea.KeyMsg) tea.Cmd {
	d := m.dialog
	switch {
	case key.Matches(msg, m.keys.Yes):
		m.dialog = nil
		return m.send(d)
	case key.Matches(msg, m.keys.No):
		m.dialog = nil // back, with the draft as it was
	}
	return nil
}

func (m *Model) formKey(msg tea.KeyMsg) tea.Cmd {
	f := m.form
	k := &m.keys
	if f.state == formDone {
		if key.Matches(msg, k.Dismiss) {
			m.closeForm()
		}
		return nil
	}
	switch {
	case msg.Paste:
		// Text, whatever it holds: straight to the field (matching a
		// 150 000-rune paste against every binding costs more than
		// inserting it).
		f.Edit(msg)
	case msg.Alt && msg.Type == tea.KeyRunes && f.state == formEditing && slices.Contains(k.CloseForm.Keys(), "esc"):
		// esc and the next key in one read arrive as alt+key: the user
		// closed the form and pressed a key of the list.
		m.closeForm()
		return m.browseKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes})
	case key.Matches(msg, k.CloseForm):
		m.closeForm()
	case pressed(msg, k.Submit):
		if f.CanSubmit() && !m.mon.Syncing() {
			m.dialog = &dialog{kind: askSyncEANs, connector: f.connector,
				eans: append([]string(nil), f.parsed.Valid...)}
		} else if f.state == formEditing && m.mon.Syncing() {
			// Reopened while its POST is still out: say so, not that
			// there is nothing to sync.
			f.Failed(monitor.ErrWriteBusy)
		} else if f.state == formEditing {
			f.Failed(errors.New("nothing to sync yet: enter at least one valid EAN"))
		}
	default:
		f.Edit(msg)
	}
	return nil
}

// closeForm hides the form, keeping its draft for that connector until the
// program exits (a successful sync has already dropped it).
func (m *Model) closeForm() {
	f := m.form
	if f.state != formDone {
		m.mon.KeepDraft(f.connector.ID, f.Draft())
	}
	m.form = nil
	m.setFocus(focusList)
}

func (m *Model) browseKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Quit):
		m.quitting = true
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = true
	case key.Matches(msg, k.FocusNext), key.Matches(msg, k.FocusPrev):
		if m.focus == focusList {
			m.setFocus(focusDetail)
		} else {
			m.setFocus(focusList)
		}
	case key.Matches(msg, k.Open):
		m.setFocus(focusDetail)
	case key.Matches(msg, k.Up):
		if m.focus == focusDetail {
			m.detail.Scroll(-1, m.now())
			return nil
		}
		return m.moveCursor(-1)
	case key.Matches(msg, k.Down):
		if m.focus == focusDetail {
			m.detail.Scroll(1, m.now())
			return nil
		}
		return m.moveCursor(1)
	case key.Matches(msg, k.Top):
		return m.moveTo(0)
	case key.Matches(msg, k.Bottom):
		return m.moveTo(m.list.Len() - 1)
	case key.Matches(msg, k.NextPage):
		return m.do(m.mon.ShowPage(m.mon.PageWanted() + 1))
	case key.Matches(msg, k.PrevPage):
		return m.do(m.mon.ShowPage(m.mon.PageWanted() - 1))
	case key.Matches(msg, k.Refresh):
		return m.refreshNow()
	case key.Matches(msg, k.Pause):
		return m.togglePause()
	case key.Matches(msg, k.Sync):
		if c, ok := m.list.Selected(); ok {
			m.form = newSyncForm(m.styles, &m.keys, c, m.mon.Draft(c.ID))
			m.setFocus(focusForm)
			m.layout()
		}
	case key.Matches(msg, k.SyncAll):
		if c, ok := m.list.Selected(); ok {
			m.dialog = &dialog{kind: askSyncCatalog, connector: c}
		}
	}
	return nil
}

func (m *Model) setFocus(f focusArea) {
	m.focus = f
	m.list.Blur()
	m.detail.Blur()
	switch f {
	case focusList:
		m.list.Focus()
	case focusDetail:
		m.detail.Focus()
	}
	m.layout()
}

func (m *Model) moveCursor(n int) tea.Cmd {
	if !m.list.Move(n) {
		return nil
	}
	return m.selectionChanged(true)
}

func (m *Model) moveTo(i int) tea.Cmd {
	if !m.list.MoveTo(i) {
		return nil
	}
	return m.selectionChanged(true)
}

// refreshNow is r: fetch every target now, unless requests are held back;
// then say why nothing was sent.
func (m *Model) refreshNow() tea.Cmd {
	plan, wait := m.mon.Refresh()
	if wait > 0 {
		m.flashMsg("rate limited: nothing sent; next request in "+duration(wait), true)
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
	browsing := m.dialog == nil && m.form == nil
	_, hasSel := m.list.Selected()
	n, cur := m.list.Len(), m.list.Cursor()
	page := m.mon.PageWanted()
	syncing := m.mon.Syncing()
	onList := browsing && m.focus == focusList
	k.Up.SetEnabled(browsing && (m.focus == focusDetail || cur > 0))
	k.Down.SetEnabled(browsing && (m.focus == focusDetail || cur < n-1))
	k.Top.SetEnabled(onList && cur > 0)
	k.Bottom.SetEnabled(onList && cur < n-1)
	k.NextPage.SetEnabled(browsing && m.list.Loaded() && page < max(m.list.Meta().TotalPages, 1))
	k.PrevPage.SetEnabled(browsing && page > 1)
	k.FocusNext.SetEnabled(browsing)
	k.FocusPrev.SetEnabled(browsing)
	k.Open.SetEnabled(browsing && hasSel && m.focus == focusList)
	k.Sync.SetEnabled(browsing && hasSel && !m.detail.Gone())
	k.SyncAll.SetEnabled(browsing && hasSel && !m.detail.Gone() && !syncing)
	k.Refresh.SetEnabled(browsing)
	k.Pause.SetEnabled(browsing)
	k.Help.SetEnabled(m.dialog == nil && m.form == nil)
	k.Quit.SetEnabled(m.dialog == nil && m.form == nil)
	k.Submit.SetEnabled(m.form != nil && m.dialog == nil && m.form.CanSubmit() && !syncing)
	k.CloseForm.SetEnabled(m.form != nil && m.dialog == nil && m.form.state != formDone)
	k.Dismiss.SetEnabled(m.form != nil && m.dialog == nil && m.form.state == formDone)
	k.Back.SetEnabled(m.showHelp && m.dialog == nil)
	k.Yes.SetEnabled(m.dialog != nil)
	k.No.SetEnabled(m.dialog != nil)
}

// pressed matches a binding's keys even while it is disabled, for keys that
// should explain why they do nothing rather than fall through.
func pressed(msg tea.KeyMsg, b key.Binding) bool {
	return slices.Contains(b.Keys(), msg.String())
}
