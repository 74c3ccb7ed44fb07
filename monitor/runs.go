package monitor

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pixee/pixee-tui/api"
)

// Runs: each connector's past syncs.
//
// Where the server offers /jobs, a connector's runs are its jobs
// (Store.LearnJobs keeps them). Where it does not (Monitor.JobsOffered is
// false), the monitor observes runs from the detail answers it already
// receives, asking nothing more: a sync is seen to start when
// products_pending rises from 0 (or is above 0 on first sight: a Partial
// run, whose start and count are lower bounds) and to end when it is back
// to 0. An observed run that ends is in Outcome.Runs, for the caller to
// append to the account's history (history.RunLog); Monitor.LoadRuns puts
// them back after a restart. Store.Runs reads them, saying which kind.
//
// RunWatch turns runs into slow_run and small_run events.

// MaxRuns is how many runs the store keeps per connector, newest.
const MaxRuns = 50

// MaxUnfinishedRuns is how many of a connector's jobs not ended (running
// or queued: see RunningStatus) are kept among its MaxRuns: the rest of
// the places are the ended runs'.
const MaxUnfinishedRuns = 5

// MaxJobRunsKept is how many connectors' jobs the store keeps as runs, the
// most recently fetched: jobs are fetched for the connector selected, and
// a person who walks down a long list would otherwise leave the runs of
// every connector they passed (like the jobs cache, bounded).
const MaxJobRunsKept = 16

// ObserveGap is the longest gap between two details of a connector that
// an observed run spans: beyond it, what was seen before is too old to say
// the sync now running is the same one, and observing starts again.
const ObserveGap = 10 * time.Minute

// Run is one sync run of a connector: a job the server listed, or a run
// the monitor observed (Observed).
type Run struct {
	ConnectorID string `json:"connector_id"`
	// ID is the job's id, or for an observed run "observed:" and its end.
	ID string `json:"id"`
	// Observed says the monitor saw it from detail answers; false, it is
	// a job from the server.
	Observed bool `json:"observed"`
	// Partial: observed already running, so Start and Pushed are lower
	// bounds. Partial runs are listed, never judged nor judged against.
	Partial bool   `json:"partial,omitempty"`
	Status  string `json:"status"` // completed, failed, or the job's status
	// Start is when it started (observed: the first answer that showed it
	// running); End when it ended, zero while running or when EndUnknown.
	Start time.Time `json:"start,omitzero"`
	End   time.Time `json:"end,omitzero"`
	// EndUnknown says the run has ended but when is not known: a job the
	// server listed with a final status (or one it does not name as
	// running) and no completed_at. Its duration is unknown too.
	EndUnknown bool `json:"end_unknown,omitempty"`
	// Duration is End-Start for an observed run, the server's for a job;
	// DurationUnknown says it is not known.
	Duration        time.Duration `json:"duration"`
	DurationUnknown bool          `json:"duration_unknown,omitempty"`
	// Pushed is how many products it pushed (observed: the rise of
	// products_synced); PushedUnknown says it is not known.
	Pushed        int  `json:"pushed"`
	PushedUnknown bool `json:"pushed_unknown,omitempty"`
	// Error is its error: for an observed run, last_error at its end when
	// that is new since its start or the connector is in error.
	Error string `json:"error,omitempty"`
}

// Finished says the run has ended, whether or not its end is known.
func (r Run) Finished() bool { return !r.End.IsZero() || r.EndUnknown }

// Dated says the run has ended at a known time: only those are judged
// and placed in time.
func (r Run) Dated() bool { return !r.End.IsZero() }

// RunningStatus says a job's status names a job not ended yet: only such a
// job without completed_at is running. Any other status without an end
// is a job that ended at a time the server did not send.
func RunningStatus(status string) bool {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "running", "queued", "pending", "in_progress", "in progress", "started",
		"processing", "scheduled", "waiting", "retrying", "created", "accepted":
		return true
	}
	return false
}

// Failed says the run ended in an error.
func (r Run) Failed() bool {
	return r.Error != "" || strings.EqualFold(r.Status, "failed") || strings.EqualFold(r.Status, "error")
}

