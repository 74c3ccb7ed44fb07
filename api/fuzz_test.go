package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// maxErrorLen is what "a few KB" means for an error message.
const maxErrorLen = 4096

// FuzzCheckResponse feeds arbitrary error answers (status, content type,
// rate-limit headers, body) to checkResponse.
func FuzzCheckResponse(f *testing.F) {
	seeds := []struct {
		status              int
		ctype, retry, reset string
		body                string
	}{
		{429, "application/json", "", "", `{"detail":"Rate limit exceeded","retry_after_seconds":60}`},
		{429, "application/json", "", "", `{"detail":"x","retry_after_seconds":1e300}`},
		{429, "application/json", "", "", `{"detail":"x","retry_after_seconds":-5}`},
		{429, "text/html", "120", "", `<html>slow down</html>`},
		{429, "", "Wed, 21 Oct 2099 07:28:00 GMT", "", ``},
		{429, "", "99999999999999999999", "99999999999", `{}`},
		{429, "", "", "1778745645", `{"detail":null}`},
		{401, "application/json", "", "", `{"detail":"Invalid API key","error_code":"INVALID_API_KEY","timestamp":"2026-05-14T08:00:00Z"}`},
		{422, "application/json", "", "", `{"detail":[{"loc":["body","eans",0],"msg":"bad"}]}`},
		{422, "application/json", "", "", `{"detail":[{"loc":[null,{"a":1},[2]],"msg":""},{}]}`},
		{404, "application/json", "", "", `{"detail":{"nested":["x"]}}`},
		{502, "text/html; charset=utf-8", "", "", proxyPage},
		{503, "", "", "", ``},
		{500, "application/json", "", "", `{"detail":"` + strings.Repeat("é", 3000) + `"}`},
		{400, "application/json", "", "", `{"detail":"x","error_code":"` + strings.Repeat("C", 5000) + `"}`},
		{302, "", "", "", `{"detail":"\u0000\u001b[2J"}`},
	}
	for _, s := range seeds {
		f.Add(s.status, s.ctype, s.retry, s.reset, []byte(s.body))
	}
	now := time.Date(2026, 5, 14, 8, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, status int, ctype, retry, reset string, body []byte) {
		// checkResponse only sees non-2xx answers.
		if status < 0 {
			status = -status
		}
		status = 300 + status%300
		h := http.Header{}
		if retry != "" {
			h.Set("Retry-After", retry)
		}
		if reset != "" {
			h.Set("X-RateLimit-Reset", reset)
		}
		err := checkResponse(status, h, mediaType(ctype), body, now)
		if err == nil {
			t.Fatal("nil error for a non-2xx answer")
		}
		msg := err.Error()
		if msg == "" {
			t.Fatal("empty error message")
		}
		if len(msg) > maxErrorLen {
			t.Fatalf("error message is %d bytes", len(msg))
		}
		if status == http.StatusTooManyRequests {
			var rl *RateLimitError
			if !errors.As(err, &rl) {
				t.Fatalf("429 gave %T, want *RateLimitError", err)
			}
			if rl.RetryAfter < 0 || rl.RetryAfter > 15*time.Minute {
				t.Fatalf("RetryAfter = %s, want within [0, 15m]", rl.RetryAfter)
			}
		}
		if got := errors.Is(err, ErrNotFound); got != (status == http.StatusNotFound) {
			t.Fatalf("status %d: errors.Is(err, ErrNotFound) = %v", status, got)
		}
		if got := errors.Is(err, ErrUnauthorized); got != (status == http.StatusUnauthorized) {
			t.Fatalf("status %d: errors.Is(err, ErrUnauthorized) = %v", status, got)
		}
	})
}

// fuzzClient answers every request with body, with no network.
func fuzzClient(t *testing.T, status int, body []byte) *Client {
	rt := &recordingTransport{answer: func(*http.Request) *http.Response {
		return answer(status, http.Header{"Content-Type": {"application/json"}}, string(body))
	}}
	c, err := New("https://api.pixeepim.com/api/v1", WithAPIKey(testKey), WithHTTPClient(&http.Client{Transport: rt}), WithAuthHeader(AuthXAPIKey))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// FuzzDecodeConnectorPage decodes arbitrary 200 answers through do, as the
// list, the detail, a sync result and a test result.
func FuzzDecodeConnectorPage(f *testing.F) {
	for _, s := range []string{
		pageJSON, detailJSON, `{"items":null}`, `{"items":[null,{}]}`, `{"meta":{"page":-1,"total":1e400}}`,
		`{"items":[{"last_sync_at":"not a time"}]}`, `{"items":[{"last_sync_at":"2026-05-14T08:00:00"}]}`,
		`{"sync_stats":{"last_error":7}}`, `[`, `"`, ``, `null`, `{"ok":true,"message":null}`, proxyPage,
		`{"items":[{"id":"\ud800"}]}`, `{"a":` + strings.Repeat("[", 20000) + `}`,
		// Today's root-level pagination, and mixtures of both shapes.
		`{"items":[],"total":137,"page":1,"per_page":50,"pages":3}`,
		`{"items":[{"id":"a"}],"total":-5,"page":0,"per_page":-1,"pages":-2,"has_next":true}`,
		`{"items":[],"meta":{},"total_pages":2147483647,"page":2147483647,"has_next":true}`,
		`{"items":[],"meta":{"has_next":true,"total_pages":0},"pages":9}`,
		`{"items":[],"page":9223372036854775807,"per_page":9223372036854775807,"total":9223372036854775807,"has_next":true}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c := fuzzClient(t, 200, body)
		ctx := context.Background()
		check := func(call string, err error) {
			if err == nil {
				return
			}
			var ue *UnexpectedResponseError
			var me *ConnectorMismatchError
			if !errors.As(err, &ue) && !errors.As(err, &me) && !errors.Is(err, ErrSyncRejected) {
				t.Fatalf("%s: %T %v, want *UnexpectedResponseError, a mismatch or a rejected sync", call, err, err)
			}
			if msg := err.Error(); msg == "" || len(msg) > maxErrorLen {
				t.Fatalf("%s: error message of %d bytes", call, len(msg))
			}
		}
		page, _, err := c.ListConnectors(ctx, 1, 50)
		check("ListConnectors", err)
		if err == nil && page.Items == nil {
			t.Fatal("ListConnectors: nil Items without an error")
		}
		if err == nil {
			m := page.Meta
			if m.Page < 1 || m.PerPage < 1 || m.TotalPages < 0 || m.Total < 0 || (m.HasNext && m.TotalPages <= m.Page) {
				t.Fatalf("ListConnectors: meta %+v breaks its invariants", m)
			}
		}
		_, _, err = c.GetConnector(ctx, "c1")
		check("GetConnector", err)
		_, _, err = c.SyncEANs(ctx, "c1", []string{"3760000000001"})
		check("SyncEANs", err)
		_, _, err = c.TestConnector(ctx, "c1")
		check("TestConnector", err)
	})
}
