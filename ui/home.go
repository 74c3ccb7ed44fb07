package ui

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/accounts"
	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

// The home screen of accounts: one row per account, every account watched
// (package accounts) whichever is on screen. It is the first screen when
// the dashboard has several accounts and a watcher, and W (accounts_home)
// opens it from browsing; enter opens the account as the switcher does.
// space (mark) marks accounts, and L (merged_list) then opens the merged
// list over the marked ones (every account when none is); J
// (open_latest_event) opens the connector of the latest event on an
// account's row, in that account, through the jump the merged list uses.
// An event of an account not on screen is listed on its row and said in
// the status bar with the account's name.

// Watcher is the dashboard's view of the watches of its accounts: told
// which account is on screen, so that its watch pauses while the
// dashboard's own monitor polls it. Its snapshots (accounts.Snapshot)
// arrive as messages.
type Watcher interface {
	Show(i int)
}

var _ = registerKeys("home", &homeScreen{})

// homeScreen is the home screen's cursor.
type homeScreen struct{ cursor int }

// home is what the watches said last; shared by copies, written in
// Update only.
type home struct {
	rows     []accounts.Row
	latest   map[int]monitor.Event // the newest event of each account not on screen, its name sanitized
	marked   map[int]bool          // the accounts marked for the merged list
	rungAt   time.Time             // the last bell for an account not on screen
	dropped  int
	received bool
}

// homeBell is the least time between two bells for accounts not on
// screen: their events are on the home screen and in the status bar.
const homeBell = time.Minute

func (m *Model) homeOff() string {
	if m.opts.Home == nil || len(m.opts.Accounts) < 2 {
		return "one account: no home screen of accounts"
	}
	return ""
}

// openHome shows the home screen, its cursor on the account on screen.
func (m *Model) openHome(tea.KeyMsg) tea.Cmd {
	m.screens.push(&homeScreen{cursor: m.index})
	return nil
}

func (h *homeScreen) bindings(m *Model) []binding {
	k := m.keys
	notAccount := func() string {
		if h.cursor >= len(m.opts.Accounts) {
			return "not an account: marks are for accounts"
		}
		return ""
	}
	latest := func() string { _, why := m.latestEventAt(h.cursor); return why }
	return m.overlayRow(m.bind("open", &k.Open).says("open account"), m.bind("back", &k.Back),
		m.bind("mark", &k.Mark).says("mark for the merged list").when(notAccount).do(func(tea.KeyMsg) tea.Cmd {
			m.toggleMark(h.cursor)
			return nil
		}),
		m.bind("merged_list", &k.MergedList).do(m.openMerged),
		m.bind("open_latest_event", &k.OpenLatest).when(latest).do(func(tea.KeyMsg) tea.Cmd {
			e, _ := m.latestEventAt(h.cursor)
			return m.jumpTo(h.cursor, api.Connector{ID: e.ConnectorID, Name: e.Name}, nil)
		}),
		m.bind("quit", &k.Quit).do(m.quit))
}

// homeState is what the home screen keeps, made on first use.
func (m *Model) homeState() *home {
	if m.home == nil {
		m.home = &home{latest: map[int]monitor.Event{}, marked: map[int]bool{}}
	}
	return m.home
}

// toggleMark marks account i for the merged list, or unmarks it.
func (m *Model) toggleMark(i int) {
	h := m.homeState()
	if h.marked[i] {
		delete(h.marked, i)
		return
	}
	h.marked[i] = true
}

// markedAccounts are the marked accounts in the config's order; nil when
// none is (the merged list then covers every account).
func (m *Model) markedAccounts() []int {
	if m.home == nil {
		return nil
	}
	var out []int
	for i := range m.opts.Accounts {
		if m.home.marked[i] {
			out = append(out, i)
		}
	}
	return out
}

// latestEventAt is the latest event on account i's row, or why there is
// none to open.
func (m *Model) latestEventAt(i int) (monitor.Event, string) {
	if i < 0 || i >= len(m.opts.Accounts) {
		return monitor.Event{}, "not an account: only an account's row has a latest event"
	}
	e, ok := m.home.latestOf(i)
	switch {
	case !ok || i == m.index:
		return e, "no event on this row (the account on screen lists its own under " + keymap.Keys(m.keys.Events) + ")"
	case e.ConnectorID == "":
		return e, "the latest event names no connector"
	}
	return e, ""
}

