package ui

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"

	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

// wideAt is the width from which list and detail stand side by side.
const wideAt = 100

// stackAt is the body height from which a narrow terminal shows the detail
// below the list; below it, tab toggles between them.
const stackAt = 16

// layout sizes the panes for the terminal. Everything derives from width and
// height here, so a resize re-lays everything out.
func (m *Model) layout() {
	body := m.bodyHeight()
	lw, lh, dw, dh := m.paneSizes(body)
	m.list.SetSize(inner(lw, m.bordered(body)), inner(lh, m.bordered(body)))
	m.detail.SetSize(inner(dw, m.bordered(body)), inner(dh, m.bordered(body)))
	if f := m.openForm(); f != nil {
		fw, fh := dw, dh
		if m.width < wideAt {
			fw, fh = m.width, body
		}
		f.SetSize(inner(fw, m.bordered(body)), inner(fh, m.bordered(body)))
	}
	if v, ok := m.screens.top().(*errorsView); ok {
		v.SetSize(inner(m.width, m.bordered(body)), inner(body, m.bordered(body)))
	}
	m.prepareEdges(lw, dw)
}

// prepareEdges has the Styles render the box edges View will draw: the
// panes, the full-width overlays, the dialog and the form's field.
func (m *Model) prepareEdges(lw, dw int) {
	widths := []int{max(lw-2, 0), max(dw-2, 0), max(m.width-2, 0), dialogWidth(m.width)}
	if f := m.openForm(); f != nil {
		widths = append(widths, max(f.Width()-2, 0))
	}
	m.styles.PrepareEdges(widths...)
}

// dialogWidth is the width of a question's text.
func dialogWidth(width int) int { return max(min(width-4, 70), 1) }

func inner(n int, bordered bool) int {
	if bordered {
		return max(n-2, 0)
	}
	return max(n, 0)
}

// bodyHeight is what the header, status bar and help line leave.
func (m *Model) bodyHeight() int { return max(m.height-3, 0) }

// bordered says whether panes get a border: not when it would eat the room.
func (m *Model) bordered(body int) bool { return body >= 6 && m.width >= 24 }

// paneSizes returns the outer sizes of list and detail (0 when hidden).
func (m *Model) paneSizes(body int) (lw, lh, dw, dh int) {
	switch {
	case m.width >= wideAt:
		lw = m.width * 11 / 20
		return lw, body, m.width - lw, body
	case body >= stackAt:
		lh = body * 11 / 20
		return m.width, lh, m.width, body - lh
	case m.screens.focused() == layerDetail:
		return 0, 0, m.width, body
	}
	return m.width, body, 0, 0
}

// View renders the whole screen: header, body, status bar, help line; or,
// while keys are typed faster than frames, the frame held (typing.go).
func (m Model) View() string {
	if m.typing.held {
		return m.typing.frame
	}
	return renderOf(m)
}

// renderOf renders a copy of the model. View calls it rather than
// m.render(): a method with a pointer receiver moves View's m (5 KB) to
// the heap on every call, the held frame's too.
func renderOf(m Model) string { return m.render() }

func (m *Model) render() string {
	if m.quitting || m.width <= 0 || m.height <= 0 {
		return ""
	}
	now := m.now()
	var b strings.Builder
	b.WriteString(m.header())
	body := m.bodyHeight()
	if body > 0 {
		b.WriteByte('\n')
		b.WriteString(m.body(body))
	}
	if m.height >= 2 {
		b.WriteByte('\n')
		b.WriteString(m.statusBar(now))
	}
	if m.height >= 3 {
		b.WriteByte('\n')
		b.WriteString(m.helpLine())
	}
	return b.String()
}

