package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pixee/pixee-tui/ui/widget"
)

// The overlays as screens: their keys, and what draws them. Each one's
// handler and body live with the rest of it (dialog.go, form.go, …).

var (
	_ = registerKeys("confirm", &dialog{})
	_ = registerKeys("form", &syncForm{})
	_ = registerKeys("result", &syncForm{state: formDone})
	_ = registerKeys("errors", &errorsView{})
	_ = registerKeys("history", &historyView{})
	_ = registerKeys("events", &eventsView{})
	_ = registerKeys("switcher", &switcher{})
	_ = registerKeys("export", &exportView{})
	_ = registerKeys("export_overwrite", &exportView{confirm: true})
	_ = registerKeys("export_partial", &exportView{askPartial: true})
)

// overlayRow is the keys every overlay lists after its own.
func (m *Model) overlayRow(own ...binding) []binding {
	k := m.keys
	n := 0
	for i := range own {
		if own[i].group >= 0 {
			n++
			own[i] = own[i].in(0, n)
		}
	}
	return append(own,
		m.bind("up", &k.Up).in(0, n+1),
		m.bind("down", &k.Down).in(0, n+2),
		m.bind("force_quit", &k.ForceQuit).in(0, n+3))
}

// selectedConnector is why a key about the selected connector is idle.
func (m *Model) selectedConnector() string {
	if _, ok := m.list.Selected(); !ok {
		return "no connector selected"
	}
	return ""
}

// ---- a question ------------------------------------------------------------

func (d *dialog) bindings(m *Model) []binding {
	k := m.keys
	return []binding{m.bind("confirm_yes", &k.Yes).in(0, 1), m.bind("confirm_no", &k.No).in(0, 2),
		m.bind("force_quit", &k.ForceQuit).unlisted()}
}

func (d *dialog) key(m *Model, msg tea.KeyMsg) tea.Cmd { return m.dialogKey(msg) }

// view draws the question over the screen it is asked on (the list and
// detail, or the form), which stays in view around it: in the middle, or
// at the bottom when the middle would leave no row above it.
func (d *dialog) view(m *Model, w, h int) string {
	body := strings.Split(m.screens.under().view(m, w, h), "\n")
	block := m.dialogView(h)
	top := (h - len(block)) / 2
	if top < 3 {
		top = h - len(block)
	}
	return strings.Join(widget.Overlay(body, block, w, h, max(top, 0)), "\n")
}

// ---- the sync form -----------------------------------------------------------

func (f *syncForm) bindings(m *Model) []binding {
	k := m.keys
	if f.Finished() {
		return []binding{m.bind("dismiss", &k.Dismiss).in(0, 1), m.bind("force_quit", &k.ForceQuit).in(0, 2)}
	}
	return []binding{
		m.bind("submit", &k.Submit).when(func() string {
			switch {
			case m.mon.Syncing():
				return "a sync is being sent: wait for its answer"
			case !f.CanSubmit():
				return "nothing to sync yet: enter at least one valid EAN"
			}
			return ""
		}).in(0, 1),
		m.bind("close_form", &k.CloseForm).in(0, 2),
		m.bind("problems_down", &k.ProblemsDown).when(func() string {
			if !f.HasProblemsBelow() {
				return "no more problems below"
			}
			return ""
		}).in(0, 3),
		m.bind("problems_up", &k.ProblemsUp).when(func() string {
			if !f.HasProblemsAbove() {
				return "no problems above"
			}
			return ""
		}).in(0, 4),
		m.bind("force_quit", &k.ForceQuit).in(0, 5),
		// The text field's keys: read by the field, listed for conflicts.
		m.bind("edit_newline", &k.Edit.Newline).unlisted(),
		m.bind("edit_space", &k.Edit.Space).unlisted(),
		m.bind("edit_delete_back", &k.Edit.DeleteBack).unlisted(),
		m.bind("edit_delete", &k.Edit.Delete).unlisted(),
		m.bind("edit_delete_word", &k.Edit.DeleteWord).unlisted(),
		m.bind("edit_delete_to_start", &k.Edit.DeleteToStart).unlisted(),
		m.bind("edit_delete_to_end", &k.Edit.DeleteToEnd).unlisted(),
		m.bind("edit_left", &k.Edit.Left).unlisted(),
		m.bind("edit_right", &k.Edit.Right).unlisted(),
		m.bind("edit_line_start", &k.Edit.LineStart).unlisted(),
		m.bind("edit_line_end", &k.Edit.LineEnd).unlisted(),
		m.bind("edit_up", &k.Edit.Up).unlisted(),
		m.bind("edit_down", &k.Edit.Down).unlisted(),
		m.bind("edit_page_up", &k.Edit.PageUp).unlisted(),
		m.bind("edit_page_down", &k.Edit.PageDown).unlisted(),
		m.bind("edit_text_start", &k.Edit.TextStart).unlisted(),
		m.bind("edit_text_end", &k.Edit.TextEnd).unlisted(),
	}
}

