package sandbox

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxBodyBytes bounds a request body: 10 000 EANs of 14 digits, quoted and
// comma-separated, fit with room to spare.
const maxBodyBytes = 1 << 20

// Error codes, as in the Pixee docs where they name one.
const (
	codeAuthRequired     = "AUTHENTICATION_REQUIRED"
	codeInvalidKey       = "INVALID_API_KEY"
	codeNotFound         = "NOT_FOUND"
	codeValidation       = "VALIDATION_ERROR"
	codeRateLimited      = "RATE_LIMIT_EXCEEDED"
	codeConflict         = "CONFLICT"
	codeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	codeBadRequest       = "BAD_REQUEST"
	codeTooLarge         = "PAYLOAD_TOO_LARGE"
	codeUnavailable      = "SERVICE_UNAVAILABLE"
	codePermission       = "PERMISSION_DENIED"
)

type routeKind int

const (
	routeNone routeKind = iota
	routeList
	routeGet
	routeSync
	routeTest
	routeJobs
)

// method is the one method a route answers.
func (k routeKind) method() string {
	switch k {
	case routeSync, routeTest:
		return http.MethodPost
	}
	return http.MethodGet
}

// pattern names the route in Stats.
func (k routeKind) pattern() string {
	switch k {
	case routeList:
		return "/connectors"
	case routeGet:
		return "/connectors/{id}"
	case routeSync:
		return "/connectors/{id}/sync"
	case routeTest:
		return "/connectors/{id}/test"
	case routeJobs:
		return "/connectors/{id}/jobs"
	}
	return "(no route)"
}

// matchRoute maps a request path to a route and connector id. Routing is by
// hand rather than http.ServeMux so that both list spellings answer without
// a redirect and a wrong method gets a JSON 405 like every other error.
// The current generation answers the list only at "/connectors/" (the
// newer docs: trailing slash required, no redirect).
func matchRoute(path string, gen Generation) (routeKind, string) {
	p, ok := strings.CutPrefix(path, BasePath)
	if !ok {
		return routeNone, ""
	}
	if p == "/connectors/" || (p == "/connectors" && gen == Seed) {
		return routeList, ""
	}
	rest, ok := strings.CutPrefix(p, "/connectors/")
	if !ok {
		return routeNone, ""
	}
	id, action, hasAction := strings.Cut(rest, "/")
	if id == "" {
		return routeNone, ""
	}
	if !hasAction {
		return routeGet, id
	}
	switch action {
	case "sync":
		return routeSync, id
	case "test":
		return routeTest, id
	case "jobs":
		return routeJobs, id
	}
	return routeNone, ""
}

// response is what a handler decided, written after the lock is released
// so a slow client never holds up the others.
type response struct {
	status int
	header http.Header
	body   any
}

// errorBody is the documented error shape.
type errorBody struct {
	Detail            string `json:"detail"`
	ErrorCode         string `json:"error_code,omitempty"`
	RetryAfterSeconds int    `json:"retry_after_seconds,omitempty"`
	Timestamp         string `json:"timestamp"`
}

func errorResponse(status int, code, detail string, now time.Time) response {
	return response{status: status, body: errorBody{
		Detail:    detail,
		ErrorCode: code,
		Timestamp: formatTime(now),
	}}
}

// ServeHTTP answers one request. Checks run in the order a FastAPI-style
// server applies them: unknown path (404) and wrong method (405) before
// auth (401), then the rate limit (429), then the route's own answer. Only
// answers after auth carry X-RateLimit-* headers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, id := matchRoute(r.URL.Path, s.gen)
	if route == routeJobs && s.noJobs {
		route = routeNone // a server of the seed's docs: no such route
	}
	s.count(r.Method, route)

	if s.latency > 0 && !sleepCtx(r.Context(), s.latency) {
		// The client gave up or the server is stopping; the answer is for
		// whoever is still listening.
		s.write(w, errorResponse(http.StatusServiceUnavailable, codeUnavailable,
			"Request cancelled", s.clock()))
		return
	}

	if route == routeNone {
		s.write(w, errorResponse(http.StatusNotFound, codeNotFound, "Not found", s.clock()))
		return
	}
	if r.Method != route.method() {
		resp := errorResponse(http.StatusMethodNotAllowed, codeMethodNotAllowed,
			"Method not allowed", s.clock())
		resp.header = http.Header{"Allow": {route.method()}}
		s.write(w, resp)
		return
	}
	if resp, ok := s.authenticate(r); !ok {
		s.write(w, resp)
		return
	}
	if s.readOnlyKey && r.Method == http.MethodPost {
		s.write(w, errorResponse(http.StatusForbidden, codePermission,
			"Permission denied: this API key lacks the MANAGE_SETTINGS permission", s.clock()))
		return
	}

	// Read the body before taking the lock: a slow upload must not stall
	// every other request.
	var body []byte
	var bodyErr *response
	if route == routeSync {
		body, bodyErr = readBody(w, r, s.clock)
	}

	now := s.clock()
	s.mu.Lock()
	now = s.advance(now)
	limit, win := s.readLimit, &s.reads
	if r.Method == http.MethodPost {
		limit, win = s.writeLimit, &s.writes
	}
	rl := rateHeaders(win, limit, now)
	var resp response
	switch {
	case rl.limited:
		resp = errorResponse(http.StatusTooManyRequests, codeRateLimited, "Rate limit exceeded", now)
		eb := resp.body.(errorBody)
		eb.RetryAfterSeconds = rl.retryAfter
		resp.body = eb
	case bodyErr != nil:
		resp = *bodyErr
	default:
		resp = s.dispatch(route, id, r, body, now)
	}
	s.mu.Unlock()

	if rl.header != nil {
		if resp.header == nil {
			resp.header = http.Header{}
		}
		for k, v := range rl.header {
			resp.header[k] = v
		}
	}
	s.write(w, resp)
}