func (m *Model) header() string {
	st := m.styles
	left := st.Title.Render("pixee-tui") + st.Host.Render(" · "+termtext.Sanitize(m.host()))
	// Badges in the order they matter; the last go first when the line is
	// too narrow for all.
	var badges []string
	if why := m.mon.WritesOff(); why != "" {
		badges = append(badges, st.DemoBadge.Render(" READ-ONLY "))
	}
	if m.opts.Demo {
		badges = append(badges, st.DemoBadge.Render(" DEMO "))
	}
	if n := m.feed.unacked(); n > 0 {
		badges = append(badges, st.Host.Render("⚑ "+strconv.Itoa(n)+" new · "+keymap.Keys(m.keys.Events)))
	}
	if m.opts.Who != "" {
		badges = append(badges, st.Host.Render(termtext.Sanitize(m.opts.Who)))
	}
	right := strings.Join(badges, " ")
	for len(badges) > 0 && lipgloss.Width(right) > m.width {
		badges = badges[:len(badges)-1]
		right = strings.Join(badges, " ")
	}
	for _, s := range m.summary {
		if s != "" && m.width-lipgloss.Width(left)-lipgloss.Width(right)-lipgloss.Width(s) >= 3 {
			left += "  " + s
			break
		}
	}
	gap := m.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		// Too narrow for both: the badge wins, it must never be missed.
		left = st.Title.Render(termtext.Truncate("pixee-tui", max(m.width-lipgloss.Width(right)-1, 0)))
		gap = max(m.width-lipgloss.Width(left)-lipgloss.Width(right), 0)
	}
	return left + widget.Pad(gap) + right
}

func (m *Model) body(h int) string { return m.screens.top().view(m, m.width, h) }

// panes are the list and the detail, or the form in the detail's place.
func (m *Model) panes(w, h int) string {
	now, st, bordered := m.now(), m.styles, m.bordered(h)
	lw, lh, dw, dh := m.paneSizes(h)
	form, focus := m.openForm(), m.screens.focused()
	var left, right []string
	if lw > 0 && lh > 0 {
		left = widget.Pane(m.list.View(now, m.listStatus()), lw, lh, bordered, st, focus == layerList && form == nil)
	}
	switch {
	case form != nil && m.width < wideAt:
		return strings.Join(widget.Pane(form.View(m.opts.Plain, m.spinner.View()), m.width, h, bordered, st, true), "\n")
	case form != nil:
		right = widget.Pane(form.View(m.opts.Plain, m.spinner.View()), dw, dh, bordered, st, true)
	case dw > 0 && dh > 0:
		right = widget.Pane(m.detail.View(now, m.detailFooter(now)), dw, dh, bordered, st, focus == layerDetail)
	}
	var all []string
	switch {
	case left == nil:
		all = right
	case right == nil:
		all = left
	case m.width >= wideAt:
		all = widget.Besides(left, right)
	default:
		all = append(left, right...)
	}
	return strings.Join(all, "\n")
}

// listStatus is the line the list shows instead of rows, or beside its
// page position: loading, empty, error.
func (m *Model) listStatus() string {
	t := m.mon.Target(monitor.PageTarget)
	switch {
	case m.mon.AuthErr() != nil:
		return "✗ " + m.mon.AuthErr().Error()
	case t.InFlight && (!m.list.Loaded() || t.Page != m.list.Meta().Page):
		return m.spinner.View() + " loading page " + itoa(t.Page) + "…"
	case t.Err != nil && !m.list.Loaded():
		return "✗ " + m.errText(t.Err)
	case t.Err != nil:
		return "stale: " + m.errText(t.Err)
	case m.fleet.active() && m.list.Len() == 0:
		return "no connector matches “" + m.fleet.query + "”"
	case m.list.Loaded() && m.list.Len() == 0 && (m.list.Meta().Total > 0 || m.list.Page() > 1):
		// The count says there are connectors: say what is true.
		return "the server returned an empty page " + itoa(m.list.Page()) + " of " + itoa(m.list.Pages())
	case m.list.Loaded() && m.list.Len() == 0:
		return "no connectors on this account"
	case !m.list.Loaded():
		return m.spinner.View() + " loading connectors…"
	}
	return ""
}

