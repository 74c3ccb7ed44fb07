package history

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pixee/pixee-tui/monitor"
)

// MaxEventsKept is how many events are kept by default, in the log and in
// a session's memory: a flapping fleet must not grow either without bound.
const MaxEventsKept = 5000

// EventLog is one account's events and what was acknowledged, kept so the
// next shift starts with "since you last looked: 3 new". Same file rules as
// the actions: append-only JSON lines under a lock, fsync'ed. It stays
// bounded while running: an Append that takes the file past its size
// limit compacts it (the newest MaxActions events within MaxAge and their
// acknowledgements) under the same hold of the lock; reading starts from
// the file's tail, so a huge file left by an older version is not read
// whole.
type EventLog struct {
	log    *log
	limits Limits

	mu        sync.Mutex
	compactAt int64 // the file's size past which an Append compacts it
}

// Seen is an event with whether someone acknowledged it, and when and
// who when that is known (the connector's timeline lists it).
type Seen struct {
	monitor.Event
	Acked   bool      `json:"acked"`
	AckedAt time.Time `json:"acked_at,omitzero"`
	AckedBy string    `json:"acked_by,omitempty"`
}

type eventRecord struct {
	Op    string         `json:"op"` // "event", "ack" (ID) or "ack_all" (Until)
	Event *monitor.Event `json:"event,omitempty"`
	ID    string         `json:"id,omitempty"`
	Until time.Time      `json:"until,omitzero"`
	At    time.Time      `json:"at"`
	User  string         `json:"user,omitempty"` // who acknowledged (team mode)
}

func checkEvent(raw []byte) error {
	var r eventRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return err
	}
	if (r.Op == "event" && r.Event != nil) || r.Op == "ack" || r.Op == "ack_all" {
		return nil
	}
	return fmt.Errorf("unknown record")
}

// OpenEvents opens (creating as needed) the event log under dir and
// compacts it: events older than MaxAge (default 30 days) or beyond
// MaxActions (default 5000) go, with their acknowledgements.
func OpenEvents(dir string, limits Limits, now func() time.Time) (*EventLog, []string, error) {
	if now == nil {
		now = time.Now
	}
	limits = limits.withDefaults(30 * 24 * time.Hour)
	l, err := newLog(dir, "events.jsonl", now, checkEvent)
	if err != nil {
		return nil, nil, err
	}
	e := &EventLog{log: l, limits: limits, compactAt: limits.MaxBytes}
	var warns []string
	err = l.locked(true, func() error { return e.compactLocked(&warns) })
	return e, warns, err
}

// tail is how much of the file is read: twice what compaction leaves at
// most in the usual case.
func (e *EventLog) tail() int64 { return 2 * e.limits.MaxBytes }

// compactLocked keeps the newest MaxActions events within MaxAge, their
// acknowledgements and the latest acknowledgement of all; lock held.
func (e *EventLog) compactLocked(warns *[]string) error {
	cutoff := e.log.now().Add(-e.limits.MaxAge)
	err := e.log.rewriteLocked(e.tail(), func(lines [][]byte) []bool {
		recs := make([]eventRecord, len(lines))
		var evs []*monitor.Event
		lastAll := -1
		for i, raw := range lines {
			json.Unmarshal(raw, &recs[i]) //nolint:errcheck // checked when read
			switch recs[i].Op {
			case "event":
				evs = append(evs, recs[i].Event)
			case "ack_all":
				if lastAll < 0 || recs[i].Until.After(recs[lastAll].Until) {
					lastAll = i
				}
			}
		}
		slices.Reverse(evs) // newest first, as Load lists them
		slices.SortStableFunc(evs, func(a, b *monitor.Event) int { return b.Time.Compare(a.Time) })
		keep := map[string]bool{}
		for i, ev := range evs {
			if i < e.limits.MaxActions && ev.Time.After(cutoff) {
				keep[ev.ID] = true
			}
		}
		kept := make([]bool, len(lines))
		for i, r := range recs {
			switch r.Op {
			case "event":
				kept[i] = keep[r.Event.ID]
			case "ack":
				kept[i] = keep[r.ID]
			case "ack_all":
				kept[i] = i == lastAll
			}
		}
		return kept
	}, warns)
	size := e.log.size()
	e.mu.Lock()
	// Twice what is left, so that a log whose kept events alone come near
	// the limit is not compacted at every append.
	e.compactAt = max(e.limits.MaxBytes, 2*size)
	e.mu.Unlock()
	return err
}

