package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewBaseURL(t *testing.T) {
	accepted := []struct{ raw, want string }{
		{"", DefaultBaseURL},
		{"https://api.pixeepim.com/api/v1", "https://api.pixeepim.com/api/v1"},
		{"https://example.com", "https://example.com"},
		{"https://example.com/api/v1/", "https://example.com/api/v1"},
		{" https://example.com/api/v1?x=1#frag ", "https://example.com/api/v1"},
		{"http://127.0.0.1:8089/api/v1", "http://127.0.0.1:8089/api/v1"},
		{"http://127.0.0.2/api/v1", "http://127.0.0.2/api/v1"},
		{"http://[::1]:8089/api/v1", "http://[::1]:8089/api/v1"},
		{"http://localhost/api/v1", "http://localhost/api/v1"},
		{"http://LocalHost:1/api/v1", "http://LocalHost:1/api/v1"},
	}
	for _, tt := range accepted {
		c, err := New(tt.raw)
		if err != nil {
			t.Errorf("New(%q): %v", tt.raw, err)
			continue
		}
		if c.BaseURL() != tt.want {
			t.Errorf("New(%q).BaseURL() = %q, want %q", tt.raw, c.BaseURL(), tt.want)
		}
	}

	clearText := []string{
		"http://example.com",
		"http://api.pixeepim.com/api/v1",
		"http://10.0.0.1/api/v1",
		"http://localhost.example.com/api/v1",
		"http://127.0.0.1.example.com/api/v1",
	}
	for _, raw := range clearText {
		_, err := New(raw)
		if err == nil {
			t.Errorf("New(%q) accepted plain http to a remote host", raw)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "clear text") || !strings.Contains(msg, "https") {
			t.Errorf("New(%q) error %q does not explain clear text / https", raw, msg)
		}
	}

	for _, raw := range []string{"ftp://example.com", "api.pixeepim.com/api/v1", "https://", "https://exa mple.com", "/api/v1"} {
		if _, err := New(raw); err == nil {
			t.Errorf("New(%q) accepted an invalid base URL", raw)
		}
	}
}

// A key pasted into the URL must be refused without being echoed.
func TestNewRefusesCredentialsInURLWithoutEchoingThem(t *testing.T) {
	for _, raw := range []string{
		"https://user:" + testKey + "@api.pixeepim.com/api/v1",
		"https://" + testKey + "@api.pixeepim.com/api/v1",
		"https://" + testKey + ":@api.pixeepim.com:notaport/api/v1",
	} {
		_, err := New(raw)
		if err == nil {
			t.Errorf("New accepted a URL with credentials")
			continue
		}
		if strings.Contains(err.Error(), "SECRETkey") {
			t.Errorf("error echoes the key: %q", err)
		}
	}
}

func TestNewRejectsInvalidOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Option
	}{
		{"zero timeout", WithTimeout(0)},
		{"negative timeout", WithTimeout(-time.Second)},
		{"nil HTTP client", WithHTTPClient(nil)},
		{"zero max body", WithMaxBodySize(0)},
		{"negative max body", WithMaxBodySize(-1)},
		{"nil clock", WithClock(nil)},
		{"empty user agent", WithUserAgent("")},
		{"blank user agent", WithUserAgent("  ")},
		{"header injection in user agent", WithUserAgent("ua\r\nX-Evil: 1")},
		{"empty key", WithAPIKey("")},
	}
	for _, tt := range tests {
		c, err := New("https://api.pixeepim.com/api/v1", tt.opt)
		if err == nil {
			t.Errorf("%s: New succeeded, want an error", tt.name)
		}
		if c != nil {
			t.Errorf("%s: New returned a client with its error", tt.name)
		}
	}
}

