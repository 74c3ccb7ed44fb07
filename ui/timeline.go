package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

// A connector's timeline (T): one list, newest first, of what happened to
// it — its status changes and errors appearing and clearing (the events),
// the acknowledgements of those, its runs, and the syncs and tests
// triggered here (the history, with who did them). mergeTimeline builds
// it from plain values; the screen only draws and scrolls it.

// timelineSource is where an entry comes from. Its order breaks ties
// between entries of the same time.
type timelineSource int

const (
	fromAction timelineSource = iota // a sync or test triggered here
	fromRun                          // a run: a server's job, or observed
	fromEvent                        // a change the monitor saw
	fromAck                          // someone acknowledged an event
)

// word is the source in the entry's column.
func (s timelineSource) word() string {
	return [...]string{"action", "run", "event", "ack"}[s]
}

// timelineEntry is one line of the timeline.
type timelineEntry struct {
	At     time.Time // zero: a run under way whose start is not known (listed first), or Undated
	Source timelineSource
	Glyph  string // the outcome or change, never colour alone
	Text   string // one line, sanitized
	// Undated: a run that ended at a time the server did not send. Nothing
	// places it among the others: it is listed last.
	Undated bool
}

// place orders entries: runs under way with no start first, then the
// dated ones, then the undated.
func (e timelineEntry) place() int {
	switch {
	case e.Undated:
		return 2
	case e.At.IsZero():
		return 0
	}
	return 1
}

// mergeTimeline is connector id's timeline, newest first: its events
// (but the syncs queued by a team's sessions, which the history lists
// with who did them) and their acknowledgements, its runs, and the
// actions of the history on it.
func mergeTimeline(id string, events []history.Seen, actions []history.Action, runs []monitor.Run) []timelineEntry {
	var out []timelineEntry
	for _, a := range actions {
		if a.ConnectorID == id {
			out = append(out, actionEntry(a))
		}
	}
	for _, r := range runs {
		if r.ConnectorID == "" || r.ConnectorID == id {
			out = append(out, runEntry(r))
		}
	}
	for _, e := range events {
		if e.ConnectorID != id || e.Kind == monitor.SyncSent {
			continue
		}
		out = append(out, eventEntry(e.Event))
		if e.Acked && !e.AckedAt.IsZero() {
			out = append(out, ackEntry(e))
		}
	}
	slices.SortStableFunc(out, func(a, b timelineEntry) int {
		switch {
		case a.place() != b.place():
			return cmp.Compare(a.place(), b.place())
		case !a.At.Equal(b.At):
			return b.At.Compare(a.At)
		}
		return cmp.Compare(a.Source, b.Source)
	})
	return out
}

// actionEntry is a sync or test triggered here: what, what became of it,
// who.
func actionEntry(a history.Action) timelineEntry {
	what := "sync of the whole catalog"
	switch a.Kind {
	case history.SyncEANs:
		what = "sync of " + widget.Plural(len(a.EANs), "EAN", "EANs")
	case history.TestConn:
		what = "connection test"
	}
	parts := []string{what, cmp.Or(a.Outcome, "sent")}
	if a.User != "" {
		parts = append(parts, "by "+a.User)
	}
	// The answer says why a test or a sync went wrong; a sync's "queued"
	// says nothing its outcome does not.
	if a.Answer != "" && (a.Kind == history.TestConn || (a.Outcome != history.OutcomeQueued && a.Outcome != history.OutcomeDrained)) {
		parts = append(parts, a.Answer)
	}
	return timelineEntry{At: a.Time, Source: fromAction, Glyph: "→", Text: oneLine(strings.Join(parts, " · "))}
}