// RunOfJob is job j of connector id as a run.
func RunOfJob(id string, j api.Job) Run {
	r := Run{ConnectorID: id, ID: j.ID, Status: j.Status, Pushed: j.Pushed, PushedUnknown: j.PushedUnknown,
		Duration: j.Duration(), DurationUnknown: j.DurationUnknown}
	switch {
	case j.CompletedAt != nil:
		r.End = *j.CompletedAt
		if !j.DurationUnknown {
			r.Start = r.End.Add(-r.Duration)
		}
	case j.CompletedAtUnknown || !RunningStatus(j.Status):
		// Ended, when is not known: so neither is how long it took (a
		// duration_ms beside no end is no figure to stand on).
		r.EndUnknown, r.Duration, r.DurationUnknown = true, 0, true
	}
	if j.Errors > 0 && strings.EqualFold(j.Status, "failed") {
		r.Error = fmt.Sprintf("%d products in error", j.Errors)
	}
	return r
}

// runState is one connector's runs and the observation under way.
type runState struct {
	server   []Run // from the jobs, newest first; nil: none fetched
	observed []Run // newest first, at most MaxRuns
	obs      *observation
}

// observation is what the last detail of a connector showed.
type observation struct {
	at              time.Time
	pending, synced int
	syncedKnown     bool
	running         bool
	partial         bool
	start           time.Time
	base            int  // products_synced before the run
	baseKnown       bool // base was read
	errAtStart      *string
	lastError       *string
	statusError     bool
}

func (s *Store) runs(id string) *runState {
	st := s.runsByID[id]
	if st == nil {
		st = &runState{}
		s.runsByID[id] = st
		s.runsTouched.add(id)
	}
	return st
}

// Runs are connector id's runs, newest first, and whether they are the
// ones the monitor observed (true) or the server's jobs (false). The
// server's are shown when there are any.
func (s *Store) Runs(id string) (runs []Run, observed bool) {
	st := s.runsByID[id]
	if st == nil {
		return nil, false
	}
	if st.server != nil {
		return slices.Clone(st.server), false
	}
	return slices.Clone(st.observed), len(st.observed) > 0
}

// learnJobRuns keeps jobs as id's runs.
func (s *Store) learnJobRuns(id string, jobs []api.Job) {
	runs := make([]Run, 0, min(len(jobs), MaxRuns))
	for _, j := range jobs {
		runs = append(runs, RunOfJob(id, j))
	}
	slices.SortStableFunc(runs, newestFirst)
	// Runs not ended sort first: a backlog of queued jobs would fill
	// every place and push out the finished runs that the strip, the
	// timeline and the run events read. Only the newest
	// MaxUnfinishedRuns of them are kept. (Jobs ended without
	// completed_at sort last, and are the first to go past MaxRuns.)
	unfinished := 0
	runs = slices.DeleteFunc(runs, func(r Run) bool {
		if r.Finished() {
			return false
		}
		unfinished++
		return unfinished > MaxUnfinishedRuns
	})
	if len(runs) > MaxRuns {
		runs = slices.Clone(runs[:MaxRuns])
	}
	s.runs(id).server = runs
	s.runsTouched.add(id)
	s.jobRuns = append(slices.DeleteFunc(s.jobRuns, func(o string) bool { return o == id }), id)
	if over := len(s.jobRuns) - MaxJobRunsKept; over > 0 {
		for _, old := range s.jobRuns[:over] {
			if st := s.runsByID[old]; st != nil {
				st.server = nil // its cadence stays learnt
				if len(st.observed) == 0 && st.obs == nil {
					delete(s.runsByID, old)
				}
				s.runsTouched.add(old)
			}
		}
		s.jobRuns = slices.Delete(s.jobRuns, 0, over)
	}
}

// newestFirst orders runs by end (running ones first, then the ended
// ones by end, those whose end is unknown last), then start.
func newestFirst(a, b Run) int {
	if ra, rb := runOrder(a), runOrder(b); ra != rb {
		return cmp.Compare(ra, rb)
	}
	switch {
	case !a.End.Equal(b.End):
		return b.End.Compare(a.End)
	}
	return b.Start.Compare(a.Start)
}

