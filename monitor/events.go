package monitor

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// EventKind is what happened.
type EventKind string

// The events the monitor reports. Bad ones (Bad) alert.
const (
	TurnedError  EventKind = "turned_error"
	Recovered    EventKind = "recovered"
	Paused       EventKind = "paused"
	Resumed      EventKind = "resumed"
	Appeared     EventKind = "appeared"
	Disappeared  EventKind = "disappeared"
	ErrorChanged EventKind = "error_changed"
	// ErrorCleared is a connector's last_error gone while its status
	// stayed what it was (an error that ended with a status change is
	// told by that change: Recovered). Before is the error.
	ErrorCleared EventKind = "error_cleared"
	Stuck        EventKind = "stuck"
	SyncDrained  EventKind = "sync_drained"
	SyncLost     EventKind = "sync_lost" // the server lost track of a sync triggered here
	SyncFailed   EventKind = "sync_failed"
	// SyncSent is a sync someone queued (team mode: Before is who, After
	// what), for the others watching the account.
	SyncSent    EventKind = "sync_sent"
	KeyRefused  EventKind = "key_refused"
	KeyAccepted EventKind = "key_accepted"
	APIDown     EventKind = "api_down"
	APIUp       EventKind = "api_up"
	// TurnedLate is a connector past its usual interval (LateWatch; After
	// says how late), LateRecovered its next sync.
	TurnedLate    EventKind = "turned_late"
	LateRecovered EventKind = "late_recovered"
	// SlowRun is a run over SlowFactor times the connector's median
	// duration, SmallRun one that pushed under a tenth of its median
	// (RunWatch; Before says the usual, After the run).
	SlowRun  EventKind = "slow_run"
	SmallRun EventKind = "small_run"
	// NotifyFailed is a message to one of the team's tools (package
	// notify) that could not be delivered: Before names the target, After
	// says why. Never itself notified.
	NotifyFailed EventKind = "notify_failed"
)

// EventKinds are every kind of event, in the order the events view's
// filter steps through them: the one list, so a kind added above is
// offered there too.
func EventKinds() []EventKind {
	return []EventKind{TurnedError, Recovered, ErrorChanged, ErrorCleared, Stuck, TurnedLate, LateRecovered, SlowRun, SmallRun, Paused, Resumed, Appeared, Disappeared,
		SyncSent, SyncDrained, SyncFailed, SyncLost, KeyRefused, KeyAccepted, APIDown, APIUp, NotifyFailed}
}

// Pair names the pair of kinds k belongs to — a state and its way back:
// turned_error and recovered are "error" — or is "" for a kind with no
// pair. The hubs that merge several sources' events (a team server's, an
// account's stream) key repeats by it.
func (k EventKind) Pair() string {
	switch k {
	case TurnedError, Recovered:
		return "error"
	case Paused, Resumed:
		return "paused"
	case Appeared, Disappeared:
		return "exists"
	case KeyRefused, KeyAccepted:
		return "key"
	case APIDown, APIUp:
		return "api"
	case TurnedLate, LateRecovered:
		return "late"
	}
	return ""
}

// Bad says whether the event is a transition into a bad state (it rings).
func (k EventKind) Bad() bool {
	switch k {
	case TurnedError, Stuck, KeyRefused, APIDown, SyncFailed, SyncLost, TurnedLate:
		return true
	}
	return false
}

// Recovery is the event that ends a bad one, "" for none.
func (k EventKind) Recovery() EventKind {
	switch k {
	case TurnedError, Stuck:
		return Recovered
	case KeyRefused:
		return KeyAccepted
	case APIDown:
		return APIUp
	case TurnedLate:
		return LateRecovered
	}
	return ""
}

// Event is one thing that changed on the account, as the monitor saw it.
type Event struct {
	ID          string    `json:"id"` // unique within the account
	Time        time.Time `json:"time"`
	ConnectorID string    `json:"connector_id,omitempty"`
	Name        string    `json:"name,omitempty"`
	Platform    string    `json:"platform,omitempty"` // the connector's, when known (notifications route by it)
	Kind        EventKind `json:"kind"`
	Before      string    `json:"before,omitempty"`
	After       string    `json:"after,omitempty"`
}

// NewEventID is a new event's id, unique within the account: the one way
// ids are made, wherever an event is first recorded (a dashboard, a team
// server's watch, the events log for an event that came without one).
func NewEventID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b[:])
}

