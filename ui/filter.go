package ui

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

// The fleet: the whole account from the monitor's index, filtered (/) and
// sorted (o). Filtered or sorted, the list shows rows from the index and
// scrolls through them; otherwise it shows server pages as before.

// sortMode is the list's order.
type sortMode int

const (
	sortServer   sortMode = iota // the server's pages
	sortName                     // by name
	sortStatus                   // errors first
	sortLastSync                 // stalest first
	sortPlatform                 // by platform
	nSorts
)

func (s sortMode) String() string {
	return [...]string{"", "name", "status (errors first)", "last sync (stalest first)", "platform"}[s]
}

// column is the column header the sort marks.
func (s sortMode) column() string {
	return [...]string{"", "NAME", "STATUS", "LAST SYNC", "PLATFORM"}[s]
}

// fleet is the filter and sort over the index, with the index's rows
// prepared for both: folded once when a connector changes, sorted once when
// the index or the order changes, so that a keystroke only matches.
type fleet struct {
	query   string
	q       monitor.Query
	sort    sortMode
	version uint64 // the index's, when all was built
	built   bool
	all     []fleetEntry // in the sort's order
	matches int
	// The haystacks of all, end to end in its order, so that a scan of
	// 10 000 rows reads memory in sequence: offs[i]:offs[i+1] is row i's.
	arena string
	offs  []int32

	// The last filtering: the rows of all that matched words. A query that
	// only extends it (more letters, more words) can only match fewer, so
	// a keystroke while typing searches those rows alone.
	hits     []int
	hitWords []string
	hitsOK   bool
	// Earlier queries' hits, for backspace: shared by copies of the model
	// and never changed once stored; emptied when the rows change.
	earlier map[string][]int
}

// maxEarlier bounds the queries remembered for backspace.
const maxEarlier = 32

type fleetEntry struct {
	c   api.Connector
	hay string // name, platform, status, id, folded: a piece of fleet.arena
}

// active says whether the list shows the index rather than server pages.
func (f *fleet) active() bool { return !f.q.Empty() || f.sort != sortServer }

func (f *fleet) setQuery(s string) {
	f.query = s
	f.q = monitor.ParseQuery(s)
}

func (f *fleet) setSort(s sortMode) {
	if s != f.sort {
		f.sort, f.built = s, false
	}
}

// drop lets the rows go; the next rebuild makes them again.
func (f *fleet) drop() {
	f.all, f.arena, f.offs, f.built = nil, "", nil, false
	f.hits, f.hitsOK, f.earlier = nil, false, nil
}

// rebuild refreshes the rows from the store when the index moved.
func (f *fleet) rebuild(mon *monitor.Monitor) {
	v := mon.FleetVersion()
	if f.built && v == f.version {
		return
	}
	old := make(map[string]*fleetEntry, len(f.all))
	for i := range f.all {
		old[f.all[i].c.ID] = &f.all[i]
	}
	all := make([]fleetEntry, 0, mon.Store().Len())
	mon.Store().Each(func(c api.Connector) {
		if e, ok := old[c.ID]; ok && e.c.Name == c.Name && e.c.Platform == c.Platform && e.c.Status == c.Status {
			all = append(all, fleetEntry{c: c, hay: e.hay})
			return
		}
		all = append(all, fleetEntry{c: c, hay: monitor.FoldFieldsForMatch(c.Name, c.Platform, c.Status, c.ID).Text()})
	})
	slices.SortFunc(all, f.compare)
	var b strings.Builder
	offs := make([]int32, 0, len(all)+1)
	for _, e := range all {
		offs = append(offs, int32(b.Len()))
		b.WriteString(e.hay)
	}
	offs = append(offs, int32(b.Len()))
	arena := b.String()
	for i := range all {
		all[i].hay = arena[offs[i]:offs[i+1]] // the entries' own copies can go
	}
	f.arena, f.offs = arena, offs
	f.all, f.version, f.built = all, v, true
	f.hitsOK, f.earlier = false, nil
}

