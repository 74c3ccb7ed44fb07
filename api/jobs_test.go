package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const jobsJSON = `[
  {"id": "j3", "job_type": "push_products", "status": "running", "pushed": 40, "errors": 0,
   "duration_ms": null, "completed_at": null},
  {"id": 1002, "job_type": "push_stock", "status": "completed", "pushed": 120, "errors": 2,
   "duration_ms": 8400, "completed_at": "2026-05-14T08:00:00Z", "extra": {"ignored": true}},
  {"id": "j1", "job_type": "reindex_v9", "status": "half_done", "pushed": "lots", "errors": -1,
   "duration_ms": "1500", "completed_at": "yesterday"},
  "not an object",
  42
]`

func TestListJobsDecodesEachJob(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{id}/jobs", func(w http.ResponseWriter, r *http.Request) {
		assertRequest(t, r, wantRequest{method: "GET", path: "/connectors/a%2Fb/jobs"})
		writeJSON(w, 200, jobsJSON)
	})
	jobs, resp, err := c.ListJobs(context.Background(), "a/b")
	if err != nil {
		t.Fatalf("ListJobs: %v", err)
	}
	if resp.StatusCode != 200 {
		t.Errorf("StatusCode = %d", resp.StatusCode)
	}
	if len(jobs) != 3 {
		t.Fatalf("%d jobs, want 3 (entries that are not objects skipped): %+v", len(jobs), jobs)
	}
	at := time.Date(2026, 5, 14, 8, 0, 0, 0, time.UTC)
	running, done, odd := jobs[0], jobs[1], jobs[2]
	if running.ID != "j3" || running.Status != "running" || running.CompletedAt != nil || running.CompletedAtUnknown ||
		!running.DurationUnknown || running.Pushed != 40 {
		t.Errorf("running job = %+v", running)
	}
	if done.ID != "1002" || done.JobType != "push_stock" || done.Pushed != 120 || done.Errors != 2 ||
		done.Duration() != 8400*time.Millisecond || done.CompletedAt == nil || !done.CompletedAt.Equal(at) {
		t.Errorf("completed job = %+v", done)
	}
	// Unknown values are kept as they came; nonsense counts are unknown.
	if odd.JobType != "reindex_v9" || odd.Status != "half_done" || !odd.PushedUnknown || !odd.ErrorsUnknown ||
		odd.DurationUnknown || odd.DurationMS != 1500 || odd.CompletedAt != nil || !odd.CompletedAtUnknown {
		t.Errorf("odd job = %+v", odd)
	}
	if offered, known := c.JobsOffered(); !offered || !known {
		t.Errorf("JobsOffered = %v, %v after an answer, want true, true", offered, known)
	}
}

func TestListJobsKeepsAtMostTheDocumentedLimit(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{id}/jobs", func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		b.WriteString(`{"items": [`)
		for i := range MaxJobs + 50 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id": "j%d", "status": "completed"}`, i)
		}
		b.WriteString(`]}`)
		writeJSON(w, 200, b.String())
	})
	jobs, _, err := c.ListJobs(context.Background(), "c1")
	if err != nil {
		t.Fatalf("ListJobs: %v", err)
	}
	if len(jobs) != MaxJobs || jobs[0].ID != "j0" || jobs[MaxJobs-1].ID != fmt.Sprintf("j%d", MaxJobs-1) {
		t.Errorf("%d jobs (first %q), want the first %d", len(jobs), jobs[0].ID, MaxJobs)
	}
}

func TestListJobsBodyReadThroughSizeLimit(t *testing.T) {
	c, mux := setup(t, WithMaxBodySize(1024))
	mux.HandleFunc("/connectors/{id}/jobs", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, "["+strings.Repeat(`{"id":"x"},`, 200)+`{"id":"x"}]`)
	})
	_, _, err := c.ListJobs(context.Background(), "c1")
	var ue *UnexpectedResponseError
	if !errors.As(err, &ue) || !strings.Contains(ue.Reason, "larger than") {
		t.Errorf("ListJobs on a too large body = %v, want an UnexpectedResponseError about its size", err)
	}
}

