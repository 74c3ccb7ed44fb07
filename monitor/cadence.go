package monitor

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pixee/pixee-tui/api"
)

// Cadence learning and "late".
//
// Every connector syncs on a schedule (the docs: stock hourly, prices daily
// at 03:00). The store learns each connector's usual interval from the
// successive last_sync_at values it sees (pages, details, the crawl) and,
// when they are fetched, from its jobs (Store.LearnJobs). A connector whose
// last sync is more than LateAfter usual intervals past the expected next
// one is Late, more than OverdueAfter Overdue. A connector with fewer than
// MinSamples intervals learnt is never late: too little history to say.
//
// The UI reads Store.Cadence for one connector (the list column, the
// detail) and feeds a LateWatch with the store after every result and on a
// timer (LateWatch.Observe says when next), for the turned_late and
// late_recovered events.

// CadenceOptions tune cadence learning and the late thresholds. Zero
// values take the defaults.
type CadenceOptions struct {
	// MinSamples is how many intervals a connector needs before it can be
	// late (default 3).
	MinSamples int
	// MaxSamples is how many of the latest intervals are kept (default 24).
	MaxSamples int
	// MinInterval ignores intervals shorter than this (default 1 minute):
	// a sync asked for by hand right after a scheduled one says nothing
	// about the schedule.
	MinInterval time.Duration
	// LateAfter and OverdueAfter are in usual intervals past the expected
	// next sync (defaults 1 and 2): hourly, late 2 h after the last sync,
	// overdue 3 h after.
	LateAfter, OverdueAfter float64
}

func (o CadenceOptions) withDefaults() CadenceOptions {
	if o.MinSamples <= 0 {
		o.MinSamples = 3
	}
	if o.MaxSamples <= 0 {
		o.MaxSamples = 24
	}
	o.MaxSamples = max(o.MaxSamples, o.MinSamples)
	if o.MinInterval <= 0 {
		o.MinInterval = time.Minute
	}
	if o.LateAfter <= 0 {
		o.LateAfter = 1
	}
	if o.OverdueAfter <= 0 {
		o.OverdueAfter = 2
	}
	o.OverdueAfter = max(o.OverdueAfter, o.LateAfter)
	return o
}

// Lateness is a connector's standing against its usual interval.
type Lateness int

const (
	// OnTime: synced within its usual interval, or too little history,
	// or paused.
	OnTime Lateness = iota
	// Late: more than LateAfter usual intervals past the expected sync.
	Late
	// Overdue: more than OverdueAfter usual intervals past it.
	Overdue
)

// String is the state's word: "on time", "late", "overdue".
func (l Lateness) String() string {
	switch l {
	case Late:
		return "late"
	case Overdue:
		return "overdue"
	}
	return "on time"
}

// unlearnt is LateWatch's note of a connector whose interval is not
// learnt yet.
const unlearnt Lateness = -1

// Cadence is what the store knows of a connector's rhythm at a time.
type Cadence struct {
	// Usual is the median of the intervals learnt; 0 while fewer than
	// MinSamples (then State is OnTime whatever the time).
	Usual   time.Duration
	Samples int       // intervals learnt
	Last    time.Time // the latest sync seen; zero: none
	// FromJobs says the intervals came from the server's jobs rather than
	// from successive last_sync_at values.
	FromJobs bool
	State    Lateness
	// Behind is how long past the expected next sync (Last + Usual) it is
	// now; 0 when not past it, or not learnt.
	Behind time.Duration
}

// cadenceState is one connector's learning. A state is never changed once
// stored (a change stores a new one), so a published fleet view shares
// them with the store it was copied from.
type cadenceState struct {
	last     time.Time
	samples  []time.Duration // oldest first, at most MaxSamples
	fromJobs bool
	usual    time.Duration // the samples' median, once there are MinSamples; else 0
}

// cadenceOf is a state, its usual interval worked out once.
func (s *Store) cadenceOf(last time.Time, samples []time.Duration, fromJobs bool) *cadenceState {
	st := &cadenceState{last: last, samples: samples, fromJobs: fromJobs}
	if len(samples) >= s.copts.MinSamples {
		st.usual = median(samples)
	}
	return st
}

