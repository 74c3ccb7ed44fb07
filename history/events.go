package history

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/pixee/pixee-tui/monitor"
)

// EventLog is one account's events and what was acknowledged, kept so the
// next shift starts with "since you last looked: 3 new". Same file rules as
// the actions: append-only JSON lines under a lock, fsync'ed.
type EventLog struct {
	log    *log
	limits Limits
}

// Seen is an event with whether someone acknowledged it.
type Seen struct {
	monitor.Event
	Acked bool `json:"acked"`
}

type eventRecord struct {
	Op    string         `json:"op"` // "event", "ack" (ID) or "ack_all" (Until)
	Event *monitor.Event `json:"event,omitempty"`
	ID    string         `json:"id,omitempty"`
	Until time.Time      `json:"until,omitzero"`
	At    time.Time      `json:"at"`
	User  string         `json:"user,omitempty"` // who acknowledged (team mode)
}

// OpenEvents opens (creating as needed) the event log under dir and prunes
// it: events older than MaxAge (default 30 days) or beyond MaxActions
// (default 5000) go, with their acknowledgements.
func OpenEvents(dir string, limits Limits, now func() time.Time) (*EventLog, []string, error) {
	if now == nil {
		now = time.Now
	}
	limits = limits.withDefaults(30 * 24 * time.Hour)
	l, err := newLog(dir, "events.jsonl", now)
	if err != nil {
		return nil, nil, err
	}
	e := &EventLog{log: l, limits: limits}
	evs, warns, err := e.Load()
	if err != nil {
		return e, warns, err
	}
	cutoff := now().Add(-limits.MaxAge)
	keep := map[string]bool{}
	for i, ev := range evs {
		if i < limits.MaxActions && ev.Time.After(cutoff) {
			keep[ev.ID] = true
		}
	}
	if len(keep) == len(evs) {
		return e, warns, nil
	}
	w, err := l.prune(func(raw []byte) bool {
		var r eventRecord
		if json.Unmarshal(raw, &r) != nil {
			return false
		}
		switch r.Op {
		case "event":
			return r.Event != nil && keep[r.Event.ID]
		case "ack":
			return keep[r.ID]
		}
		return r.Until.After(cutoff)
	})
	return e, append(warns, w...), err
}

// Append records events (each gets an id if it has none).
func (e *EventLog) Append(evs []monitor.Event) ([]monitor.Event, error) {
	out := make([]monitor.Event, len(evs))
	for i, ev := range evs {
		if ev.ID == "" {
			var b [8]byte
			if _, err := rand.Read(b[:]); err != nil {
				return nil, err
			}
			ev.ID = hex.EncodeToString(b[:])
		}
		if err := e.log.append(eventRecord{Op: "event", Event: &ev, At: ev.Time}); err != nil {
			return out[:i], err
		}
		out[i] = ev
	}
	return out, nil
}

// Ack acknowledges one event.
func (e *EventLog) Ack(id string) error {
	return e.log.append(eventRecord{Op: "ack", ID: id, At: e.log.now()})
}

// AckAll acknowledges every event up to until.
func (e *EventLog) AckAll(until time.Time) error {
	return e.log.append(eventRecord{Op: "ack_all", Until: until, At: e.log.now()})
}

// AckBy records user's acknowledgement of the events ids, and of every
// event up to until when it is not zero: one record each, naming user.
func (e *EventLog) AckBy(user string, ids []string, until time.Time) error {
	now := e.log.now()
	if !until.IsZero() {
		if err := e.log.append(eventRecord{Op: "ack_all", Until: until, At: now, User: user}); err != nil {
			return err
		}
	}
	for _, id := range ids {
		if err := e.log.append(eventRecord{Op: "ack", ID: id, At: now, User: user}); err != nil {
			return err
		}
	}
	return nil
}

// Load reads the events, newest first, with their acknowledgements.
func (e *EventLog) Load() ([]Seen, []string, error) {
	var evs []Seen
	acked := map[string]bool{}
	var until time.Time
	warns, err := e.log.read(func(raw []byte) error {
		var r eventRecord
		if err := json.Unmarshal(raw, &r); err != nil {
			return err
		}
		switch {
		case r.Op == "event" && r.Event != nil:
			evs = append(evs, Seen{Event: *r.Event})
		case r.Op == "ack":
			acked[r.ID] = true
		case r.Op == "ack_all":
			if r.Until.After(until) {
				until = r.Until
			}
		default:
			return fmt.Errorf("unknown record")
		}
		return nil
	})
	for i := range evs {
		evs[i].Acked = acked[evs[i].ID] || !evs[i].Time.After(until)
	}
	slices.Reverse(evs)
	slices.SortStableFunc(evs, func(a, b Seen) int { return b.Time.Compare(a.Time) })
	return evs, warns, err
}
