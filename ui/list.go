package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/paginator"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

// connectorList is the list pane: one server page of connectors. Paging is
// the server's, so the pane keeps its own page state (bubbles' list only
// pages what it holds) and the root model fetches pages.
type connectorList struct {
	styles  *Styles
	items   []api.Connector
	meta    api.PageMeta
	page    int  // the page these rows are: the one asked for, not meta.page
	loaded  bool // a page has arrived at least once
	cursor  int
	offset  int // first row shown
	width   int
	height  int
	focused bool
	pager   paginator.Model
	platW   int // the widest platform of the page, for the column

	// rows caches each rendered row with what it was rendered from. View
	// runs after every message (a clock tick each second, each detail
	// answer), and most rows do not change between two of them. Prepare
	// fills it in Update for the rows on screen; View only reads it, and
	// draws a row afresh (keeping nothing) when its entry does not match.
	// An entry holds while the selection, focus and width are the same and
	// the clock is inside the span its "ago" text reads the same over;
	// SetPage drops them all, Patch the patched row's.
	rows []cachedRow

	mode    listMode          // the fleet's rows, marks and footer (filter.go)
	lastErr map[string]string // last_errors known, previewed in rows in error

	// late is the lateness of the rows on screen that are late, as
	// Prepare read it (the monitor's Lateness), for View.
	late map[string]monitor.Lateness
}

// cachedRow is a rendered row and the inputs that shaped it.
type cachedRow struct {
	selected, focused bool
	width             int
	late              monitor.Lateness
	last              widget.Span // where the "ago" text drawn holds
	out               string
}

func newConnectorList(st *Styles) connectorList {
	p := paginator.New()
	p.Type = paginator.Dots
	p.ActiveDot = "●"
	p.InactiveDot = "○"
	return connectorList{styles: st, pager: p}
}

func (l *connectorList) SetSize(w, h int) {
	l.width, l.height = max(w, 0), max(h, 0)
	l.clampOffset()
}

func (l *connectorList) Focus() { l.focused = true }
func (l *connectorList) Blur()  { l.focused = false }

// SetPage replaces the rows with a freshly fetched page. On a refresh of the
// same page the selection stays on the same connector if it is still there.
func (l *connectorList) SetPage(page int, items []api.Connector, meta api.PageMeta, samePage bool) {
	var keep string
	if samePage {
		if c, ok := l.Selected(); ok {
			keep = c.ID
		}
	}
	l.items, l.meta, l.loaded, l.page = items, meta, true, page
	l.platW = 0
	for _, it := range items {
		l.platW = max(l.platW, termtext.Width(it.Platform))
	}
	l.rows = make([]cachedRow, len(items))
	l.cursor = 0
	if keep != "" {
		for i, it := range items {
			if it.ID == keep {
				l.cursor = i
				break
			}
		}
	}
	if !samePage {
		l.offset = 0
	}
	l.pager.TotalPages = l.Pages()
	l.pager.Page = max(page-1, 0)
	l.clampOffset()
}

// Update handles the list's own keys, the cursor's; moved reports a new
// selection. count is a typed count prefix (0: none): 5j moves five rows,
// 5G goes to row 5.
func (l connectorList) Update(msg tea.KeyMsg, k *keymap.KeyMap, count int) (connectorList, bool) {
	n := max(count, 1)
	screen := l.rowsShown()
	switch {
	case key.Matches(msg, k.Up):
		return l, l.Move(-n)
	case key.Matches(msg, k.Down):
		return l, l.Move(n)
	case key.Matches(msg, k.PageDown):
		return l, l.Move(n * screen)
	case key.Matches(msg, k.PageUp):
		return l, l.Move(-n * screen)
	case key.Matches(msg, k.HalfDown):
		return l, l.Move(n * max(screen/2, 1))
	case key.Matches(msg, k.HalfUp):
		return l, l.Move(-n * max(screen/2, 1))
	case key.Matches(msg, k.Top):
		return l, l.MoveTo(count - 1) // 5g: row 5; g: the first
	case key.Matches(msg, k.Bottom):
		if count > 0 {
			return l, l.MoveTo(count - 1)
		}
		return l, l.MoveTo(len(l.items) - 1)
	}
	return l, false
}

// Len is how many rows the page holds.
func (l *connectorList) Len() int { return len(l.items) }

// Cursor is the selected row.
func (l *connectorList) Cursor() int { return l.cursor }

// Loaded says whether a page has arrived at least once.
func (l *connectorList) Loaded() bool { return l.loaded }

// Page is the page the rows are: the one asked for.
func (l *connectorList) Page() int { return l.page }