func TestNewAppliesDefaultsAndOptions(t *testing.T) {
	c, err := New("https://api.pixeepim.com/api/v1")
	if err != nil {
		t.Fatal(err)
	}
	if c.Timeout() != DefaultTimeout || c.maxBody != DefaultMaxBodySize || c.userAgent != DefaultUserAgent {
		t.Errorf("defaults: timeout %s, max body %d, user agent %q", c.Timeout(), c.maxBody, c.userAgent)
	}
	if c.Host() != "api.pixeepim.com" {
		t.Errorf("Host() = %q", c.Host())
	}
	c, err = New("https://api.pixeepim.com/api/v1", WithTimeout(3*time.Second), WithMaxBodySize(1024), WithUserAgent("x/1"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Timeout() != 3*time.Second || c.maxBody != 1024 || c.userAgent != "x/1" {
		t.Errorf("options: timeout %s, max body %d, user agent %q", c.Timeout(), c.maxBody, c.userAgent)
	}
}

// A key with whitespace or control characters is a paste accident; the
// error must say so without printing the key.
func TestWithAPIKeyRejectsMalformedKeysWithoutEchoing(t *testing.T) {
	for _, key := range []string{
		"pm_live_L34Kxyz\n",
		"pm_live_L34Kxyz\r\n",
		" pm_live_L34Kxyz",
		"pm_live_L34K xyz",
		"pm_live_L34Kxyz\t",
		"Bearer pm_live_L34Kxyz",
		"pm_live_L34Kxyzé",
		"pm_live_L34Kxyz\x00",
		"pm_live_L34Kxyz\x7f",
		`"pm_live_L34Kxyz"`,
		`'pm_live_L34Kxyz'`,
	} {
		_, err := New("https://api.pixeepim.com/api/v1", WithAPIKey(key))
		if err == nil {
			t.Errorf("WithAPIKey(%q) accepted", key)
			continue
		}
		if strings.Contains(err.Error(), "L34K") {
			t.Errorf("WithAPIKey error echoes the key: %q", err)
		}
	}
}

func TestClientPrintingNeverShowsKey(t *testing.T) {
	hc := &http.Client{}
	c, err := New("https://api.pixeepim.com/api/v1", WithAPIKey(testKey), WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, v := range []any{c, c.http, *c.http, c.http.Transport, c.http.Transport.(*authTransport), *c.http.Transport.(*authTransport)} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
	}
	if strings.Contains(out.String(), "SECRETkey") || strings.Contains(out.String(), fmt.Sprintf("%x", testKey)) {
		t.Errorf("printing the client shows the key:\n%s", out.String())
	}
}

// recordingTransport answers from a function and records what was sent,
// with no network.
type recordingTransport struct {
	mu       sync.Mutex
	requests []*http.Request
	answer   func(*http.Request) *http.Response
	closed   int // CloseIdleConnections calls
}

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.requests = append(rt.requests, r)
	rt.mu.Unlock()
	resp := rt.answer(r)
	resp.Request = r
	return resp, nil
}

func (rt *recordingTransport) CloseIdleConnections() {
	rt.mu.Lock()
	rt.closed++
	rt.mu.Unlock()
}

func answer(status int, header http.Header, body string) *http.Response {
	if header == nil {
		header = http.Header{}
	}
	return &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body))}
}

// The key belongs to the API's origin: a redirect to another host or down
// to plain http must not carry it.
func TestKeyNotSentAcrossOrigins(t *testing.T) {
	tests := []struct {
		name     string
		location string
		wantKey  bool
	}{
		{"same origin", "https://api.pixeepim.com/api/v1/connectors/c2", true},
		{"same origin, other case", "https://API.PixeePIM.com/api/v1/connectors/c2", true},
		{"other host", "https://evil.example/api/v1/connectors/c2", false},
		{"other port", "https://api.pixeepim.com:8443/api/v1/connectors/c2", false},
		{"downgrade to http", "http://api.pixeepim.com/api/v1/connectors/c2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := &recordingTransport{answer: func(r *http.Request) *http.Response {
				if strings.HasSuffix(r.URL.Path, "/c1") {
					return answer(http.StatusTemporaryRedirect, http.Header{"Location": {tt.location}}, "")
				}
				return answer(200, http.Header{"Content-Type": {"application/json"}}, strings.Replace(detailJSON, detailID, "c1", 1))
			}}
			c, err := New("https://api.pixeepim.com/api/v1", WithAPIKey(testKey), WithHTTPClient(&http.Client{Transport: rt}))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.GetConnector(context.Background(), "c1"); err != nil {
				t.Fatalf("GetConnector: %v", err)
			}
			if len(rt.requests) != 2 {
				t.Fatalf("%d requests, want 2 (the redirect followed)", len(rt.requests))
			}
			if got := rt.requests[0].Header.Get("X-API-Key"); got != testKey {
				t.Errorf("first request to the API lacks the key")
			}
			if _, ok := rt.requests[1].Header["Authorization"]; ok {
				t.Errorf("redirect to %s carries an Authorization header", tt.location)
			}
			if got := rt.requests[1].Header.Get("X-API-Key") != ""; got != tt.wantKey {
				t.Errorf("redirect to %s carries the key: %v, want %v", tt.location, got, tt.wantKey)
			}
		})
	}
}

