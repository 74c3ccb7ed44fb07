package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors matched with errors.Is against an *APIError.
var (
	ErrUnauthorized = errors.New("unauthorized")      // 401
	ErrForbidden    = errors.New("permission denied") // 403
	ErrNotFound     = errors.New("not found")         // 404
	ErrRateLimited  = errors.New("rate limited")      // 429
	ErrNotSupported = errors.New("not supported by this server")
	// ErrReadOnly is a write refused by a read-only client: nothing was sent.
	ErrReadOnly     = errors.New("read-only: nothing sent")
	ErrSyncRejected = errors.New("sync not queued") // a 2xx sync answer whose status says so
)

// APIError is a non-2xx answer that carried the API's JSON error body.
type APIError struct {
	StatusCode int
	Detail     string // human text from the server (untrusted)
	Code       string // error_code, optional
	Timestamp  string
	// RetryAfter is the wait a 429 or 503 named (capped at 15 minutes);
	// zero when none was named. See also RetryAfterOf.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	detail := e.Detail
	if detail == "" {
		detail = http.StatusText(e.StatusCode)
	}
	if e.Code != "" {
		return fmt.Sprintf("%s (HTTP %d %s)", detail, e.StatusCode, e.Code)
	}
	return fmt.Sprintf("%s (HTTP %d)", detail, e.StatusCode)
}

// Is matches the sentinels by status code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// RateLimitError is a 429: no request should be sent before RetryAfter has
// passed. RetryAfter comes from retry_after_seconds, then Retry-After, then
// X-RateLimit-Reset; it is zero when the server named no wait.
type RateLimitError struct {
	APIError
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("rate limited by the API: retry in %s", e.RetryAfter.Round(time.Second))
	}
	return "rate limited by the API"
}

func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// Unwrap exposes the embedded APIError to errors.As.
func (e *RateLimitError) Unwrap() error { return &e.APIError }

// UnexpectedResponseError is an answer that is not the API's JSON: an HTML
// page from a proxy, an empty or truncated body, one over the size limit.
type UnexpectedResponseError struct {
	StatusCode  int
	ContentType string
	Reason      string        // optional detail, never the raw body
	RetryAfter  time.Duration // a 503's Retry-After (capped); zero when none
}

func (e *UnexpectedResponseError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	msg := fmt.Sprintf("unexpected response (HTTP %d, %s)", e.StatusCode, ct)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Is lets an HTML 404 or 401 from a proxy still match the sentinels.
func (e *UnexpectedResponseError) Is(target error) bool {
	return (&APIError{StatusCode: e.StatusCode}).Is(target)
}

// RetryAfterOf returns the wait the server named before the next request:
// a 429's (body, Retry-After or X-RateLimit-Reset) or a 503's Retry-After,
// capped at 15 minutes. It is zero when err names none.
func RetryAfterOf(err error) time.Duration {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.RetryAfter
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.RetryAfter
	}
	var ue *UnexpectedResponseError
	if errors.As(err, &ue) {
		return ue.RetryAfter
	}
	return 0
}

// TimeoutError is a request that got no complete answer within the client's
// timeout. RequestSent says the request had been written, so for a POST the
// outcome is unknown.
type TimeoutError struct {
	After       time.Duration
	RequestSent bool
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("timed out after %s", e.After.Round(time.Millisecond))
}

func (e *TimeoutError) Timeout() bool { return true }

// NetworkError is a failure to reach the server or to read its answer.
type NetworkError struct {
	Host        string
	Err         error
	RequestSent bool
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("cannot reach %s: %v", e.Host, shortNetErr(e.Err))
}

func (e *NetworkError) Unwrap() error { return e.Err }

func shortNetErr(err error) string {
	s := err.Error()
	// "dial tcp 127.0.0.1:8089: connect: connection refused" → "connection refused"
	if i := strings.LastIndex(s, ": "); i >= 0 && strings.HasPrefix(s, "dial ") {
		return s[i+2:]
	}
	return s
}

// OutcomeUnknown reports whether err means the request was sent but no
// answer came back, so whether the server acted on it cannot be known. A POST
// failing this way must not be retried blindly.
func OutcomeUnknown(err error) bool {
	var te *TimeoutError
	if errors.As(err, &te) {
		return te.RequestSent
	}
	var ne *NetworkError
	if errors.As(err, &ne) {
		return ne.RequestSent
	}
	return false
}

// errorBody is the API's error shape. detail is a string in the docs, but
// validation errors from frameworks such as FastAPI carry a list of objects.
type errorBody struct {
	Detail            json.RawMessage `json:"detail"`
	ErrorCode         string          `json:"error_code"`
	Timestamp         string          `json:"timestamp"`
	RetryAfterSeconds *float64        `json:"retry_after_seconds"`
}

