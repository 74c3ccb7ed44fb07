package widget

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// sample is one observation of a connector's counters, for throughput.
type sample struct {
	at              time.Time
	synced, pending int
}

// MaxSamples bounds the throughput history: a monitor open for days must
// not grow it.
const MaxSamples = 16

// DetailPane shows one connector and its live sync stats.
type DetailPane struct {
	styles *Styles
	loc    *time.Location

	base      api.Connector        // from the list row, shown until the detail arrives
	data      *api.ConnectorDetail // last good answer for base.ID
	fetchedAt time.Time            // when data arrived
	gone      bool                 // the server says 404
	cached    bool                 // data is from the cache, not yet refreshed
	stale     bool                 // reads fail since data arrived: it is not live
	lastTest  string               // the last connection test's answer, "" for none

	run      syncRun  // the sync triggered here, if any
	activity Activity // its last runs (activity.go), set in Update

	samples [MaxSamples]sample
	nSample int // samples held (≤ maxSamples)
	head    int // next write position

	width, height int
	offset        int
	focused       bool

	// wrapped last_error, by text and width: filled by Prepare in Update,
	// read by View, dropped when the text or the width changes.
	wrap wrapCache
}

// NewDetailPane is an empty pane drawn with st, times in loc.
func NewDetailPane(st *Styles, loc *time.Location) DetailPane {
	return DetailPane{styles: st, loc: loc}
}

// Data is the last good detail of the connector shown, nil before one.
func (d *DetailPane) Data() *api.ConnectorDetail { return d.data }

// Offset is the first line shown of the scrolled pane.
func (d *DetailPane) Offset() int { return d.offset }

// Samples is how many readings of the counters the throughput is drawn from.
func (d *DetailPane) Samples() int { return d.nSample }

func (d *DetailPane) SetSize(w, h int) { d.width, d.height = max(w, 0), max(h, 0) }
func (d *DetailPane) Focus()           { d.focused = true }
func (d *DetailPane) Blur()            { d.focused = false }

// ID is the connector shown, "" for none.
func (d *DetailPane) ID() string { return d.base.ID }

// Show switches the pane to connector c. cached is the last detail seen for
// it, if any, shown (with its age) until a fresh one arrives.
func (d *DetailPane) Show(c api.Connector, cached *api.ConnectorDetail, cachedAt time.Time) {
	if c.ID != d.base.ID {
		d.nSample, d.head, d.offset, d.gone = 0, 0, 0, false
		d.run = syncRun{}
		d.data, d.fetchedAt, d.cached = cached, cachedAt, cached != nil
	}
	d.base = c
}

// Clear shows nothing.
func (d *DetailPane) Clear() {
	*d = DetailPane{styles: d.styles, loc: d.loc, wrap: d.wrap, width: d.width, height: d.height, focused: d.focused}
}

// SetDetail records a fresh answer for the connector shown.
func (d *DetailPane) SetDetail(c *api.ConnectorDetail, at time.Time) {
	d.data, d.fetchedAt, d.gone, d.cached = c, at, false, false
	d.base.Name, d.base.Platform, d.base.Status = c.Name, c.Platform, c.Status
	d.base.LastSyncAt, d.base.LastSyncAtUnknown = c.LastSyncAt, c.LastSyncAtUnknown
	if c.CreatedAt != nil || c.CreatedAtUnknown {
		d.base.CreatedAt, d.base.CreatedAtUnknown = c.CreatedAt, c.CreatedAtUnknown
	}
	if c.SyncStats.ProductsSyncedUnknown || c.SyncStats.ProductsPendingUnknown {
		return // no reading: the throughput is measured on readings only
	}
	s := sample{at: at, synced: c.SyncStats.ProductsSynced, pending: c.SyncStats.ProductsPending}
	if d.run.base < 0 {
		d.run.base = s.synced
	}
	switch {
	case s.pending > 0:
		d.run.seen = true
	case d.run.seen:
		d.run = syncRun{} // drained: the next bar is the catalog's again
	}
	if d.nSample > 0 {
		last := d.samples[(d.head+MaxSamples-1)%MaxSamples]
		if s.synced < last.synced { // counters reset: start over
			d.nSample, d.head = 0, 0
		}
	}
	d.samples[d.head] = s
	d.head = (d.head + 1) % MaxSamples
	d.nSample = min(d.nSample+1, MaxSamples)
}