func (h *homeScreen) key(m *Model, msg tea.KeyMsg) tea.Cmd {
	return m.homeKey(h, msg) // the accounts, then the saved views (views.go)
}

func (h *homeScreen) view(m *Model, w, hgt int) string {
	return strings.Join(widget.Pane(strings.Join(m.homeLines(h.cursor, w), "\n"), w, hgt, m.bordered(hgt), m.styles, true), "\n")
}

// shown tells the watcher which account is on screen.
func (m *Model) shown() {
	if m.opts.Home != nil {
		m.opts.Home.Show(m.index)
	}
}

// onAccounts takes what the watches saw: the rows, and the events of each
// account. Those of an account not on screen are kept in its feed when it
// was opened here (its log was written by the watcher), listed on its row
// and said in the status bar with its name.
func (m *Model) onAccounts(s accounts.Snapshot) tea.Cmd {
	h := m.homeState()
	h.rows, h.received = s.Rows, true
	h.dropped += s.Dropped
	var cmds []tea.Cmd
	for _, b := range s.Events {
		if b.Account < 0 || b.Account >= len(m.opts.Accounts) || len(b.Events) == 0 {
			continue
		}
		evs := make([]monitor.Event, len(b.Events))
		for i, e := range b.Events {
			e.Name = termtext.Sanitize(e.Name)
			evs[i] = e
		}
		if b.Account == m.index { // seen just before the switch to it
			cmds = append(cmds, m.keepEvents(m.feed, evs, false))
			continue
		}
		if a, ok := m.accounts[b.Account]; ok {
			a.feed.keep(evs)
		}
		name := termtext.Sanitize(m.opts.Accounts[b.Account].Name)
		h.latest[b.Account] = evs[len(evs)-1]
		var alerts monitor.Alerts // this batch's bad events, said as one
		ring, _ := alerts.Add(m.now(), evs)
		if ring == "" {
			continue
		}
		m.flashMsg(name+": "+termtext.Sanitize(ring), true)
		if m.now().Sub(h.rungAt) >= homeBell {
			h.rungAt = m.now()
			cmds = append(cmds, m.feed.ring(name+": "+ring))
		}
	}
	return tea.Batch(cmds...)
}

// homeRow is one account's row: the watcher's, or, for the account on
// screen, the dashboard's own monitor's.
func (m *Model) homeRow(i int) (accounts.Row, bool) {
	var r accounts.Row
	if m.home != nil && i < len(m.home.rows) {
		r = m.home.rows[i]
	}
	spec := m.opts.Accounts[i]
	r.Name, r.Host = spec.Name, spec.Host
	switch a, parked := m.accounts[i]; {
	case i == m.index:
		r.Summary, r.Unacked, r.Opened, r.OnScreen = shared.Summarize(&m.mon), m.feed.unacked(), true, true
	case parked:
		r.Unacked = a.feed.unacked() // acknowledged here, not in the log
	}
	return r, i == m.index || (m.home != nil && i < len(m.home.rows))
}

// homeNarrow is the width under which the home screen's rows are the
// name (8), the errors, the late and the reach only: what a glance at a
// narrow terminal is for (the account on screen starred: the header
// naming it is cut there too).
const homeNarrow = 62

