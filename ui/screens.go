package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/keymap"
)

// screen is one screen of the stack: the browsing panes at the bottom, an
// overlay above them (the form, a question, the help, the history…). The
// root sends keys to the one on top and draws it; adding an overlay is a
// type that implements screen and a push.
type screen interface {
	// bindings are the screen's keys in help order, each with what it
	// does and why it cannot act now. The root matches a key against them.
	bindings(m *Model) []binding
	// key takes a key that none of the bindings acts on with a handler
	// of its own: typed text, a widget's keys.
	key(m *Model, msg tea.KeyMsg) tea.Cmd
	// view draws the body, w×h cells.
	view(m *Model, w, h int) string
}

// textScreen is a screen whose typed keys are text (the form, the filter,
// the export's file name): a key of a disabled binding is typed, not
// refused, and runes read at once stay one piece of text.
type textScreen interface {
	screen
	takesText()
}

// helped is a screen whose help line is not derived from its own bindings
// (the help overlay lists the browsing keys).
type helped interface {
	help(m *Model) keymap.Help
}

// keyScreens are the screens whose keys must not collide (a key means one
// action on each), by name; each screen's file registers its own. The
// screens are built empty: only the actions of their bindings are read.
var keyScreens []struct {
	name   string
	screen screen
}

func registerKeys(name string, s screen) bool {
	keyScreens = append(keyScreens, struct {
		name   string
		screen screen
	}{name, s})
	return true
}

// KeyConflicts lists the keys that two actions of one screen share, for a
// keymap remapped by a config file.
func KeyConflicts(k *keymap.KeyMap) []keymap.Conflict {
	m := &Model{&rootState{keys: k}}
	ctxs := make([]keymap.Context, 0, len(keyScreens))
	for _, s := range keyScreens {
		c := keymap.Context{Name: s.name}
		for _, b := range s.screen.bindings(m) {
			c.Actions = append(c.Actions, b.action)
		}
		ctxs = append(ctxs, c)
	}
	return k.ConflictsIn(ctxs)
}

// layerKind is which browsing pane has the keys when no overlay does.
type layerKind int

const (
	layerList   layerKind = iota // the list has the keys
	layerDetail                  // the detail has the keys
)

// screens is the root's stack: the browsing panes at the bottom (always
// there), overlays above; keys go to the top. An array, so a copy of the
// model is a copy of its stack.
type screens struct {
	at    [4]screen
	depth int
	focus layerKind
}

func newScreens() screens { return screens{at: [4]screen{browseScreen{}}, depth: 1} }

func (s *screens) top() screen { return s.at[s.depth-1] }

// push opens an overlay over what is shown.
func (s *screens) push(l screen) {
	if s.depth == len(s.at) {
		return // deeper than any journey goes
	}
	s.at[s.depth] = l
	s.depth++
}

// under is the screen below the top one: what an overlay drawn over the
// screen it was opened on shows around itself.
func (s *screens) under() screen {
	if s.depth < 2 {
		return s.at[0]
	}
	return s.at[s.depth-2]
}

// pop closes the top overlay; the browsing panes stay.
func (s *screens) pop() {
	if s.depth > 1 {
		s.depth--
		s.at[s.depth] = nil
	}
}

// focused is which browsing pane has the keys when no overlay does.
func (s *screens) focused() layerKind { return s.focus }

// form is the sync form when it is open (under a question, too).
func (s *screens) form() *syncForm {
	for i := s.depth - 1; i > 0; i-- {
		if f, ok := s.at[i].(*syncForm); ok {
			return f
		}
	}
	return nil
}

// question is the question on top, if any.
func (s *screens) question() *dialog {
	d, _ := s.top().(*dialog)
	return d
}

// Accessors the tests and the root use instead of fields.
func (m *Model) openForm() *syncForm { return m.screens.form() }
func (m *Model) question() *dialog   { return m.screens.question() }

// helpKeys is the help for what has the keyboard now.
func (m *Model) helpKeys() keymap.Help {
	top := m.screens.top()
	if h, ok := top.(helped); ok {
		return h.help(m)
	}
	return m.helpOf(top.bindings(m))
}

// ---- the help overlay, the filter line --------------------------------------

var (
	_ = registerKeys("help", helpOverlay{})
	_ = registerKeys("filter", filterLine{})
)

// helpOverlay is ?: every key of the browsing panes, greyed where idle,
// then the keys of the form and of a question.
type helpOverlay struct{}

func (helpOverlay) bindings(m *Model) []binding {
	k := m.keys
	pop := func(tea.KeyMsg) tea.Cmd { m.screens.pop(); return nil }
	return []binding{
		m.bind("help", &k.Help).do(pop),
		m.bind("back", &k.Back).do(pop),
		m.bind("quit", &k.Quit).do(m.quit),
		m.bind("force_quit", &k.ForceQuit).unlisted(),
	}
}

func (helpOverlay) key(*Model, tea.KeyMsg) tea.Cmd { return nil }

func (helpOverlay) help(m *Model) keymap.Help { return m.browseHelp() }

func (helpOverlay) view(m *Model, w, h int) string { return m.helpBody(w, h) }

// filterLine is /: the filter is typed while the list stays in view.
type filterLine struct{}

func (filterLine) bindings(m *Model) []binding {
	k := m.keys
	return []binding{
		m.bind("filter_keep", &k.FilterKeep).in(0, 1),
		m.bind("filter_clear", &k.FilterClear).in(0, 2),
		m.bind("up", &k.Up).in(0, 3),
		m.bind("down", &k.Down).in(0, 4),
		m.bind("force_quit", &k.ForceQuit).in(0, 5),
		m.bind("edit_delete_back", &k.Edit.DeleteBack).unlisted(),
		m.bind("edit_delete_to_start", &k.Edit.DeleteToStart).unlisted(),
		m.bind("edit_delete_word", &k.Edit.DeleteWord).unlisted(),
	}
}

func (filterLine) key(m *Model, msg tea.KeyMsg) tea.Cmd { return m.filterKey(msg) }

func (filterLine) view(m *Model, w, h int) string { return m.panes(w, h) }

func (filterLine) takesText() {}

func (m *Model) quit(tea.KeyMsg) tea.Cmd {
	m.quitting = true
	return tea.Quit
}
