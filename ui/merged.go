package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

// The merged list (L on the home screen): every account's connectors in
// one list, with an account column, / filter, o sort, e the errors
// grouped by cause across accounts (one cause on three customers is one
// group naming the three), x export. It is built from each account's
// index: the watch's published copy (package accounts) for an account not
// on screen, the dashboard's own monitor for the one on screen; no request
// is made for it. An incomplete index is said "so far", per account.
//
// Nothing writes from here: enter, s, S and t open the connector in its
// account (switching to it as the switcher does), and s, S and t then act
// there through that account's own session — its client and key, its
// history, its read-only rules — and the sync's question names the
// account.

var (
	_ = registerKeys("merged", &mergedScreen{})
	_ = registerKeys("merged_filter", mergedFilter{})
)

// mergedSort is the merged list's order.
type mergedSort int

const (
	mergedByAccount mergedSort = iota
	mergedByName
	mergedByStatus // errors first, then overdue, late
	mergedByPlatform
	mergedByLastSync // stalest first
	nMergedSorts
)

func (s mergedSort) String() string {
	return [...]string{"account", "name", "status (errors, then late first)", "platform", "last sync (stalest first)"}[s]
}

// mergedRow is one connector of one account: rows are keyed by both.
type mergedRow struct {
	acct int
	c    api.Connector
	late monitor.Lateness // when the rows were built
	hay  string           // name, platform, status (and "late", "overdue"), id and account, folded
}

// mergedFail is one connector in error of one account.
type mergedFail struct {
	acct int
	f    monitor.Failing
}

// mergedGroup is one cause across accounts.
type mergedGroup struct {
	cause string
	accts []int // the accounts it is on, in the config's order
	items []mergedFail
}

// mergedScreen is the merged list; its rows are rebuilt in Update when an
// index moved (sig), never in View.
type mergedScreen struct {
	accts   []int  // the accounts it covers, in the config's order; nil: every one
	from    string // the saved view it was opened from, if any
	cursor  int
	query   string
	q       monitor.Query
	sort    mergedSort
	errs    bool // the errors view, grouped by cause
	sig     string
	lateAt  time.Time // when a row's lateness next moves with time alone (zero: not by time)
	rows    []mergedRow
	order   []int // every row, in the sort's order (sorted when the rows or the sort change)
	shown   []int // rows matching the filter, in the sort's order
	groups  []mergedGroup
	picks   []mergedFail // the errors view's connectors, in its order
	waiting int          // connectors in error whose last_error is not read yet
	partial []string     // "globex so far · index 10/30", per account incomplete
	hits    mergedHits   // the filter's earlier matches (merged_filter.go)
}

// openMerged is L: the merged list over the home screen, of the marked
// accounts (every account when none is marked).
func (m *Model) openMerged(tea.KeyMsg) tea.Cmd {
	m.pushMerged(&mergedScreen{accts: m.markedAccounts()})
	return nil
}

// pushMerged shows ms, its rows built, its filter and sort applied.
func (m *Model) pushMerged(ms *mergedScreen) {
	ms.q = monitor.ParseQuery(ms.query)
	m.refreshMerged(ms)
	m.screens.push(ms)
}

// covers says the merged list holds account i's connectors.
func (ms *mergedScreen) covers(i int) bool { return ms.accts == nil || slices.Contains(ms.accts, i) }

// mergedSources are each account's index, nil for an account with none
// yet: the on-screen account's monitor, a watch's published copy, or a
// parked account's own monitor.
func (m *Model) mergedSources() []*monitor.Monitor {
	out := make([]*monitor.Monitor, len(m.opts.Accounts))
	for i := range out {
		switch a, parked := m.accounts[i]; {
		case i == m.index:
			out[i] = &m.mon
		case m.home != nil && i < len(m.home.rows) && m.home.rows[i].Fleet != nil:
			mon := monitor.New(monitor.Options{Now: m.opts.Now, Fleet: fixedFleet{m.home.rows[i].Fleet}})
			out[i] = &mon
		case parked:
			out[i] = &a.mon
		}
	}
	return out
}

// fixedFleet is one published index, read as a monitor's fleet.
type fixedFleet struct{ v *monitor.FleetView }

func (f fixedFleet) Fleet() *monitor.FleetView { return f.v }