// Pages is how many pages there are as far as we know: the count the
// server gave, and at least one more than this page when it says has_next
// (which decides: a count of 0 must not make the rest unreachable).
func (l *connectorList) Pages() int {
	n := max(l.meta.TotalPages, 1)
	if l.meta.HasNext {
		n = max(n, l.page+1)
	}
	return n
}

// Meta is the pagination block of the page shown.
func (l *connectorList) Meta() api.PageMeta { return l.meta }

// Selected returns the connector under the cursor.
func (l *connectorList) Selected() (api.Connector, bool) {
	if l.cursor < 0 || l.cursor >= len(l.items) {
		return api.Connector{}, false
	}
	return l.items[l.cursor], true
}

// Move moves the cursor by n rows, clamped; it reports whether it moved.
func (l *connectorList) Move(n int) bool {
	c := min(max(l.cursor+n, 0), max(len(l.items)-1, 0))
	if c == l.cursor {
		return false
	}
	l.cursor = c
	l.clampOffset()
	return true
}

// MoveTo puts the cursor on row i (clamped).
func (l *connectorList) MoveTo(i int) bool { return l.Move(i - l.cursor) }

func (l *connectorList) rowsShown() int { return max(l.height-2, 1) } // header + footer

func (l *connectorList) clampOffset() {
	rows := l.rowsShown()
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+rows {
		l.offset = l.cursor - rows + 1
	}
	l.offset = max(min(l.offset, len(l.items)-rows), 0)
}

// columns decides which columns fit in the pane width.
type columns struct {
	name, platform, status, last int
}

func (l *connectorList) columns() columns {
	w := l.width - 2 // selection marker
	c := columns{platform: 12, status: 11, last: 9}
	if w >= 100 {
		// Wide: the platform column grows to its longest (up to a quarter of
		// the row), the name takes the rest.
		c.platform = min(max(c.platform, l.platW), w/4)
	}
	if w < 62 {
		c.platform = 0
	}
	if w < 46 {
		c.last = 0
	}
	if w < 30 {
		c.status = 0
	}
	used := 0
	for _, x := range []int{c.platform, c.status, c.last} {
		if x > 0 {
			used += x + 1
		}
	}
	c.name = max(w-used, 1)
	return c
}

// View renders exactly height lines of width cells: column header, rows, and
// a footer with the page position. status is shown where rows would be when
// there are none (loading, empty, error).
func (l *connectorList) View(now time.Time, status string) string {
	if l.width <= 0 || l.height <= 0 {
		return ""
	}
	st := l.styles
	c := l.columns()
	var b strings.Builder
	b.Grow((l.width + 16) * l.height)

	line := make([]string, 0, 5)
	head := func(s string, w int) {
		if w > 0 {
			line = append(line, termtext.PadRight(s, w))
		}
	}
	head("  "+l.colHead("NAME"), c.name+2)
	head(l.colHead("PLATFORM"), c.platform)
	head(l.colHead("STATUS"), c.status)
	head(l.colHead("LAST SYNC"), c.last)
	b.WriteString(st.ColHeader.Render(termtext.PadRight(strings.Join(line, " "), l.width)))

	rows := l.rowsShown()
	shown := 0
	if len(l.items) == 0 {
		for _, line := range widget.WrapWords(status, max(l.width-1, 1)) {
			if shown == rows {
				break
			}
			b.WriteByte('\n')
			b.WriteString(termtext.PadRight(" "+line, l.width))
			shown++
		}
	}
	for i := l.offset; i < len(l.items) && shown < rows; i++ {
		b.WriteByte('\n')
		b.WriteString(l.row(now, c, i))
		shown++
	}
	for ; shown < rows; shown++ {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat(" ", l.width))
	}
	if l.height > 1 {
		b.WriteByte('\n')
		b.WriteString(st.Dim.Render(termtext.PadRight(l.footer(status), l.width)))
	}
	return b.String()
}

// row is row i as of now: from the cache when it holds, drawn otherwise.
func (l *connectorList) row(now time.Time, c columns, i int) string {
	if out, ok := l.cachedRow(now, i); ok {
		return out
	}
	return l.renderRow(c, i, i == l.cursor, l.lastSync(now, c, i))
}

func (l *connectorList) cachedRow(now time.Time, i int) (string, bool) {
	cr := &l.rows[i]
	ok := cr.out != "" && cr.selected == (i == l.cursor) && cr.focused == l.focused && cr.width == l.width &&
		cr.last.Holds(now) && cr.late == l.late[l.items[i].ID]
	return cr.out, ok
}

func (l *connectorList) lastSync(now time.Time, c columns, i int) string {
	if c.last == 0 {
		return ""
	}
	return widget.AgoPtr(now, l.items[i].LastSyncAt, l.items[i].LastSyncAtUnknown)
}

