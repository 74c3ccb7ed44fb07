package ui

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

// The events feed: what the monitor saw change, persisted per account for
// the shift handover, and the alerts it rings (BEL, and optionally a
// desktop notification through the terminal, OSC 9 and OSC 777).

// AlertOptions are the alerts: off means no BEL either.
type AlertOptions struct {
	Bell       bool          // ring the terminal bell (default on in main)
	Desktop    bool          // also OSC 9 / OSC 777 desktop notifications
	StuckAfter time.Duration // a sync without progress this long is stuck (default 10m)
}

// feed is shared by copies of the model and written in Update only.
type feed struct {
	log      *history.EventLog
	events   []history.Seen // newest first
	alerts   monitor.Alerts
	stuck    monitor.StuckWatch
	muted    map[string]bool // connector ids
	mutedAll bool
	health   monitor.HealthWatch
	sinceNew int // unacknowledged at the start: "since you last looked"
	out      io.Writer
	opts     AlertOptions
	err      string
}

type eventsLoadedMsg struct {
	events []history.Seen
	err    error
}

type alertFlushMsg struct{}

func newFeed(log *history.EventLog, out io.Writer, o AlertOptions) *feed {
	f := &feed{log: log, muted: map[string]bool{}, out: out, opts: o}
	f.stuck.After = o.StuckAfter
	return f
}

func loadEvents(l *history.EventLog) tea.Cmd {
	if l == nil {
		return nil
	}
	return func() tea.Msg {
		evs, _, err := l.Load()
		return eventsLoadedMsg{events: evs, err: err}
	}
}

func (f *feed) loaded(msg eventsLoadedMsg) {
	f.events = append(f.events, msg.events...)
	if len(f.events) > history.MaxEventsKept {
		f.events = f.events[:history.MaxEventsKept]
	}
	for _, e := range msg.events {
		if !e.Acked {
			f.sinceNew++
		}
	}
	if msg.err != nil {
		f.err = "events: " + termtext.Sanitize(msg.err.Error())
	}
}

// unacked is how many events nobody acknowledged yet.
func (f *feed) unacked() int {
	n := 0
	for _, e := range f.events {
		if !e.Acked {
			n++
		}
	}
	return n
}

// onSharedAcks marks what another session acknowledged.
func (m *Model) onSharedAcks(msg shared.Acks) {
	f := m.feed
	if msg.Account != m.index {
		a, ok := m.accounts[msg.Account]
		if !ok {
			return
		}
		f = a.feed
	}
	for i := range f.events {
		e := &f.events[i]
		if slices.Contains(msg.IDs, e.ID) || (!msg.Until.IsZero() && !e.Time.After(msg.Until)) {
			e.Acked = true
		}
	}
}

// record keeps events, writes them, and rings for the bad ones. It returns
// the commands that do the writing and the ringing, and when to flush
// coalesced alerts. With a hub, they go to the hub instead.
func (m *Model) record(evs []monitor.Event) tea.Cmd {
	if len(evs) == 0 {
		return nil
	}
	for i := range evs {
		evs[i].ID = monitor.NewEventID()
		evs[i].Name = termtext.Sanitize(evs[i].Name)
	}
	if m.hub != nil {
		m.hub.Publish(append([]monitor.Event(nil), evs...))
		return nil
	}
	return m.keepEvents(m.feed, evs, true)
}

// sent tells the other sessions of a team server about a sync this one
// queued: they see who did what, as it happens.
func (m *Model) sent(a *history.Action) tea.Cmd {
	if m.hub == nil || a == nil || (a.Outcome != history.OutcomeQueued && a.Outcome != history.OutcomeUnknown) {
		return nil
	}
	what := "the whole catalog"
	if a.Kind == history.SyncEANs {
		what = widget.Plural(len(a.EANs), "EAN", "EANs")
	}
	if a.Outcome == history.OutcomeUnknown {
		what += " (no answer came: it may not be queued)"
	}
	return m.record([]monitor.Event{{Time: m.now(), ConnectorID: a.ConnectorID, Name: a.ConnectorName,
		Kind: monitor.SyncSent, Before: a.User, After: what}})
}

// onSharedEvents keeps what the hub handed over, on the account it is of.
func (m *Model) onSharedEvents(msg shared.Events) tea.Cmd {
	evs := make([]monitor.Event, len(msg.Events))
	for i, e := range msg.Events {
		e.Name = termtext.Sanitize(e.Name)
		evs[i] = e
	}
	if msg.Account == m.index {
		cmd := m.keepEvents(m.feed, evs, false)
		for _, e := range evs {
			if e.Kind == monitor.SyncSent {
				// Someone queued a sync: the question before the next one
				// warns about it (history.go's recent).
				return tea.Batch(cmd, loadHistory(m.journal.store))
			}
		}
		return cmd
	}
	if a, ok := m.accounts[msg.Account]; ok {
		return m.keepEvents(a.feed, evs, false)
	}
	return nil
}

