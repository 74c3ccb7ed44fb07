package ui

// layerKind is what a screen of the stack is.
type layerKind int

const (
	layerList     layerKind = iota // browsing; the list has the keys
	layerDetail                    // browsing; the detail has the keys
	layerForm                      // the EAN sync form
	layerHelp                      // the full help
	layerDialog                    // a yes/no question
	layerFilter                    // typing a filter (/): the list stays in view
	layerErrors                    // the errors view (e)
	layerHistory                   // the history of actions
	layerEvents                    // the events feed
	layerSwitcher                  // the accounts (P)
	layerExport                    // exporting the list (x)
)

// layer is one screen of the stack, with the overlay it shows.
type layer struct {
	kind     layerKind
	form     *syncForm    // layerForm
	dialog   *dialog      // layerDialog
	errors   *errorsView  // layerErrors
	history  *historyView // layerHistory
	events   *eventsView  // layerEvents
	switcher *switcher    // layerSwitcher
	export   *exportView  // layerExport
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