// compare orders two rows by the sort, then by name and id, so the order
// is stable. Names compare folded (the haystack starts with the name).
func (f *fleet) compare(a, b fleetEntry) int {
	byName := func() int {
		return cmp.Or(strings.Compare(a.hay, b.hay), strings.Compare(a.c.ID, b.c.ID))
	}
	switch f.sort {
	case sortStatus:
		return cmp.Or(cmp.Compare(statusRank(a.c.Status), statusRank(b.c.Status)), byName())
	case sortLastSync:
		return cmp.Or(compareStale(a.c, b.c), byName())
	case sortPlatform:
		return cmp.Or(strings.Compare(a.c.Platform, b.c.Platform), byName())
	}
	return byName()
}

// statusRank puts errors first, then what no one knows, paused, active.
func statusRank(s string) int {
	switch s {
	case monitor.StatusError:
		return 0
	case "paused":
		return 2
	case "active":
		return 3
	}
	return 1
}

// compareStale puts never-synced first, then the oldest sync.
func compareStale(a, b api.Connector) int {
	switch {
	case a.LastSyncAt == nil && b.LastSyncAt == nil:
		return 0
	case a.LastSyncAt == nil:
		return -1
	case b.LastSyncAt == nil:
		return 1
	}
	return a.LastSyncAt.Compare(*b.LastSyncAt)
}

func sortEntries(f *fleet, es []fleetEntry) { slices.SortFunc(es, f.compare) }

// rows are the matches in order.
func (f *fleet) rows() []api.Connector {
	words := f.q.Words()
	key := strings.Join(words, "\x00")
	// A new slice every time: copies of the model share the old one.
	var hits []int
	if h, ok := f.earlier[key]; ok {
		hits = h
	} else if f.hitsOK && refines(words, f.hitWords) {
		hits = make([]int, 0, len(f.hits))
		for _, i := range f.hits {
			if f.q.MatchesText(f.arena[f.offs[i]:f.offs[i+1]]) {
				hits = append(hits, i)
			}
		}
	} else {
		hits = make([]int, 0, len(f.all))
		for i := range f.all {
			if f.q.MatchesText(f.arena[f.offs[i]:f.offs[i+1]]) {
				hits = append(hits, i)
			}
		}
	}
	f.hits, f.hitWords, f.hitsOK = hits, words, true
	if _, ok := f.earlier[key]; !ok {
		if f.earlier == nil || len(f.earlier) >= maxEarlier {
			f.earlier = map[string][]int{}
		}
		f.earlier[key] = hits
	}
	out := make([]api.Connector, len(hits))
	for j, i := range hits {
		out[j] = f.all[i].c
	}
	f.matches = len(out)
	return out
}

// refines says every row matching words also matches old: each old word is
// within the new word in its place (typing on), and any words beyond are
// extra conditions.
func refines(words, old []string) bool {
	if len(words) < len(old) {
		return false
	}
	for i, w := range old {
		if !strings.Contains(words[i], w) {
			return false
		}
	}
	return true
}

// ---- the model's side ---------------------------------------------------------

// syncFleet follows the index: the summary, the last_error previews, and
// the rows when the list shows the fleet. Only when the index moved.
func (m *Model) syncFleet() tea.Cmd {
	v := m.mon.FleetVersion()
	if v == m.fleetSeen {
		return nil
	}
	m.fleetSeen = v
	if ix := m.mon.Index(); ix.On {
		m.summary = fleetSummary(m.styles, m.mon.Counts(), ix)
	}
	m.list.SetLastErrors(m.lastErrors())
	if v, ok := m.screens.top().(*errorsView); ok {
		v.Rebuild(&m.mon)
	}
	if m.mon.Index().On && (!m.sharedIndex || m.fleet.active()) {
		// Folded and sorted as the crawl brings rows, a few at a time, so
		// that the first keystroke of a filter finds them ready. Not on a
		// team server's shared index while no filter or sort is used:
		// fifty sessions would each hold the account folded for nothing;
		// the first keystroke builds it (about a millisecond for 10 000).
		m.fleet.rebuild(&m.mon)
	}
	if m.fleet.active() {
		return m.showFleet()
	}
	return nil
}