// learnSync records a last_sync_at seen for id.
func (s *Store) learnSync(id string, c api.Connector) {
	if c.LastSyncAt == nil {
		return
	}
	t := *c.LastSyncAt
	st := s.cadence[id]
	if st == nil {
		s.cadence[id] = s.cadenceOf(t, nil, false)
		return
	}
	switch {
	case st.last.IsZero() || t.Before(st.last):
		// A server restored from a backup: start again from here.
		s.cadence[id] = s.cadenceOf(t, st.samples, st.fromJobs)
	case t.After(st.last):
		samples := st.samples
		if d := t.Sub(st.last); d >= s.copts.MinInterval {
			keep := st.samples[max(0, len(st.samples)+1-s.copts.MaxSamples):]
			samples = append(slices.Clip(slices.Clone(keep)), d)
		}
		s.cadence[id] = s.cadenceOf(t, samples, st.fromJobs)
	}
}

// LearnJobs learns a connector's usual interval from its jobs (any order):
// the intervals between the completion times of its completed runs replace
// what successive last_sync_at values taught, as the server's own record is
// the longer and surer one. The jobs are also kept as id's runs
// (Store.Runs). Jobs without a completion time (queued,
// running) are skipped; failed runs count, as a schedule runs whatever the
// outcome.
func (s *Store) LearnJobs(id string, jobs []api.Job) { s.learnJobs(id, jobs, time.Time{}) }

// FutureSkew is how far past the reader's clock a job's completion time
// may be and still be learnt from: the server's clock may run a little
// ahead, but a completion years ahead (a server's bug, or a hostile one)
// would stand as the last sync and keep the connector from ever being
// late.
const FutureSkew = 10 * time.Minute

// learnJobs is LearnJobs answered at now (zero: no clock to judge by):
// a completion more than FutureSkew after now is kept as a run but not
// learnt from.
func (s *Store) learnJobs(id string, jobs []api.Job, now time.Time) {
	s.learnJobRuns(id, jobs)
	var ends []time.Time
	for _, j := range jobs {
		if j.CompletedAt != nil && (now.IsZero() || !j.CompletedAt.After(now.Add(FutureSkew))) {
			ends = append(ends, *j.CompletedAt)
		}
	}
	if len(ends) == 0 {
		return
	}
	slices.SortFunc(ends, func(a, b time.Time) int { return a.Compare(b) })
	var samples []time.Duration
	for i := 1; i < len(ends); i++ {
		if d := ends[i].Sub(ends[i-1]); d >= s.copts.MinInterval {
			samples = append(samples, d)
		}
	}
	if over := len(samples) - s.copts.MaxSamples; over > 0 {
		samples = samples[over:]
	}
	last := ends[len(ends)-1]
	if st := s.cadence[id]; st != nil && st.last.After(last) {
		last = st.last
	}
	s.cadence[id] = s.cadenceOf(last, samples, true)
	s.lateTouched.add(id)
}

// Cadence is id's rhythm and lateness at now.
func (s *Store) Cadence(id string, now time.Time) Cadence {
	st := s.cadence[id]
	if st == nil {
		return Cadence{}
	}
	cd := Cadence{Samples: len(st.samples), Last: st.last, FromJobs: st.fromJobs}
	if st.usual == 0 || st.last.IsZero() {
		return cd
	}
	cd.Usual = st.usual
	if c, ok := s.byID[id]; ok && statusClass(c.Status) == "paused" {
		return cd // paused: not expected to sync
	}
	if behind := now.Sub(st.last.Add(cd.Usual)); behind > 0 {
		cd.Behind = behind
		switch {
		case float64(behind) > s.copts.OverdueAfter*float64(cd.Usual):
			cd.State = Overdue
		case float64(behind) > s.copts.LateAfter*float64(cd.Usual):
			cd.State = Late
		}
	}
	return cd
}

