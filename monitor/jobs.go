package monitor

import (
	"context"
	"errors"
	"time"

	"github.com/pixee/pixee-tui/api"
)

// The selected connector's jobs (GET /connectors/{id}/jobs, newer docs).
//
// With Options.Jobs, the monitor asks for the selected connector's jobs
// when its detail answers: one request, none while the jobs it has are
// fresh (fetched less than JobsFresh ago) and none again while it stays
// selected, unless a sync is seen to end (its last_sync_at moves), never
// more often than the detail is polled, never while a rate limit holds or
// the budget is down to the foreground's reserve, and none at all once the
// server said it does not offer them (until the next start). Jobs are
// never polled on their own: the detail's answers pace them, so they ride
// the one scheduler and its budget.
//
// The caller sends KindJobs requests like any read (shared.Read calls
// JobsAPI.ListJobs) and hands the result to Apply; Outcome.Jobs then names
// the connector whose jobs changed, read with Monitor.Jobs. The jobs also
// teach the store the connector's cadence (Store.LearnJobs).

// KindJobs is a read of one connector's sync jobs (Request.ID).
const KindJobs Kind = 100

// JobsTarget is the Request.Target of a jobs read: not a poll target.
const JobsTarget TargetID = -2

// MaxJobsCache is how many connectors' jobs answers are kept, the most
// recently fetched: an answer holds up to 200 jobs (some 50 kB), and
// a person looks at a few connectors within JobsFresh, not hundreds. One
// let go and selected again is asked for again: one request, as for any
// selection.
const MaxJobsCache = 32

// DefaultJobsFresh is how long a connector's jobs serve before a new
// selection asks again (Options.JobsFresh).
const DefaultJobsFresh = 5 * time.Minute

// JobsAPI is the optional part of a monitor's API that reads jobs
// (*api.Client has it). A caller's API without it reads as "not offered".
type JobsAPI interface {
	ListJobs(ctx context.Context, id string) ([]api.Job, *api.Response, error)
}

// JobsRecord is what the last jobs request for a connector brought.
type JobsRecord struct {
	At   time.Time // when the answer came
	Jobs []api.Job // newest first, as the server sent them; nil with Err
	// Err is why there are none: the read failed, or (errors.Is
	// api.ErrNotSupported) the server does not offer jobs.
	Err error
	// LastSync is the connector's last_sync_at when they were asked for:
	// a later one means a sync ended since, and they are asked again.
	LastSync time.Time
}

// jobsFetch is the state of the selected connector's jobs reads.
type jobsFetch struct {
	seq        int
	inFlight   bool
	epoch      uint64    // of the request out: one of an older epoch is not out any more
	considered string    // the selected connector whose selection was looked at
	lastSync   time.Time // of the request out
	notOffered bool
	byID       map[string]JobsRecord // shared by copies, like the detail cache
}

// Jobs is what is known of connector id's jobs, if anything was asked.
func (m *Monitor) Jobs(id string) (JobsRecord, bool) {
	r, ok := m.jobs.byID[id]
	return r, ok
}

// JobsCached is how many connectors' jobs answers are kept.
func (m *Monitor) JobsCached() int { return len(m.jobs.byID) }

// JobsOffered says whether jobs can be asked for: false once the server
// answered that it does not offer them (the UI then shows runs it observed
// instead), or when Options.Jobs is off.
func (m *Monitor) JobsOffered() bool { return m.opts.Jobs && !m.jobs.notOffered }

// jobsFor is the jobs request due after detail d of the selected
// connector answered, if any.
func (m *Monitor) jobsFor(d *api.ConnectorDetail) Plan {
	if !m.JobsOffered() || (m.jobs.inFlight && m.jobs.epoch == m.epoch) || d == nil || m.stopped {
		return nil
	}
	if m.HoldOff() > 0 || m.authErr != nil || m.reserveOnly() {
		return nil
	}
	var last time.Time
	if d.LastSyncAt != nil {
		last = *d.LastSyncAt
	}
	// Asked for on a new selection of a connector whose jobs are not
	// fresh, and when a sync ended since they were fetched; not again
	// while the same connector stays selected and nothing ends.
	newSel := m.jobs.considered != d.ID
	if rec, ok := m.jobs.byID[d.ID]; ok {
		age := m.now().Sub(rec.At)
		switch {
		case age >= 0 && age < m.opts.IdleRefresh:
			m.jobs.considered = d.ID
			return nil // never faster than the detail's poll
		case last.After(rec.LastSync):
		case newSel && age >= m.opts.JobsFresh:
		default:
			m.jobs.considered = d.ID
			return nil // fresh, and no sync ended since
		}
	}
	m.jobs.seq++
	m.jobs.inFlight, m.jobs.epoch, m.jobs.lastSync, m.jobs.considered = true, m.epoch, last, d.ID
	return Plan{{Request: Request{Epoch: m.epoch, Target: JobsTarget, Seq: m.jobs.seq, Kind: KindJobs,
		ID: d.ID, Fresh: m.opts.IdleRefresh}}}
}

// applyJobs takes a jobs answer.
func (m *Monitor) applyJobs(r Result) Outcome {
	out := Outcome{Target: JobsTarget}
	if r.Seq != m.jobs.seq || !m.jobs.inFlight {
		out.Dropped = true
		return out
	}
	m.jobs.inFlight = false
	m.noteRate(r.Rate)
	rec := JobsRecord{At: m.Received(r), LastSync: m.jobs.lastSync, Err: r.Err}
	switch {
	case errors.Is(r.Err, api.ErrNotSupported):
		m.jobs.notOffered = true
	case r.Err != nil:
		if wait, limited := retryWait(r.Err); limited {
			m.hold(m.now().Add(wait), "rate limited")
		}
		if old, ok := m.jobs.byID[r.ID]; ok && old.Err == nil {
			rec.Jobs = old.Jobs // keep what was shown; the error says it is old
		}
	default:
		rec.Jobs = r.Jobs
		m.store.learnJobs(r.ID, r.Jobs, m.now())
	}
	if _, ok := m.jobs.byID[r.ID]; !ok && len(m.jobs.byID) >= MaxJobsCache {
		oldest := ""
		for k, o := range m.jobs.byID {
			if oldest == "" || o.At.Before(m.jobs.byID[oldest].At) {
				oldest = k
			}
		}
		delete(m.jobs.byID, oldest) // the least recently fetched
	}
	m.jobs.byID[r.ID] = rec
	out.Jobs = r.ID
	// The selection moved while this was out: the one selected now.
	if t := &m.targets[SelectedTarget]; t.id != "" && t.id != r.ID && t.last != nil && t.last.ID == t.id {
		out.Plan = m.jobsFor(t.last)
	}
	return out
}

// The client reads jobs.
var _ JobsAPI = (*api.Client)(nil)