// runOrder places a run: running 0, ended at a known time 1, ended at an
// unknown time 2.
func runOrder(r Run) int {
	switch {
	case !r.Finished():
		return 0
	case r.EndUnknown && r.End.IsZero():
		return 2
	}
	return 1
}

// addObserved keeps observed runs of their connectors, once each (by id).
func (s *Store) addObserved(runs ...Run) {
	for _, r := range runs {
		if r.ConnectorID == "" || r.ID == "" {
			continue
		}
		st := s.runs(r.ConnectorID)
		if slices.ContainsFunc(st.observed, func(o Run) bool { return o.ID == r.ID }) {
			continue
		}
		st.observed = append(st.observed, r)
		slices.SortStableFunc(st.observed, newestFirst)
		if len(st.observed) > MaxRuns {
			st.observed = st.observed[:MaxRuns]
		}
		s.runsTouched.add(r.ConnectorID)
	}
}

// observe takes a detail of a connector received at at; it returns the
// run it ended, if any.
func (s *Store) observe(d *api.ConnectorDetail, at time.Time) (Run, bool) {
	ss := d.SyncStats
	if ss.ProductsPendingUnknown {
		return Run{}, false // says nothing of whether a sync runs
	}
	st := s.runs(d.ID)
	prev := st.obs
	if prev != nil && !at.After(prev.at) {
		return Run{}, false // an answer older than one already taken
	}
	cur := &observation{at: at, pending: ss.ProductsPending, synced: ss.ProductsSynced,
		syncedKnown: !ss.ProductsSyncedUnknown, lastError: ss.LastError, statusError: statusClass(d.Status) == "error"}
	st.obs = cur
	if prev != nil && at.Sub(prev.at) > ObserveGap {
		prev = nil // too long unseen: what runs now may be another sync
	}
	switch {
	case prev == nil || !prev.running:
		if cur.pending == 0 {
			return Run{}, false
		}
		// Started: rose from 0 since the last answer, or seen running
		// first (partial).
		cur.running, cur.start, cur.partial, cur.errAtStart = true, at, prev == nil, ss.LastError
		if prev != nil {
			cur.base, cur.baseKnown = prev.synced, prev.syncedKnown
		} else {
			cur.base, cur.baseKnown = cur.synced, cur.syncedKnown
		}
		return Run{}, false
	case cur.pending > 0:
		cur.running, cur.start, cur.partial = true, prev.start, prev.partial
		cur.base, cur.baseKnown, cur.errAtStart = prev.base, prev.baseKnown, prev.errAtStart
		return Run{}, false
	}
	// Drained.
	r := Run{ConnectorID: d.ID, ID: "observed:" + at.UTC().Format(time.RFC3339Nano), Observed: true,
		Partial: prev.partial, Status: "completed", Start: prev.start, End: at, Duration: at.Sub(prev.start)}
	if prev.baseKnown && cur.syncedKnown && cur.synced >= prev.base {
		r.Pushed = cur.synced - prev.base
	} else {
		r.PushedUnknown = true // unread, or the count went down: a reset
	}
	if e := ss.LastError; e != nil && (cur.statusError || prev.errAtStart == nil || *prev.errAtStart != *e) {
		r.Error, r.Status = *e, "failed"
	}
	s.addObserved(r)
	return r, true
}

// observeRun is the run a detail answer ended, when runs are observed
// (the server offers no jobs); nil otherwise.
func (m *Monitor) observeRun(d *api.ConnectorDetail, at time.Time) []Run {
	if d == nil || m.JobsOffered() {
		return nil
	}
	if r, ok := m.store.observe(d, at); ok {
		return []Run{r}
	}
	return nil
}

// Runs are connector id's runs as this monitor knows them (Store.Runs of
// its own store: in team mode the runs it fetched or observed, which the
// fleet's store does not hold).
func (m *Monitor) Runs(id string) (runs []Run, observed bool) {
	return m.store.Runs(id)
}

// Cadence is connector id's rhythm and lateness now: learnt from its jobs
// here if this monitor fetched them, else from the store it reports (the
// fleet's in team mode, whose crawl sees every last_sync_at).
func (m *Monitor) Cadence(id string) Cadence { return m.cadenceAt(id, m.now()) }

