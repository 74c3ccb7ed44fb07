package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

const (
	maxEANs = 10000
	// maxOffset keeps skip and page arithmetic far from overflow; any offset
	// this large is past the end of every list anyway.
	maxOffset = math.MaxInt32

	statusActive = "active"
	statusPaused = "paused"
	statusError  = "error"
)

// connector is one connector's state. Products queued by syncs live in jobs
// until they finish; progress inside a job is computed from the clock, so
// nothing needs to tick.
type connector struct {
	serial     uint64 // position at generation; stable across Remove, feeds the hashes
	id         string
	name       string
	platform   string
	status     string
	createdAt  time.Time
	lastSyncAt time.Time // zero: never synced (null on the wire)
	synced     int       // products synced by finished jobs
	lastError  *string
	catalog    int     // products a whole-catalog sync queues
	rate       float64 // products per second this connector syncs at

	jobs      []job     // queued or running, in order
	done      []job     // finished, oldest first, at most maxJobs (GET /jobs)
	pastUntil time.Time // last_sync_at at New: the scheduled runs before it (jobs.go)
	pastError bool      // last_error at New: the run at pastUntil failed
	busyUntil time.Time // end of the last job ever queued
	syncs     uint64    // syncs queued so far, manual and auto
	tests     uint64    // connection tests so far
	autos     uint64    // auto-syncs scheduled so far
	nextAuto  time.Time // when the next auto-sync fires, if AutoSync
}

// job is one queued sync. Its products drain linearly from start to end.
type job struct {
	id         string // the sync_id
	n          int
	start, end time.Time
	lastError  string // "" means the sync succeeds
}

// done is how many of the job's products are synced at t.
func (j job) done(t time.Time) int {
	switch {
	case !t.After(j.start):
		return 0
	case !t.Before(j.end):
		return j.n
	}
	frac := float64(t.Sub(j.start)) / float64(j.end.Sub(j.start))
	return min(j.n, int(float64(j.n)*frac))
}

// progress is the connector's products_synced and products_pending at t.
func (c *connector) progress(t time.Time) (synced, pending int) {
	synced = c.synced
	for _, j := range c.jobs {
		d := j.done(t)
		synced += d
		pending += j.n - d
	}
	return synced, pending
}

// settle finishes every job that ended by t, in order: the last one to
// finish decides last_sync_at, last_error and whether an error status
// clears.
func (c *connector) settle(t time.Time) {
	for len(c.jobs) > 0 && !c.jobs[0].end.After(t) {
		j := c.jobs[0]
		c.jobs = c.jobs[1:]
		c.synced += j.n
		c.lastSyncAt = j.end
		c.recordDone(j)
		if j.lastError != "" {
			msg := j.lastError
			c.lastError = &msg
			if c.status != statusPaused {
				c.status = statusError
			}
			continue
		}
		c.lastError = nil
		if c.status == statusError {
			c.status = statusActive
		}
	}
	if len(c.jobs) == 0 {
		c.jobs = nil
	}
}

// advance brings all state up to the clock reading t and returns the time
// to use for this request. A clock that steps back is treated as standing
// still, so state never rewinds.
func (s *Server) advance(t time.Time) time.Time {
	if t.Before(s.now) {
		t = s.now
	}
	s.now = t
	for _, c := range s.auto {
		s.runAutoSyncs(c, t)
	}
	for _, c := range s.connectors {
		c.settle(t)
	}
	return t
}

// autoCatchUp bounds how much missed auto-sync history is replayed after a
// long gap between requests (a laptop lid closed, a fake clock jumped a day).
const autoCatchUp = 10 * time.Minute

// runAutoSyncs queues every auto-sync of c due by t, each at its own
// scheduled time. Sizes and intervals come from the seed and the
// connector, so the outcome does not depend on when requests arrive.
func (s *Server) runAutoSyncs(c *connector, t time.Time) {
	if t.Sub(c.nextAuto) > autoCatchUp {
		c.nextAuto = t.Add(-autoCatchUp)
	}
	for !c.nextAuto.After(t) {
		at := c.nextAuto
		c.autos++
		h := s.hash(saltAuto, c.serial, c.autos)
		if c.status != statusPaused {
			n := 1 + int(h%12) // a few EANs edited in the PIM
			if (h>>8)%4 == 0 {
				n = 150 + int((h>>16)%450) // a bulk import
			}
			s.enqueue(c, n, at)
		}
		c.nextAuto = at.Add(20*time.Second + time.Duration((h>>32)%71)*time.Second)
	}
}