// lastErrors are the known last_errors of the connectors in error.
func (m *Model) lastErrors() map[string]string {
	known, _ := m.mon.Failures()
	out := make(map[string]string, len(known))
	for _, f := range known {
		out[f.ID] = f.LastError
	}
	return out
}

// showFleet puts the fleet's rows in the list (or the server page back,
// when neither filtered nor sorted), keeping the selection when it is
// still there.
func (m *Model) showFleet() tea.Cmd {
	before, _ := m.list.Selected()
	if !m.fleet.active() {
		m.list.SetMode(listMode{footer: m.filterFooter()})
		if m.list.mode.wasFleet && m.lastPage != nil {
			p := m.lastPage
			m.list.SetPage(p.Number, p.Items, p.Meta, true)
		}
		m.list.mode.wasFleet = false
		if m.sharedIndex {
			m.fleet.drop()
		}
		if before.ID != "" && m.list.IndexOf(before.ID) < 0 {
			// The connector selected is on another server page: that
			// page is asked for and the cursor lands on it there. The
			// detail stays on it meanwhile.
			if page, ok := m.mon.PageOf(before.ID); ok {
				if plan := m.mon.ShowPage(page); plan != nil {
					m.landing = landing{page: page, id: before.ID}
					return m.do(plan)
				}
			}
		}
	} else {
		m.fleet.rebuild(&m.mon)
		rows := m.fleet.rows()
		m.list.SetRows(rows, listMode{fleet: true, wasFleet: true, q: m.fleet.q, plain: m.opts.Plain,
			sort: m.fleet.sort, footer: m.filterFooter()})
	}
	if after, _ := m.list.Selected(); after.ID != before.ID {
		return m.selectionChanged(true)
	}
	return nil
}

// filterFooter is the list's footer while filtering or sorting: what is
// typed, "7 of 137" (and "so far" while the index is incomplete), the sort.
func (m *Model) filterFooter() string {
	_, typing := m.screens.top().(filterLine)
	if !typing && !m.fleet.active() {
		return ""
	}
	ix := m.mon.Index()
	var parts []string
	switch {
	case typing:
		parts = append(parts, "/"+m.fleet.query+"▏")
	case m.fleet.query != "":
		parts = append(parts, "filter “"+m.fleet.query+"”")
	}
	if m.fleet.active() {
		n := itoa(m.fleet.matches) + " of " + itoa(ix.Known)
		if !m.fleet.q.Empty() || !ix.Complete {
			if !ix.Complete {
				n += " so far"
				if ix.Total >= 0 {
					n += " (index " + itoa(ix.Known) + "/" + itoa(ix.Total) + ")"
				}
			}
			parts = append(parts, n)
		}
	}
	if m.fleet.sort != sortServer {
		parts = append(parts, "sort: "+m.fleet.sort.String())
	}
	return strings.Join(parts, " · ")
}

// filterKey is a key while the filter is typed: text filters as it is
// typed, enter keeps the filter and goes back to the list, esc clears it.
func (m *Model) filterKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.FilterKeep):
		m.screens.pop()
	case key.Matches(msg, k.FilterClear):
		m.screens.pop()
		m.fleet.setQuery("")
	case key.Matches(msg, k.Edit.DeleteBack):
		r := []rune(m.fleet.query)
		m.fleet.setQuery(string(r[:max(len(r)-1, 0)]))
	case key.Matches(msg, k.Edit.DeleteToStart), key.Matches(msg, k.Edit.DeleteWord):
		m.fleet.setQuery("")
	case msg.Type == tea.KeySpace:
		m.fleet.setQuery(m.fleet.query + " ")
	case msg.Type == tea.KeyRunes:
		m.fleet.setQuery(m.fleet.query + printable(msg.Runes))
	case key.Matches(msg, k.Up), key.Matches(msg, k.Down):
		var moved bool
		if m.list, moved = m.list.Update(msg, k, 1); moved {
			return m.selectionChanged(true)
		}
		return nil
	default:
		return nil
	}
	return m.showFleet()
}

