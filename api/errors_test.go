package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// sentinels are the errors.Is targets a caller switches on.
var sentinels = []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited, ErrNotSupported}

// assertSentinels checks that err matches want and no other sentinel.
func assertSentinels(t *testing.T, err error, want error) {
	t.Helper()
	for _, s := range sentinels {
		if got := errors.Is(err, s); got != (s == want) {
			t.Errorf("errors.Is(%q, %q) = %v, want %v", err, s, got, s == want)
		}
	}
}

// assertNoKey checks that no rendering of err holds the key.
func assertNoKey(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if s := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(s, "SECRETkey") {
		t.Errorf("error shows the API key: %s", s)
	}
}

func TestAPIErrorFromStatus(t *testing.T) {
	tests := []struct {
		status    int
		body      string
		detail    string
		code      string
		sentinel  error
		errString string
	}{
		{400, `{"detail":"Invalid parameter: limit","error_code":"VALIDATION_ERROR","timestamp":"2026-05-14T08:00:00Z"}`,
			"Invalid parameter: limit", "VALIDATION_ERROR", nil, "Invalid parameter: limit (HTTP 400 VALIDATION_ERROR)"},
		{401, `{"detail":"Authentication required","error_code":"AUTHENTICATION_REQUIRED","timestamp":"2026-05-14T08:00:00Z"}`,
			"Authentication required", "AUTHENTICATION_REQUIRED", ErrUnauthorized, "Authentication required (HTTP 401 AUTHENTICATION_REQUIRED)"},
		{401, `{"detail":"Invalid or expired API key","error_code":"INVALID_API_KEY","timestamp":"2026-05-14T08:00:00Z"}`,
			"Invalid or expired API key", "INVALID_API_KEY", ErrUnauthorized, "Invalid or expired API key (HTTP 401 INVALID_API_KEY)"},
		{403, `{"detail":"Insufficient scope","error_code":"PERMISSION_DENIED","timestamp":"2026-05-14T08:00:00Z"}`,
			"Insufficient scope", "PERMISSION_DENIED", ErrForbidden, "Insufficient scope (HTTP 403 PERMISSION_DENIED)"},
		{404, `{"detail":"Connector not found","error_code":"NOT_FOUND","timestamp":"2026-05-14T08:00:00Z"}`,
			"Connector not found", "NOT_FOUND", ErrNotFound, "Connector not found (HTTP 404 NOT_FOUND)"},
		{409, `{"detail":"A sync is already running","error_code":"CONFLICT","timestamp":"2026-05-14T08:00:00Z"}`,
			"A sync is already running", "CONFLICT", nil, "A sync is already running (HTTP 409 CONFLICT)"},
		{422, `{"detail":"eans must be a list","error_code":"VALIDATION_ERROR","timestamp":"2026-05-14T08:00:00Z"}`,
			"eans must be a list", "VALIDATION_ERROR", nil, "eans must be a list (HTTP 422 VALIDATION_ERROR)"},
		{423, `{"detail":"Connector is locked","error_code":"LOCKED","timestamp":"2026-05-14T08:00:00Z"}`,
			"Connector is locked", "LOCKED", nil, "Connector is locked (HTTP 423 LOCKED)"},
		{500, `{"detail":"Internal server error","timestamp":"2026-05-14T08:00:00Z"}`,
			"Internal server error", "", nil, "Internal server error (HTTP 500)"},
		{503, `{"detail":"Down for maintenance","error_code":"MAINTENANCE","timestamp":"2026-05-14T08:00:00Z"}`,
			"Down for maintenance", "MAINTENANCE", nil, "Down for maintenance (HTTP 503 MAINTENANCE)"},
		{404, `{"detail":null}`, "", "", ErrNotFound, "Not Found (HTTP 404)"},
		{403, `{"detail":"","error_code":"PERMISSION_DENIED"}`, "", "PERMISSION_DENIED", ErrForbidden, "Forbidden (HTTP 403 PERMISSION_DENIED)"},
	}
	for _, tt := range tests {
		for _, call := range []string{"get", "sync"} {
			t.Run(fmt.Sprintf("%d %s %s", tt.status, tt.code, call), func(t *testing.T) {
				c, mux := setup(t)
				mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, tt.status, tt.body) })
				mux.HandleFunc("/connectors/{id}/sync", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, tt.status, tt.body) })
				var (
					resp *Response
					err  error
				)
				if call == "get" {
					_, resp, err = c.GetConnector(context.Background(), "c1")
				} else {
					_, resp, err = c.SyncEANs(context.Background(), "c1", []string{"3760000000001"})
				}
				var apiErr *APIError
				if !errors.As(err, &apiErr) {
					t.Fatalf("err = %T %v, want *APIError", err, err)
				}
				if apiErr.StatusCode != tt.status || apiErr.Detail != tt.detail || apiErr.Code != tt.code {
					t.Errorf("APIError = %+v, want status %d detail %q code %q", apiErr, tt.status, tt.detail, tt.code)
				}
				if strings.Contains(tt.body, "timestamp") && apiErr.Timestamp != "2026-05-14T08:00:00Z" {
					t.Errorf("Timestamp = %q", apiErr.Timestamp)
				}
				if err.Error() != tt.errString {
					t.Errorf("Error() = %q, want %q", err.Error(), tt.errString)
				}
				if resp == nil || resp.StatusCode != tt.status {
					t.Errorf("Response = %+v, want status %d", resp, tt.status)
				}
				assertSentinels(t, err, tt.sentinel)
				assertNoKey(t, err)
			})
		}
	}
}

