package ui

import (
	"errors"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
)

// layerKind is what a screen of the stack is.
type layerKind int

const (
	layerList   layerKind = iota // browsing; the list has the keys
	layerDetail                  // browsing; the detail has the keys
	layerForm                    // the EAN sync form
	layerHelp                    // the full help
	layerDialog                  // a yes/no question
)

// layer is one screen of the stack, with the overlay it shows.
type layer struct {
	kind   layerKind
	form   *syncForm // layerForm
	dialog *dialog   // layerDialog
}

// screens is the root's stack: the browsing panes at the bottom (always
// there), overlays above; keys go to the top. An array, so a copy of the
// model is a copy of its stack.
type screens struct {
	at    [4]layer
	depth int
}

func newScreens() screens { return screens{depth: 1} }

func (s *screens) top() layer { return s.at[s.depth-1] }

// push opens an overlay over what is shown.
func (s *screens) push(l layer) {
	if s.depth == len(s.at) {
		return // deeper than any journey goes
	}
	s.at[s.depth] = l
	s.depth++
}

// pop closes the top overlay; the browsing panes stay.
func (s *screens) pop() {
	if s.depth > 1 {
		s.depth--
		s.at[s.depth] = layer{}
	}
}

// focused is which browsing pane has the keys when no overlay does.
func (s *screens) focused() layerKind { return s.at[0].kind }

// form is the sync form when it is open (under a question, too).
func (s *screens) form() *syncForm {
	for i := s.depth - 1; i > 0; i-- {
		if s.at[i].kind == layerForm {
			return s.at[i].form
		}
	}
	return nil
}

// question is the question on top, if any.
func (s *screens) question() *dialog {
	if t := s.top(); t.kind == layerDialog {
		return t.dialog
	}
	return nil
}

// browsing says no form or question is open (the help may be: it lists the
// browsing keys).
func (s *screens) browsing() bool { return s.form() == nil && s.question() == nil }

// Accessors the tests and the root use instead of fields.
func (m *Model) openForm() *syncForm { return m.screens.form() }
func (m *Model) question() *dialog   { return m.screens.question() }

// formEvent is what a key did to the form, for the root to act on.
type formEvent int

const (
	formNothing     formEvent = iota
	formClose                 // closed; the draft is kept unless the sync was done
	formCloseAndKey           // esc and a key in one read: closed, the key is the list's
	formSubmit                // valid EANs and nothing being sent: ask
)

// Update handles a key in the form. syncing says a POST is out.
func (f *syncForm) Update(msg tea.KeyMsg, k *keymap.KeyMap, syncing bool) (*syncForm, formEvent) {
	if f.state == formDone {
		if key.Matches(msg, k.Dismiss) {
			return f, formClose
		}
		return f, formNothing
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
		return f, formCloseAndKey
	case key.Matches(msg, k.CloseForm):
		return f, formClose
	case pressed(msg, k.Submit):
		switch {
		case f.CanSubmit() && !syncing:
			return f, formSubmit
		case f.state == formEditing && syncing:
			// Reopened while its POST is still out: say so, not that
			// there is nothing to sync.
			f.Failed(monitor.ErrWriteBusy)
		case f.state == formEditing:
			f.Failed(errors.New("nothing to sync yet: enter at least one valid EAN"))
		}
	default:
		f.Edit(msg)
	}
	return f, formNothing
}

// Connector is the connector the form syncs to.
func (f *syncForm) Connector() api.Connector { return f.connector }

// Finished says the sync was queued and its result is shown.
func (f *syncForm) Finished() bool { return f.state == formDone }

// Valid is a copy of the valid EANs typed.
func (f *syncForm) Valid() []string { return append([]string(nil), f.parsed.Valid...) }

// Help is the form's help: editing keys, or the result's.
func (f *syncForm) Help(k *keymap.KeyMap) keymap.Help {
	if f.state == formDone {
		return k.Result()
	}
	return k.Form()
}

// Help is a question's help.
func (d *dialog) Help(k *keymap.KeyMap) keymap.Help { return k.Confirm() }
