package ui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/keymap"
)

// binding is one action of one screen, with everything about it in one
// place: its keys and help label (the keymap's, remapped by action name),
// whether it writes to the server, why it cannot act now, and what it does.
// Help, hints, read-only and the reason a key gives when it does nothing
// all derive from it; nothing enables keys from outside.
type binding struct {
	action string       // the keymap's action name (sync_eans, …)
	key    *key.Binding // its keys and help label
	desc   string       // the help's text when it is not the keymap's ("resume live")
	writes bool         // leads to a POST: off in a session that may not write
	// off is why this session can never use it (read-only, no other
	// account): such a key is left out of the help and says why when
	// pressed. idle is why it does nothing right now (the first row has
	// nothing above): listed greyed, and it says why when pressed.
	off, idle func() string
	run       func(tea.KeyMsg) tea.Cmd // nil: the screen's own key handler takes it
	short     int                      // place on the help line, 1-based; 0 = not there
	group     int                      // column of the full help; -1 = not in the help
}

// bind is the binding of the keymap's action name on this model, off
// while the session may not write when the action writes.
func (m *Model) bind(action string, k *key.Binding) binding {
	b := binding{action: action, key: k, writes: keymap.Writes(action)}
	return b
}

// when sets why the binding does nothing now ("" = it acts).
func (b binding) when(idle func() string) binding { b.idle = idle; return b }

// unless sets why this session can never use it ("" = it can).
func (b binding) unless(off func() string) binding { b.off = off; return b }

// do sets what the binding does.
func (b binding) do(run func(tea.KeyMsg) tea.Cmd) binding { b.run = run; return b }

// says sets the help's text where the keymap's does not fit this screen
// (enter writes the file on the export prompt, not "open detail").
func (b binding) says(desc string) binding { b.desc = desc; return b }

// in places the binding in the help: its column and its place on the line.
func (b binding) in(group, short int) binding { b.group, b.short = group, short; return b }

// unlisted keeps the binding out of the help: a key the screen's widget
// reads (the text field's editing keys), listed for its conflicts.
func (b binding) unlisted() binding { b.group = -1; return b }

// Disabled is why the binding does nothing now; "" when it acts.
func (b binding) Disabled(m *Model) string {
	if why := b.Off(m); why != "" {
		return why
	}
	if b.idle != nil {
		return b.idle()
	}
	return ""
}

// Off is why this session can never use the binding; "" when it can.
func (b binding) Off(m *Model) string {
	if b.writes {
		if why := m.mon.WritesOff(); why != "" {
			return writesOffReason(why, m.opts.Who)
		}
	}
	if b.off != nil {
		return b.off()
	}
	return ""
}

// writesOffReason says why a key that writes does nothing in this session.
func writesOffReason(why, who string) string {
	if why == "read-only" && who != "" {
		return "read-only: your role or this account's profile on the team server may not trigger syncs or tests"
	}
	if why == "read-only" {
		return "read-only: this profile may not trigger syncs or tests"
	}
	return "read-only: " + why
}

// matches says msg is one of the binding's keys.
func (b binding) matches(msg tea.KeyMsg) bool {
	return slices.Contains(b.key.Keys(), msg.String())
}

// helpBinding is the binding as the help draws it: greyed while idle.
func (b binding) helpBinding(m *Model) key.Binding {
	kb := *b.key
	if b.desc != "" {
		kb.SetHelp(kb.Help().Key, b.desc)
	}
	kb.SetEnabled(b.Disabled(m) == "")
	return kb
}

// helpOf is the help derived from a screen's bindings: the line in the
// order of their places, the columns by group. A binding this session can
// never use is left out.
func (m *Model) helpOf(bs []binding) keymap.Help {
	var h keymap.Help
	type placed struct {
		at int
		b  key.Binding
	}
	var line []placed
	for _, b := range bs {
		if b.group < 0 || b.Off(m) != "" {
			continue
		}
		kb := b.helpBinding(m)
		if b.short > 0 {
			line = append(line, placed{b.short, kb})
		}
		for len(h.Full) <= b.group {
			h.Full = append(h.Full, nil)
		}
		h.Full[b.group] = append(h.Full[b.group], kb)
	}
	slices.SortStableFunc(line, func(a, b placed) int { return a.at - b.at })
	for _, p := range line {
		h.Short = append(h.Short, p.b)
	}
	return h
}

// route sends a key to a screen: the first of its bindings that has the key
// and acts, else the screen's own handler. A key whose bindings are all
// disabled says why in the status bar, unless the screen takes text, where
// it is typed.
func (m *Model) route(s screen, msg tea.KeyMsg) tea.Cmd {
	why := ""
	for _, b := range s.bindings(m) {
		if !b.matches(msg) {
			continue
		}
		if w := b.Disabled(m); w != "" {
			if why == "" {
				why = w
			}
			continue
		}
		if b.run == nil {
			return s.key(m, msg)
		}
		return b.run(msg)
	}
	if _, text := s.(textScreen); why != "" && !text {
		m.flashMsg(why, false)
		return nil
	}
	return s.key(m, msg)
}
