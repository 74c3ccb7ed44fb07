package sandbox

import (
	"bytes"
	"net/http"
	"slices"
	"testing"
	"time"
)

// jobResp is one job as a client reads it.
type jobResp struct {
	ID          string  `json:"id"`
	JobType     string  `json:"job_type"`
	Status      string  `json:"status"`
	Pushed      *int    `json:"pushed"`
	Errors      *int    `json:"errors"`
	DurationMS  *int64  `json:"duration_ms"`
	CompletedAt *string `json:"completed_at"`
}

func (j jobResp) end(t *testing.T) time.Time {
	t.Helper()
	if j.CompletedAt == nil {
		t.Fatalf("job %s has no completed_at", j.ID)
	}
	at, err := time.Parse(time.RFC3339, *j.CompletedAt)
	if err != nil {
		t.Fatalf("completed_at %q: %v", *j.CompletedAt, err)
	}
	return at
}

func (j jobResp) duration() time.Duration { return time.Duration(*j.DurationMS) * time.Millisecond }

// authFor is the generation's key header.
func authFor(s *Server) http.Header {
	if s.API() == Current {
		return xKey(s.APIKey())
	}
	return http.Header{"Authorization": {"Bearer " + s.APIKey()}}
}

// getJobs asks for a connector's jobs with the generation's key header.
func getJobs(t *testing.T, s *Server, id string) (result, []jobResp) {
	t.Helper()
	r := doHeader(t, s, "GET", BasePath+"/connectors/"+id+"/jobs", "", authFor(s))
	if r.status != http.StatusOK {
		return r, nil
	}
	var jobs []jobResp
	r.decode(t, &jobs)
	return r, jobs
}

func TestJobsServedInBothGenerations(t *testing.T) {
	for _, gen := range []Generation{Seed, Current} {
		t.Run(gen.String(), func(t *testing.T) {
			clock := &fakeClock{t: t0}
			s := New(Options{Now: clock.Now, API: gen, ReadLimit: -1})
			r, jobs := getJobs(t, s, DocsConnectorID)
			if r.status != http.StatusOK || !bytes.HasPrefix(r.raw, []byte("[")) {
				t.Fatalf("status %d, body %.200s: want 200 and a bare array", r.status, r.raw)
			}
			if len(jobs) == 0 || len(jobs) > maxJobs {
				t.Fatalf("%d jobs, want 1..%d", len(jobs), maxJobs)
			}
			for i, j := range jobs {
				if j.ID == "" || j.JobType == "" || j.Status == "" || j.Pushed == nil || j.Errors == nil || j.DurationMS == nil {
					t.Fatalf("job %d lacks a documented field: %+v", i, j)
				}
				if i > 0 && !j.end(t).Before(jobs[i-1].end(t)) {
					t.Fatalf("job %d ends %s, not before job %d (%s): want newest first", i, *j.CompletedAt, i-1, *jobs[i-1].CompletedAt)
				}
			}
			// The newest run is the one that made last_sync_at.
			r = doHeader(t, s, "GET", BasePath+"/connectors/"+DocsConnectorID, "", authFor(s))
			var d detailResp
			r.decode(t, &d)
			if d.LastSyncAt == nil || *d.LastSyncAt != *jobs[0].CompletedAt {
				t.Errorf("newest job ended %s, last_sync_at is %v", *jobs[0].CompletedAt, d.LastSyncAt)
			}
			if r, _ := getJobs(t, s, "no-such-connector"); r.status != http.StatusNotFound || r.errorBody(t).Detail != "Connector not found" {
				t.Errorf("unknown connector: status %d body %s, want 404 Connector not found", r.status, r.raw)
			}
		})
	}
}

func TestNoJobsIsAServerWithoutTheRoute(t *testing.T) {
	for _, gen := range []Generation{Seed, Current} {
		t.Run(gen.String(), func(t *testing.T) {
			s := New(Options{API: gen, ReadLimit: -1, NoJobs: true})
			r, _ := getJobs(t, s, DocsConnectorID)
			if r.status != http.StatusNotFound {
				t.Fatalf("status %d, want 404", r.status)
			}
			if e := r.errorBody(t); e.Detail != "Not found" {
				t.Errorf("detail %q, want the unknown path's \"Not found\"", e.Detail)
			}
			if got := s.Stats().ByRoute["GET (no route)"]; got != 1 {
				t.Errorf("counted %v, want the request under GET (no route)", s.Stats().ByRoute)
			}
		})
	}
	s, _ := newSandbox(t, Options{})
	if r := do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/jobs", ""); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET" {
		t.Errorf("POST jobs: status %d Allow %q, want 405 Allow GET", r.status, r.header.Get("Allow"))
	}
}