// mergedSig moves whenever an index the merged list reads does.
func (m *Model) mergedSig() string {
	var b strings.Builder
	fmt.Fprint(&b, m.index, m.mon.FleetVersion(), m.mon.Index())
	for i := range m.opts.Accounts {
		if m.home != nil && i < len(m.home.rows) {
			fmt.Fprintf(&b, "|%p", m.home.rows[i].Fleet)
		}
		if a, ok := m.accounts[i]; ok {
			fmt.Fprint(&b, "|", a.mon.FleetVersion())
		}
	}
	return b.String()
}

// refreshMerged rebuilds ms's rows and groups when an index moved.
func (m *Model) refreshMerged(ms *mergedScreen) {
	sig := m.mergedSig()
	if sig == ms.sig && ms.rows != nil && (ms.lateAt.IsZero() || m.now().Before(ms.lateAt)) {
		return
	}
	ms.sig, ms.rows, ms.groups, ms.partial, ms.waiting, ms.lateAt = sig, ms.rows[:0], nil, nil, 0, time.Time{}
	byCause := map[string]*mergedGroup{}
	for i, src := range m.mergedSources() {
		if !ms.covers(i) {
			continue
		}
		name := m.opts.Accounts[i].Name
		if src == nil {
			ms.partial = append(ms.partial, name+" not read yet")
			continue
		}
		switch ix := src.Index(); {
		case !ix.On:
			ms.partial = append(ms.partial, name+" so far · no index: its page on screen only")
		case soFar(ix) != "":
			ms.partial = append(ms.partial, name+" "+soFar(ix))
		}
		src.Store().Each(func(c api.Connector) {
			late, status := monitor.OnTime, c.Status
			if c.Status != monitor.StatusError && c.Status != "paused" {
				late = src.Lateness(c.ID)
			}
			switch late { // as the account's own list: a filter on "late" finds the overdue too
			case monitor.Late:
				status += " late"
			case monitor.Overdue:
				status += " late overdue"
			}
			ms.rows = append(ms.rows, mergedRow{acct: i, c: c, late: late,
				hay: monitor.FoldFieldsForMatch(c.Name, c.Platform, status, c.ID, name).Text()})
		})
		if t := src.Counts().LateChange; t.After(m.now()) && (ms.lateAt.IsZero() || t.Before(ms.lateAt)) { // never a rebuild on every message
			ms.lateAt = t
		}
		known, waiting := src.Failures()
		ms.waiting += len(waiting)
		for _, f := range known {
			addFailing(byCause, i, f)
		}
	}
	if ms.rows == nil {
		ms.rows = []mergedRow{}
	}
	ms.setGroups(byCause)
	ms.sortRows()
	m.filterMerged(ms)
}

// sortRows orders every row by the sort: once per rebuild or sort, so a
// keystroke of the filter only matches.
func (ms *mergedScreen) sortRows() {
	ms.order = ms.order[:0]
	for i := range ms.rows {
		ms.order = append(ms.order, i)
	}
	slices.SortFunc(ms.order, func(a, b int) int { return ms.compare(ms.rows[a], ms.rows[b]) })
}

// addFailing puts f of account acct in its cause's group.
func addFailing(byCause map[string]*mergedGroup, acct int, f monitor.Failing) {
	c := monitor.Cause(f.LastError)
	g := byCause[c]
	if g == nil {
		g = &mergedGroup{cause: c}
		byCause[c] = g
	}
	if !slices.Contains(g.accts, acct) {
		g.accts = append(g.accts, acct)
		slices.Sort(g.accts)
	}
	g.items = append(g.items, mergedFail{acct: acct, f: f})
}

// setGroups orders the groups (the largest first, then by cause), their
// connectors by account then name, and lists the connectors to pick.
func (ms *mergedScreen) setGroups(byCause map[string]*mergedGroup) {
	ms.groups, ms.picks = ms.groups[:0], ms.picks[:0]
	for _, g := range byCause {
		slices.SortFunc(g.items, func(a, b mergedFail) int {
			return cmp.Or(a.acct-b.acct, strings.Compare(a.f.Name, b.f.Name), strings.Compare(a.f.ID, b.f.ID))
		})
		ms.groups = append(ms.groups, *g)
	}
	slices.SortFunc(ms.groups, func(a, b mergedGroup) int {
		return cmp.Or(len(b.items)-len(a.items), strings.Compare(a.cause, b.cause))
	})
	for _, g := range ms.groups {
		ms.picks = append(ms.picks, g.items...)
	}
}

