package ui

import (
	"slices"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/ui/widget"
)

// handleKey sends a key to the top of the screen stack: a question, the
// help, the form, or the browsing panes. ctrl+c always quits.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	top := m.screens.top()
	// Keys typed fast (or sent over a slow link) can arrive in one read, as
	// one message holding several runes. Outside a text field (browsing, a
	// dialog), each one is a key press of its own.
	if _, text := top.(textScreen); msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !text {
		return m.burst(msg)
	}
	if keyIs(keyName(msg), m.keys.ForceQuit) {
		m.quitting = true
		return tea.Quit
	}
	if m.typedRune(top, msg) {
		return top.key(m, msg)
	}
	count := m.count
	cmd := m.route(top, msg)
	if m.count == count {
		m.count = 0 // a count prefix ends with any key but a digit
	}
	return cmd
}

// burst is several runes read at once, pressed one by one.
func (m *Model) burst(msg tea.KeyMsg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(msg.Runes))
	hadDialog := m.question() != nil
	for i, r := range msg.Runes {
		top := m.screens.top()
		if _, asks := top.(*dialog); i > 0 && asks && !hadDialog {
			// A key of this burst opened a question: what was typed
			// ahead must not answer it unseen.
			break
		}
		if _, text := top.(textScreen); text {
			// An earlier rune opened the form or the filter: the rest is its text.
			cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes[i:]}))
			break
		}
		cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
	}
	return tea.Batch(cmds...)
}

func (m *Model) dialogKey(msg tea.KeyMsg) tea.Cmd {
	d, ans := m.question().Update(msg, m.keys)
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
	f, ev := m.openForm().Update(msg, m.keys, m.mon.Syncing())
	switch ev {
	case formClose:
		m.closeForm()
	case formCloseAndKey:
		m.closeForm()
		return m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes})
	case formSubmit:
		d := m.newDialog(askSyncEANs, f.Connector(), f.Valid())
		d.rejected, d.warned = f.Rejected(), f.Warned()
		m.screens.push(d)
	case formTyped:
		m.typing.only = true
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
		m.screens.push(m.newDialog(askSyncCatalog, c, nil))
	default:
		m.setFocus(layerList)
		m.list.Blur() // the form has the keys
		m.screens.push(newSyncForm(m.styles, m.keys, c, m.mon.Draft(c.ID)))
		m.layout()
	}
}

// setFocus gives the keys to a browsing pane.
func (m *Model) setFocus(f layerKind) {
	m.screens.focus = f
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
		m.flashMsg(m.mon.HoldReason()+": nothing sent; next request in "+widget.Duration(wait), true)
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

// keyName is msg.String(), without allocating for a typed ASCII rune (a
// one-byte string is the runtime's own): the keys of a typed text are
// compared with a few bindings each, and each comparison built the name.
func keyName(msg tea.KeyMsg) string {
	if msg.Type == tea.KeyRunes && len(msg.Runes) == 1 && msg.Runes[0] < utf8.RuneSelf && !msg.Alt && !msg.Paste {
		return string([]byte{byte(msg.Runes[0])})
	}
	return msg.String()
}

// keyIs is key.Matches for a key's name: b is enabled and has it.
func keyIs(name string, b key.Binding) bool {
	return b.Enabled() && slices.Contains(b.Keys(), name)
}