// SetLastTest is what the last connection test of the connector shown
// answered, "" for none.
func (d *DetailPane) SetLastTest(s string) { d.lastTest = s }

// SetStale says whether reads have failed since the data shown arrived.
func (d *DetailPane) SetStale(stale bool) { d.stale = stale }

// SetGone marks the connector as deleted on the server, or not.
func (d *DetailPane) SetGone(gone bool) { d.gone = gone }

// Gone says the server said the connector no longer exists.
func (d *DetailPane) Gone() bool { return d.gone }

// Cached says the data shown is from the cache, not yet refreshed.
func (d *DetailPane) Cached() bool { return d.cached }

// Pending reports the last known pending count.
func (d *DetailPane) Pending() int {
	if d.data == nil {
		return 0
	}
	return d.data.SyncStats.ProductsPending
}

// Throughput is products synced per second while the current sync drains,
// measured over the samples (60 s at most) since pending was last zero; ok
// is false when there is not enough to say.
func (d *DetailPane) Throughput() (float64, bool) {
	if d.nSample < 2 {
		return 0, false
	}
	newest := d.samples[(d.head+MaxSamples-1)%MaxSamples]
	if newest.pending == 0 {
		return 0, false
	}
	oldest := newest
	for i := 2; i <= d.nSample; i++ {
		s := d.samples[(d.head+MaxSamples-i)%MaxSamples]
		if newest.at.Sub(s.at) > time.Minute {
			break
		}
		oldest = s
		if s.pending == 0 {
			break // the sync started after this sample
		}
	}
	dt := newest.at.Sub(oldest.at).Seconds()
	if dt <= 0 || newest.synced == oldest.synced {
		return 0, false
	}
	return float64(newest.synced-oldest.synced) / dt, true
}

// Update handles the pane's own keys: scrolling.
func (d DetailPane) Update(msg tea.KeyMsg, k *keymap.KeyMap, now time.Time) DetailPane {
	switch {
	case key.Matches(msg, k.Up):
		d.Scroll(-1, now)
	case key.Matches(msg, k.Down):
		d.Scroll(1, now)
	}
	return d
}

// Scroll moves the view of a pane longer than the screen.
func (d *DetailPane) Scroll(n int, now time.Time) {
	last := max(len(d.lines(now))-max(d.height-1, 0), 0)
	d.offset = min(max(d.offset+n, 0), last)
}

type wrapCache struct {
	key   string
	width int
	lines []string
}

// View renders exactly height lines of width cells. footer is the freshness
// line the root computes (age, stale, paused).
func (d *DetailPane) View(now time.Time, footer string) string {
	if d.width <= 0 || d.height <= 0 {
		return ""
	}
	lines := d.lines(now)
	body := max(d.height-1, 0)
	// The text may have shrunk since the last scroll: show its end.
	offset := min(d.offset, max(len(lines)-body, 0))
	var b strings.Builder
	for i := 0; i < body; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if j := offset + i; j < len(lines) {
			b.WriteString(lines[j])
		} else {
			b.WriteString(Pad(d.width))
		}
	}
	if body > 0 {
		b.WriteByte('\n')
	}
	more := ""
	if offset+body < len(lines) {
		more = " ↓ more"
	}
	b.WriteString(d.styles.Dim.Render(termtext.PadRight(footer+more, d.width)))
	return b.String()
}