// Text is the event in words, for a person.
func (e Event) Text() string {
	who := e.Name
	if who == "" {
		who = e.ConnectorID
	}
	switch e.Kind {
	case TurnedError:
		return who + " turned to error"
	case Recovered:
		return who + " recovered (" + e.After + ")"
	case Paused:
		return who + " was paused"
	case Resumed:
		return who + " resumed"
	case Appeared:
		return who + " appeared"
	case Disappeared:
		return who + " no longer exists"
	case ErrorChanged:
		return who + ": " + termtext.OneLine(e.After, eventTextCap)
	case ErrorCleared:
		return who + ": last error cleared"
	case Stuck:
		return who + ": sync stuck, " + e.After
	case SyncDrained:
		return who + ": the sync triggered here drained"
	case SyncFailed:
		return who + ": the sync triggered here ended with an error: " + termtext.OneLine(e.After, eventTextCap)
	case SyncLost:
		return who + ": the sync triggered here: outcome unknown, " + termtext.OneLine(e.After, eventTextCap)
	case SyncSent:
		return who + ": " + e.Before + " queued a sync of " + e.After
	case KeyRefused:
		return "the API key was refused: " + termtext.OneLine(e.After, eventTextCap)
	case KeyAccepted:
		return "the API key is accepted again"
	case APIDown:
		return "the API cannot be reached: " + termtext.OneLine(e.After, eventTextCap)
	case APIUp:
		return "the API answers again"
	case TurnedLate:
		return who + " is " + termtext.OneLine(e.After, eventTextCap)
	case LateRecovered:
		return who + " synced again, no longer " + e.Before
	case SlowRun:
		return who + ": slow run, " + termtext.OneLine(e.After, eventTextCap) + " (" + e.Before + ")"
	case SmallRun:
		return who + ": small run, " + termtext.OneLine(e.After, eventTextCap) + " (" + e.Before + ")"
	case NotifyFailed:
		return "a notification to " + e.Before + " could not be delivered: " + termtext.OneLine(e.After, eventTextCap)
	}
	return who + ": " + string(e.Kind)
}

// eventTextCap is how much of an error an event's line says: one line of
// the events view.
const eventTextCap = 200

// statusClass sorts statuses into what events speak of.
func statusClass(s string) string {
	switch strings.ToLower(s) {
	case "error", "failed", "failing":
		return "error"
	case "paused", "disabled", "inactive":
		return "paused"
	}
	return "ok"
}

// EventsOfChanges turns store changes into events. fresh says the changes
// are from a refresh of what was already shown (so an Added is a new
// connector, not the first sight of a page).
func EventsOfChanges(now time.Time, changes []Change, fresh bool) []Event {
	var out []Event
	for _, c := range changes {
		ev := Event{Time: now, ConnectorID: c.ID, Name: c.After.Name, Platform: c.After.Platform}
		switch c.Kind {
		case Added:
			if !fresh {
				continue
			}
			ev.Kind, ev.After = Appeared, c.After.Status
		case Removed:
			ev.Kind, ev.Name, ev.Platform, ev.Before = Disappeared, c.Before.Name, c.Before.Platform, c.Before.Status
		case Updated:
			before, after := statusClass(c.Before.Status), statusClass(c.After.Status)
			ev.Before, ev.After = c.Before.Status, c.After.Status
			switch {
			case before == after:
				continue
			case after == "error":
				ev.Kind = TurnedError
			case before == "error":
				ev.Kind = Recovered
			case after == "paused":
				ev.Kind = Paused
			case before == "paused":
				ev.Kind = Resumed
			default:
				continue
			}
		}
		out = append(out, ev)
	}
	return out
}

// EventOfDetail is the last_error change between two details of one
// connector, if any.
func EventOfDetail(now time.Time, prev, cur *api.ConnectorDetail) (Event, bool) {
	if prev == nil || cur == nil || prev.ID != cur.ID {
		return Event{}, false
	}
	a, b := prev.SyncStats.LastError, cur.SyncStats.LastError
	if a != nil && b == nil && prev.Status == cur.Status {
		return Event{Time: now, ConnectorID: cur.ID, Name: cur.Name, Platform: cur.Platform, Kind: ErrorCleared, Before: *a, After: cur.Status}, true
	}
	if b == nil || (a != nil && *a == *b) {
		return Event{}, false
	}
	before := ""
	if a != nil {
		before = *a
	}
	return Event{Time: now, ConnectorID: cur.ID, Name: cur.Name, Platform: cur.Platform, Kind: ErrorChanged, Before: before, After: *b}, true
}

// StuckWatch tells a sync that makes no progress: pending above zero and
// unchanged for After.
type StuckWatch struct {
	After time.Duration // default 10 minutes
	seen  map[string]stuckState
}

type stuckState struct {
	pending  int
	since    time.Time
	reported bool
}