func (ms *mergedScreen) compare(a, b mergedRow) int {
	byName := cmp.Or(strings.Compare(strings.ToLower(a.c.Name), strings.ToLower(b.c.Name)), a.acct-b.acct, strings.Compare(a.c.ID, b.c.ID))
	switch ms.sort {
	case mergedByName:
		return byName
	case mergedByStatus:
		return cmp.Or(statusRank(a.c.Status, a.late)-statusRank(b.c.Status, b.late), byName)
	case mergedByPlatform:
		return cmp.Or(strings.Compare(a.c.Platform, b.c.Platform), byName)
	case mergedByLastSync:
		return cmp.Or(compareStale(a.c, b.c), byName)
	}
	return cmp.Or(a.acct-b.acct, byName)
}

// n is how many rows the cursor moves over.
func (ms *mergedScreen) n() int {
	if ms.errs {
		return len(ms.picks)
	}
	return len(ms.shown)
}

func (ms *mergedScreen) clamp() { ms.cursor = max(min(ms.cursor, ms.n()-1), 0) }

// selected is the connector under the cursor: its account, id and name.
func (ms *mergedScreen) selected() (acct int, c api.Connector, ok bool) {
	switch {
	case ms.errs && ms.cursor < len(ms.picks):
		p := ms.picks[ms.cursor]
		return p.acct, api.Connector{ID: p.f.ID, Name: p.f.Name, Platform: p.f.Platform}, true
	case !ms.errs && ms.cursor < len(ms.shown):
		r := ms.rows[ms.shown[ms.cursor]]
		return r.acct, r.c, true
	}
	return 0, api.Connector{}, false
}

// soFarOf is " so far" when an account's index is incomplete.
func (ms *mergedScreen) soFarOf() string {
	if len(ms.partial) > 0 {
		return " so far"
	}
	return ""
}

func (m *Model) accountName(i int) string {
	if i < 0 || i >= len(m.opts.Accounts) {
		return ""
	}
	return termtext.Sanitize(m.opts.Accounts[i].Name)
}

// mergedExport is x: the rows as shown, with their accounts, through the
// export prompt; partial when an account's index is.
func (m *Model) mergedExport(ms *mergedScreen) {
	rows := make([]api.Connector, 0, len(ms.shown))
	accts := make([]string, 0, len(ms.shown))
	for _, i := range ms.shown {
		rows = append(rows, ms.rows[i].c)
		accts = append(accts, m.opts.Accounts[ms.rows[i].acct].Name)
	}
	m.pushExport(rows, accts, strings.Join(ms.partial, "; "))
}

// mergedHint is the title's keys: those that can be pressed here.
func (m *Model) mergedHint() string {
	k := m.keys
	export := keymap.Keys(k.Export) + " export · "
	if m.exportOff() != "" {
		export = "" // off over SSH: the key says why when pressed
	}
	return keymap.Keys(k.Open) + " opens · " + keymap.Keys(k.Filter) + " filter · " + keymap.Keys(k.Sort) + " sort · " +
		keymap.Keys(k.Errors) + " errors · " + export + keymap.Keys(k.Back) + " closes"
}

// mergedHead is the merged view's first lines: what it is, the filter,
// and the accounts whose index is incomplete.
func (m *Model) mergedHead(ms *mergedScreen) []string {
	var title string
	if ms.errs {
		title = fmt.Sprintf(" Errors across %s · %s · %s%s", m.mergedScope(ms, "accounts"), widget.Plural(len(ms.picks), "connector", "connectors"),
			widget.Plural(len(ms.groups), "cause", "causes"), ms.soFarOf())
		if ms.waiting > 0 {
			title += fmt.Sprintf(" · %d more whose error is not read yet", ms.waiting)
		}
	} else {
		title = fmt.Sprintf(" %s · %s of %s%s · by %s", m.mergedScope(ms, "All accounts"), widget.Thousands(len(ms.shown)),
			widget.Plural(len(ms.rows), "connector", "connectors"), ms.soFarOf(), ms.sort)
	}
	if ms.from != "" {
		title = " view “" + termtext.Sanitize(ms.from) + "” ·" + title
	}
	lines := []string{title + " · " + m.mergedHint()}
	if ms.query != "" {
		lines = append(lines, " filter: "+termtext.Sanitize(ms.query))
	}
	for _, p := range ms.partial {
		lines = append(lines, " "+termtext.Sanitize(p))
	}
	return append(lines, "")
}