// runEntry is a run: how it ended, how long it took, what it pushed.
func runEntry(r monitor.Run) timelineEntry {
	o := outcomeOf(r)
	e := timelineEntry{At: r.End, Source: fromRun, Glyph: o.Glyph(), Undated: r.Finished() && !r.Dated()}
	var parts []string
	switch o {
	case widget.RunOK:
		parts = append(parts, "completed")
	case widget.RunFailed:
		parts = append(parts, "failed")
	case widget.RunRunning:
		e.At = r.Start
		parts = append(parts, cmp.Or(r.Status, "running")) // as the server sent it
	default:
		parts = append(parts, cmp.Or(r.Status, "status not sent"))
	}
	if e.Undated {
		parts = append(parts, "end time not sent")
	}
	switch {
	case r.Finished() && !r.DurationUnknown:
		parts = append(parts, "took "+widget.Duration(r.Duration))
	case r.Finished():
		parts = append(parts, "took ?")
	}
	if !r.PushedUnknown && r.Finished() {
		parts = append(parts, widget.Plural(r.Pushed, "product", "products"))
	}
	if r.Partial {
		parts = append(parts, "seen already running")
	}
	if r.Error != "" {
		parts = append(parts, r.Error)
	}
	e.Text = oneLine(strings.Join(parts, " · "))
	return e
}

// eventEntry is a change the monitor saw, in words without the connector's
// name (the timeline is of one connector).
func eventEntry(e monitor.Event) timelineEntry {
	return timelineEntry{At: e.Time, Source: fromEvent, Glyph: eventGlyph(e.Kind), Text: eventWords(e)}
}

// ackEntry is an acknowledgement of event e.
func ackEntry(e history.Seen) timelineEntry {
	who := ""
	if e.AckedBy != "" {
		who = " by " + e.AckedBy
	}
	return timelineEntry{At: e.AckedAt, Source: fromAck, Glyph: "•",
		Text: oneLine("acknowledged" + who + ": " + eventWords(e.Event))}
}

// eventWords is the event's text without the name it starts with.
func eventWords(e monitor.Event) string {
	text := e.Text()
	// Only the name and the separator after it go: the server's text that
	// follows is kept as it came, a leading colon or space included.
	if who := cmp.Or(e.Name, e.ConnectorID); who != "" && strings.HasPrefix(text, who) {
		rest := strings.TrimPrefix(text, who)
		if t, ok := strings.CutPrefix(rest, ": "); ok {
			rest = t
		} else {
			rest = strings.TrimPrefix(rest, " ")
		}
		text = rest
	}
	if e.Kind == monitor.ErrorChanged {
		text = "new last error: " + text // the text alone is the platform's
	}
	return oneLine(text)
}

// eventGlyph marks a change: bad ones ✗, their ends ✓, others by kind.
func eventGlyph(k monitor.EventKind) string {
	switch {
	case k.Bad() || k == monitor.ErrorChanged || k == monitor.SlowRun || k == monitor.SmallRun:
		return "✗"
	case k == monitor.Recovered || k == monitor.LateRecovered || k == monitor.SyncDrained || k == monitor.ErrorCleared:
		return "✓"
	case k == monitor.Paused:
		return "‖"
	case k == monitor.Resumed || k == monitor.Appeared:
		return "●"
	}
	return "•"
}

func oneLine(s string) string { return termtext.OneLine(termtext.Sanitize(s), 300) }

// timelineLine draws an entry: its time, its age, its source, its glyph
// and its text.
func timelineLine(e timelineEntry, now time.Time, loc *time.Location) string {
	at, ago := "now", "under way"
	switch {
	case e.Undated:
		at, ago = "?", "?" // the text says the end time was not sent
	case !e.At.IsZero():
		at, ago = e.At.In(loc).Format("01-02 15:04:05"), widget.Ago(now, e.At)
	}
	return fmt.Sprintf(" %-14s %-9s %-6s %s %s", at, ago, e.Source.word(), e.Glyph, e.Text)
}

// timelineNarrow is the width under which an entry is drawn without its
// time and source (narrowTimelineLine): with them, 40 columns left the
// text three characters.
const timelineNarrow = 70