// checkResponse turns a non-2xx answer into a typed error.
func checkResponse(status int, h http.Header, contentType string, body []byte, now time.Time) error {
	var eb errorBody
	isAPI := json.Unmarshal(body, &eb) == nil && len(eb.Detail) > 0
	if status == http.StatusTooManyRequests {
		rl := &RateLimitError{APIError: APIError{StatusCode: status, Detail: "Rate limit exceeded"}}
		if isAPI {
			rl.Detail, rl.Code, rl.Timestamp = detailText(eb.Detail), clipN(eb.ErrorCode, maxCode), clipN(eb.Timestamp, maxCode)
		}
		rl.RetryAfter = retryAfter(eb.RetryAfterSeconds, h, now, true)
		rl.APIError.RetryAfter = rl.RetryAfter
		return rl
	}
	// A 503 (outage, maintenance) may name its end in Retry-After; the
	// rate-limit window (X-RateLimit-Reset) says nothing about it.
	var wait time.Duration
	if status == http.StatusServiceUnavailable {
		wait = retryAfter(eb.RetryAfterSeconds, h, now, false)
	}
	if !isAPI {
		return &UnexpectedResponseError{StatusCode: status, ContentType: contentType, Reason: emptyReason(body), RetryAfter: wait}
	}
	return &APIError{StatusCode: status, Detail: detailText(eb.Detail),
		Code: clipN(eb.ErrorCode, maxCode), Timestamp: clipN(eb.Timestamp, maxCode), RetryAfter: wait}
}

func emptyReason(body []byte) string {
	if len(strings.TrimSpace(string(body))) == 0 {
		return "empty body"
	}
	return ""
}

// maxDetail bounds the text kept from a server's detail, maxCode that of
// its error_code and timestamp, so an error message stays a few KB whatever
// the server sends.
const (
	maxDetail = 2000
	maxCode   = 100
)

// detailText renders detail whether it is a string, a list of validation
// errors ({"loc": [...], "msg": "..."}) or anything else JSON.
func detailText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return clip(s)
	}
	var items []struct {
		Loc []any  `json:"loc"`
		Msg string `json:"msg"`
	}
	if json.Unmarshal(raw, &items) == nil && len(items) > 0 {
		parts := make([]string, 0, len(items))
		for _, it := range items {
			loc := make([]string, 0, len(it.Loc))
			for _, l := range it.Loc {
				loc = append(loc, fmt.Sprint(l))
			}
			if len(loc) > 0 {
				parts = append(parts, strings.Join(loc, ".")+": "+it.Msg)
			} else {
				parts = append(parts, it.Msg)
			}
		}
		return clip(strings.Join(parts, "; "))
	}
	return clip(string(raw))
}

func clip(s string) string { return clipN(s, maxDetail) }

func clipN(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 { // keep UTF-8 whole
		cut--
	}
	return s[:cut] + "…"
}

// maxRetryAfter caps a server-named wait: a broken header must not silence
// the dashboard for a day.
const maxRetryAfter = 15 * time.Minute

// retryAfter reads the wait a server named: retry_after_seconds, then
// Retry-After, then (when useReset) X-RateLimit-Reset.
func retryAfter(bodySeconds *float64, h http.Header, now time.Time, useReset bool) time.Duration {
	// Waits are compared in seconds before converting: a huge value would
	// overflow time.Duration and wrap to a negative or tiny wait.
	const maxSecs = int(maxRetryAfter / time.Second)
	var d time.Duration
	switch {
	case bodySeconds != nil && *bodySeconds > 0:
		d = time.Duration(min(*bodySeconds, float64(maxSecs)) * float64(time.Second))
	case h.Get("Retry-After") != "":
		v := strings.TrimSpace(h.Get("Retry-After"))
		// Out of range, Atoi still returns the largest int: a wait to cap.
		if secs, err := strconv.Atoi(v); (err == nil || errors.Is(err, strconv.ErrRange)) && secs > 0 {
			d = time.Duration(min(secs, maxSecs)) * time.Second
		} else if t, err := http.ParseTime(v); err == nil {
			d = t.Sub(now)
		}
	}
	if d <= 0 && useReset {
		if reset, ok := atoiHeader(h, "X-RateLimit-Reset"); ok && reset > 0 {
			d = time.Unix(int64(reset), 0).Sub(now)
		}
	}
	if d < 0 {
		d = 0
	}
	if d > maxRetryAfter {
		d = maxRetryAfter
	}
	return d
}