// detailFooter is the freshness line of the detail pane. It does not tick
// every second (the status bar does): an idle screen redraws one line a
// second, not two.
func (m *Model) detailFooter(now time.Time) string {
	if m.detail.ID() == "" {
		return ""
	}
	t := m.mon.Target(monitor.SelectedTarget)
	held, stopped, paused := m.mon.HoldOff() > 0, m.mon.AuthErr() != nil, m.mon.Paused()
	var s string
	switch {
	case t.LastOK.IsZero() && t.Err == nil:
		s = "loading…"
	case t.Err != nil && t.LastOK.IsZero():
		s = "✗ " + m.errText(t.Err)
	case t.Err != nil:
		s = "stale · last OK " + t.LastOK.In(m.opts.Location).Format("15:04:05") + " · " + m.errText(t.Err)
	case m.detail.Cached():
		// Shown from memory while a fresh answer is awaited: say how old.
		s = "cached · " + widget.Ago(now, t.LastOK)
	case paused:
		s = "updated " + t.LastOK.In(m.opts.Location).Format("15:04:05")
	case held || stopped:
		s = "updated " + widget.Ago(now, t.LastOK) // not live: the suffix says why
	default:
		s = "live · every " + widget.Duration(m.mon.Every())
	}
	switch {
	case paused:
		s += " · ‖ paused"
	case held:
		s += " · not refreshing: rate limited"
	case stopped:
		s += " · not refreshing"
	case m.detail.Gone():
	case m.detail.Cached():
		s += " · refreshing…"
	}
	return s
}

// statusBar is one line: freshness, requests in flight, the API budget
// left, rate-limit and key trouble, pause, and the transient message. It is
// the only line that changes every second when nothing happens, so it is
// kept short and mostly unstyled.
func (m *Model) statusBar(now time.Time) string {
	st := m.styles
	parts := make([]string, 0, 6)
	parts = append(parts, m.freshness(now))
	if ix := m.indexStatus(); ix != "" {
		parts = append(parts, ix)
	}
	if n := m.mon.InFlight(); n > 0 {
		parts = append(parts, itoa(n)+" in flight")
	}
	if rl, ok := m.mon.Budget(); ok && rl.Remaining >= 0 {
		r := "API budget " + itoa(rl.Remaining)
		if rl.Limit > 0 {
			r += "/" + itoa(rl.Limit)
		}
		parts = append(parts, r)
	}
	if wait := m.mon.HoldOff(); wait > 0 {
		parts = append(parts, st.Stale.Render(m.mon.HoldReason()+" · next request in "+widget.Duration(wait)))
	}
	if err := m.mon.AuthErr(); err != nil {
		why := "key rejected"
		if errors.Is(err, api.ErrForbidden) {
			why = "permission denied"
		}
		parts = append(parts, st.Error.Render("polling stopped: "+why+" ("+keymap.Keys(m.keys.Refresh)+" retries)"))
	}
	if m.mon.Paused() {
		parts = append(parts, st.Stale.Render("‖ paused"))
	}
	if m.flash != "" {
		style := st.Flash
		if m.flashIsError {
			style = st.Error
		}
		parts = append(parts, style.Render(m.flash))
	}
	line := strings.Join(parts, " · ")
	if widget.VisibleWidth(line) > m.width {
		return termtext.Truncate(ansi.Strip(line), m.width)
	}
	return line
}

// freshness is the status bar's first part: how old the data is, and why
// it is stale.
func (m *Model) freshness(now time.Time) string {
	st := m.styles
	lt, dt := m.mon.Target(monitor.PageTarget), m.mon.Target(monitor.SelectedTarget)
	last := lt.LastOK
	if dt.LastOK.After(last) {
		last = dt.LastOK
	}
	stale := lt.Err != nil || dt.Err != nil
	switch {
	case last.IsZero() && stale:
		s := st.Stale.Render("no data yet")
		if m.mon.AuthErr() == nil && !m.mon.Paused() { // otherwise nothing is retried
			s += " · retrying"
		}
		return s
	case last.IsZero():
		return "connecting…"
	case stale:
		s := st.Stale.Render("stale") + " · last OK " + last.In(m.opts.Location).Format("15:04") + ", " + widget.Ago(now, last)
		if why := failureReason(dt.Err, lt.Err); why != "" {
			s += " · " + why
		}
		return s
	}
	return "updated " + widget.Ago(now, last)
}

// failureReason is why the data is stale, said in full in the status bar:
// the panes' footers cut it to their width. A rate limit is left out, its
// countdown says more.
func failureReason(errs ...error) string {
	for _, err := range errs {
		var rl *api.RateLimitError
		if err != nil && !errors.As(err, &rl) {
			return err.Error()
		}
	}
	return ""
}