// narrowTimelineLine draws an entry on a narrow pane: its age, its glyph
// and its text, which is what the entry says.
func narrowTimelineLine(e timelineEntry, now time.Time) string {
	ago := "under way"
	switch {
	case e.Undated:
		ago = "?"
	case !e.At.IsZero():
		ago = widget.Ago(now, e.At)
	}
	return fmt.Sprintf(" %-9s %s %s", ago, e.Glyph, e.Text)
}

// ---- the screen --------------------------------------------------------------

var _ = registerKeys("timeline", &timelineView{})

// timelineView is the T overlay: the timeline of one connector.
type timelineView struct {
	id, name string
	offset   int // the first entry shown
}

// openTimeline opens the selected connector's timeline, and reads the
// history again: other sessions and the command line write it too.
func (m *Model) openTimeline(tea.KeyMsg) tea.Cmd {
	c, ok := m.list.Selected()
	if !ok {
		return nil
	}
	m.screens.push(&timelineView{id: c.ID, name: termtext.Sanitize(c.Name)})
	return loadHistory(m.journal.store)
}

// timeline is the connector's entries as they stand.
func (m *Model) timeline(id string) []timelineEntry {
	runs, _ := m.mon.Runs(id)
	return mergeTimeline(id, m.feed.events, m.journal.actions, runs)
}

func (tv *timelineView) bindings(m *Model) []binding {
	k := m.keys
	return m.overlayRow(
		m.bind("back", &k.Back),
		m.bind("top", &k.Top).unlisted(),
		m.bind("bottom", &k.Bottom).unlisted(),
		m.bind("rows_page_down", &k.PageDown).unlisted(),
		m.bind("rows_page_up", &k.PageUp).unlisted())
}

// key scrolls the list; esc (or T again) closes it.
func (tv *timelineView) key(m *Model, msg tea.KeyMsg) tea.Cmd {
	k, n := m.keys, len(m.timeline(tv.id))
	page := max(m.bodyHeight()-6, 1)
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Timeline):
		m.screens.pop()
	case key.Matches(msg, k.Down):
		tv.offset++
	case key.Matches(msg, k.Up):
		tv.offset--
	case key.Matches(msg, k.PageDown):
		tv.offset += page
	case key.Matches(msg, k.PageUp):
		tv.offset -= page
	case key.Matches(msg, k.Top):
		tv.offset = 0
	case key.Matches(msg, k.Bottom):
		tv.offset = n - 1
	}
	tv.offset = min(max(tv.offset, 0), max(n-1, 0))
	return nil
}

func (tv *timelineView) view(m *Model, w, h int) string {
	return strings.Join(m.timelineBody(tv, w, h, m.bordered(h)), "\n")
}

// timelineBody draws the overlay in w×h: a title that says where the runs
// come from, then the entries from the offset.
func (m *Model) timelineBody(tv *timelineView, w, h int, bordered bool) []string {
	entries := m.timeline(tv.id)
	src := "runs from the server"
	if runs, observed := m.mon.Runs(tv.id); observed || (len(runs) == 0 && !m.mon.JobsOffered()) {
		src = "runs observed here" // as the detail's strip says it
	}
	// The title in whole parts, on as many lines as a narrow pane needs.
	var lines []string
	for _, l := range flowParts([]string{"Timeline", tv.name, widget.Plural(len(entries), "entry", "entries"), src}, " · ", w-3) {
		lines = append(lines, " "+l)
	}
	lines = append(lines, " "+keymap.Keys(m.keys.Up)+"/"+keymap.Keys(m.keys.Down)+" scroll · "+keymap.Keys(m.keys.Back)+" closes", "")
	if len(entries) == 0 {
		lines = append(lines, " Nothing yet: no runs, changes or actions known for this connector.")
	}
	now := m.now()
	for _, e := range entries[min(tv.offset, len(entries)):] {
		if w < timelineNarrow {
			lines = append(lines, narrowTimelineLine(e, now))
		} else {
			lines = append(lines, timelineLine(e, now, m.opts.Location))
		}
	}
	return widget.Pane(strings.Join(lines, "\n"), w, h, bordered, m.styles, true)
}