// nextChange is when id's state would next move with time alone (zero:
// never, as things stand).
func (s *Store) nextChange(id string, now time.Time) time.Time {
	cd := s.Cadence(id, now)
	if cd.Usual == 0 || cd.State == Overdue {
		return time.Time{}
	}
	if c, ok := s.byID[id]; ok && statusClass(c.Status) == "paused" {
		return time.Time{}
	}
	after := s.copts.LateAfter
	if cd.State == Late {
		after = s.copts.OverdueAfter
	}
	// The first instant strictly past the threshold.
	return cd.Last.Add(cd.Usual + time.Duration(after*float64(cd.Usual)) + time.Nanosecond)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// LateWatch turns lateness into events: TurnedLate when a connector goes
// from on time to late or overdue, LateRecovered when it is on time again
// (a sync came, or it was paused). A connector's first observation is
// recorded without an event: it did not turn late now, it was already.
// Feed it the store after every result and when the time it returns comes.
// Each call looks only at the connectors the store says were touched since
// the last one, and those whose time to move came: its cost follows what
// changed, not the size of the account.
type LateWatch struct {
	seen   map[string]Lateness
	due    map[string]time.Time // when each one's state next moves with time alone
	next   time.Time            // the earliest of due; zero: none
	store  *Store               // the store watched: another one is a first sight
	cursor uint64               // in store.lateTouched
}

// Observe compares the connectors touched since the last call, and those
// whose time came, with what it saw of them; it returns the events and
// when to call again (zero: no change due with time alone).
func (w *LateWatch) Observe(now time.Time, s *Store) ([]Event, time.Time) {
	ids, all := s.lateTouched.since(&w.cursor)
	if w.store != s || w.seen == nil {
		w.store, w.seen, w.due, w.next, all = s, map[string]Lateness{}, map[string]time.Time{}, time.Time{}, true
	}
	if all {
		ids = ids[:0]
		for id := range s.cadence {
			ids = append(ids, id)
		}
		for id := range w.seen {
			if _, ok := s.cadence[id]; !ok {
				ids = append(ids, id)
			}
		}
	}
	recompute := all || (!w.next.IsZero() && !now.Before(w.next))
	if recompute && !all {
		touched := make(map[string]bool, len(ids))
		for _, id := range ids {
			touched[id] = true
		}
		for id, t := range w.due {
			if !now.Before(t) && !touched[id] {
				ids = append(ids, id)
			}
		}
	}
	var evs []Event
	for _, id := range ids {
		if ev, ok := w.look(now, s, id); ok {
			evs = append(evs, ev)
		}
	}
	if recompute {
		w.earliest()
	}
	slices.SortFunc(evs, func(a, b Event) int { return strings.Compare(a.ConnectorID, b.ConnectorID) })
	return evs, w.next
}

// look compares connector id's lateness now with what was seen of it.
func (w *LateWatch) look(now time.Time, s *Store, id string) (Event, bool) {
	if _, ok := s.cadence[id]; !ok {
		delete(w.seen, id) // removed from the store
		delete(w.due, id)
		return Event{}, false
	}
	cd := s.Cadence(id, now)
	prev, ok := w.seen[id]
	w.seen[id] = cd.State
	if cd.Usual == 0 {
		w.seen[id] = unlearnt
	}
	if t := s.nextChange(id, now); t.IsZero() {
		delete(w.due, id)
	} else {
		w.due[id] = t
		if w.next.IsZero() || t.Before(w.next) {
			w.next = t // at worst early: a call that finds nothing due
		}
	}
	if !ok || prev == unlearnt || (prev == OnTime) == (cd.State == OnTime) {
		// First sight, or just learnt (jobs fetched for a connector
		// already late: it did not turn late now), or no change.
		return Event{}, false
	}
	c, _ := s.Get(id)
	ev := Event{Time: now, ConnectorID: id, Name: c.Name, Platform: c.Platform}
	if cd.State == OnTime {
		ev.Kind, ev.Before, ev.After = LateRecovered, prev.String(), "synced "+cd.Last.UTC().Format(time.RFC3339)
	} else {
		ev.Kind, ev.Before = TurnedLate, OnTime.String()
		ev.After = fmt.Sprintf("%s: last sync %s ago, usually every %s", cd.State,
			Interval(now.Sub(cd.Last)), Interval(cd.Usual))
	}
	return ev, true
}

// earliest sets next to the earliest time due.
func (w *LateWatch) earliest() {
	w.next = time.Time{}
	for _, t := range w.due {
		if w.next.IsZero() || t.Before(w.next) {
			w.next = t
		}
	}
}

// Interval is a cadence's duration as a person reads it, to the minute,
// the way the dashboard writes durations: "45m", "1h 00m", "50h 03m"
// (not Go's "50h3m0s" or "24h0m2s").
func Interval(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
}