func TestListJobsNotOfferedIsRememberedUntilNextClient(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		ctype, body string
	}{
		{"404 generic JSON", 404, "application/json", `{"detail":"Not Found"}`},
		{"404 text", 404, "text/plain", "404 page not found"},
		{"405", 405, "application/json", `{"detail":"Method Not Allowed"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits counter
			c, mux := setup(t)
			mux.HandleFunc("/connectors/{id}/jobs", hits.wrap(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			for i := range 3 {
				_, _, err := c.ListJobs(context.Background(), fmt.Sprintf("c%d", i))
				if !errors.Is(err, ErrNotSupported) {
					t.Fatalf("call %d: ListJobs = %v, want ErrNotSupported", i, err)
				}
			}
			if hits.get() != 1 {
				t.Errorf("%d requests for 3 calls, want 1: a missing endpoint is asked no more", hits.get())
			}
			if offered, known := c.JobsOffered(); offered || !known {
				t.Errorf("JobsOffered = %v, %v, want false, true", offered, known)
			}
		})
	}
}

// A 404 about the connector is not a missing endpoint: nothing is
// remembered, and the next call asks again.
func TestListJobsConnectorNotFoundIsNotNotOffered(t *testing.T) {
	var hits counter
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{id}/jobs", hits.wrap(func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("id") {
		case "gone":
			writeJSON(w, 404, `{"detail":"Not Found"}`)
		case "missing":
			writeJSON(w, 404, `{"detail":"Connector not found","error_code":"NOT_FOUND"}`)
		default:
			writeJSON(w, 200, `[]`)
		}
	}))
	ctx := context.Background()
	if _, _, err := c.ListJobs(ctx, "missing"); !errors.Is(err, ErrNotFound) || errors.Is(err, ErrNotSupported) {
		t.Fatalf("ListJobs(missing) = %v, want ErrNotFound only", err)
	}
	if _, known := c.JobsOffered(); known {
		t.Error("a connector's 404 taught the client something about the endpoint")
	}
	if jobs, _, err := c.ListJobs(ctx, "c1"); err != nil || jobs == nil || len(jobs) != 0 {
		t.Fatalf("ListJobs(c1) = %v, %v, want an empty, non-nil list", jobs, err)
	}
	// Once the server has answered jobs, any 404 is about the connector.
	if _, _, err := c.ListJobs(ctx, "gone"); !errors.Is(err, ErrNotFound) || errors.Is(err, ErrNotSupported) {
		t.Fatalf("ListJobs(gone) = %v, want ErrNotFound only", err)
	}
	if hits.get() != 3 {
		t.Errorf("%d requests, want 3", hits.get())
	}
}

func TestListJobsErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		is     error
	}{
		{"401", 401, `{"detail":"bad key"}`, ErrUnauthorized},
		{"429", 429, `{"detail":"slow down","retry_after_seconds":5}`, ErrRateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc("/connectors/{id}/jobs", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, tt.status, tt.body)
			})
			_, _, err := c.ListJobs(context.Background(), "c1")
			if !errors.Is(err, tt.is) || errors.Is(err, ErrNotSupported) {
				t.Errorf("ListJobs = %v, want %v", err, tt.is)
			}
		})
	}
	t.Run("not a list", func(t *testing.T) {
		c, mux := setup(t)
		mux.HandleFunc("/connectors/{id}/jobs", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"detail":"ok"}`)
		})
		_, _, err := c.ListJobs(context.Background(), "c1")
		var ue *UnexpectedResponseError
		if !errors.As(err, &ue) {
			t.Errorf("ListJobs = %v, want an UnexpectedResponseError", err)
		}
	})
	t.Run("empty id", func(t *testing.T) {
		c, _ := setup(t) // any request fails the test
		if _, _, err := c.ListJobs(context.Background(), ""); err == nil {
			t.Error("ListJobs(\"\") = nil error")
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		c, mux := setup(t)
		mux.HandleFunc("/connectors/{id}/jobs", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `[]`)
		})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, _, err := c.ListJobs(ctx, "c1"); !errors.Is(err, context.Canceled) {
			t.Errorf("ListJobs on a cancelled context = %v, want context.Canceled", err)
		}
	})
}

func TestListJobsRedactsTheKey(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{id}/jobs", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `[{"id":"j1","status":"failed: key `+testKey+` refused"}]`)
	})
	jobs, _, err := c.ListJobs(context.Background(), "c1")
	if err != nil {
		t.Fatalf("ListJobs: %v", err)
	}
	if strings.Contains(jobs[0].Status, testKey) || !strings.Contains(jobs[0].Status, "[redacted]") {
		t.Errorf("status = %q, want the key redacted", jobs[0].Status)
	}
}

// FuzzDecodeJobs feeds arbitrary jobs answers to the decoder: it never
// panics, keeps at most MaxJobs, and bounds every kept string.
func FuzzDecodeJobs(f *testing.F) {
	f.Add(jobsJSON)
	f.Add(`{"jobs":[{"id":null,"status":{"a":1},"completed_at":1778745645000}]}`)
	f.Add(`[{"duration_ms":1e400,"pushed":"1.5e3","errors":true}]`)
	f.Add(`{"items":"x"}`)
	f.Fuzz(func(t *testing.T, body string) {
		jobs, err := decodeJobs([]byte(body))
		if err != nil {
			return
		}
		if len(jobs) > MaxJobs {
			t.Fatalf("%d jobs", len(jobs))
		}
		for _, j := range jobs {
			for _, s := range []string{j.ID, j.JobType, j.Status} {
				if len(s) > maxCode+len("…") {
					t.Fatalf("field of %d bytes kept", len(s))
				}
			}
			if j.Pushed < 0 || j.Errors < 0 || j.DurationMS < 0 {
				t.Fatalf("negative count in %+v", j)
			}
		}
	})
}
