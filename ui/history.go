package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
	"github.com/pixee/pixee-tui/write"
)

// The dashboard's part of the history of actions (package history): every
// sync is recorded before its POST leaves and completed after, its drain
// observed on the detail; the H view lists them; the confirmation warns of
// recent ones.

// recentWindow is how far back the confirmation looks for the same sync.
const recentWindow = 30 * time.Minute

// journal is what the model knows of the history: the actions read at the
// start and those recorded since, newest first, and the syncs whose drain
// is awaited. It is shared by copies of the model, like the monitor's
// caches, and only written in Update.
type journal struct {
	store    *history.Store
	noStore  error // why store is nil, when it is: writes are refused for it
	user     string
	actions  []history.Action
	awaiting map[string]awaited // connector id → the sync that is draining
	err      string             // the last failure to read or write it
}

type awaited struct {
	actionID string
	before   write.Awaited // the connector when the sync was queued
}

type historyLoadedMsg struct {
	actions []history.Action
	err     error
}

type historyWrittenMsg struct{ err error }

// merge takes the history as read from disk: its records replace the
// journal's of the same id (another process may have finished them), and
// the journal's own not yet on disk are kept. Newest first.
func (j *journal) merge(loaded []history.Action) {
	byID := make(map[string]bool, len(loaded))
	for _, a := range loaded {
		byID[a.ID] = true
	}
	out := append([]history.Action(nil), loaded...)
	for _, a := range j.actions {
		if !byID[a.ID] {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(a, b history.Action) int { return b.Time.Compare(a.Time) })
	j.actions = out
}

// loadHistory reads the account's history: at the start, and whenever the
// history view opens.
func loadHistory(s *history.Store) tea.Cmd {
	if s == nil {
		return nil
	}
	return func() tea.Msg {
		acts, _, err := s.Actions()
		return historyLoadedMsg{actions: acts, err: err}
	}
}

// finishAction records what became of an action, off the event loop.
func finishAction(s *history.Store, id string, r history.Result) tea.Cmd {
	if s == nil || id == "" {
		return nil
	}
	return func() tea.Msg { return historyWrittenMsg{err: s.Finish(id, r)} }
}

// noteSync keeps a finished sync's record in the journal.
func (j *journal) noteSync(a *history.Action, detail *api.ConnectorDetail) {
	if a == nil || a.ID == "" {
		return
	}
	j.actions = append([]history.Action{*a}, j.actions...)
	if a.Outcome == history.OutcomeQueued {
		if detail != nil && detail.ID != a.ConnectorID {
			detail = nil
		}
		j.awaiting[a.ConnectorID] = awaited{actionID: a.ID,
			before: write.AwaitedFrom(detail, history.Result{Queued: a.Queued})}
	}
}

// drained is the event an awaited sync's end makes, seen on d (observe
// then records it in the history); the rule is write.Judge's.
func (j *journal) drained(now time.Time, d *api.ConnectorDetail) (monitor.Event, bool) {
	w, ok := j.awaiting[d.ID]
	if !ok {
		return monitor.Event{}, false
	}
	e := monitor.Event{Time: now, ConnectorID: d.ID, Name: d.Name}
	switch v, r := write.Judge(w.before, d); v {
	case write.Drained:
		e.Kind = monitor.SyncDrained
	case write.Failed:
		e.Kind, e.After = monitor.SyncFailed, r.Answer
	case write.Lost:
		e.Kind, e.After = monitor.SyncLost, r.Answer
	default:
		return monitor.Event{}, false
	}
	return e, true
}

// observe completes an awaited sync once write.Judge says it ended:
// drained, failed, or unknown because the server lost track.
func (j *journal) observe(d *api.ConnectorDetail) tea.Cmd {
	w, ok := j.awaiting[d.ID]
	if !ok {
		return nil
	}
	v, r := write.Judge(w.before, d)
	if v == write.Waiting {
		return nil
	}
	delete(j.awaiting, d.ID)
	for i := range j.actions {
		if j.actions[i].ID == w.actionID {
			j.actions[i].Outcome = r.Outcome
			if r.Answer != "" {
				j.actions[i].Answer = r.Answer
			}
		}
	}
	return finishAction(j.store, w.actionID, r)
}

// recent is what the confirmation should warn about before a sync on c:
// products still pending, and the same sync triggered here lately.
func (j *journal) recent(now time.Time, c api.Connector, detail *api.ConnectorDetail, eans []string, catalog bool) []string {
	var out []string
	pending := 0
	if detail != nil && detail.ID == c.ID && !detail.SyncStats.ProductsPendingUnknown {
		pending = detail.SyncStats.ProductsPending
	}
	for _, a := range j.actions {
		if a.ConnectorID != c.ID || now.Sub(a.Time) > recentWindow || a.Outcome == history.OutcomeFailed || a.Outcome == history.OutcomeRejected {
			continue
		}
		same := (catalog && a.Kind == history.SyncCatalog) || (!catalog && a.Kind == history.SyncEANs && sameEANs(a.EANs, eans))
		if !same {
			continue
		}
		what := "the same " + widget.Plural(len(eans), "EAN was", "EANs were")
		if catalog {
			what = "a whole-catalog sync was"
		}
		w := fmt.Sprintf("%s queued here %s ago", what, minutes(now.Sub(a.Time)))
		if pending > 0 {
			w += " and " + widget.Thousands(pending) + " products are still pending"
		}
		return append(out, w)
	}
	if pending > 0 {
		out = append(out, widget.Thousands(pending)+" products are pending on this connector already")
	}
	return out
}

// minutes is a short span as people say it: "40s", "4m".
func minutes(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm", int(d.Minutes()))
}

func sameEANs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	set := make(map[string]bool, len(a))
	for _, e := range a {
		set[e] = true
	}
	for _, e := range b {
		if !set[e] {
			return false
		}
	}
	return true
}

