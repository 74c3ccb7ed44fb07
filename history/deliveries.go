package history

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"time"
)

// Outcomes of a notification's delivery (package notify).
const (
	DeliveryDelivered = "delivered" // the receiver answered 2xx
	DeliveryRetrying  = "retrying"  // a 5xx, a 429, a timeout or no connection: tried again after a pause
	DeliveryFailed    = "failed"    // given up: a 4xx, or the retries ran out
	DeliveryDropped   = "dropped"   // never sent: the target's queue was full (the receiver was behind)
)

// Delivery is one line of a target's delivery log. It never holds the
// target's URL, secret or headers: Error is said without them.
type Delivery struct {
	Time    time.Time `json:"time"`
	Target  string    `json:"target"`
	Account string    `json:"account,omitempty"`
	Message string    `json:"message"` // the message's id, the same on every attempt
	Outcome string    `json:"outcome"`
	Attempt int       `json:"attempt,omitempty"`
	Status  int       `json:"status,omitempty"` // the receiver's HTTP status
	Error   string    `json:"error,omitempty"`
	Summary string    `json:"summary,omitempty"` // the message in words
	Events  int       `json:"events,omitempty"`
}

// DeliveryLog is one notification target's deliveries, kept beside the
// accounts' state (DeliveriesDir): the same file rules as the events —
// append-only JSON lines under a lock, fsync'ed, opened without following
// links — and bounded while running: an Append that takes the file past
// its size compacts it to the newest MaxActions (default 1000) within
// MaxAge (default 30 days).
type DeliveryLog struct {
	log    *log
	limits Limits

	mu        sync.Mutex
	compactAt int64
}

// DeliveriesDir is where the delivery logs live under stateHome.
func DeliveriesDir(stateHome string) string { return filepath.Join(stateHome, "notify") }

func checkDelivery(raw []byte) error {
	var d Delivery
	if err := json.Unmarshal(raw, &d); err != nil {
		return err
	}
	if d.Target == "" || d.Outcome == "" {
		return fmt.Errorf("unknown record")
	}
	return nil
}

// OpenDeliveries opens (creating as needed) target's log under dir and
// compacts it. target is a name config accepts (letters, digits, . _ -).
func OpenDeliveries(dir, target string, limits Limits, now func() time.Time) (*DeliveryLog, []string, error) {
	if now == nil {
		now = time.Now
	}
	if target == "" || unsafeName.MatchString(target) || target[0] == '.' {
		return nil, nil, fmt.Errorf("history: %q is not a target name", target)
	}
	if limits.MaxActions <= 0 {
		limits.MaxActions = 1000
	}
	if limits.MaxBytes <= 0 {
		limits.MaxBytes = 1 << 20
	}
	limits = limits.withDefaults(30 * 24 * time.Hour)
	l, err := newLog(dir, target+".jsonl", now, checkDelivery)
	if err != nil {
		return nil, nil, err
	}
	d := &DeliveryLog{log: l, limits: limits, compactAt: limits.MaxBytes}
	var warns []string
	err = l.locked(true, func() error { return d.compactLocked(&warns) })
	return d, warns, err
}

func (d *DeliveryLog) tail() int64 { return 2 * d.limits.MaxBytes }

// compactLocked keeps the newest MaxActions records within MaxAge; lock
// held.
func (d *DeliveryLog) compactLocked(warns *[]string) error {
	cutoff := d.log.now().Add(-d.limits.MaxAge)
	err := d.log.rewriteLocked(d.tail(), func(lines [][]byte) []bool {
		kept := make([]bool, len(lines))
		n := 0
		for i := len(lines) - 1; i >= 0 && n < d.limits.MaxActions; i-- {
			var rec Delivery
			json.Unmarshal(lines[i], &rec) //nolint:errcheck // checked when read
			if rec.Time.After(cutoff) {
				kept[i] = true
				n++
			}
		}
		return kept
	}, warns)
	size := d.log.size()
	d.mu.Lock()
	d.compactAt = max(d.limits.MaxBytes, 2*size)
	d.mu.Unlock()
	return err
}

// Append records one delivery, compacting in the same hold of the lock
// when the file has grown past its limit.
func (d *DeliveryLog) Append(rec Delivery) error {
	line, err := encode(rec)
	if err != nil {
		return err
	}
	return d.log.locked(true, func() error {
		size, err := d.log.appendLocked(line)
		if err != nil {
			return err
		}
		d.mu.Lock()
		over := size > d.compactAt
		d.mu.Unlock()
		if over {
			var warns []string
			return d.compactLocked(&warns)
		}
		return nil
	})
}

// Load reads the deliveries, oldest first, from the file's tail.
func (d *DeliveryLog) Load() ([]Delivery, []string, error) {
	var out []Delivery
	warns, err := d.log.read(d.tail(), func(raw []byte) error {
		var rec Delivery
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		out = append(out, rec)
		return nil
	})
	return out, warns, err
}
