package sandbox

import (
	"net/http"
	"slices"
	"time"
)

// maxJobs is the most jobs GET /connectors/{id}/jobs lists, as the docs say.
const maxJobs = 200

// saltJobs keeps the scheduled runs' hash stream apart from the others
// (data.go's salts end at saltData).
const saltJobs uint64 = 0x6a6f6273 // "jobs"

// Job types and statuses the sandbox serves. The docs name push_products
// and completed/running/queued/failed; completed_with_warnings stands for
// the values no client knows.
const (
	jobPushProducts = "push_products"
	jobPushStock    = "push_stock"
	jobPushPrices   = "push_prices"

	jobCompleted = "completed"
	jobRunning   = "running"
	jobQueued    = "queued"
	jobFailed    = "failed"
	jobWarnings  = "completed_with_warnings"
)

// jobItem is one job on the wire.
type jobItem struct {
	ID          string  `json:"id"`
	JobType     string  `json:"job_type"`
	Status      string  `json:"status"`
	Pushed      int     `json:"pushed"`
	Errors      int     `json:"errors"`
	DurationMS  *int64  `json:"duration_ms"`
	CompletedAt *string `json:"completed_at"`
}

// recordDone keeps a finished sync for the jobs answer.
func (c *connector) recordDone(j job) {
	c.done = append(c.done, j)
	if len(c.done) > maxJobs {
		c.done = slices.Delete(c.done, 0, len(c.done)-maxJobs)
	}
}

// listJobs answers GET /connectors/{id}/jobs: the syncs queued or running
// now, then those that finished since the sandbox started, then the
// scheduled runs before it, newest first, at most maxJobs.
func (s *Server) listJobs(id string, now time.Time) response {
	c, ok := s.byID[id]
	if !ok {
		return notFound(now)
	}
	out := make([]jobItem, 0, 16)
	for i := len(c.jobs) - 1; i >= 0 && len(out) < maxJobs; i-- {
		j := c.jobs[i]
		it := jobItem{ID: j.id, JobType: jobPushProducts, Status: jobQueued}
		if now.After(j.start) {
			it.Status, it.Pushed = jobRunning, j.done(now)
		}
		out = append(out, it)
	}
	for i := len(c.done) - 1; i >= 0 && len(out) < maxJobs; i-- {
		j := c.done[i]
		it := jobItem{ID: j.id, JobType: jobPushProducts, Status: jobCompleted, Pushed: j.n}
		if j.lastError != "" {
			it.Status, it.Errors = jobFailed, 1
		}
		finished(&it, j.end.Sub(j.start), j.end)
		out = append(out, it)
	}
	return response{status: http.StatusOK, body: s.pastRuns(c, out)}
}

func finished(it *jobItem, d time.Duration, end time.Time) {
	ms := d.Milliseconds()
	ts := formatTime(end)
	it.DurationMS, it.CompletedAt = &ms, &ts
}

// daily says whether a connector's schedule is the daily prices push at
// 03:00 (a quarter of them) rather than the hourly stock push. The docs'
// own connector is hourly.
func (s *Server) daily(c *connector) bool {
	return c.serial != 0 && s.hash(saltJobs, c.serial)%4 == 0
}

// pastRuns appends the scheduled runs that ended by c.pastUntil, the
// last_sync_at the connector had when the sandbox started: they are what
// made it. Nothing runs on schedule after that, so a connector whose last
// sync is old has runs that stopped (it is late), and one never synced has
// none. About one run in 25 is slow (3.2 to 4.9 times its usual
// duration); ~SyncFailureRate of them fail, and the one at pastUntil fails
// when the connector started with a last_error. Every run is a pure
// function of the seed, the connector and its time, so the answer does not
// depend on when it is asked.
func (s *Server) pastRuns(c *connector, out []jobItem) []jobItem {
	if c.pastUntil.IsZero() {
		return out
	}
	daily := s.daily(c)
	at := c.pastUntil
	// day is the start of the latest 03:00 prices push ending before
	// pastUntil (daily connectors only).
	day := time.Date(at.Year(), at.Month(), at.Day(), 3, 0, 0, 0, time.UTC)
	if _, d := s.schedule(c, jobPushPrices, day); !day.Add(d).Before(at) {
		day = day.AddDate(0, 0, -1)
	}
	for k := 0; len(out) < maxJobs && !at.Before(c.createdAt); k++ {
		switch {
		case !daily:
			n, d := s.schedule(c, jobPushStock, at)
			out = append(out, s.run(c, jobPushStock, at, n, d, k == 0 && c.pastError))
			at = at.Add(-time.Hour)
		case k == 0:
			// A manual sync of the catalog set last_sync_at.
			n, d := s.schedule(c, jobPushProducts, at)
			out = append(out, s.run(c, jobPushProducts, at, n, d, c.pastError))
		default:
			n, d := s.schedule(c, jobPushPrices, day)
			at = day.Add(d)
			if at.Before(c.createdAt) {
				return out
			}
			out = append(out, s.run(c, jobPushPrices, at, n, d, false))
			day = day.AddDate(0, 0, -1)
		}
	}
	return out
}

// schedule is how many products the scheduled run of kind keyed by t (its
// end for hourly runs, its 03:00 start for daily ones) pushes and how long
// it lasts: its volume at the connector's rate, a second and a half of
// overhead, and about once in 25 runs 3.2 to 4.9 times that (a slow run).
func (s *Server) schedule(c *connector, kind string, t time.Time) (int, time.Duration) {
	h := s.hash(saltJobs, c.serial, uint64(t.Unix()), 1)
	base := max(5, c.catalog/10) // stock levels that moved in an hour
	if kind != jobPushStock {
		base = c.catalog
	}
	n := max(1, base*int(70+h%61)/100)
	d := 1500*time.Millisecond + time.Duration(float64(n)/c.rate*float64(time.Second))
	if (h>>12)%25 == 0 {
		d = d * time.Duration(32+(h>>20)%18) / 10
	}
	if kind == jobPushPrices {
		// Whole seconds: completed_at minus the duration is 03:00 exactly.
		return n, d.Truncate(time.Second)
	}
	return n, d.Truncate(time.Millisecond)
}

// run is the scheduled run of kind that ended at end.
func (s *Server) run(c *connector, kind string, end time.Time, n int, d time.Duration, fail bool) jobItem {
	h := s.hash(saltJobs, c.serial, uint64(end.Unix()), 3)
	it := jobItem{
		ID:      formatUUID(h, s.hash(saltJobs, c.serial, uint64(end.Unix()), 4)),
		JobType: kind,
		Status:  jobCompleted,
		Pushed:  n,
	}
	switch {
	case fail || float64(h>>11)/(1<<53) < s.failureRate:
		it.Status, it.Errors, it.Pushed = jobFailed, 1+int(h%20), n/3
	case (h>>4)%50 == 0:
		it.Status, it.Errors = jobWarnings, 1+int(h%3)
	}
	finished(&it, d, end)
	return it
}