// historyView is the H overlay: the actions, newest first, all of them or
// only the selected connector's.
type historyView struct {
	only   string // connector id, "" = all
	offset int
}

func (m *Model) historyKey(msg tea.KeyMsg) tea.Cmd {
	hv := m.screens.top().(*historyView)
	switch {
	case key.Matches(msg, m.keys.Back), key.Matches(msg, m.keys.History):
		m.screens.pop()
	case key.Matches(msg, m.keys.HistoryMine):
		if hv.only != "" {
			hv.only = ""
		} else if c, ok := m.list.Selected(); ok {
			hv.only = c.ID
		}
		hv.offset = 0
	case key.Matches(msg, m.keys.Down):
		hv.offset = min(hv.offset+1, max(len(m.historyRows())-1, 0))
	case key.Matches(msg, m.keys.Up):
		hv.offset = max(hv.offset-1, 0)
	}
	return nil
}

func (m *Model) historyRows() []history.Action {
	hv := m.screens.top().(*historyView)
	var out []history.Action
	for _, a := range m.journal.actions {
		if hv.only == "" || a.ConnectorID == hv.only {
			out = append(out, a)
		}
	}
	return out
}

// historyBody draws the overlay in w×h.
func (m *Model) historyBody(w, h int, bordered bool) []string {
	hv := m.screens.top().(*historyView)
	rows := m.historyRows()
	title := fmt.Sprintf(" History · %s", widget.Plural(len(rows), "action", "actions"))
	if hv.only != "" {
		title += " on this connector"
	}
	title += " · " + keymap.Keys(m.keys.Back) + " closes"
	lines := []string{title, ""}
	switch {
	case m.journal.store == nil:
		lines = append(lines, " No history for this account (it could not be opened): syncs and tests are not sent.")
	case len(rows) == 0:
		lines = append(lines, " Nothing triggered from pixee-tui yet.")
	}
	for i, a := range rows[min(hv.offset, len(rows)):] {
		mark := "  " // the first row shown is the one enter opens
		if i == 0 {
			mark = "▶ "
		}
		lines = append(lines, mark+historyLine(a, m.opts.Location))
	}
	if m.journal.err != "" {
		lines = append(lines, "", " "+m.journal.err)
	}
	return widget.Pane(strings.Join(lines, "\n"), w, h, bordered, m.styles, true)
}

func historyLine(a history.Action, loc *time.Location) string {
	what := "whole catalog"
	if a.Kind == history.SyncEANs {
		what = widget.Plural(len(a.EANs), "EAN", "EANs")
	} else if a.Kind == history.TestConn {
		what = "connection test"
	}
	who := ""
	if a.User != "" {
		who = " · " + a.User
	}
	id := ""
	if a.SyncID != "" {
		id = " · " + a.SyncID
	}
	if a.Kind == history.TestConn && a.Answer != "" {
		id += " · " + a.Answer // what the test said: the reason it failed
	}
	return termtext.Sanitize(fmt.Sprintf("%s  %-15s %-13s %s%s%s", a.Time.In(loc).Format("01-02 15:04"), a.Outcome, what, a.ConnectorName, who, id))
}