// keep puts evs (oldest first) at the top of the feed, newest first; the
// oldest go past history.MaxEventsKept, so a flapping fleet cannot grow a
// session's memory without bound.
func (f *feed) keep(evs []monitor.Event) {
	n := min(len(evs), history.MaxEventsKept)
	rest := min(len(f.events), history.MaxEventsKept-n)
	out := make([]history.Seen, 0, n+rest)
	for i := len(evs) - 1; i >= len(evs)-n; i-- {
		out = append(out, history.Seen{Event: evs[i]})
	}
	f.events = append(out, f.events[:rest]...)
}

func (m *Model) keepEvents(f *feed, evs []monitor.Event, write bool) tea.Cmd {
	f.keep(evs)
	var cmds []tea.Cmd
	if f.log != nil && write {
		log, batch := f.log, append([]monitor.Event(nil), evs...)
		cmds = append(cmds, func() tea.Msg {
			_, err := log.Append(batch)
			return historyWrittenMsg{err: err}
		})
	}
	var loud []monitor.Event
	for _, e := range evs {
		if !f.mutedAll && !f.muted[e.ConnectorID] {
			loud = append(loud, e)
		}
	}
	ring, at := f.alerts.Add(m.now(), loud)
	cmds = append(cmds, f.ring(ring))
	if !at.IsZero() {
		cmds = append(cmds, m.opts.After(at.Sub(m.now()), alertFlushMsg{}))
	}
	return tea.Batch(cmds...)
}

// ring writes the bell (and a desktop notification when asked) straight to
// the terminal: single writes, so they never split the renderer's frames.
func (f *feed) ring(text string) tea.Cmd {
	if text == "" || f.out == nil || !f.opts.Bell {
		return nil
	}
	seq := "\a"
	if f.opts.Desktop {
		clean := strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f || r == ';' {
				return ' '
			}
			return r
		}, termtext.Sanitize(text))
		seq = "\x1b]9;pixee-tui: " + clean + "\x07\x1b]777;notify;pixee-tui;" + clean + "\x07" + seq
	}
	out := f.out
	return func() tea.Msg {
		_, _ = io.WriteString(out, seq)
		return nil
	}
}

// healthEvents compares the account's health before and after a result
// (monitor.HealthWatch).
func (m *Model) healthEvents() []monitor.Event {
	return m.feed.health.Observe(m.now(), &m.mon)
}

// detailEvents is what a fresh detail says beyond the store's changes: a
// new last_error, a stall.
func (m *Model) detailEvents(prev, cur *api.ConnectorDetail) []monitor.Event {
	var evs []monitor.Event
	if e, ok := monitor.EventOfDetail(m.now(), prev, cur); ok {
		evs = append(evs, e)
	}
	if e, ok := m.feed.stuck.Observe(m.now(), cur); ok {
		evs = append(evs, e)
	}
	return evs
}

// eventsView is the E overlay.
type eventsView struct {
	cursor int
	only   string // connector id, "" = all
	kind   monitor.EventKind
}

// filtered says some events are hidden: esc shows them all again.
func (ev *eventsView) filtered() bool { return ev.only != "" || ev.kind != "" }

// eventKinds is the filter's cycle: every kind, then all ("").
func eventKinds() []monitor.EventKind {
	return append([]monitor.EventKind{""}, monitor.EventKinds()...)
}

func (m *Model) eventRows() []*history.Seen {
	ev := m.screens.top().(*eventsView)
	var out []*history.Seen
	for i := range m.feed.events {
		e := &m.feed.events[i]
		if (ev.only == "" || e.ConnectorID == ev.only) && (ev.kind == "" || e.Kind == ev.kind) {
			out = append(out, e)
		}
	}
	return out
}