// FastAPI answers validation errors with a list of {loc, msg} objects:
// they must read as text, not as JSON.
func TestAPIErrorValidationListIsReadable(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"detail":[{"loc":["body","eans",0],"msg":"bad","type":"value_error"}]}`, "body.eans.0: bad"},
		{`{"detail":[{"loc":["body","eans",0],"msg":"bad"},{"loc":["query","limit"],"msg":"must be <= 500"}]}`,
			"body.eans.0: bad; query.limit: must be <= 500"},
		{`{"detail":[{"msg":"no location"}]}`, "no location"},
	}
	for _, tt := range tests {
		c, mux := setup(t)
		mux.HandleFunc("/connectors/{id}/sync", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 422, tt.body) })
		_, _, err := c.SyncEANs(context.Background(), "c1", []string{"x"})
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("err = %T %v, want *APIError", err, err)
		}
		if apiErr.Detail != tt.want {
			t.Errorf("Detail = %q, want %q", apiErr.Detail, tt.want)
		}
		if msg := err.Error(); !strings.Contains(msg, tt.want) || strings.ContainsAny(msg, "{}[]\"") {
			t.Errorf("Error() = %q, want readable text holding %q", msg, tt.want)
		}
	}
}

// Whatever a server sends, an error message stays a few KB.
func TestAPIErrorBoundsHugeFields(t *testing.T) {
	huge := strings.Repeat("é", 100_000)
	body := fmt.Sprintf(`{"detail":%q,"error_code":%q,"timestamp":%q}`, huge, huge, huge)
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 500, body) })
	_, _, err := c.GetConnector(context.Background(), "c1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %T %v, want *APIError", err, err)
	}
	if n := len(err.Error()); n > 4096 {
		t.Errorf("Error() is %d bytes, want at most 4 KiB", n)
	}
	if len(apiErr.Detail) > maxDetail+len("…") || len(apiErr.Code) > maxCode+len("…") || len(apiErr.Timestamp) > maxCode+len("…") {
		t.Errorf("fields not clipped: detail %d, code %d, timestamp %d bytes", len(apiErr.Detail), len(apiErr.Code), len(apiErr.Timestamp))
	}
	if !strings.HasPrefix(apiErr.Detail, "éé") || !strings.HasSuffix(apiErr.Detail, "é…") {
		t.Errorf("Detail not clipped on a rune boundary: ...%q", apiErr.Detail[len(apiErr.Detail)-8:])
	}
}

func TestRateLimitError(t *testing.T) {
	now := time.Date(2026, 5, 14, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		headers map[string]string
		ctype   string
		body    string
		want    time.Duration
		detail  string
	}{
		{name: "body retry_after_seconds", body: `{"detail":"Rate limit exceeded","error_code":"RATE_LIMIT_EXCEEDED","retry_after_seconds":60}`,
			want: 60 * time.Second},
		{name: "fractional seconds", body: `{"detail":"Rate limit exceeded","retry_after_seconds":1.5}`, want: 1500 * time.Millisecond},
		{name: "body wins over header", headers: map[string]string{"Retry-After": "5"},
			body: `{"detail":"Rate limit exceeded","retry_after_seconds":60}`, want: 60 * time.Second},
		{name: "Retry-After seconds", headers: map[string]string{"Retry-After": "30"},
			body: `{"detail":"Rate limit exceeded"}`, want: 30 * time.Second},
		{name: "Retry-After HTTP-date", headers: map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)},
			body: `{"detail":"Rate limit exceeded"}`, want: 90 * time.Second},
		{name: "Retry-After date in the past", headers: map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)},
			body: `{"detail":"Rate limit exceeded"}`, want: 0},
		{name: "X-RateLimit-Reset", headers: map[string]string{"X-RateLimit-Reset": fmt.Sprint(now.Add(45 * time.Second).Unix())},
			body: `{"detail":"Rate limit exceeded"}`, want: 45 * time.Second},
		{name: "X-RateLimit-Reset passed", headers: map[string]string{"X-RateLimit-Reset": fmt.Sprint(now.Add(-45 * time.Second).Unix())},
			body: `{"detail":"Rate limit exceeded"}`, want: 0},
		{name: "no wait named", body: `{"detail":"Rate limit exceeded"}`, want: 0},
		{name: "capped body", body: `{"detail":"Rate limit exceeded","retry_after_seconds":86400}`, want: 15 * time.Minute},
		{name: "capped absurd body", body: `{"detail":"Rate limit exceeded","retry_after_seconds":1e300}`, want: 15 * time.Minute},
		{name: "capped Retry-After", headers: map[string]string{"Retry-After": "3600"}, body: `{"detail":"x"}`, want: 15 * time.Minute},
		// 18446744074 s in ns wraps past 2^64 to 290ms: an overflow would hammer the server.
		{name: "capped Retry-After overflowing a Duration", headers: map[string]string{"Retry-After": "18446744074"}, body: `{"detail":"x"}`, want: 15 * time.Minute},
		{name: "capped Retry-After overflowing an int", headers: map[string]string{"Retry-After": "99999999999999999999999"}, body: `{"detail":"x"}`, want: 15 * time.Minute},
		{name: "capped Retry-After date", headers: map[string]string{"Retry-After": now.AddDate(74, 0, 0).Format(http.TimeFormat)}, body: `{"detail":"x"}`, want: 15 * time.Minute},
		{name: "capped X-RateLimit-Reset", headers: map[string]string{"X-RateLimit-Reset": fmt.Sprint(now.Add(24 * time.Hour).Unix())}, body: `{"detail":"x"}`, want: 15 * time.Minute},
		{name: "HTML from a proxy", headers: map[string]string{"Retry-After": "5"}, ctype: "text/html",
			body: `<html><body>Too many requests</body></html>`, want: 5 * time.Second, detail: "Rate limit exceeded"},
		{name: "empty body", ctype: "-", want: 0, detail: "Rate limit exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t, WithClock(func() time.Time { return now }))
			mux.HandleFunc("/connectors/{id}/sync", func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.headers {
					w.Header().Set(k, v)
				}
				switch tt.ctype {
				case "":
					w.Header().Set("Content-Type", "application/json")
				case "-":
				default:
					w.Header().Set("Content-Type", tt.ctype)
				}
				w.WriteHeader(http.StatusTooManyRequests)
				io.WriteString(w, tt.body)
			})
			_, _, err := c.SyncEANs(context.Background(), "c1", []string{"3760000000001"})
			var rl *RateLimitError
			if !errors.As(err, &rl) {
				t.Fatalf("err = %T %v, want *RateLimitError", err, err)
			}
			if rl.RetryAfter != tt.want {
				t.Errorf("RetryAfter = %s, want %s", rl.RetryAfter, tt.want)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 {
				t.Errorf("errors.As(*APIError) = %+v, want status 429", apiErr)
			}
			if tt.detail != "" && rl.Detail != tt.detail {
				t.Errorf("Detail = %q, want %q", rl.Detail, tt.detail)
			}
			if tt.want > 0 && !strings.Contains(err.Error(), "retry in "+tt.want.Round(time.Second).String()) {
				t.Errorf("Error() = %q, want it to name the wait", err.Error())
			}
			if strings.Contains(err.Error(), "<html") {
				t.Errorf("Error() shows the HTML body: %q", err.Error())
			}
			assertSentinels(t, err, ErrRateLimited)
			assertNoKey(t, err)
		})
	}
}

func TestRateLimitErrorFields(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 429, `{"detail":"Slow down","error_code":"RATE_LIMIT_EXCEEDED","timestamp":"t","retry_after_seconds":60}`)
	})
	_, _, err := c.GetConnector(context.Background(), "c1")
	var rl *RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %T %v", err, err)
	}
	if rl.Detail != "Slow down" || rl.Code != "RATE_LIMIT_EXCEEDED" || rl.Timestamp != "t" || rl.StatusCode != 429 {
		t.Errorf("RateLimitError = %+v", rl)
	}
	if err.Error() != "rate limited by the API: retry in 1m0s" {
		t.Errorf("Error() = %q", err.Error())
	}
}

const proxyPage = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>
<body><h1>Bad Gateway</h1><p>upstream-internal-host-7 refused</p></body></html>`