func TestWithAPIKeyAndWithHTTPClientInAnyOrder(t *testing.T) {
	for _, name := range []string{"key first", "client first"} {
		rt := &recordingTransport{answer: func(*http.Request) *http.Response {
			return answer(200, http.Header{"Content-Type": {"application/json"}}, detailJSON)
		}}
		hc := &http.Client{Transport: rt}
		opts := []Option{WithAPIKey(testKey), WithHTTPClient(hc)}
		if name == "client first" {
			opts[0], opts[1] = opts[1], opts[0]
		}
		c, err := New("https://api.pixeepim.com/api/v1", opts...)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.GetConnector(context.Background(), detailID); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := rt.requests[0].Header.Get("X-API-Key"); got != testKey {
			t.Errorf("%s: the key was not sent", name)
		}
		if hc.Transport != rt {
			t.Errorf("%s: WithHTTPClient modified the caller's client", name)
		}
	}
}

func TestNoKeyNoAuthorizationHeader(t *testing.T) {
	rt := &recordingTransport{answer: func(*http.Request) *http.Response {
		return answer(200, http.Header{"Content-Type": {"application/json"}}, detailJSON)
	}}
	c, err := New("https://api.pixeepim.com/api/v1", WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.GetConnector(context.Background(), detailID); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Authorization", "X-Api-Key"} {
		if h, ok := rt.requests[0].Header[name]; ok {
			t.Errorf("%s = %q sent without a key", name, h)
		}
	}
}

// http.Client.CloseIdleConnections must reach the transport under the
// auth wrapper, or connections (and their goroutines) stay open.
func TestCloseIdleConnectionsReachesTransport(t *testing.T) {
	rt := &recordingTransport{}
	c, err := New("https://api.pixeepim.com/api/v1", WithAPIKey(testKey), WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		t.Fatal(err)
	}
	c.http.CloseIdleConnections()
	if rt.closed != 1 {
		t.Errorf("CloseIdleConnections reached the transport %d times, want 1", rt.closed)
	}
}

// The body is compact JSON with a known length: no chunked encoding, which
// some proxies refuse on a POST.
func TestRequestBodyIsExactJSON(t *testing.T) {
	rt := &recordingTransport{answer: func(*http.Request) *http.Response {
		return answer(200, http.Header{"Content-Type": {"application/json"}}, `{"sync_id":"s","status":"queued","products_queued":1}`)
	}}
	c, err := New("https://api.pixeepim.com/api/v1", WithHTTPClient(&http.Client{Transport: rt}), WithAuthHeader(AuthXAPIKey))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.SyncEANs(context.Background(), "c1", []string{"3760000000001"}); err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rt.requests[0].Body)
	if !bytes.Equal(body, []byte(`{"eans":["3760000000001"]}`)) {
		t.Errorf("body = %s", body)
	}
	if rt.requests[0].ContentLength != int64(len(body)) {
		t.Errorf("ContentLength = %d, want %d", rt.requests[0].ContentLength, len(body))
	}
}

// A key pasted into PIXEE_BASE_URL by mistake is not printed back.
func TestParseBaseURLDoesNotEchoInput(t *testing.T) {
	for _, raw := range []string{"pm_live_s3cr3t", "ftp://pm_live_s3cr3t", "pm_live_s3cr3t/api"} {
		_, err := ParseBaseURL(raw)
		if err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("ParseBaseURL(%q) = %v: want an error that does not quote the input", raw, err)
		}
	}
}