// Lateness is connector id's lateness now (Cadence's State).
func (m *Monitor) Lateness(id string) Lateness { return m.cadenceAt(id, m.now()).State }

// cadenceStore is the store whose cadence of id is the surer.
func (m *Monitor) cadenceStore(id string) *Store {
	if st := m.store.cadence[id]; st != nil && st.fromJobs {
		return m.store
	}
	return m.Store()
}

func (m *Monitor) cadenceAt(id string, now time.Time) Cadence {
	return m.cadenceStore(id).Cadence(id, now)
}

func (m *Monitor) lateChange(id string, now time.Time) time.Time {
	return m.cadenceStore(id).nextChange(id, now)
}

// WatchPast feeds the watches after a result or when the time lw last
// returned comes: rw judges the runs of the monitor's own store, lw the
// lateness of its connectors (not in team mode, where the fleet's own
// watch says it, once for every session). It returns the events and when
// to call again for lateness alone (zero: nothing due).
func (m *Monitor) WatchPast(lw *LateWatch, rw *RunWatch) ([]Event, time.Time) {
	var evs []Event
	var next time.Time
	if lw != nil && m.opts.Fleet == nil {
		evs, next = lw.Observe(m.now(), m.store)
	}
	if rw != nil {
		evs = append(evs, rw.Observe(m.now(), m.store)...)
	}
	return evs, next
}

// LoadRuns puts back observed runs kept from an earlier start (the
// account's history), so a restart does not forget them.
func (m *Monitor) LoadRuns(runs []Run) {
	m.store.addObserved(runs...)
}

// RunWatch turns runs into events: SlowRun for a finished run over
// SlowFactor times the connector's median duration, SmallRun for one that
// pushed under a tenth of its median pushed (failed runs are not small:
// their error says more). A run is judged against the finished, whole,
// successful runs that ended before it, and never with fewer than
// MinEarlier of them; each run once. The runs a connector has when first
// observed (or again after the store let its runs go) are recorded without
// events (they did not happen now, like LateWatch's first sight), and so
// is a run first seen that ended no later than the newest run already
// seen of its connector: history filled in (a server's list that shifted,
// a server restarted), not a run that just ended. Feed it
// the store after every result: each call looks only at the connectors
// whose runs the store says changed since the last one.
type RunWatch struct {
	judged map[string]map[string]bool // connector → run ids judged
	newest map[string]time.Time       // connector → the newest end among its runs judged
	store  *Store                     // the store watched: another one is a first sight
	cursor uint64                     // in store.runsTouched
	asked  map[string]time.Time       // connector → when a sync of some EANs was sent (Asked)
}

// AskedWindow is how long after a sync of some EANs is sent a run that
// ends is taken for it: never small, as it was asked to push only those.
const AskedWindow = time.Hour

// Asked tells the watch a sync of some EANs (not the whole catalog) was
// sent to connector id at at: the run that pushes them is not small, it
// pushed what it was asked to.
func (w *RunWatch) Asked(id string, at time.Time) {
	if w.asked == nil {
		w.asked = map[string]time.Time{}
	}
	for k, t := range w.asked {
		if at.Sub(t) > AskedWindow {
			delete(w.asked, k) // bounded: only the recent ones
		}
	}
	w.asked[id] = at
}

// Run judgement policy.
const (
	SlowFactor = 3  // slow: over this many times the median duration
	SmallShare = 10 // small: under 1/SmallShare of the median pushed
	MinEarlier = 3  // earlier runs needed before any is judged
)

// Observe judges the runs not judged yet, in the connectors whose runs
// changed since the last call.
func (w *RunWatch) Observe(now time.Time, s *Store) []Event {
	ids, all := s.runsTouched.since(&w.cursor)
	if w.store != s || w.judged == nil {
		w.store, w.judged, w.newest, all = s, map[string]map[string]bool{}, map[string]time.Time{}, true
	}
	if all {
		ids = ids[:0]
		for id := range s.runsByID {
			ids = append(ids, id)
		}
		for id := range w.judged {
			if _, ok := s.runsByID[id]; !ok {
				ids = append(ids, id)
			}
		}
	}
	var evs []Event
	for _, id := range ids {
		evs = append(evs, w.judge(now, s, id)...)
	}
	slices.SortFunc(evs, func(a, b Event) int {
		if c := strings.Compare(a.ConnectorID, b.ConnectorID); c != 0 {
			return c
		}
		return strings.Compare(string(a.Kind), string(b.Kind))
	})
	return evs
}