// enqueue queues a sync of n products requested at time at and returns its
// sync_id. A sync waits 1.5 to 4 s in the queue (long enough for a
// dashboard polling every few seconds to see even a one-EAN sync pending),
// then runs after whatever the connector is already syncing.
func (s *Server) enqueue(c *connector, n int, at time.Time) string {
	c.syncs++
	h := s.hash(saltSync, c.serial, c.syncs)
	start := at.Add(1500*time.Millisecond + time.Duration(h%2500)*time.Millisecond)
	if c.busyUntil.After(start) {
		start = c.busyUntil
	}
	end := start.Add(time.Duration(float64(n) / c.rate * float64(time.Second)))
	c.busyUntil = end
	j := job{id: formatUUID(s.hash(saltSyncID, c.serial, c.syncs), h), n: n, start: start, end: end}
	// Which syncs fail is a pure function of seed, connector and sync
	// number: ~failureRate of them.
	if float64(h>>11)/(1<<53) < s.failureRate {
		j.lastError = syncErrorMessage(c.platform, s.hash(saltSyncError, c.serial, c.syncs))
	}
	c.jobs = append(c.jobs, j)
	return j.id
}

// Wire shapes.

type connectorItem struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	Platform   string  `json:"platform"`
	Status     string  `json:"status"`
	LastSyncAt *string `json:"last_sync_at"`
	CreatedAt  string  `json:"created_at"`
}

type listMeta struct {
	Total       int  `json:"total"`
	Page        int  `json:"page"`
	PerPage     int  `json:"per_page"`
	TotalPages  int  `json:"total_pages"`
	HasNext     bool `json:"has_next"`
	HasPrevious bool `json:"has_previous"`
}

// listBody is the seed's list answer: pagination in "meta".
type listBody struct {
	Items []connectorItem `json:"items"`
	Meta  listMeta        `json:"meta"`
}

// rootListBody is today's list answer: pagination at the root, with
// "pages" for the page count and no has_next/has_previous.
type rootListBody struct {
	Items   []connectorItem `json:"items"`
	Total   int             `json:"total"`
	Page    int             `json:"page"`
	PerPage int             `json:"per_page"`
	Pages   int             `json:"pages"`
}

type syncStats struct {
	ProductsSynced  int     `json:"products_synced"`
	ProductsPending int     `json:"products_pending"`
	LastError       *string `json:"last_error"`
}

type connectorDetail struct {
	connectorItem
	SyncStats syncStats `json:"sync_stats"`
}

type syncBody struct {
	SyncID         string `json:"sync_id"`
	Status         string `json:"status"`
	ProductsQueued int    `json:"products_queued"`
}

type testBody struct {
	OK        bool   `json:"ok"`
	Platform  string `json:"platform"`
	LatencyMS int    `json:"latency_ms"`
	Message   string `json:"message"`
}

func (c *connector) item() connectorItem {
	it := connectorItem{
		ID:        c.id,
		Name:      c.name,
		Platform:  c.platform,
		Status:    c.status,
		CreatedAt: formatTime(c.createdAt),
	}
	if !c.lastSyncAt.IsZero() {
		ts := formatTime(c.lastSyncAt)
		it.LastSyncAt = &ts
	}
	return it
}

func notFound(now time.Time) response {
	return errorResponse(http.StatusNotFound, codeNotFound, "Connector not found", now)
}

func validationError(now time.Time, format string, args ...any) response {
	return errorResponse(http.StatusUnprocessableEntity, codeValidation, fmt.Sprintf(format, args...), now)
}

// list answers GET /connectors.
func (s *Server) list(q url.Values, now time.Time) response {
	defaultPerPage, maxPerPage := s.gen.perPage()
	skip, hasSkip, err := intParam(q, "skip", 0, math.MaxInt)
	if err != "" {
		return validationError(now, "%s", err)
	}
	limit, hasLimit, err := intParam(q, "limit", 1, maxPerPage)
	if err != "" {
		return validationError(now, "%s", err)
	}
	page, hasPage, err := intParam(q, "page", 1, math.MaxInt)
	if err != "" {
		return validationError(now, "%s", err)
	}
	perPage, hasPerPage, err := intParam(q, "per_page", 1, maxPerPage)
	if err != "" {
		return validationError(now, "%s", err)
	}
	// skip/limit are the older names and win over page/per_page, one for
	// one, when a client sends both.
	if !hasLimit {
		limit = defaultPerPage
		if hasPerPage {
			limit = perPage
		}
	}
	if !hasSkip {
		skip = 0
		if hasPage {
			skip = maxOffset
			if page-1 < maxOffset/limit {
				skip = (page - 1) * limit
			}
		}
	}
	skip = min(skip, maxOffset)

	total := len(s.connectors)
	items := make([]connectorItem, 0, min(limit, max(total-skip, 0)))
	for i := skip; i < total && i < skip+limit; i++ {
		items = append(items, s.connectors[i].item())
	}
	if s.gen == Current {
		return response{status: http.StatusOK, body: rootListBody{Items: items, Total: total,
			Page: skip/limit + 1, PerPage: limit, Pages: (total + limit - 1) / limit}}
	}
	body := listBody{
		Items: items,
		Meta: listMeta{
			Total:       total,
			Page:        skip/limit + 1,
			PerPage:     limit,
			TotalPages:  (total + limit - 1) / limit,
			HasNext:     skip+limit < total,
			HasPrevious: skip > 0,
		},
	}
	return response{status: http.StatusOK, body: body}
}