func (d *DetailPane) lines(now time.Time) []string {
	st := d.styles
	w := d.width
	if d.base.ID == "" {
		return []string{termtext.PadRight(" no connector selected", w)}
	}
	b := detailLines{st: st, w: w, out: make([]string, 0, 20)}
	c := d.base
	// The name and platform in full, wrapped: the list cuts them to its
	// columns, and this is where they can be read.
	for _, l := range WrapWords(c.Name, w) {
		b.add(st.Name.Render(termtext.PadRight(l, w)))
	}
	if pw := termtext.Width(c.Platform); pw > max(w-13, 0) {
		for _, l := range WrapWords(c.Platform, w) {
			b.plain(l)
		}
		b.add(d.status(st, w))
	} else {
		b.add(termtext.PadRight(c.Platform, pw) + " · " + d.status(st, max(w-3-pw, 0)))
	}
	if d.gone {
		b.add(st.Error.Render(termtext.PadRight("✗ gone: this connector no longer exists on the server", w)))
	}
	// What a person watches comes first, so a short pane still shows the
	// sync state; identity details follow (scroll to see them).
	compact := d.height < 18
	if !compact {
		b.plain("")
	}
	d.syncLines(&b, compact)
	b.field("last sync", d.when(now, c.LastSyncAt, c.LastSyncAtUnknown, "never"))
	if label, value := d.activity.lateLine(); label != "" {
		b.field(label, value)
	}
	if d.lastTest != "" {
		b.field("last test", d.lastTest)
	}
	if d.data != nil && d.data.SyncStats.LastError != nil {
		if !compact {
			b.plain("")
		}
		b.add(st.Error.Render(termtext.PadRight("✗ last error", w)))
		for _, l := range d.wrappedError(*d.data.SyncStats.LastError, w) {
			b.add(st.Error.Render(termtext.PadRight(l, w)))
		}
	}
	if !compact {
		b.plain("")
	}
	d.activityLines(&b, now, compact)
	if !compact {
		b.plain("")
	}
	b.field("id", termtext.Sanitize(c.ID))
	b.field("created", d.when(now, c.CreatedAt, c.CreatedAtUnknown, "unknown"))
	return b.out
}

// syncLines are the counters, the progress bar and the throughput. They
// always take the same rows (syncRows), loaded or not, syncing or not, so
// nothing below them moves when a sync starts or ends.
func (d *DetailPane) syncLines(b *detailLines, compact bool) {
	start := len(b.out)
	defer func() {
		for len(b.out) < start+syncRows(compact) {
			b.plain("")
		}
	}()
	st, w := d.styles, b.w
	if d.data == nil {
		b.plain("loading sync stats…")
		return
	}
	ss := d.data.SyncStats
	synced, pending := CountText(ss.ProductsSynced, ss.ProductsSyncedUnknown), CountText(ss.ProductsPending, ss.ProductsPendingUnknown)
	if compact {
		b.plain("synced " + synced + " · pending " + pending)
	} else {
		b.field("synced", synced+" "+productsWord(ss.ProductsSynced, ss.ProductsSyncedUnknown))
		b.field("pending", pending+" "+productsWord(ss.ProductsPending, ss.ProductsPendingUnknown))
	}
	if ss.ProductsPendingUnknown || ss.ProductsPending <= 0 {
		return
	}
	if ss.ProductsSyncedUnknown {
		return // no share of an unknown: no bar, no ETA
	}
	pct, label := d.progress(ss)
	b.add(progressBar(st, pct, max(w-termtext.Width(label), 1)) + label)
	if d.stale {
		// A rate and an ETA from before an outage are not live: they
		// would keep promising the end of a sync nobody can see.
		b.plain("no ETA: no answer since " + d.fetchedAt.In(d.loc).Format("15:04:05"))
		return
	}
	if rate, ok := d.Throughput(); ok && rate > 0 {
		b.plain(fmt.Sprintf("%.1f products/s · ETA %s", rate, ETAText(float64(ss.ProductsPending)/rate)))
	} else {
		b.plain("measuring throughput…")
	}
}

// LiveLines are the sync rows of connector id at width w, for a view that
// covers the pane (the sync result): nil when the pane shows another.
func (d *DetailPane) LiveLines(id string, w int) []string {
	if id != d.base.ID || w <= 0 {
		return nil
	}
	b := detailLines{st: d.styles, w: w, out: make([]string, 0, syncRows(false))}
	d.syncLines(&b, false)
	return b.out
}