// Observe takes a detail; it returns a Stuck event once per stall, and a
// Recovered one when a reported stall moves again.
func (w *StuckWatch) Observe(now time.Time, d *api.ConnectorDetail) (Event, bool) {
	if w.After <= 0 {
		w.After = 10 * time.Minute
	}
	if w.seen == nil {
		w.seen = map[string]stuckState{}
	}
	p := d.SyncStats.ProductsPending
	if d.SyncStats.ProductsPendingUnknown {
		return Event{}, false
	}
	s, ok := w.seen[d.ID]
	switch {
	case !ok || s.pending != p:
		w.seen[d.ID] = stuckState{pending: p, since: now}
		if ok && s.reported {
			return Event{Time: now, ConnectorID: d.ID, Name: d.Name, Platform: d.Platform, Kind: Recovered, After: fmt.Sprintf("%d pending, moving again", p)}, true
		}
	case p > 0 && !s.reported && now.Sub(s.since) >= w.After:
		s.reported = true
		w.seen[d.ID] = s
		return Event{Time: now, ConnectorID: d.ID, Name: d.Name, Platform: d.Platform, Kind: Stuck,
			After: fmt.Sprintf("%d pending, no progress for %s", p, now.Sub(s.since).Round(time.Minute))}, true
	}
	return Event{}, false
}

// Alerts coalesces bad events into rings: the first bad event rings at
// once; more within Window wait and ring together ("40 connectors turned
// to error"), once per window.
type Alerts struct {
	Window  time.Duration // default 1 minute
	last    time.Time
	pending []Event
}

// Add takes events; it returns the alert text to ring now ("" for none)
// and, when bad events wait, when to call Flush.
func (a *Alerts) Add(now time.Time, evs []Event) (ring string, flushAt time.Time) {
	if a.Window <= 0 {
		a.Window = time.Minute
	}
	for _, e := range evs {
		if e.Kind.Bad() {
			a.pending = append(a.pending, e)
		}
	}
	if len(a.pending) == 0 {
		return "", time.Time{}
	}
	if now.Sub(a.last) >= a.Window {
		return a.Flush(now), time.Time{}
	}
	return "", a.last.Add(a.Window)
}

// Flush rings what waits, as one alert.
func (a *Alerts) Flush(now time.Time) string {
	if len(a.pending) == 0 {
		return ""
	}
	evs := a.pending
	a.pending, a.last = nil, now
	if len(evs) == 1 {
		return evs[0].Text()
	}
	byKind := map[EventKind]int{}
	var order []EventKind
	for _, e := range evs {
		if byKind[e.Kind] == 0 {
			order = append(order, e.Kind)
		}
		byKind[e.Kind]++
	}
	parts := make([]string, 0, len(order))
	for _, k := range order {
		n := byKind[k]
		switch k {
		case TurnedError:
			parts = append(parts, fmt.Sprintf("%d connectors turned to error", n))
		case Stuck:
			parts = append(parts, fmt.Sprintf("%d syncs stuck", n))
		case SyncFailed:
			parts = append(parts, fmt.Sprintf("%d syncs ended with an error", n))
		case TurnedLate:
			parts = append(parts, fmt.Sprintf("%d connectors turned late", n))
		default:
			parts = append(parts, evs[0].Text())
		}
	}
	return strings.Join(parts, " · ")
}

// HealthWatch turns the account's health into events: the key refused or
// accepted again, the API down (OutageAfter reads in a row failed, of any
// target, or of the page on screen) or answering again. Observe it after every result.
type HealthWatch struct {
	down, refused bool
}

// Observe is what changed in m's health since the last call.
func (h *HealthWatch) Observe(now time.Time, m *Monitor) []Event {
	var evs []Event
	authErr := m.AuthErr()
	switch {
	case authErr != nil && !h.refused:
		h.refused = true
		evs = append(evs, Event{Time: now, Kind: KeyRefused, After: authErr.Error()})
	case authErr == nil && h.refused:
		h.refused = false
		evs = append(evs, Event{Time: now, Kind: KeyAccepted})
	}
	failing, err := m.Failing()
	t := m.Target(PageTarget)
	if t.Failures >= OutageAfter {
		failing, err = t.Failures, t.Err // the list fails while details answer
	}
	switch {
	case failing >= OutageAfter && !h.down:
		h.down = true
		after := ""
		if err != nil {
			after = err.Error()
		}
		evs = append(evs, Event{Time: now, Kind: APIDown, After: after})
	case failing == 0 && t.Failures == 0 && t.Err == nil && h.down:
		h.down = false
		evs = append(evs, Event{Time: now, Kind: APIUp})
	}
	return evs
}
