package ui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/keymap"
)

// Typed text is drawn at most once a frame. Bubble Tea draws the whole
// screen after every message, and 10 000 EANs typed (not pasted) are tens
// of thousands of messages: drawing each cost 6–9 s of CPU, and a frame
// no terminal would show. While keys typed into the form arrive faster
// than frameEvery, the frame of the first is held and shown for the rest,
// and one frame at the end of the interval shows them all, so a typed key
// costs its edit, as a pasted byte does. This holds whatever the text's
// length: the first 2000 runes typed fast each drew a whole screen
// (about 150 µs), half the CPU of 10 000 EANs typed.
const frameEvery = time.Second / 60

// typing is the frame held while keys are typed fast.
type typing struct {
	held   bool
	frame  string    // what View shows while held; rendered in Update
	last   time.Time // when the last typed key was drawn
	coming bool      // a frameMsg is on its way
	only   bool      // the key being handled was typed into the form's field, nothing else changed (formTyped)
}

// holdFrame decides, after msg was applied, whether its frame is drawn
// or the one held is shown; it returns the timer that ends the hold.
func (m *Model) holdFrame(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(frameMsg); ok {
		// The frame that shows the keys held is drawn now: a key typed
		// within the next interval is held again.
		m.typing.coming, m.typing.last = false, m.now()
	}
	if !m.typedFast(msg) {
		m.typing.held = false
		return nil
	}
	now := m.now()
	if !m.typing.held && (m.typing.last.IsZero() || now.Sub(m.typing.last) >= frameEvery) {
		m.typing.last = now // drawn: the next key within a frame is held
		return nil
	}
	if !m.typing.held {
		m.typing.frame, m.typing.held = m.render(), true
	}
	if m.typing.coming {
		return nil
	}
	m.typing.coming = true
	return m.opts.After(frameEvery, frameMsg{})
}

// onKey handles a key; typed says it was typed into the form's field and
// changed nothing outside the form's own view (Model.after).
func (m *Model) onKey(msg tea.KeyMsg) (cmd tea.Cmd, typed bool) {
	m.jump = nil // a key pressed meanwhile: nothing acts later on its own
	top := m.screens.top()
	m.typing.only = false
	cmd = m.handleKey(msg)
	typed = m.typing.only && m.screens.top() == top && !m.quitting
	m.typing.only = false
	return cmd, typed
}

// typedFast says msg is a key typed into the form's text: one that edits
// it and changes nothing else on screen.
func (m *Model) typedFast(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyMsg)
	if !ok || k.Paste || k.Alt {
		return false
	}
	f, ok := m.screens.top().(*syncForm)
	if !ok || f.state != formEditing {
		return false
	}
	switch k.Type {
	case tea.KeyRunes, tea.KeySpace, tea.KeyEnter, tea.KeyBackspace:
		return true
	}
	return false
}

// textKeysOf is every key some binding of a screen that takes text has:
// a typed rune that is none of them is text, without matching it against
// the screen's bindings (built anew for every key: 4 KB for a rune).
func textKeysOf(k *keymap.KeyMap) map[string]bool {
	m := &Model{&rootState{keys: k}}
	out := map[string]bool{}
	for _, s := range keyScreens {
		if _, text := s.screen.(textScreen); !text {
			continue
		}
		for _, b := range s.screen.bindings(m) {
			for _, key := range b.key.Keys() {
				out[key] = true
			}
		}
	}
	return out
}

// typedRune says msg is a rune typed into a screen that takes text, bound
// to nothing there, or any key of the sync form, whose bindings run
// nothing of their own (TestTheFormsBindingsRunNothingOfTheirOwn): the
// screen's own handler takes it, as routing would after building them.
func (m *Model) typedRune(top screen, msg tea.KeyMsg) bool {
	if _, form := top.(*syncForm); form {
		return true
	}
	if _, text := top.(textScreen); !text || msg.Type != tea.KeyRunes || msg.Alt || len(msg.Runes) != 1 {
		return false
	}
	return !m.textKeys[keyName(msg)]
}