// Append records events (each gets an id if it has none): one write and
// one flush for the batch, however many events it holds.
func (e *EventLog) Append(evs []monitor.Event) ([]monitor.Event, error) {
	out := make([]monitor.Event, len(evs))
	var buf []byte
	for i, ev := range evs {
		if ev.ID == "" {
			ev.ID = monitor.NewEventID()
		}
		line, err := encode(eventRecord{Op: "event", Event: &ev, At: ev.Time})
		if err != nil {
			return nil, err
		}
		buf = append(buf, line...)
		out[i] = ev
	}
	if len(buf) == 0 {
		return out, nil
	}
	return out, e.write(buf)
}

// write appends lines and compacts the file when it has grown past its
// limit, in one hold of the lock.
func (e *EventLog) write(lines []byte) error {
	return e.log.locked(true, func() error {
		size, err := e.log.appendLocked(lines)
		if err != nil {
			return err
		}
		e.mu.Lock()
		over := size > e.compactAt
		e.mu.Unlock()
		if over {
			var warns []string
			return e.compactLocked(&warns)
		}
		return nil
	})
}

// Ack acknowledges one event.
func (e *EventLog) Ack(id string) error {
	line, err := encode(eventRecord{Op: "ack", ID: id, At: e.log.now()})
	if err != nil {
		return err
	}
	return e.write(line)
}

// AckAll acknowledges every event up to until.
func (e *EventLog) AckAll(until time.Time) error {
	line, err := encode(eventRecord{Op: "ack_all", Until: until, At: e.log.now()})
	if err != nil {
		return err
	}
	return e.write(line)
}

// AckBy records user's acknowledgement of the events ids, and of every
// event up to until when it is not zero: one record each, naming user,
// written in one append.
func (e *EventLog) AckBy(user string, ids []string, until time.Time) error {
	now := e.log.now()
	var lines []byte
	if !until.IsZero() {
		line, err := encode(eventRecord{Op: "ack_all", Until: until, At: now, User: user})
		if err != nil {
			return err
		}
		lines = append(lines, line...)
	}
	for _, id := range ids {
		line, err := encode(eventRecord{Op: "ack", ID: id, At: now, User: user})
		if err != nil {
			return err
		}
		lines = append(lines, line...)
	}
	if len(lines) == 0 {
		return nil
	}
	return e.write(lines)
}

// markAcked sets whether, when and by whom ev was acknowledged: by its own
// ack, else by the first ack_all that covers it.
func markAcked(ev *Seen, acked map[string]eventRecord, alls []eventRecord) {
	r, ok := acked[ev.ID]
	for i := 0; !ok && i < len(alls); i++ {
		r, ok = alls[i], !ev.Time.After(alls[i].Until)
	}
	if ok {
		ev.Acked, ev.AckedAt, ev.AckedBy = true, r.At, r.User
	}
}

// Load reads the events, newest first, with their acknowledgements: at
// most MaxActions, from the file's tail.
func (e *EventLog) Load() ([]Seen, []string, error) {
	var evs []Seen
	acked := map[string]eventRecord{} // the first ack of each event
	var alls []eventRecord            // the ack_alls, in the file's order
	warns, err := e.log.read(e.tail(), func(raw []byte) error {
		var r eventRecord
		if err := json.Unmarshal(raw, &r); err != nil {
			return err
		}
		switch {
		case r.Op == "event" && r.Event != nil:
			evs = append(evs, Seen{Event: *r.Event})
		case r.Op == "ack":
			if _, ok := acked[r.ID]; !ok {
				acked[r.ID] = r
			}
		case r.Op == "ack_all":
			alls = append(alls, r)
		default:
			return fmt.Errorf("unknown record")
		}
		return nil
	})
	for i := range evs {
		markAcked(&evs[i], acked, alls)
	}
	slices.Reverse(evs)
	slices.SortStableFunc(evs, func(a, b Seen) int { return b.Time.Compare(a.Time) })
	if len(evs) > e.limits.MaxActions {
		evs = evs[:e.limits.MaxActions]
	}
	return evs, warns, err
}