// intParam reads an optional integer query parameter in [lo, hi]. The
// error, if any, is the detail to send back.
func intParam(q url.Values, name string, lo, hi int) (v int, present bool, errDetail string) {
	vals, ok := q[name]
	if !ok || len(vals) == 0 {
		return 0, false, ""
	}
	raw := vals[0]
	v, err := strconv.Atoi(raw)
	if err != nil || v < lo || v > hi {
		if hi == math.MaxInt {
			return 0, true, fmt.Sprintf("%s: must be an integer >= %d (got %q)", name, lo, trimForDetail(raw))
		}
		return 0, true, fmt.Sprintf("%s: must be an integer between %d and %d (got %q)", name, lo, hi, trimForDetail(raw))
	}
	return v, true, ""
}

// get answers GET /connectors/{id}.
func (s *Server) get(id string, now time.Time) response {
	c, ok := s.byID[id]
	if !ok {
		return notFound(now)
	}
	synced, pending := c.progress(now)
	return response{status: http.StatusOK, body: connectorDetail{
		connectorItem: c.item(),
		SyncStats: syncStats{
			ProductsSynced:  synced,
			ProductsPending: pending,
			LastError:       c.lastError,
		},
	}}
}

// sync answers POST /connectors/{id}/sync.
func (s *Server) sync(id string, body []byte, now time.Time) response {
	c, ok := s.byID[id]
	if !ok {
		return notFound(now)
	}
	eans, whole, detail := parseSyncBody(body)
	if detail != "" {
		return validationError(now, "%s", detail)
	}
	if c.status == statusPaused {
		return errorResponse(http.StatusConflict, codeConflict, "Connector is paused", now)
	}
	n := len(eans)
	if whole {
		n = c.catalog
	}
	syncID := s.enqueue(c, n, now)
	return response{status: http.StatusAccepted, body: syncBody{
		SyncID:         syncID,
		Status:         "queued",
		ProductsQueued: n,
	}}
}

// parseSyncBody validates a sync request body. An empty body, {} or
// {"eans":null} asks for the whole catalog; otherwise eans must be a
// non-empty array of at most maxEANs EAN strings. It returns the distinct
// EANs, or a detail naming the first problem.
func parseSyncBody(body []byte) (eans map[string]struct{}, whole bool, errDetail string) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, true, ""
	}
	var obj map[string]json.RawMessage
	if body[0] != '{' || json.Unmarshal(body, &obj) != nil {
		return nil, false, "body: must be a JSON object, e.g. {\"eans\": [\"3760000000001\"]}"
	}
	raw, ok := obj["eans"]
	if !ok || string(raw) == "null" {
		return nil, true, ""
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil, false, "eans: must be an array of strings"
	}
	switch {
	case len(items) == 0:
		return nil, false, "eans: must not be empty; omit it to sync the whole catalog"
	case len(items) > maxEANs:
		return nil, false, fmt.Sprintf("eans: at most %d EANs per sync (got %d)", maxEANs, len(items))
	}
	eans = make(map[string]struct{}, len(items))
	for i, it := range items {
		var e string
		if len(it) == 0 || it[0] != '"' || json.Unmarshal(it, &e) != nil {
			return nil, false, fmt.Sprintf("eans[%d]: must be a string", i)
		}
		if !validEAN(e) {
			return nil, false, fmt.Sprintf("eans[%d]: %q is not a valid EAN", i, trimForDetail(e))
		}
		eans[e] = struct{}{}
	}
	return eans, false, ""
}

// validEAN accepts the usual GTIN lengths: EAN-8, UPC-A, EAN-13, GTIN-14.
// Check digits are deliberately not verified: the docs' own examples
// (3760000000001) do not carry valid ones.
func validEAN(e string) bool {
	switch len(e) {
	case 8, 12, 13, 14:
	default:
		return false
	}
	for i := 0; i < len(e); i++ {
		if e[i] < '0' || e[i] > '9' {
			return false
		}
	}
	return true
}

// test answers POST /connectors/{id}/test.
func (s *Server) test(id string, now time.Time) response {
	c, ok := s.byID[id]
	if !ok {
		return notFound(now)
	}
	c.tests++
	h := s.hash(saltTest, c.serial, c.tests)
	body := testBody{OK: true, Platform: c.platform}
	switch c.status {
	case statusActive:
		body.LatencyMS = 40 + int(h%300)
		body.Message = "Connection OK"
	case statusPaused:
		body.LatencyMS = 40 + int(h%300)
		body.Message = "Connection OK (connector is paused: nothing is sent until it is resumed)"
	case statusError:
		body.OK = false
		body.LatencyMS = 150 + int(h%1200)
		body.Message = connectionErrorMessage(c.platform, h)
	default:
		body.LatencyMS = 900 + int(h%2400)
		body.Message = "Connection OK, but the platform answered slowly"
	}
	return response{status: http.StatusOK, body: body}
}
