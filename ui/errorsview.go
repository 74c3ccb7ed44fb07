package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

// errorsView is e: the connectors in error across the account, grouped by
// cause (monitor.GroupByCause), each group with its count, when
// it was first and last seen, its platforms and its connectors; enter
// selects one.
type errorsView struct {
	styles  *Styles
	loc     *time.Location
	lines   []errorsLine
	picks   []int // the lines that are connectors, in order
	cursor  int   // into picks
	offset  int   // first line shown
	width   int
	height  int
	nErr    int
	nGroups int
	nLate   int // late or overdue, listed after the errors
	waiting int
	soFar   string // the index is incomplete: "so far · index 800/10 000"
}

// errorsLine is one line of the view: a group's heading, its detail, or
// one of its connectors.
type errorsLine struct {
	text string
	id   string // a connector's line: its id
	head bool
}

func newErrorsView(st *Styles, loc *time.Location, mon *monitor.Monitor) *errorsView {
	v := &errorsView{styles: st, loc: loc}
	v.Rebuild(mon)
	return v
}

// Rebuild regroups from the monitor, keeping the cursor on its connector.
func (v *errorsView) Rebuild(mon *monitor.Monitor) {
	keep := v.Selected()
	known, waiting := mon.Failures()
	groups := monitor.GroupByCause(known)
	v.lines, v.picks = v.lines[:0], v.picks[:0]
	v.nErr, v.nGroups, v.waiting = len(known)+len(waiting), len(groups), len(waiting)
	v.soFar = soFar(mon.Index())
	for _, g := range groups {
		v.lines = append(v.lines,
			errorsLine{head: true, text: "✗ " + itoa(len(g.Connectors)) + " × " + g.Cause},
			errorsLine{text: "    on " + platformsOf(g) + " · first seen " + v.clock(g.FirstSeen) + " · last seen " + v.clock(g.LastSeen) +
				" · e.g. " + firstLine(g.Example)})
		for _, f := range g.Connectors {
			name := f.Name
			if len(g.Platforms) > 1 {
				name += " · " + platformName(f.Platform)
			}
			v.addConnector(f.ID, name)
		}
		v.lines = append(v.lines, errorsLine{})
	}
	if len(waiting) > 0 {
		v.lines = append(v.lines, errorsLine{head: true, text: "… " + widget.Plural(len(waiting), "connector", "connectors") +
			" in error, last_error not fetched yet"})
		for _, c := range sortedByName(waiting) {
			v.addConnector(c.ID, c.Name)
		}
	}
	v.addLate(mon.LateNow())
	v.cursor = 0
	for i, li := range v.picks {
		if v.lines[li].id == keep {
			v.cursor = i
		}
	}
	v.clamp()
}

// addLate lists the connectors past their usual interval, as two causes
// of their own: overdue (past two usual intervals), then late.
func (v *errorsView) addLate(late []monitor.LateConnector) {
	v.nLate = len(late)
	for _, state := range []monitor.Lateness{monitor.Overdue, monitor.Late} {
		var group []monitor.LateConnector
		for _, l := range late {
			if l.Cadence.State == state {
				group = append(group, l)
			}
		}
		if len(group) == 0 {
			continue
		}
		glyph, say := "◔ ", "more than one usual interval past its next sync"
		if state == monitor.Overdue {
			glyph, say = "◕ ", "more than two usual intervals past their next sync"
		}
		v.lines = append(v.lines, errorsLine{head: true, text: glyph + itoa(len(group)) + " × " + state.String()},
			errorsLine{text: "    " + say})
		for _, l := range group {
			v.addConnector(l.ID, l.Name+" · last sync "+v.clock(l.Cadence.Last)+
				", usually every "+monitor.Interval(l.Cadence.Usual))
		}
		v.lines = append(v.lines, errorsLine{})
	}
}

// platformsOf lists a group's platforms, with how many of its connectors
// each has when there are several: "magento 2, shopify 3".
func platformsOf(g monitor.CauseGroup) string {
	if len(g.Platforms) == 1 {
		return platformName(g.Platforms[0])
	}
	n := map[string]int{}
	for _, f := range g.Connectors {
		n[f.Platform]++
	}
	parts := make([]string, len(g.Platforms))
	for i, p := range g.Platforms {
		parts[i] = platformName(p) + " " + itoa(n[p])
	}
	return strings.Join(parts, ", ")
}

func platformName(p string) string {
	if p == "" {
		return "(no platform)"
	}
	return p
}

func (v *errorsView) addConnector(id, name string) {
	v.picks = append(v.picks, len(v.lines))
	v.lines = append(v.lines, errorsLine{id: id, text: name + "  " + id})
}