func (f *syncForm) key(m *Model, msg tea.KeyMsg) tea.Cmd { return m.formKey(msg) }

func (f *syncForm) view(m *Model, w, h int) string { return m.panes(w, h) }

func (f *syncForm) takesText() {}

// ---- the errors view ---------------------------------------------------------

func (v *errorsView) bindings(m *Model) []binding {
	k := m.keys
	return m.overlayRow(
		m.bind("select", &k.Select).when(func() string {
			if v.Selected() == "" {
				return "no connector here to select"
			}
			return ""
		}).do(func(tea.KeyMsg) tea.Cmd {
			id := v.Selected()
			c, _ := m.mon.Store().Get(id)
			return m.openConnector(id, c.Name)
		}),
		m.bind("back", &k.Back),
		m.bind("top", &k.Top).unlisted(),
		m.bind("bottom", &k.Bottom).unlisted())
}

func (v *errorsView) key(m *Model, msg tea.KeyMsg) tea.Cmd { return m.errorsKey(msg) }

func (v *errorsView) view(m *Model, w, h int) string {
	return strings.Join(widget.Pane(v.View(m.keys), w, h, m.bordered(h), m.styles, true), "\n")
}

// ---- the history ---------------------------------------------------------------

func (hv *historyView) bindings(m *Model) []binding {
	k := m.keys
	return m.overlayRow(
		m.bind("open", &k.Open).says("open connector").when(func() string {
			if rows := m.historyRows(); hv.offset >= len(rows) || rows[hv.offset].ConnectorID == "" {
				return "no connector on this row"
			}
			return ""
		}).do(func(tea.KeyMsg) tea.Cmd {
			a := m.historyRows()[hv.offset]
			return m.openConnector(a.ConnectorID, a.ConnectorName)
		}),
		m.bind("back", &k.Back), m.bind("history_connector", &k.HistoryMine).when(m.selectedConnector))
}

func (hv *historyView) key(m *Model, msg tea.KeyMsg) tea.Cmd { return m.historyKey(msg) }

func (hv *historyView) view(m *Model, w, h int) string {
	return strings.Join(m.historyBody(w, h, m.bordered(h)), "\n")
}

// ---- the events feed -----------------------------------------------------------

func (ev *eventsView) bindings(m *Model) []binding {
	k := m.keys
	back := m.bind("back", &k.Back)
	if ev.filtered() {
		back = back.says("clear filter")
	}
	return m.overlayRow(
		m.bind("open", &k.Open).says("open connector").when(func() string {
			if rows := m.eventRows(); ev.cursor >= len(rows) || rows[ev.cursor].ConnectorID == "" {
				return "no connector on this row"
			}
			return ""
		}).do(func(tea.KeyMsg) tea.Cmd {
			e := m.eventRows()[ev.cursor]
			return m.openConnector(e.ConnectorID, e.Name)
		}),
		back,
		m.bind("ack", &k.Ack),
		m.bind("ack_all", &k.AckAll),
		m.bind("event_kind", &k.EventKind),
		m.bind("event_kind_back", &k.EventKindBack),
		m.bind("history_connector", &k.HistoryMine).when(m.selectedConnector),
		m.bind("mute", &k.Mute),
		m.bind("mute_all", &k.MuteAll))
}

func (ev *eventsView) key(m *Model, msg tea.KeyMsg) tea.Cmd { return m.eventsKey(msg) }

func (ev *eventsView) view(m *Model, w, h int) string {
	return strings.Join(m.eventsBody(w, h, m.bordered(h)), "\n")
}

// ---- the accounts switcher -------------------------------------------------------

func (sw *switcher) bindings(m *Model) []binding {
	k := m.keys
	return m.overlayRow(m.bind("open", &k.Open).says("open account"), m.bind("back", &k.Back))
}

func (sw *switcher) key(m *Model, msg tea.KeyMsg) tea.Cmd { return m.switcherKey(msg) }

func (sw *switcher) view(m *Model, w, h int) string {
	return strings.Join(m.switcherBody(w, h, m.bordered(h)), "\n")
}

// ---- the export prompt -----------------------------------------------------------

func (ev *exportView) bindings(m *Model) []binding {
	k := m.keys
	if ev.confirm || ev.askPartial { // the file exists: overwrite it? the index is incomplete: write it?
		yes := m.bind("confirm_yes", &k.Yes)
		yes.writes = false // a local file, not the server
		return []binding{yes.in(0, 1), m.bind("confirm_no", &k.No).in(0, 2), m.bind("force_quit", &k.ForceQuit).in(0, 3)}
	}
	return []binding{m.bind("open", &k.Open).says("write file").in(0, 1), m.bind("back", &k.Back).in(0, 2), m.bind("force_quit", &k.ForceQuit).in(0, 3)}
}

func (ev *exportView) key(m *Model, msg tea.KeyMsg) tea.Cmd { return m.exportKey(msg) }

func (ev *exportView) view(m *Model, w, h int) string {
	return strings.Join(m.exportBody(w, h, m.bordered(h)), "\n")
}

func (ev *exportView) takesText() {}