func (s *Server) dispatch(route routeKind, id string, r *http.Request, body []byte, now time.Time) response {
	switch route {
	case routeList:
		return s.list(r.URL.Query(), now)
	case routeGet:
		return s.get(id, now)
	case routeSync:
		return s.sync(id, body, now)
	case routeTest:
		return s.test(id, now)
	case routeJobs:
		return s.listJobs(id, now)
	}
	return errorResponse(http.StatusNotFound, codeNotFound, "Not found", now)
}

func (s *Server) count(method string, route routeKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total++
	s.byRoute[method+" "+route.pattern()]++
}

// authenticate checks the key in the generation's header: X-API-Key today
// (a Bearer key gets the same 401 as no key, as the changelog says),
// Authorization: Bearer in the seed era. The presented key is never echoed.
func (s *Server) authenticate(r *http.Request) (response, bool) {
	var token string
	present := false
	if s.gen == Seed {
		scheme, t, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
		token = strings.TrimSpace(t)
		present = strings.EqualFold(scheme, "Bearer") && token != ""
	} else {
		token = strings.TrimSpace(r.Header.Get("X-API-Key"))
		present = token != ""
	}
	var resp response
	switch {
	case !present && s.gen == Seed:
		resp = errorResponse(http.StatusUnauthorized, codeAuthRequired, "Authentication required", s.clock())
	case !present:
		resp = errorResponse(http.StatusUnauthorized, codeAuthRequired, "Not authenticated", s.clock())
	case subtle.ConstantTimeCompare([]byte(token), []byte(s.apiKey)) != 1:
		resp = errorResponse(http.StatusUnauthorized, codeInvalidKey, "Invalid API key", s.clock())
	default:
		return response{}, true
	}
	if s.gen == Seed {
		resp.header = http.Header{"Www-Authenticate": {"Bearer"}}
	}
	return resp, false
}

func readBody(w http.ResponseWriter, r *http.Request, clock func() time.Time) ([]byte, *response) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err == nil {
		return b, nil
	}
	var tooLarge *http.MaxBytesError
	var resp response
	if errors.As(err, &tooLarge) {
		resp = errorResponse(http.StatusRequestEntityTooLarge, codeTooLarge,
			"Request body larger than "+strconv.Itoa(maxBodyBytes)+" bytes", clock())
	} else {
		resp = errorResponse(http.StatusBadRequest, codeBadRequest, "Could not read request body", clock())
	}
	return nil, &resp
}

// window is a fixed one-minute rate-limit window, aligned on the clock's
// minutes.
type window struct {
	start time.Time
	used  int
}

type rateResult struct {
	limited    bool
	retryAfter int
	header     http.Header
}

// rateHeaders spends one request of the window's budget, or refuses it.
// A limit of 0 means unlimited: nothing is counted and no headers are sent.
func rateHeaders(win *window, limit int, now time.Time) rateResult {
	if limit <= 0 {
		return rateResult{}
	}
	start := now.Truncate(time.Minute)
	if !win.start.Equal(start) {
		win.start, win.used = start, 0
	}
	reset := start.Add(time.Minute)
	res := rateResult{header: http.Header{
		"X-Ratelimit-Limit": {strconv.Itoa(limit)},
		"X-Ratelimit-Reset": {strconv.FormatInt(reset.Unix(), 10)},
	}}
	if win.used >= limit {
		res.limited = true
		res.retryAfter = max(1, int(math.Ceil(reset.Sub(now).Seconds())))
		res.header.Set("X-Ratelimit-Remaining", "0")
		res.header.Set("Retry-After", strconv.Itoa(res.retryAfter))
		return res
	}
	win.used++
	res.header.Set("X-Ratelimit-Remaining", strconv.Itoa(limit-win.used))
	return res
}

// write sends a JSON answer. Names are served as raw UTF-8, not with HTML
// escapes, as the real API does.
func (s *Server) write(w http.ResponseWriter, resp response) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resp.body); err != nil {
		// Every body is built from plain structs; this cannot happen short
		// of a programming error, and a 500 is the honest answer to one.
		resp.status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"detail":"Internal server error","error_code":"INTERNAL_ERROR"}` + "\n")
	}
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(resp.status)
	_, _ = w.Write(buf.Bytes())
}

// sleepCtx waits d, or less if ctx ends first; it reports whether the whole
// wait happened.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// formatTime renders a timestamp the way the API does: RFC 3339, UTC,
// whole seconds.
func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}