func (v *errorsView) clock(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(v.loc).Format("15:04")
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func sortedByName(cs []api.Connector) []api.Connector {
	f := fleet{sort: sortName}
	es := make([]fleetEntry, len(cs))
	for i, c := range cs {
		es[i] = fleetEntry{c: c, hay: monitor.Fold(c.Name).Text()}
	}
	out := make([]api.Connector, len(cs))
	sortEntries(&f, es)
	for i := range es {
		out[i] = es[i].c
	}
	return out
}

// Selected is the id of the connector under the cursor, "" for none.
func (v *errorsView) Selected() string {
	if v.cursor < 0 || v.cursor >= len(v.picks) {
		return ""
	}
	return v.lines[v.picks[v.cursor]].id
}

func (v *errorsView) SetSize(w, h int) {
	v.width, v.height = max(w, 0), max(h, 0)
	v.clamp()
}

func (v *errorsView) rowsShown() int { return max(v.height-2, 1) } // title + blank

func (v *errorsView) clamp() {
	v.cursor = min(max(v.cursor, 0), max(len(v.picks)-1, 0))
	if len(v.picks) == 0 {
		v.offset = 0
		return
	}
	at := v.picks[v.cursor]
	rows := v.rowsShown()
	if at < v.offset {
		v.offset = max(at-2, 0) // the group's heading with it
	}
	if at >= v.offset+rows {
		v.offset = at - rows + 1
	}
	v.offset = max(min(v.offset, len(v.lines)-rows), 0)
}

// Update moves the cursor.
func (v *errorsView) Update(msg tea.KeyMsg, k *keymap.KeyMap) {
	switch {
	case key.Matches(msg, k.Up):
		v.cursor--
	case key.Matches(msg, k.Down):
		v.cursor++
	case key.Matches(msg, k.Top):
		v.cursor = 0
	case key.Matches(msg, k.Bottom):
		v.cursor = len(v.picks) - 1
	}
	v.clamp()
}

// View is the view in exactly height lines of width cells.
func (v *errorsView) View(k *keymap.KeyMap) string {
	st := v.styles
	out := make([]string, 0, v.height)
	title := " Connectors in error · " + itoa(v.nErr) + " · " + widget.Plural(v.nGroups, "cause", "causes")
	if v.nLate > 0 {
		title += " · " + itoa(v.nLate) + " late"
	}
	if v.soFar != "" {
		title += " " + v.soFar
	}
	title += " · " + k.Select.Help().Key + " selects · " + keymap.Keys(k.Back) + " closes"
	out = append(out, st.Name.Render(termtext.PadRight(title, v.width)))
	if v.height > 1 {
		out = append(out, widget.Pad(v.width))
	}
	sel := -1
	if len(v.picks) > 0 {
		sel = v.picks[v.cursor]
	}
	if v.nErr == 0 {
		out = append(out, termtext.PadRight(" No connector is in error.", v.width))
	}
	for i := v.offset; i < len(v.lines) && len(out) < v.height; i++ {
		li := v.lines[i]
		switch {
		case i == sel:
			out = append(out, st.Selected.Render(termtext.PadRight("  ▶ "+li.text, v.width)))
		case li.id != "":
			out = append(out, termtext.PadRight("    "+li.text, v.width))
		case li.head:
			out = append(out, st.Failed.Render(termtext.PadRight(" "+li.text, v.width)))
		default:
			out = append(out, st.Dim.Render(termtext.PadRight(li.text, v.width)))
		}
	}
	for len(out) < v.height {
		out = append(out, widget.Pad(v.width))
	}
	return strings.Join(out[:v.height], "\n")
}

// ---- the model's side ---------------------------------------------------------

// openErrors is e: the errors view over the list and detail.
func (m *Model) openErrors() {
	m.screens.push(newErrorsView(m.styles, m.opts.Location, &m.mon))
	m.layout()
}

func (m *Model) errorsKey(msg tea.KeyMsg) tea.Cmd {
	k, v := m.keys, m.screens.top().(*errorsView)
	switch {
	case key.Matches(msg, k.Quit):
		m.quitting = true
		return tea.Quit
	case key.Matches(msg, k.Back), key.Matches(msg, k.Errors):
		m.screens.pop()
	case key.Matches(msg, k.Select):
		if id := v.Selected(); id != "" {
			m.screens.pop()
			return m.selectConnector(id)
		}
	default:
		v.Update(msg, k)
	}
	return nil
}

// selectConnector puts the cursor on a connector of the index: on the rows
// shown when it is there, or else on the fleet sorted errors first (the
// filter cleared), so that it is.
func (m *Model) selectConnector(id string) tea.Cmd {
	if m.list.IndexOf(id) < 0 {
		m.fleet.setQuery("")
		if m.fleet.sort == sortServer {
			m.fleet.setSort(sortStatus)
		}
		m.showFleet()
	}
	if i := m.list.IndexOf(id); i >= 0 {
		m.list.MoveTo(i)
	}
	m.setFocus(layerList)
	return m.selectionChanged(false)
}