// printable keeps what can be typed into a one-line query.
func printable(rs []rune) string {
	var b strings.Builder
	for _, r := range rs {
		switch {
		case r == '\n' || r == '\t':
			b.WriteByte(' ')
		case unicode.IsPrint(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// openFilter is /: the filter line takes the keys.
func (m *Model) openFilter() tea.Cmd {
	m.setFocus(layerList)
	m.screens.push(filterLine{})
	return m.showFleet()
}

// cycleSort is o: name · status · last sync · platform · name again; O
// (or esc) goes back to the server's pages, in one key whatever the sort.
func (m *Model) cycleSort() tea.Cmd {
	m.fleet.setSort(m.fleet.sort%(nSorts-1) + 1)
	m.flashMsg(keymap.Keys(m.keys.Sort)+" next field · "+keymap.Keys(m.keys.ServerOrder)+"/"+
		keymap.Keys(m.keys.Back)+" pages", false)
	return m.showFleet()
}

// leaveSort is O: the server's order again (a kept filter stays).
func (m *Model) leaveSort() tea.Cmd {
	m.fleet.setSort(sortServer)
	return m.showFleet()
}

// clearKept is esc while browsing: the kept filter and the sort go, the
// server's pages are back, and the selected connector stays selected.
func (m *Model) clearKept() tea.Cmd {
	m.fleet.setQuery("")
	m.fleet.setSort(sortServer)
	return m.showFleet()
}

// fleetSummary is the header's count by status: "✗ 10 error · ‖ 12 paused ·
// ● 114 active · ? 1 other", and a shorter form for narrow terminals.
func fleetSummary(st *Styles, n monitor.StatusCounts, ix monitor.IndexState) [2]string {
	type part struct {
		glyph, word string
		n           int
		style       func(...string) string
	}
	parts := []part{
		{"✗", "error", n.Error, st.Failed.Render},
		{"‖", "paused", n.Paused, st.Paused.Render},
		{"●", "active", n.Active, st.Active.Render},
	}
	if n.Other > 0 {
		parts = append(parts, part{"?", "other", n.Other, st.Unknown.Render})
	}
	long, short := make([]string, len(parts)), make([]string, len(parts))
	for i, p := range parts {
		long[i] = p.style(p.glyph + " " + itoa(p.n) + " " + p.word)
		short[i] = p.style(p.glyph + itoa(p.n))
	}
	l, sh := strings.Join(long, " · "), strings.Join(short, " ")
	if f := soFar(ix); f != "" {
		// Counts of part of the account are never shown as its totals.
		l, sh = l+" · "+f, sh+" so far"
	}
	return [2]string{l, sh}
}

// soFar says that figures drawn from the index cover part of the account
// ("so far · index 800/10 000"), or "" once the index is complete.
func soFar(ix monitor.IndexState) string {
	switch {
	case !ix.On || ix.Complete:
		return ""
	case ix.Total < 0:
		return "so far · indexing…"
	}
	return "so far · index " + widget.Thousands(ix.Known) + "/" + widget.Thousands(ix.Total)
}

// indexStatus is the status bar's "index 137/137 · 40s old".
func (m *Model) indexStatus() string {
	ix := m.mon.Index()
	switch {
	case !ix.On:
		return ""
	case ix.Total < 0:
		return "indexing…"
	case !ix.Complete:
		return "index " + itoa(ix.Known) + "/" + itoa(ix.Total) + "…"
	}
	old := strings.TrimSuffix(widget.Ago(m.now(), ix.DoneAt), " ago")
	if old == "just now" {
		old = "0s"
	}
	return "index " + itoa(ix.Known) + "/" + itoa(ix.Total) + " · " + old + " old"
}

// ---- the list's side ----------------------------------------------------------

// listMode is how the list shows its rows: from the index (with matches
// marked and the sort in the header) or from server pages.
type listMode struct {
	fleet    bool          // rows from the index: no pages
	wasFleet bool          // the server page must be put back on leaving
	q        monitor.Query // marked in names
	plain    bool          // no styles: matches in [brackets]
	sort     sortMode
	footer   string // replaces the page footer when set
}

// SetRows shows rows from the index, keeping the selected connector when it
// is among them.
func (l *connectorList) SetRows(items []api.Connector, mode listMode) {
	keep, _ := l.Selected()
	l.items, l.mode, l.loaded = items, mode, true
	l.rows = make([]cachedRow, len(items))
	l.cursor = 0
	if i := l.IndexOf(keep.ID); i >= 0 {
		l.cursor = i
	}
	l.clampOffset()
}

// SetMode changes how rows are shown, not which.
func (l *connectorList) SetMode(mode listMode) {
	mode.wasFleet = l.mode.wasFleet
	l.mode = mode
	l.rows = make([]cachedRow, len(l.items))
}

// SetLastErrors are the last_errors to preview in rows in error.
func (l *connectorList) SetLastErrors(errs map[string]string) {
	l.lastErr = errs
	l.rows = make([]cachedRow, len(l.items))
}

// IndexOf is the row of a connector, -1 when not shown.
func (l *connectorList) IndexOf(id string) int {
	if id == "" {
		return -1
	}
	for i := range l.items {
		if l.items[i].ID == id {
			return i
		}
	}
	return -1
}

// colHead is a column's header, marked when the list is sorted by it.
func (l *connectorList) colHead(name string) string {
	if l.mode.fleet && l.mode.sort != sortServer && l.mode.sort.column() == name {
		if name == "LAST SYNC" {
			return "STALEST↓" // what the order is, in the column's width
		}
		return name + "↓"
	}
	return name
}

// nameCell is the name column of a row, exactly w cells: the name with the
// filter's matches marked, and a connector in error's last_error after it
// when known and there is room.
func (l *connectorList) nameCell(it api.Connector, w int) string {
	preview := ""
	if e, ok := l.lastErr[it.ID]; ok && it.Status == monitor.StatusError {
		preview, _, _ = strings.Cut(e, "\n")
		if preview == "" {
			preview = "(empty error)"
		}
	}
	var ranges [][2]int
	if l.mode.fleet && !l.mode.q.Empty() {
		ranges = l.mode.q.Ranges(monitor.Fold(it.Name))
	}
	if preview == "" && len(ranges) == 0 {
		return termtext.PadRight(it.Name, w)
	}
	var b strings.Builder
	left := w
	markOpen, markClose := l.styles.MatchMarks()
	put := func(s string, mark bool) {
		if left <= 0 || s == "" {
			return
		}
		t := termtext.Truncate(s, left)
		left -= termtext.Width(t)
		if mark && !l.mode.plain {
			b.WriteString(markOpen)
			b.WriteString(t)
			b.WriteString(markClose)
			return
		}
		b.WriteString(t)
	}
	last := 0
	for _, r := range ranges {
		put(it.Name[last:r[0]], false)
		if l.mode.plain {
			put("["+it.Name[r[0]:r[1]]+"]", false)
		} else {
			put(it.Name[r[0]:r[1]], true)
		}
		last = r[1]
	}
	put(it.Name[last:], false)
	if preview != "" && left > 8 {
		put("  ✗ "+preview, false)
	}
	b.WriteString(widget.Pad(left))
	return b.String()
}