// syncRows is how many rows syncLines takes.
func syncRows(compact bool) int {
	if compact {
		return 3
	}
	return 4
}

// progress is the bar's share and the label that says what it measures:
// the sync triggered here (queued → drained) when its size is known,
// otherwise the share of the connector's catalog synced.
func (d *DetailPane) progress(ss api.SyncStats) (float64, string) {
	if r := d.run; r.queued > 0 && r.base >= 0 {
		drained := min(max(ss.ProductsSynced-r.base, 0), r.queued)
		return float64(drained) / float64(r.queued), " " + Thousands(drained) + "/" + Thousands(r.queued) + " of this sync"
	}
	total := float64(ss.ProductsSynced) + float64(ss.ProductsPending)
	pct := 0.0
	if total > 0 {
		pct = min(max(float64(ss.ProductsSynced)/total, 0), 1)
	}
	return pct, fmt.Sprintf(" %3.0f%% of catalog", pct*100)
}

// CountText is a counter, "?" when the server sent none that makes sense.
func CountText(n int, unknown bool) string {
	if unknown || n < 0 {
		return "?"
	}
	return Thousands(n)
}

func productsWord(n int, unknown bool) string {
	if n == 1 && !unknown {
		return "product"
	}
	return "products"
}

// ETAText is an ETA in seconds, clamped: never negative, never an overflow.
func ETAText(secs float64) string {
	const maxETA = 99 * time.Hour
	switch {
	case secs != secs || secs < 0: // NaN or nonsense
		return "?"
	case secs > maxETA.Seconds():
		return "> " + Duration(maxETA)
	}
	return Duration(time.Duration(secs * float64(time.Second)))
}

// syncRun is the sync triggered from this pane, for the progress of that
// sync rather than the catalog's.
type syncRun struct {
	queued int  // products it queued; 0: not known
	base   int  // products synced when it was queued; -1: not seen yet
	seen   bool // a reading with products pending came since
}

// StartRun records a sync accepted for connector id: the bar follows it
// from the next reading on.
func (d *DetailPane) StartRun(id string, r *api.SyncResult) {
	if id != d.base.ID || r == nil {
		return
	}
	d.run = syncRun{base: -1}
	if !r.ProductsQueuedUnknown && r.ProductsQueued > 0 {
		d.run.queued = r.ProductsQueued
	}
	if d.nSample > 0 {
		d.run.base = d.samples[(d.head+MaxSamples-1)%MaxSamples].synced
	}
}

// detailLines collects the pane's lines, each exactly the pane's width.
type detailLines struct {
	st  *Styles
	w   int
	out []string
}

func (b *detailLines) add(s string)   { b.out = append(b.out, s) }
func (b *detailLines) plain(s string) { b.add(termtext.PadRight(s, b.w)) }

// indented is a value under the field values, from column lw: wrapped
// from the left edge when it does not fit there.
func (b *detailLines) indented(lw int, value string) {
	if termtext.Width(value) <= b.w-lw {
		b.add(Pad(lw) + b.st.Value.Render(termtext.PadRight(value, b.w-lw)))
		return
	}
	for _, l := range WrapWords(value, b.w) {
		b.add(b.st.Value.Render(termtext.PadRight(l, b.w)))
	}
}

// field is a label and its value on one line, or on two when the value is
// too long beside its label (a UUID in a narrow pane) rather than cut.
func (b *detailLines) field(label, value string) {
	st, w := b.st, b.w
	lw := 11
	if w < 30 {
		lw = 0
	}
	if termtext.Width(value) > w-lw && termtext.Width(value) <= w {
		b.add(st.Label.Render(termtext.PadRight(label, w)))
		b.add(st.Value.Render(termtext.PadRight(value, w)))
		return
	}
	b.add(st.Label.Render(termtext.PadRight(label, lw)) + st.Value.Render(termtext.PadRight(value, w-lw)))
}