// homeLines are the home screen's lines at width w, the row at cursor
// marked.
func (m *Model) homeLines(cursor, w int) []string {
	narrow := w < homeNarrow
	head := fmt.Sprintf("     %-22s %-13s %5s %5s %6s %6s %6s  %-24s %-10s %s", "ACCOUNT", "REACH", "ERROR", "LATE", "PAUSED", "ACTIVE", "EVENTS", "TOP CAUSE", "BUDGET", "INDEX")
	nameW := 22
	if narrow {
		nameW, head = 8, fmt.Sprintf("     %-8s %5s %5s %s", "ACCOUNT", "ERROR", "LATE", "REACH")
	}
	lines := []string{m.homeTitle(), "", head}
	now := m.now()
	for i := range m.opts.Accounts {
		r, known := m.homeRow(i)
		mark := "  "
		if i == cursor {
			mark = "▶ "
		}
		name := termtext.Truncate(termtext.Sanitize(r.Name), nameW)
		switch {
		case r.OnScreen && narrow: // "* on screen" under the rows: the header is cut there too
			name = termtext.Truncate(termtext.Sanitize(r.Name), nameW-1) + "*"
		case r.OnScreen:
			name = termtext.Truncate(termtext.Sanitize(r.Name), 13) + " (shown)"
		}
		marked := "  "
		if m.home != nil && m.home.marked[i] {
			marked = "✓ "
		}
		line := fmt.Sprintf(" %s%s%s ", mark, marked, termtext.PadRight(name, nameW))
		switch {
		case r.Err != "":
			line += "cannot open: " + termtext.Sanitize(r.Err)
		case !known || !r.Opened:
			line += "opening…"
		default:
			line += homeColumns(r, now, narrow)
		}
		lines = append(lines, line)
		if e, ok := m.home.latestOf(i); ok && !r.OnScreen {
			lines = append(lines, "         latest: "+termtext.Sanitize(e.Text()))
		}
	}
	if narrow {
		lines = append(lines, "     * on screen")
	}
	lines = append(lines, m.viewLines(cursor)...)
	if m.home != nil && m.home.dropped > 0 {
		lines = append(lines, "", fmt.Sprintf(" %s of other accounts not shown: the screen fell behind", widget.Plural(m.home.dropped, "batch of events", "batches of events")))
	}
	return lines
}

// homeTitle is the home screen's first line: the marks, and its keys
// (derived from the bindings).
func (m *Model) homeTitle() string {
	k := m.keys
	t := " Accounts"
	merged := " merged list"
	if n := len(m.markedAccounts()); n > 0 {
		t += fmt.Sprintf(" · %d of %d marked", n, len(m.opts.Accounts))
		merged = " merged list of the marked"
	}
	return t + " · " + keymap.Keys(k.Open) + " opens · " + keymap.Keys(k.Mark) + " marks · " + keymap.Keys(k.MergedList) + merged +
		" · " + keymap.Keys(k.Back) + " closes"
}

func (h *home) latestOf(i int) (monitor.Event, bool) {
	if h == nil {
		return monitor.Event{}, false
	}
	t, ok := h.latest[i]
	return t, ok
}

// homeColumns are a row's columns after its name: reach said plainly,
// counts by status (late counts the late and the overdue, past their
// usual interval: the list says which), unacknowledged events, top cause, budget, index.
func homeColumns(r accounts.Row, now time.Time, narrow bool) string {
	s := r.Summary
	cause := "—"
	if s.TopCause != "" {
		cause = fmt.Sprintf("%s ×%d", termtext.Sanitize(s.TopCause), s.TopCauseCount)
	}
	budget := "—"
	if s.Budget.Known {
		budget = fmt.Sprintf("%d/%d", s.Budget.Remaining, s.Budget.Limit)
	}
	index := "not yet"
	switch ix := s.Index; {
	case ix.Complete:
		index = fmt.Sprintf("complete, %d · %s", ix.Known, widget.Ago(now, ix.DoneAt))
	case ix.Total > 0:
		index = fmt.Sprintf("%d of %d", ix.Known, ix.Total)
	}
	n := func(v int) string { return fmt.Sprint(v) }
	if s.Counts == (monitor.StatusCounts{}) && s.Index.Known == 0 && !s.Index.Complete {
		n = func(int) string { return "—" } // nothing known yet: no "0 in error" for an account never read
	}
	if narrow {
		return fmt.Sprintf("%5s %5s %s", n(s.Counts.Error), n(s.Counts.Late+s.Counts.Overdue), s.Reach)
	}
	return fmt.Sprintf("%-13s %5s %5s %6s %6s %6d  %-24s %-10s %s", s.Reach, n(s.Counts.Error), n(s.Counts.Late+s.Counts.Overdue),
		n(s.Counts.Paused), n(s.Counts.Active), r.Unacked, termtext.Truncate(cause, 24), budget, index)
}