// mergedScope says which accounts the merged list covers: all, or "2 of
// 5 accounts: acme, globex" (three names at most, then "…").
func (m *Model) mergedScope(ms *mergedScreen, all string) string {
	if ms.accts == nil || len(ms.accts) == len(m.opts.Accounts) {
		return all
	}
	var names []string
	for j, i := range ms.accts {
		if j == 3 {
			names = append(names, "…")
			break
		}
		names = append(names, termtext.Truncate(m.accountName(i), 14))
	}
	return fmt.Sprintf("%d of %s: %s", len(ms.accts), widget.Plural(len(m.opts.Accounts), "account", "accounts"), strings.Join(names, ", "))
}

// mergedLines are the merged view's lines and the line of the cursor.
func (m *Model) mergedLines(ms *mergedScreen, h int) ([]string, int) {
	lines := m.mergedHead(ms)
	at := -1
	if ms.errs {
		for _, g := range ms.groups {
			names := make([]string, len(g.accts))
			for i, a := range g.accts {
				names[i] = m.accountName(a)
			}
			lines = append(lines, fmt.Sprintf(" %s · %s · on %s", termtext.Sanitize(g.cause),
				widget.Plural(len(g.items), "connector", "connectors"), strings.Join(names, ", ")))
			for _, it := range g.items {
				if len(ms.picks) > 0 && ms.picks[ms.cursor] == it {
					at = len(lines)
				}
				lines = append(lines, fmt.Sprintf("   %-14s %s (%s)", termtext.Truncate(m.accountName(it.acct), 14),
					termtext.Sanitize(it.f.Name), termtext.Sanitize(platformName(it.f.Platform))))
			}
		}
		return lines, at
	}
	lines = append(lines, fmt.Sprintf("   %-14s %-32s %-12s %s", "ACCOUNT", "NAME", "PLATFORM", "STATUS"))
	lo, hi := ms.inView(h) // the rows a frame of h lines can show, no others
	for n, i := range ms.shown[lo:hi] {
		r := ms.rows[i]
		if lo+n == ms.cursor {
			at = len(lines)
		}
		lines = append(lines, fmt.Sprintf("   %s %s %s %s", termtext.PadRight(termtext.Truncate(m.accountName(r.acct), 14), 14),
			termtext.PadRight(termtext.Clean(r.c.Name, 32), 32), termtext.PadRight(termtext.Clean(r.c.Platform, 12), 12),
			m.mergedStatus(r)))
	}
	return lines, at
}

// mergedStatus is a row's status cell as the account's own list says it:
// glyph and word (late or overdue past the usual interval), in colour
// when there is colour, never by colour alone.
func (m *Model) mergedStatus(r mergedRow) string {
	if r.c.Status != monitor.StatusError && r.c.Status != "paused" {
		if t, style, ok := lateText(m.styles, r.late); ok {
			return style.Render(t)
		}
	}
	t, style := widget.StatusText(m.styles, termtext.Sanitize(r.c.Status))
	return style.Render(t)
}

// mergedBody is the view in w×h: the head, then rows scrolled so the
// cursor's is in view (the offset was kept in range by Update).
func (m *Model) mergedBody(ms *mergedScreen, w, h int) string {
	lines, at := m.mergedLines(ms, h)
	bordered := m.bordered(h)
	room := h
	if bordered {
		room -= 2
	}
	head := len(m.mergedHead(ms))
	if !ms.errs {
		head++ // the column heads
	}
	if at >= 0 && head < room {
		if first := max(at-(room-head)+1, 0); first > 0 && head+first <= len(lines) {
			lines = append(lines[:head:head], lines[head+first:]...)
			at -= first
		}
	}
	if at >= 0 && at < len(lines) {
		lines[at] = " ▶" + strings.TrimPrefix(lines[at], "  ")
	}
	return strings.Join(widget.Pane(strings.Join(lines, "\n"), w, h, bordered, m.styles, true), "\n")
}