// helpLine is the short help. It is the same on almost every frame, so
// Update renders it into helpCache (prepareHelp) and View reads it there.
// The cache keeps the last few lines by what they show (width and the set
// of enabled keys): a key press and its answer often flip between two.
// Copies of the model share it, which is safe for the same reason.
func (m *Model) helpLine() string {
	if m.helpShown.width != m.width {
		return m.renderHelpLine() // sized since (not by an Update)
	}
	if text, ok := m.helpCache.get(m.helpShown); ok {
		return text
	}
	return m.renderHelpLine()
}

func (m *Model) prepareHelp() {
	if m.width <= 0 || m.height < 3 {
		return // not drawn
	}
	k := m.helpKeyNow()
	m.helpShown = k
	if !m.helpCache.has(k) {
		m.helpCache.put(k, m.renderHelpLine())
	}
}

func (m *Model) renderHelpLine() string {
	return m.shortHelp(m.helpKeys(), m.width)
}

// overlayHelp is what the help overlay lists: the browsing keys, greyed
// where idle, then the keys of the sync form and of a question, which are
// only live there.
func (m *Model) overlayHelp() keymap.Help {
	k := m.keys
	h := m.browseHelp()
	full := append([][]key.Binding(nil), h.Full...)
	if m.mon.WritesOff() == "" { // the form and its question cannot open otherwise
		full = append(full, enabled(k.Submit, k.CloseForm, k.ProblemsDown, k.ProblemsUp), enabled(k.Yes, k.No))
	}
	full = append(full, enabled(k.Back))
	return keymap.Help{Short: h.Short, Full: full}
}

// helpKeyNow is what the help line shows: the screen on top, which of its
// keys are listed, which are live. Read from the bindings without drawing
// their help.
func (m *Model) helpKeyNow() helpKey {
	top := m.screens.top()
	key := helpKey{width: m.width, screen: reflect.TypeOf(top), paused: m.mon.Paused()}
	if h, ok := top.(helped); ok {
		for i, b := range h.help(m).Short {
			key.listed |= 1 << i
			if b.Enabled() {
				key.live |= 1 << i
			}
		}
		return key
	}
	for _, b := range top.bindings(m) {
		if b.short <= 0 || b.group < 0 || b.short >= 64 || b.Off(m) != "" {
			continue
		}
		key.listed |= 1 << b.short
		if b.Disabled(m) == "" {
			key.live |= 1 << b.short
		}
	}
	return key
}

type helpKey struct {
	width        int
	screen       reflect.Type
	listed, live uint64 // by place on the line
	paused       bool   // p reads "resume"
}

// helpLineCache holds the last few help lines rendered.
type helpLineCache struct {
	entries [4]struct {
		key  helpKey
		text string
	}
	next int
}

func (c *helpLineCache) get(k helpKey) (string, bool) {
	for _, e := range c.entries {
		if e.text != "" && e.key == k {
			return e.text, true
		}
	}
	return "", false
}

func (c *helpLineCache) has(k helpKey) bool {
	_, ok := c.get(k)
	return ok
}

func (c *helpLineCache) put(k helpKey, text string) {
	c.entries[c.next].key, c.entries[c.next].text = k, text
	c.next = (c.next + 1) % len(c.entries)
}

func (m *Model) dialogView(room int) []string {
	return m.question().View(m.styles, m.keys, dialogWidth(m.width), room)
}

// center places a block of lines (all the same width) in the middle of a
// w×h area.
func center(block []string, w, h int) []string {
	bw := 0
	if len(block) > 0 {
		bw = widget.VisibleWidth(block[0])
	}
	left := max((w-bw)/2, 0)
	top := max((h-len(block))/2, 0)
	out := make([]string, 0, h)
	for i := 0; i < top; i++ {
		out = append(out, widget.Pad(w))
	}
	for _, l := range block {
		if len(out) == h {
			break
		}
		out = append(out, widget.FitLine(widget.Pad(left)+l, w))
	}
	for len(out) < h {
		out = append(out, widget.Pad(w))
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