// Prepare draws the rows on screen into the cache, in Update, so that View
// finds them there. lateOf is a connector's lateness now (nil: none late),
// asked of the rows on screen only.
func (l *connectorList) Prepare(now time.Time, lateOf func(id string) monitor.Lateness) {
	if l.width <= 0 || l.height <= 0 {
		return
	}
	c := l.columns()
	if l.late == nil {
		l.late = map[string]monitor.Lateness{}
	}
	clear(l.late)
	for i, n := l.offset, 0; i < len(l.items) && n < l.rowsShown(); i, n = i+1, n+1 {
		if lateOf != nil {
			if late := lateOf(l.items[i].ID); late != monitor.OnTime {
				l.late[l.items[i].ID] = late
			}
		}
		if _, ok := l.cachedRow(now, i); ok {
			continue
		}
		selected := i == l.cursor
		last := widget.Always()
		if c.last > 0 {
			last = widget.AgoSpan(now, l.items[i].LastSyncAt)
			if l.items[i].LastSyncAtUnknown {
				last = widget.Always()
			}
		}
		l.rows[i] = cachedRow{selected: selected, focused: l.focused, width: l.width, last: last, late: l.late[l.items[i].ID],
			out: l.renderRow(c, i, selected, l.lastSync(now, c, i))}
	}
}

func (l *connectorList) renderRow(c columns, i int, selected bool, lastSync string) string {
	st := l.styles
	it := l.items[i]
	var b strings.Builder
	b.Grow(l.width + 8)
	if selected {
		b.WriteString("▶ ")
	} else {
		b.WriteString("  ")
	}
	b.WriteString(l.nameCell(it, c.name))
	if c.platform > 0 {
		b.WriteByte(' ')
		b.WriteString(termtext.PadRight(it.Platform, c.platform))
	}
	var status string
	var statusStyle = st.Unknown
	if c.status > 0 {
		status, statusStyle = l.statusText(it)
		status = termtext.PadRight(status, c.status)
	}
	last := ""
	if c.last > 0 {
		last = " " + termtext.PadRight(lastSync, c.last)
	}
	rest := widget.Pad(l.width - 2 - c.name - sumCols(c))
	if selected {
		if c.status > 0 {
			b.WriteString(" ")
			b.WriteString(status)
		}
		b.WriteString(last)
		b.WriteString(rest)
		if l.focused {
			return st.Selected.Render(b.String())
		}
		return st.SelectedBlur.Render(b.String())
	}
	out := st.Row.Render(b.String())
	if c.status > 0 {
		out += " " + statusStyle.Render(status)
	}
	return out + last + rest
}

// statusText is a row's status cell: late or overdue, in words and a
// glyph, for a connector past its usual interval (never one in error or
// paused: those say more), else its status.
func (l *connectorList) statusText(c api.Connector) (string, lipgloss.Style) {
	if c.Status != monitor.StatusError && c.Status != "paused" {
		if t, style, ok := lateText(l.styles, l.late[c.ID]); ok {
			return t, style
		}
	}
	return widget.StatusText(l.styles, c.Status)
}

// lateText is a lateness as a status: "◔ late", "◕ overdue".
func lateText(st *Styles, late monitor.Lateness) (string, lipgloss.Style, bool) {
	switch late {
	case monitor.Late:
		return "◔ late", st.Warning, true
	case monitor.Overdue:
		return "◕ overdue", st.Stale, true
	}
	return "", lipgloss.Style{}, false
}

func sumCols(c columns) int {
	n := 0
	for _, x := range []int{c.platform, c.status, c.last} {
		if x > 0 {
			n += x + 1
		}
	}
	return n
}

func (l *connectorList) footer(status string) string {
	if l.mode.footer != "" {
		return l.mode.footer
	}
	if !l.loaded {
		return ""
	}
	m := l.meta
	pages := l.Pages()
	s := "page " + itoa(max(l.page, 1)) + "/" + itoa(pages) + " · " + widget.Plural(m.Total, "connector", "connectors")
	if pages > 1 && pages <= 12 && l.width >= len(s)+2*pages+3 {
		s += "  " + l.pager.View()
	}
	if len(l.items) > 0 && status != "" {
		s += " · " + status
	}
	return s
}

// Patch updates the row of a connector from a fresher detail answer, so the
// list never contradicts the detail pane between list refreshes.
func (l *connectorList) Patch(c api.Connector) {
	for i := range l.items {
		if l.items[i].ID == c.ID {
			old := l.items[i]
			l.items[i] = c
			if c.CreatedAt == nil && !c.CreatedAtUnknown {
				l.items[i].CreatedAt, l.items[i].CreatedAtUnknown = old.CreatedAt, old.CreatedAtUnknown
			}
			l.rows[i] = cachedRow{}
			return
		}
	}
}