func TestUnexpectedResponses(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		ctype      string
		body       string
		wantPrefix string
		wantReason string
		sentinel   error
	}{
		{"HTML from a proxy", 502, "text/html; charset=utf-8", proxyPage, "unexpected response (HTTP 502, text/html)", "", nil},
		{"HTML 401 from a proxy", 401, "text/html", proxyPage, "unexpected response (HTTP 401, text/html)", "", ErrUnauthorized},
		{"HTML 404 from a proxy", 404, "TEXT/HTML", proxyPage, "unexpected response (HTTP 404, text/html)", "", ErrNotFound},
		{"empty error body", 503, "", "", "unexpected response (HTTP 503, no content type)", "empty body", nil},
		{"whitespace error body", 500, "application/json", " \n ", "unexpected response (HTTP 500, application/json)", "empty body", nil},
		{"JSON without detail", 500, "application/json", `{"message":"oops"}`, "unexpected response (HTTP 500, application/json)", "", nil},
		{"plain text error", 500, "text/plain", "upstream connect error", "unexpected response (HTTP 500, text/plain)", "", nil},
		{"200 with truncated JSON", 200, "application/json", detailJSON[:60], "unexpected response (HTTP 200, application/json)", "truncated JSON", nil},
		{"200 with HTML", 200, "text/html", proxyPage, "unexpected response (HTTP 200, text/html)", "invalid JSON at byte 1", nil},
		{"200 with empty body", 200, "application/json", "", "unexpected response (HTTP 200, application/json)", "empty body", nil},
		{"200 with wrong types", 200, "application/json", `{"id":"c","name":5}`, "unexpected response (HTTP 200, application/json)", "name", nil},
		{"200 with trailing garbage", 200, "application/json", detailJSON + `}`, "unexpected response (HTTP 200, application/json)", "invalid JSON", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) {
				if tt.ctype != "" {
					w.Header().Set("Content-Type", tt.ctype)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			d, resp, err := c.GetConnector(context.Background(), "c1")
			if d != nil {
				t.Errorf("detail = %+v returned with an error", d)
			}
			var ue *UnexpectedResponseError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %T %v, want *UnexpectedResponseError", err, err)
			}
			if ue.StatusCode != tt.status {
				t.Errorf("StatusCode = %d, want %d", ue.StatusCode, tt.status)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tt.wantPrefix) {
				t.Errorf("Error() = %q, want prefix %q", msg, tt.wantPrefix)
			}
			if !strings.Contains(ue.Reason, tt.wantReason) {
				t.Errorf("Reason = %q, want it to hold %q", ue.Reason, tt.wantReason)
			}
			for _, leak := range []string{"<html", "Bad Gateway", "upstream", "oops", "My Shopify"} {
				if strings.Contains(msg, leak) {
					t.Errorf("Error() = %q shows the body (%q)", msg, leak)
				}
			}
			if resp == nil || resp.StatusCode != tt.status {
				t.Errorf("Response = %+v, want status %d", resp, tt.status)
			}
			assertSentinels(t, err, tt.sentinel)
			assertNoKey(t, err)
		})
	}
}

