package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// MaxJobs is the most jobs ListJobs returns: the docs' limit. A server that
// sends more has the rest dropped (the first MaxJobs are kept, newest first
// as the docs say the server orders them).
const MaxJobs = 200

// Job is one sync job of a connector, as GET /connectors/{id}/jobs lists
// it (newer docs). JobType and Status are kept as the server sent them:
// the docs name "push_products" and completed/running/queued/failed, and
// others must be shown, not dropped.
type Job struct {
	ID      string `json:"id"` // a numeric id is kept as its digits
	JobType string `json:"job_type"`
	Status  string `json:"status"`
	// Pushed and Errors are product counts, 0..MaxCount.
	Pushed int `json:"pushed"`
	Errors int `json:"errors"`
	// DurationMS is how long the job ran, in milliseconds (see Duration).
	DurationMS int `json:"duration_ms"`
	// CompletedAt is nil for a job that has not finished (or whose time
	// could not be read: see CompletedAtUnknown).
	CompletedAt *time.Time `json:"completed_at"`

	// The Unknown flags say the field was absent, null or nonsense: show
	// "?", not the zero beside it. CompletedAtUnknown is only set for a
	// time sent but unreadable; null is "not completed".
	PushedUnknown      bool `json:"-"`
	ErrorsUnknown      bool `json:"-"`
	DurationUnknown    bool `json:"-"`
	CompletedAtUnknown bool `json:"-"`
}

// Duration is DurationMS as a time.Duration (0 when unknown).
func (j Job) Duration() time.Duration {
	if j.DurationUnknown {
		return 0
	}
	return time.Duration(j.DurationMS) * time.Millisecond
}

// jobsOffered is what the client learnt about GET /connectors/{id}/jobs.
const (
	jobsUnknown int32 = iota
	jobsOffered
	jobsNotOffered
)

// JobsOffered reports what the client knows about the jobs endpoint: known
// is false until a jobs call got an answer; offered is then whether the
// server has it.
func (c *Client) JobsOffered() (offered, known bool) {
	switch c.jobs.Load() {
	case jobsOffered:
		return true, true
	case jobsNotOffered:
		return false, true
	}
	return false, false
}

// ListJobs fetches a connector's sync jobs, newest first, at most MaxJobs
// (newer docs: GET /connectors/{id}/jobs, a bare JSON array).
//
// A server without the endpoint answers 404 or 405: that is an error
// matching ErrNotSupported, and the client remembers it, so later calls
// return the same error without a request until the client is built again
// (the next start). A 404 is taken as "connector not found" (ErrNotFound,
// nothing remembered) when the server has answered jobs before, or when
// its detail names a connector ("Connector not found"), as a route the
// server lacks is answered with a generic "Not Found".
//
// Each job is read field by field: an odd field costs only itself (see
// Job's Unknown flags), and an entry that is not an object is skipped.
func (c *Client) ListJobs(ctx context.Context, id string) ([]Job, *Response, error) {
	if id == "" {
		return nil, nil, errors.New("api: empty connector id")
	}
	if c.jobs.Load() == jobsNotOffered {
		return nil, nil, &NotSupportedError{Err: errJobsNotOffered}
	}
	var raw json.RawMessage
	resp, err := c.get(ctx, "/connectors/"+escapeID(id)+"/jobs", nil, &raw)
	if err != nil {
		if c.jobsMissing(resp, err) {
			c.jobs.Store(jobsNotOffered)
			return nil, resp, &NotSupportedError{Err: err}
		}
		return nil, resp, err
	}
	jobs, err := decodeJobs(raw)
	if err != nil {
		return nil, resp, &UnexpectedResponseError{StatusCode: resp.StatusCode, ContentType: resp.contentType, Reason: err.Error()}
	}
	c.jobs.Store(jobsOffered)
	return jobs, resp, nil
}

// errJobsNotOffered is the cause carried by a remembered "not offered".
var errJobsNotOffered = errors.New("GET /connectors/{id}/jobs answered 404 or 405 earlier")

// jobsMissing says whether a failed jobs call means the route is missing.
func (c *Client) jobsMissing(resp *Response, err error) bool {
	if resp == nil {
		return false
	}
	switch resp.StatusCode {
	case http.StatusMethodNotAllowed:
		return true
	case http.StatusNotFound:
		if c.jobs.Load() == jobsOffered {
			return false
		}
		var ae *APIError
		if errors.As(err, &ae) && strings.Contains(strings.ToLower(ae.Detail), "connector") {
			return false
		}
		return true
	}
	return false
}

// decodeJobs reads the jobs answer: a bare array as the docs show, or,
// tolerantly, an object holding it under "items", "jobs" or "data".
func decodeJobs(raw json.RawMessage) ([]Job, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, errors.New("invalid JSON")
		}
		raw = nil
		for _, k := range []string{"items", "jobs", "data"} {
			if v := bytes.TrimSpace(obj[k]); len(v) > 0 && v[0] == '[' {
				raw = v
				break
			}
		}
		if raw == nil {
			return nil, errors.New("the answer is an object without a list of jobs")
		}
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, errors.New("the answer is not a list of jobs")
	}
	if len(items) > MaxJobs {
		items = items[:MaxJobs]
	}
	jobs := make([]Job, 0, len(items))
	for _, it := range items {
		if j, ok := decodeJob(it); ok {
			jobs = append(jobs, j)
		}
	}
	return jobs, nil
}

// jobWire is Job as it travels: each field decoded on its own.
type jobWire struct {
	ID          json.RawMessage `json:"id"`
	JobType     json.RawMessage `json:"job_type"`
	Status      json.RawMessage `json:"status"`
	Pushed      json.RawMessage `json:"pushed"`
	Errors      json.RawMessage `json:"errors"`
	DurationMS  json.RawMessage `json:"duration_ms"`
	CompletedAt json.RawMessage `json:"completed_at"`
}

func decodeJob(b json.RawMessage) (Job, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return Job{}, false
	}
	var w jobWire
	if json.Unmarshal(b, &w) != nil {
		return Job{}, false
	}
	j := Job{ID: wireText(w.ID), JobType: wireText(w.JobType), Status: wireText(w.Status)}
	var ok bool
	j.Pushed, ok = parseCount(w.Pushed)
	j.PushedUnknown = !ok
	j.Errors, ok = parseCount(w.Errors)
	j.ErrorsUnknown = !ok
	j.DurationMS, ok = parseCount(w.DurationMS)
	j.DurationUnknown = !ok
	if ca := bytes.TrimSpace(w.CompletedAt); len(ca) > 0 && string(ca) != "null" {
		if t, ok := parseTimestamp(ca); ok {
			j.CompletedAt = &t
		} else {
			j.CompletedAtUnknown = true
		}
	}
	return j, true
}

// wireText is a string field as sent, or a number's digits; null and
// absent are "", anything else its JSON text. Clipped to maxCode.
func wireText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return clipN(s, maxCode)
	}
	return clipN(string(raw), maxCode)
}