// judge is the events of connector id's runs not judged yet.
func (w *RunWatch) judge(now time.Time, s *Store, id string) []Event {
	runs, _ := s.Runs(id)
	if len(runs) == 0 {
		delete(w.judged, id) // none kept: what comes next is a first sight
		delete(w.newest, id)
		return nil
	}
	seen, known := w.judged[id]
	before := w.newest[id]
	next := make(map[string]bool, len(runs))
	var evs []Event
	for _, r := range runs {
		if !r.Dated() {
			continue // judged when it ends; never when its end is unknown
		}
		key := runKey(r)
		next[key] = true
		if r.End.After(w.newest[id]) {
			w.newest[id] = r.End
		}
		if known && !seen[key] && r.End.After(before) {
			asked, ok := w.asked[id]
			small := !ok || r.End.Before(asked) || r.End.Sub(asked) > AskedWindow
			evs = append(evs, judgeRun(now, s, r, runs, small)...)
		}
	}
	w.judged[id] = next // only the runs still kept: bounded
	return evs
}

// runKey tells runs apart: a server may send jobs without ids.
func runKey(r Run) string {
	return fmt.Sprintf("%t|%s|%s", r.Observed, r.ID, r.End.UTC().Format(time.RFC3339Nano))
}

// judgeRun is r's events against the earlier runs among runs; small says
// whether it may be judged small.
func judgeRun(now time.Time, s *Store, r Run, runs []Run, small bool) []Event {
	if r.Partial {
		return nil
	}
	var durs []time.Duration
	var pushed []time.Duration // counts, in a Duration to share median
	n := 0
	for _, o := range runs {
		if !o.Dated() || o.Partial || o.Failed() || !o.End.Before(r.End) {
			continue
		}
		n++
		if !o.DurationUnknown {
			durs = append(durs, o.Duration)
		}
		if !o.PushedUnknown {
			pushed = append(pushed, time.Duration(o.Pushed))
		}
	}
	if n < MinEarlier {
		return nil
	}
	c, _ := s.Get(r.ConnectorID)
	var evs []Event
	ev := Event{Time: now, ConnectorID: r.ConnectorID, Name: c.Name, Platform: c.Platform}
	if len(durs) >= MinEarlier && !r.DurationUnknown {
		if med := median(durs); med > 0 && r.Duration > SlowFactor*med {
			ev.Kind, ev.Before = SlowRun, "usually "+med.Round(time.Second).String()
			ev.After = fmt.Sprintf("took %s, ended %s", r.Duration.Round(time.Second), r.End.UTC().Format(time.RFC3339))
			evs = append(evs, ev)
		}
	}
	if small && len(pushed) >= MinEarlier && !r.PushedUnknown && !r.Failed() {
		if med := int(median(pushed)); med > 0 && r.Pushed*SmallShare < med {
			ev.Kind, ev.Before = SmallRun, fmt.Sprintf("usually %d products", med)
			ev.After = fmt.Sprintf("pushed %d, ended %s", r.Pushed, r.End.UTC().Format(time.RFC3339))
			evs = append(evs, ev)
		}
	}
	return evs
}

// LateConnector is a connector past its usual interval (Monitor.LateNow).
type LateConnector struct {
	ID, Name, Platform string
	Cadence            Cadence
}

// LateNow are the connectors late or overdue now, neither in error nor
// paused (those say more), the most behind first.
func (m *Monitor) LateNow() []LateConnector {
	st := m.Store()
	now := m.now()
	var out []LateConnector
	for id, c := range st.byID {
		if c.Status == StatusError || c.Status == "paused" {
			continue
		}
		if cd := m.cadenceAt(id, now); cd.State != OnTime {
			out = append(out, LateConnector{ID: id, Name: c.Name, Platform: c.Platform, Cadence: cd})
		}
	}
	slices.SortFunc(out, func(a, b LateConnector) int {
		if c := cmp.Compare(b.Cadence.Behind, a.Cadence.Behind); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}