func (m *Model) eventsKey(msg tea.KeyMsg) tea.Cmd {
	ev, k, f := m.screens.top().(*eventsView), m.keys, m.feed
	rows := m.eventRows()
	switch {
	case key.Matches(msg, k.Back) && ev.filtered():
		ev.only, ev.kind, ev.cursor = "", "", 0
	case key.Matches(msg, k.Back), key.Matches(msg, k.Events):
		m.screens.pop()
	case key.Matches(msg, k.Down):
		ev.cursor = min(ev.cursor+1, max(len(rows)-1, 0))
	case key.Matches(msg, k.Up):
		ev.cursor = max(ev.cursor-1, 0)
	case key.Matches(msg, k.HistoryMine):
		if ev.only != "" {
			ev.only = ""
		} else if c, ok := m.list.Selected(); ok {
			ev.only = c.ID
		}
		ev.cursor = 0
	case key.Matches(msg, k.EventKind), key.Matches(msg, k.EventKindBack):
		kinds := eventKinds()
		step := 1
		if key.Matches(msg, k.EventKindBack) {
			step = len(kinds) - 1
		}
		for i, kd := range kinds {
			if kd == ev.kind {
				ev.kind = kinds[(i+step)%len(kinds)]
				break
			}
		}
		ev.cursor = 0
	case key.Matches(msg, k.Ack) && ev.cursor < len(rows):
		e := rows[ev.cursor]
		e.Acked = true
		if m.hub != nil {
			m.hub.Acknowledge([]string{e.ID}, time.Time{})
			return nil // the hub records it, with who did it
		}
		return m.persist(func(l *history.EventLog) error { return l.Ack(e.ID) })
	case key.Matches(msg, k.AckAll):
		for i := range f.events {
			f.events[i].Acked = true
		}
		until := m.now()
		if m.hub != nil {
			m.hub.Acknowledge(nil, until)
			return nil // the hub records it, with who did it
		}
		return m.persist(func(l *history.EventLog) error { return l.AckAll(until) })
	case key.Matches(msg, k.Mute) && ev.cursor < len(rows) && rows[ev.cursor].ConnectorID != "":
		id := rows[ev.cursor].ConnectorID
		f.muted[id] = !f.muted[id]
	case key.Matches(msg, k.MuteAll):
		f.mutedAll = !f.mutedAll
	}
	return nil
}

func (m *Model) persist(w func(*history.EventLog) error) tea.Cmd {
	l := m.feed.log
	if l == nil {
		return nil
	}
	return func() tea.Msg { return historyWrittenMsg{err: w(l)} }
}

func (m *Model) eventsBody(w, h int, bordered bool) []string {
	ev := m.screens.top().(*eventsView)
	rows := m.eventRows()
	f := m.feed
	title := fmt.Sprintf(" Events · %d unacknowledged of %d", f.unacked(), len(f.events))
	if f.sinceNew > 0 {
		title += fmt.Sprintf(" · since you last looked: %d new", f.sinceNew)
	}
	filters := []string{}
	if ev.only != "" {
		filters = append(filters, "this connector")
	}
	if ev.kind != "" {
		filters = append(filters, string(ev.kind))
	}
	if f.mutedAll {
		filters = append(filters, "alerts muted")
	} else if n := len(f.muted); n > 0 {
		filters = append(filters, widget.Plural(n, "connector muted", "connectors muted"))
	}
	if len(filters) > 0 {
		title += " · " + strings.Join(filters, " · ")
	}
	closes := " closes"
	if ev.filtered() {
		closes = " clears the filter"
	}
	lines := []string{title, " " + keymap.Keys(m.keys.Ack) + " acknowledge · " + keymap.Keys(m.keys.AckAll) + " all · " +
		keymap.Keys(m.keys.EventKind) + "/" + keymap.Keys(m.keys.EventKindBack) + " kind · " + keymap.Keys(m.keys.HistoryMine) + " this connector · " +
		keymap.Keys(m.keys.Mute) + "/" + keymap.Keys(m.keys.MuteAll) + " mute · " + keymap.Keys(m.keys.Back) + closes, ""}
	switch {
	case len(rows) == 0 && ev.filtered():
		what := "No events"
		if ev.kind != "" {
			what = "No " + string(ev.kind) + " events"
		}
		if ev.only != "" {
			what += " of this connector"
		}
		lines = append(lines, " "+what+" (of "+itoa(len(f.events))+") · "+keymap.Keys(m.keys.Back)+" clears the filter · "+
			keymap.Keys(m.keys.EventKind)+"/"+keymap.Keys(m.keys.EventKindBack)+" another kind")
	case len(rows) == 0:
		lines = append(lines, " Nothing has changed yet.")
	}
	for i, e := range rows[min(max(ev.cursor-(h-8), 0), len(rows)):] {
		mark := "  "
		if i+max(ev.cursor-(h-8), 0) == ev.cursor {
			mark = "▶ "
		}
		state := "new"
		if e.Acked {
			state = "   "
		}
		lines = append(lines, termtext.Sanitize(fmt.Sprintf("%s%s %s  %-14s %s", mark, e.Time.In(m.opts.Location).Format("01-02 15:04:05"), state, e.Kind, e.Event.Text())))
	}
	return widget.Pane(strings.Join(lines, "\n"), w, h, bordered, m.styles, true)
}