func (d *DetailPane) when(now time.Time, t *time.Time, unknown bool, none string) string {
	switch {
	case unknown:
		return "?" // sent, but no time that can be read
	case t == nil:
		return none
	case BadTime(*t):
		return "?"
	}
	return t.In(d.loc).Format("2006-01-02 15:04") + " · " + Ago(now, *t)
}

// Prepare wraps the error shown into the cache, in Update.
func (d *DetailPane) Prepare() {
	if d.data == nil || d.data.SyncStats.LastError == nil || d.width <= 0 || d.height <= 0 {
		return
	}
	text, w := *d.data.SyncStats.LastError, d.width
	if c := &d.wrap; text != c.key || w != c.width || c.lines == nil {
		d.wrap = wrapCache{key: text, width: w, lines: wrapError(text, w)}
	}
}

// wrappedError is the error text wrapped for w cells: from the cache when
// it holds.
func (d *DetailPane) wrappedError(text string, w int) []string {
	if c := &d.wrap; text == c.key && w == c.width && c.lines != nil {
		return c.lines
	}
	return wrapError(text, w)
}

// wrapError wraps the error text in full (it is multi-line and untrusted,
// already neutralised).
func wrapError(text string, w int) []string {
	if text == "" {
		text = "(empty error message)"
	}
	var out []string
	for _, para := range strings.Split(text, "\n") {
		out = append(out, WrapWords(para, max(w-2, 1))...)
	}
	for i := range out {
		out[i] = "  " + out[i]
	}
	return out
}

// WrapWords breaks s into lines of at most w cells, at spaces where it can
// and inside over-long words where it must.
func WrapWords(s string, w int) []string {
	if s == "" {
		return []string{""}
	}
	var lines []string
	var cur strings.Builder
	curW := 0
	for _, word := range strings.Fields(s) {
		ww := termtext.Width(word)
		if curW > 0 && curW+1+ww > w {
			lines = append(lines, cur.String())
			cur.Reset()
			curW = 0
		}
		for ww > w { // a word longer than the line: cut it
			if curW > 0 {
				lines = append(lines, cur.String())
				cur.Reset()
				curW = 0
			}
			head := cutCells(word, w)
			lines = append(lines, head)
			word = word[len(head):]
			ww = termtext.Width(word)
		}
		if curW > 0 {
			cur.WriteByte(' ')
			curW++
		}
		cur.WriteString(word)
		curW += ww
	}
	if cur.Len() > 0 || len(lines) == 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// cutCells returns the longest prefix of s that fits in w cells (at least
// one rune, so wrapping always progresses).
func cutCells(s string, w int) string {
	used := 0
	for i, r := range s {
		rw := termtext.Width(string(r))
		if used+rw > w && i > 0 {
			return s[:i]
		}
		used += rw
	}
	return s
}

// progressBar draws pct of w cells filled. Two styled runs, not one per cell
// as bubbles' progress writes them: the bar is redrawn on every refresh of a
// running sync, and that was most of the bytes sent to the terminal.
// Without colour the glyphs alone tell filled from empty.
func progressBar(st *Styles, pct float64, w int) string {
	fill := int(pct*float64(w) + 0.5)
	fill = min(max(fill, 0), w)
	return st.BarFill.Render(strings.Repeat("█", fill)) + st.BarEmpty.Render(strings.Repeat("░", w-fill))
}

// status is the connector's status in width cells: the server's word,
// and its lateness as the list says it in its status column, in the
// list's colour ("● active · ◕ overdue"), on that line rather than only
// further down.
func (d *DetailPane) status(st *Styles, width int) string {
	status, style := StatusText(st, d.base.Status)
	word, _ := d.activity.lateLine()
	if sw := termtext.Width(status); word != "" && sw < width {
		late := st.Warning
		if word == "overdue" {
			late = st.Stale
		}
		return style.Render(status) + late.Render(termtext.PadRight(" · "+lateGlyph[word]+" "+word, width-sw))
	}
	return style.Render(termtext.PadRight(status, width))
}