func TestBodySizeLimitBoundary(t *testing.T) {
	body := detailJSON + strings.Repeat(" ", 1024-len(detailJSON)) // exactly 1 KiB
	for _, tt := range []struct {
		limit  int64
		wantOK bool
	}{{1024, true}, {1023, false}, {1 << 62, true}, {1<<63 - 1, true}} {
		c, mux := setup(t, WithMaxBodySize(tt.limit))
		mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, body) })
		_, _, err := c.GetConnector(context.Background(), detailID)
		if (err == nil) != tt.wantOK {
			t.Errorf("limit %d, body 1024 bytes: err = %v, want success %v", tt.limit, err, tt.wantOK)
		}
		if err != nil && !strings.Contains(err.Error(), "body larger than 1023 bytes") {
			t.Errorf("error %q does not name the limit", err)
		}
	}
}

// A server sending far more than the limit is cut off: the client stops
// reading and does not hold or show the body.
func TestBodySizeLimitStopsReading(t *testing.T) {
	const (
		chunk = 32 << 10
		total = 64 << 20
	)
	written := make(chan int, 1)
	c, mux := setup(t, WithMaxBodySize(1<<10))
	mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		buf := []byte(`{"detail":"` + strings.Repeat("A", chunk-11))
		n := 0
		for n < total {
			m, err := w.Write(buf)
			n += m
			if err != nil {
				break
			}
		}
		written <- n
	})
	start := time.Now()
	_, _, err := c.GetConnector(context.Background(), "c1")
	var ue *UnexpectedResponseError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %T %v, want *UnexpectedResponseError", err, err)
	}
	if !strings.Contains(err.Error(), "body larger than 1 KiB") {
		t.Errorf("Error() = %q, want it to name the limit", err)
	}
	if strings.Contains(err.Error(), "AAAA") {
		t.Errorf("Error() shows the body")
	}
	select {
	case n := <-written:
		// Socket buffers hold a few MB at most; a client reading the whole
		// body would take all 64 MB.
		if n >= total/2 {
			t.Errorf("server wrote %d bytes before the client hung up, want it cut off early", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server is still writing: the client did not hang up")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}

// A 429 over the size limit still says how long to wait.
func TestBodySizeLimitKeepsRateLimit(t *testing.T) {
	c, mux := setup(t, WithMaxBodySize(64))
	mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		writeJSON(w, 429, `{"detail":"`+strings.Repeat("x", 1000)+`"}`)
	})
	_, _, err := c.GetConnector(context.Background(), "c1")
	var rl *RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %T %v, want *RateLimitError", err, err)
	}
	if rl.RetryAfter != 7*time.Second {
		t.Errorf("RetryAfter = %s, want 7s", rl.RetryAfter)
	}
}