// Hourly connectors run every hour up to their last sync; daily ones push
// prices at 03:00. Connectors whose runs stopped long ago are late, and
// some runs are slow. Everything is the same on every run.
func TestJobsFollowTheScheduleWithLateAndSlowRuns(t *testing.T) {
	s, clock := newSandbox(t, Options{SyncFailureRate: 0.1})
	var hourly, daily, late, slow, unknownStatus int
	for _, id := range s.IDs() {
		_, jobs := getJobs(t, s, id)
		d := get(t, s, id)
		if d.LastSyncAt == nil {
			if len(jobs) != 0 {
				t.Errorf("%s never synced but has %d jobs", id, len(jobs))
			}
			continue
		}
		var durs []time.Duration
		isDaily := len(jobs) > 1 && jobs[1].JobType == jobPushPrices
		for i, j := range jobs {
			durs = append(durs, j.duration())
			if j.Status != jobCompleted && j.Status != jobFailed {
				unknownStatus++
			}
			if i == 0 {
				continue
			}
			switch {
			case isDaily:
				if start := j.end(t).Add(-j.duration()); start.Hour() != 3 || start.Minute() != 0 || start.Second() != 0 {
					t.Fatalf("%s: daily run %d started %s, want 03:00:00", id, i, start)
				}
				if i > 1 && jobs[i-1].end(t).Add(-jobs[i-1].duration()).Sub(j.end(t).Add(-j.duration())) != 24*time.Hour {
					t.Fatalf("%s: daily runs %d and %d not a day apart", id, i-1, i)
				}
			default:
				if gap := jobs[i-1].end(t).Sub(j.end(t)); gap != time.Hour {
					t.Fatalf("%s: runs %d and %d are %s apart, want 1h", id, i-1, i, gap)
				}
			}
		}
		interval := time.Hour
		if isDaily {
			daily++
			interval = 24 * time.Hour
		} else {
			hourly++
		}
		if clock.Now().Sub(jobs[0].end(t)) > 2*interval {
			late++
		}
		slices.Sort(durs)
		median := durs[len(durs)/2]
		for _, d := range durs {
			if d >= 3*median {
				slow++
			}
		}
	}
	if hourly < 50 || daily < 10 || late < 10 || slow < 10 || unknownStatus == 0 {
		t.Errorf("hourly %d, daily %d, late %d, slow runs %d, unknown statuses %d: want a fleet with each",
			hourly, daily, late, slow, unknownStatus)
	}

	// Same seed, asked later: the same past.
	_, first := getJobs(t, s, DocsConnectorID)
	clock.Advance(3 * time.Hour)
	s2, _ := newSandbox(t, Options{SyncFailureRate: 0.1})
	_, again := getJobs(t, s2, DocsConnectorID)
	_, later := getJobs(t, s, DocsConnectorID)
	if len(first) < 10 || !slices.EqualFunc(first, again, sameJob) || !slices.EqualFunc(first, later, sameJob) {
		t.Errorf("the past changed with the time of asking or between sandboxes of one seed")
	}
}

func sameJob(a, b jobResp) bool {
	return a.ID == b.ID && a.Status == b.Status && *a.Pushed == *b.Pushed && *a.DurationMS == *b.DurationMS && *a.CompletedAt == *b.CompletedAt
}

// A sync queued here shows as queued, then running, then completed at the
// connector's new last_sync_at, above the scheduled past.
func TestJobsShowSyncsQueuedHere(t *testing.T) {
	s, clock := newSandbox(t, Options{})
	_, before := getJobs(t, s, DocsConnectorID)
	r := do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", `{"eans":["3760000000001"]}`)
	var sr syncResp
	r.decode(t, &sr)
	_, jobs := getJobs(t, s, DocsConnectorID)
	if len(before) != maxJobs {
		t.Fatalf("the docs' connector has %d jobs, want a full %d", len(before), maxJobs)
	}
	if len(jobs) != maxJobs || jobs[0].ID != sr.SyncID || jobs[0].Status != jobQueued || jobs[0].CompletedAt != nil {
		t.Fatalf("after a sync: %d jobs, first %+v; want %d, the sync %s queued", len(jobs), jobs[0], maxJobs, sr.SyncID)
	}
	clock.Advance(time.Minute)
	_, jobs = getJobs(t, s, DocsConnectorID)
	d := get(t, s, DocsConnectorID)
	if jobs[0].ID != sr.SyncID || jobs[0].Status != jobCompleted || *jobs[0].Pushed != 1 || *jobs[0].CompletedAt != *d.LastSyncAt {
		t.Errorf("drained sync = %+v, last_sync_at %v; want completed, 1 pushed, at last_sync_at", jobs[0], d.LastSyncAt)
	}
	if !slices.EqualFunc(before[:maxJobs-1], jobs[1:], sameJob) {
		t.Error("the scheduled past changed under a new sync")
	}
}