func TestBodySizeLimitOnErrorKeepsSentinel(t *testing.T) {
	c, mux := setup(t, WithMaxBodySize(64))
	mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, `{"detail":"`+strings.Repeat("x", 1000)+`"}`)
	})
	_, _, err := c.GetConnector(context.Background(), "c1")
	var ue *UnexpectedResponseError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "body larger than 64 bytes") {
		t.Fatalf("err = %T %v, want *UnexpectedResponseError naming the limit", err, err)
	}
	assertSentinels(t, err, ErrNotFound)
}

// A server or proxy that echoes the Authorization header back in its error
// body must not get the key onto the screen.
func TestErrorDetailEchoingTheKeyIsRedacted(t *testing.T) {
	const key = "pm_live_echoed_secret_123"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"detail":"bad header %s","error_code":"X%s"}`, r.Header.Get("X-API-Key"), key)
	}))
	defer srv.Close()
	c, err := New(srv.URL+"/api/v1", WithAPIKey(key), WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.GetConnector(context.Background(), "x")
	if err == nil || strings.Contains(err.Error(), key) {
		t.Fatalf("error = %v: want an error without the key", err)
	}
	if !strings.Contains(err.Error(), "[redacted]") {
		t.Fatalf("error = %v: want the key replaced by [redacted]", err)
	}
}

// A server that echoes the request's auth header in a 200 answer (in a
// name, a last_error, a sync status, a test message) must not get the key
// onto the screen either: every string decoded is redacted.
func TestAnswerEchoingTheKeyIsRedacted(t *testing.T) {
	c, mux := setup(t)
	echo := func(r *http.Request) string {
		// What a careless server does: the header, quoted into JSON.
		b, _ := json.Marshal("you sent " + r.Header.Get("X-API-Key") + " / " + "Bearer " + r.Header.Get("X-API-Key"))
		return string(b)
	}
	mux.HandleFunc("GET /connectors/{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"items":[{"id":"c1","name":`+echo(r)+`,"platform":`+echo(r)+`,"status":`+echo(r)+`}],"meta":{"total":1}}`)
	})
	mux.HandleFunc("GET /connectors/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"c1","name":`+echo(r)+`,"sync_stats":{"last_error":`+echo(r)+`}}`)
	})
	mux.HandleFunc("POST /connectors/{id}/sync", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "rej" {
			writeJSON(w, 200, `{"status":"rejected","detail":`+echo(r)+`}`)
			return
		}
		writeJSON(w, 200, `{"sync_id":`+echo(r)+`,"status":`+echo(r)+`,"products_queued":1}`)
	})
	mux.HandleFunc("POST /connectors/{id}/test", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"ok":false,"message":`+echo(r)+`,"details":{"header":[`+echo(r)+`]},`+echo(r)+`:1}`)
	})
	ctx := context.Background()
	var got []any
	p, _, err := c.ListConnectors(ctx, 1, 50)
	got = append(got, err)
	if p != nil {
		got = append(got, *p)
	}
	d, _, err := c.GetConnector(ctx, "c1")
	got = append(got, err)
	if d != nil && d.SyncStats.LastError != nil {
		got = append(got, *d, *d.SyncStats.LastError)
	}
	s, _, err := c.SyncCatalog(ctx, "c1")
	got = append(got, err)
	if s != nil {
		got = append(got, *s)
	}
	_, _, err = c.SyncCatalog(ctx, "rej")
	if !errors.Is(err, ErrSyncRejected) {
		t.Errorf("rejected sync: err = %v", err)
	}
	got = append(got, err)
	tr, _, err := c.TestConnector(ctx, "c1")
	got = append(got, err)
	if tr != nil {
		got = append(got, *tr)
	}
	// The raw answers the commands print are redacted as well.
	rp, raws, _, err := c.ListConnectorsRaw(ctx, 1, 50)
	got = append(got, err, rp)
	for _, r := range raws {
		got = append(got, string(r))
	}
	rd, raw, _, err := c.GetConnectorRaw(ctx, "c1")
	got = append(got, err, rd, string(raw))
	if len(raws) != 1 || !json.Valid(raws[0]) || !json.Valid(raw) {
		t.Errorf("raw answers are not valid JSON after redaction: %s / %s", raws, raw)
	}
	all := fmt.Sprintf("%+v", got)
	if strings.Contains(all, "SECRETkey") {
		t.Fatalf("the key reached the caller: %s", all)
	}
	if n := strings.Count(all, "[redacted]"); n < 12 {
		t.Errorf("%d redactions, want every echo replaced: %s", n, all)
	}
	if p == nil || len(p.Items) != 1 || !strings.HasPrefix(p.Items[0].Name, "you sent [redacted] / Bearer [redacted]") {
		t.Errorf("page = %+v, want the name kept with the key redacted", p)
	}
}

// A 503 naming its end in Retry-After carries that wait, like a 429's, so
// callers can hold off instead of retrying into the outage.
func TestServiceUnavailableCarriesRetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		ctype  string
		body   string
		want   time.Duration
	}{
		{"JSON body, seconds", http.Header{"Retry-After": {"120"}}, "application/json", `{"detail":"Down for maintenance"}`, 2 * time.Minute},
		{"HTML from a proxy", http.Header{"Retry-After": {"120"}}, "text/html", proxyPage, 2 * time.Minute},
		{"empty body", http.Header{"Retry-After": {"120"}}, "", "", 2 * time.Minute},
		{"HTTP date", http.Header{"Retry-After": {"Thu, 03 Dec 2026 09:05:00 GMT"}}, "", "", 5 * time.Minute},
		{"huge", http.Header{"Retry-After": {"99999999999999999999"}}, "", "", 15 * time.Minute},
		{"none", nil, "application/json", `{"detail":"Down"}`, 0},
		{"rate-limit reset is not an outage's end", http.Header{"X-Ratelimit-Reset": {"1796288700"}}, "", "", 0},
	}
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t, WithClock(func() time.Time { return now }))
			mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header()[k] = v
				}
				if tt.ctype != "" {
					w.Header().Set("Content-Type", tt.ctype)
				}
				w.WriteHeader(503)
				io.WriteString(w, tt.body)
			})
			_, _, err := c.GetConnector(context.Background(), "c1")
			if err == nil {
				t.Fatal("no error for a 503")
			}
			if got := RetryAfterOf(err); got != tt.want {
				t.Errorf("RetryAfterOf(%v) = %s, want %s", err, got, tt.want)
			}
			var ae *APIError
			if errors.As(err, &ae) && ae.RetryAfter != tt.want {
				t.Errorf("APIError.RetryAfter = %s, want %s", ae.RetryAfter, tt.want)
			}
		})
	}
	// A 429 reads the same through RetryAfterOf and APIError.
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 429, `{"detail":"Rate limit exceeded","retry_after_seconds":60}`)
	})
	_, _, err := c.GetConnector(context.Background(), "c1")
	var ae *APIError
	if RetryAfterOf(err) != time.Minute || !errors.As(err, &ae) || ae.RetryAfter != time.Minute {
		t.Errorf("429: RetryAfterOf = %s, APIError %+v; want 1m both", RetryAfterOf(err), ae)
	}
}

// A wrong-type error names the field as the JSON spells it, never an
// internal Go type.
func TestWrongTypeErrorNamesTheJSONField(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("GET /connectors/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"c1","status":3}`)
	})
	mux.HandleFunc("GET /connectors/{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"items":[{"id":"c1","status":3}]}`)
	})
	_, _, err := c.GetConnector(context.Background(), "c1")
	if err == nil || !strings.Contains(err.Error(), `field "status" has the wrong type (number)`) || strings.Contains(err.Error(), "Wire") {
		t.Errorf("detail: error %v, want it to name field \"status\" and no Go type", err)
	}
	_, _, err = c.ListConnectors(context.Background(), 1, 50)
	if err == nil || !strings.Contains(err.Error(), `field "items.status"`) || strings.Contains(err.Error(), "Wire") || strings.Contains(err.Error(), "JSON field") {
		t.Errorf("list: error %v, want it to name field \"items.status\" and no Go type", err)
	}
}
