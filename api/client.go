// Package api is a client for the Pixee PIM connectors API.
//
// It knows HTTP and JSON, nothing about terminals: every call takes a
// context first, is bounded by a per-request timeout, and returns the decoded
// value, a *Response with what the headers said (rate limits), and a typed
// error for every non-2xx answer. The API key is set by a wrapped
// http.RoundTripper, so no method touches it and no error can carry it.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultBaseURL is the production Pixee API.
const DefaultBaseURL = "https://api.pixeepim.com/api/v1"

// Defaults applied by New, in one place.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultMaxBodySize = 8 << 20 // 8 MiB: a 500-connector page is ~100 KB
	DefaultUserAgent   = "pixee-tui"
)

// Client talks to one Pixee API account. It is safe for concurrent use.
type Client struct {
	base      *url.URL // path without trailing slash
	http      *http.Client
	timeout   time.Duration
	maxBody   int64
	userAgent string
	now       func() time.Time

	// What was learnt about the server, for the life of the client.
	listSlash  atomic.Int32  // list path: 0 unknown, 1 "/connectors", 2 "/connectors/"
	perPageCap atomic.Int32  // 0, or the largest page size the server serves
	authMode   AuthHeader    // as configured
	authKnown  atomic.Int32  // with AuthAuto: the header that worked, 0 unknown
	authFirst  atomic.Int32  // with AuthAuto: the header to try first
	probe      chan struct{} // held while an AuthAuto probe is out
	readOnly   bool          // no POST is ever sent
	jobs       atomic.Int32  // GET /connectors/{id}/jobs: jobsUnknown, jobsOffered, jobsNotOffered
}

// Option configures a Client. Options validate their input and make New fail.
type Option func(*Client) error

// WithHTTPClient sets the underlying HTTP client (its Transport is wrapped to
// add authentication; the client passed in is not modified).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("api: nil HTTP client")
		}
		cp := *hc
		if cp.CheckRedirect == nil {
			cp.CheckRedirect = noRedirectedWrites
		}
		cp.Transport = wrapTransport(c.http.Transport, hc.Transport)
		c.http = &cp
		return nil
	}
}

// WithTimeout bounds every request, body included.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("api: timeout must be positive, got %s", d)
		}
		c.timeout = d
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if strings.TrimSpace(ua) == "" || strings.ContainsAny(ua, "\r\n") {
			return errors.New("api: invalid user agent")
		}
		c.userAgent = ua
		return nil
	}
}

// WithAPIKey sets the key, sent in the header WithAuthHeader chooses. The
// error never quotes the key.
func WithAPIKey(key string) Option {
	return func(c *Client) error {
		if key == "" {
			return errors.New("api: empty API key")
		}
		for _, r := range key {
			if r <= ' ' || r == 0x7f || r > '~' || r == '"' || r == '\'' {
				return errors.New("api: the API key contains spaces, control or non-ASCII characters (check for a stray newline or quote)")
			}
		}
		at := c.http.Transport.(*authTransport)
		at.key = secret(key)
		return nil
	}
}

// WithMaxBodySize limits how many bytes of a response body are read.
func WithMaxBodySize(n int64) Option {
	return func(c *Client) error {
		if n <= 0 {
			return fmt.Errorf("api: max body size must be positive, got %d", n)
		}
		c.maxBody = n
		return nil
	}
}

// WithClock sets the clock used to turn X-RateLimit-Reset into a wait.
func WithClock(now func() time.Time) Option {
	return func(c *Client) error {
		if now == nil {
			return errors.New("api: nil clock")
		}
		c.now = now
		return nil
	}
}

// New returns a client for the API at baseURL ("" means DefaultBaseURL).
// Plain http is refused for any host but loopback, since the key would
// travel in clear text.
func New(baseURL string, opts ...Option) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := ParseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:      u,
		http:      &http.Client{Transport: &authTransport{base: http.DefaultTransport}, CheckRedirect: noRedirectedWrites},
		timeout:   DefaultTimeout,
		maxBody:   DefaultMaxBodySize,
		userAgent: DefaultUserAgent,
		now:       time.Now,
		probe:     make(chan struct{}, 1),
	}
	c.authFirst.Store(int32(AuthXAPIKey))
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	// The key goes to the API's origin only: a redirect elsewhere (another
	// host, or plain http) must not carry it.
	at := c.http.Transport.(*authTransport)
	at.scheme, at.host = u.Scheme, u.Host
	return c, nil
}

// ParseBaseURL checks a base URL the way New does.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		// Not echoed: a key pasted into the wrong variable would be
		// printed. Saying what is wrong is enough to fix it.
		why := "it needs a scheme and a host"
		if err == nil && u.Host != "" {
			why = "the scheme must be https (or http on loopback)"
		}
		return nil, fmt.Errorf("invalid base URL: %s, like %s", why, DefaultBaseURL)
	}
	if u.User != nil {
		// Not u.Redacted(): it keeps the user name, and a key pasted as
		// "https://pm_live_…@host" would be printed.
		return nil, fmt.Errorf("invalid base URL for %s: credentials in the URL are not allowed; set PIXEE_API_KEY instead", u.Host)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("refusing plain http for %s: the API key would travel in clear text; use https (plain http is allowed only for loopback addresses)", u.Host)
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// BaseURL returns the API base URL the client talks to.
func (c *Client) BaseURL() string { return c.base.String() }

// Host returns the API host, for display.
func (c *Client) Host() string { return c.base.Host }

// Timeout returns the per-request timeout.
func (c *Client) Timeout() time.Duration { return c.timeout }

// secret hides its value from fmt verbs, so a stray %v of a transport or
// client never prints the key.
type secret string

func (secret) String() string   { return "[redacted]" }
func (secret) GoString() string { return "[redacted]" }

// authTransport sets the key's header on a clone of each request sent to
// the API's origin (scheme and host of the base URL): exactly one of
// X-API-Key and Authorization, as the request's context says (withAuth).
type authTransport struct {
	key          secret
	scheme, host string
	base         http.RoundTripper
}

// Format keeps the key out of every fmt verb: fmt prints unexported fields
// by reflection, without calling secret's String method.
func (t authTransport) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "authTransport{key: [redacted], origin: %s://%s}", t.scheme, t.host)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// wrapped transport.
func (t *authTransport) CloseIdleConnections() {
	if ci, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

func wrapTransport(current, rt http.RoundTripper) http.RoundTripper {
	at := *current.(*authTransport)
	if rt != nil {
		at.base = rt
	} else {
		at.base = http.DefaultTransport
	}
	return &at
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Del("Authorization")
	r.Header.Del("X-Api-Key")
	if t.key != "" && r.URL.Scheme == t.scheme && strings.EqualFold(r.URL.Host, t.host) {
		if h, _ := r.Context().Value(authKey{}).(AuthHeader); h == AuthBearer {
			r.Header.Set("Authorization", "Bearer "+string(t.key))
		} else {
			r.Header.Set("X-Api-Key", string(t.key))
		}
	}
	return t.base.RoundTrip(r)
}

// Response carries what the headers of an answer said.
type Response struct {
	StatusCode int
	Rate       RateLimit
	// PerPageCap is set on a list answer served at a smaller page size than
	// asked for, because the server refused the larger one: it is the size
	// served, and the page number was translated to start at the same
	// connector. Later calls get the same treatment without asking again.
	PerPageCap int
	// Served is set by a reader that hands one answer to several callers
	// (team mode): when the answer was received. Zero: it came from the
	// server for this call.
	Served time.Time

	contentType string
}

// RateLimit is the X-RateLimit-* headers of one answer. Known is false when
// the answer carried none.
type RateLimit struct {
	Known     bool
	Limit     int
	Remaining int
	Reset     time.Time // zero when absent
}

func parseRate(h http.Header) RateLimit {
	var rl RateLimit
	lim, okL := atoiHeader(h, "X-RateLimit-Limit")
	rem, okR := atoiHeader(h, "X-RateLimit-Remaining")
	if okL || okR {
		rl.Known, rl.Limit, rl.Remaining = true, lim, rem
		if !okL {
			rl.Limit = -1
		}
		if !okR {
			rl.Remaining = -1
		}
	}
	if reset, ok := atoiHeader(h, "X-RateLimit-Reset"); ok && reset > 0 {
		rl.Reset = time.Unix(int64(reset), 0)
	}
	return rl
}

func atoiHeader(h http.Header, name string) (int, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	n := 0
	for _, r := range v {
		if r < '0' || r > '9' || n > 1<<40 {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

// send sends one request with the key in header h and decodes a 2xx JSON
// answer into out. path is already escaped (see escapeID): it is appended
// to the base path as is, so an escaped "/" in an id stays "%2F" instead of
// becoming "%252F". Callers go through get and post (auth.go).
func (c *Client) send(ctx context.Context, method, path string, query url.Values, body, out any, h AuthHeader) (*Response, error) {
	u := *c.base
	unescaped, err := url.PathUnescape(path)
	if err != nil {
		return nil, fmt.Errorf("api: building request: %w", err)
	}
	u.RawPath = c.base.EscapedPath() + path
	u.Path = c.base.Path + unescaped
	if query != nil {
		u.RawQuery = query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("api: encoding request: %w", err)
		}
		rd = bytes.NewReader(b)
	}

	reqCtx, cancel := context.WithTimeout(withAuth(ctx, h), c.timeout)
	defer cancel()
	var sent atomic.Bool
	reqCtx = httptrace.WithClientTrace(reqCtx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				sent.Store(true)
			}
		},
	})
	req, err := http.NewRequestWithContext(reqCtx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("api: building request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, reqCtx, err, sent.Load())
	}
	defer resp.Body.Close()
	r := &Response{StatusCode: resp.StatusCode, Rate: parseRate(resp.Header),
		contentType: mediaType(resp.Header.Get("Content-Type"))}

	limit := c.maxBody
	if limit < math.MaxInt64 {
		limit++ // one byte more than allowed tells "too large" from "just fits"
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return r, c.transportError(ctx, reqCtx, err, true)
	}
	ct := r.contentType
	if int64(len(data)) > c.maxBody {
		if resp.StatusCode == http.StatusTooManyRequests {
			// The wait named in the headers still counts.
			return r, checkResponse(resp.StatusCode, resp.Header, ct, nil, c.now())
		}
		ue := &UnexpectedResponseError{StatusCode: resp.StatusCode, ContentType: ct,
			Reason: fmt.Sprintf("body larger than %s", byteSize(c.maxBody))}
		if resp.StatusCode == http.StatusServiceUnavailable {
			ue.RetryAfter = retryAfter(nil, resp.Header, c.now(), false)
		}
		return r, ue
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return r, c.redactKey(checkResponse(resp.StatusCode, resp.Header, ct, data, c.now()))
	}
	if out == nil {
		return r, nil
	}
	if err := decodeJSON(data, out); err != nil {
		return r, &UnexpectedResponseError{StatusCode: resp.StatusCode, ContentType: ct, Reason: err.Error()}
	}
	c.redactAnswer(out)
	return r, nil
}

// transportError classifies a failure to get an answer. A caller's own
// cancellation is returned as ctx.Err(); the per-request timeout becomes a
// *TimeoutError; anything else a *NetworkError. sent says whether the whole
// request reached the wire, which for a POST means its outcome is unknown.
func (c *Client) transportError(parent, reqCtx context.Context, err error, sent bool) error {
	if perr := parent.Err(); perr != nil {
		return perr
	}
	if errors.Is(reqCtx.Err(), context.DeadlineExceeded) {
		return &TimeoutError{After: c.timeout, RequestSent: sent}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is shown by the UI already; keep the cause
	}
	return &NetworkError{Host: c.base.Host, Err: err, RequestSent: sent}
}

func decodeJSON(data []byte, out any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("empty body")
	}
	if err := json.Unmarshal(data, out); err != nil {
		var se *json.SyntaxError
		switch {
		// json.Unmarshal reports a cut-off document as a *SyntaxError with
		// this text, not as io.ErrUnexpectedEOF.
		case errors.Is(err, io.ErrUnexpectedEOF), strings.HasSuffix(err.Error(), "unexpected end of JSON input"):
			return errors.New("truncated JSON")
		case errors.As(err, &se):
			return fmt.Errorf("invalid JSON at byte %d", se.Offset)
		default:
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				// te.Field is a path of JSON keys, except that an embedded
				// Go struct adds its type's name: never shown.
				if te.Field == "" {
					return fmt.Errorf("the answer has the wrong type (%s)", te.Value)
				}
				return fmt.Errorf("field %q has the wrong type (%s)", te.Field, te.Value)
			}
			return errors.New("invalid JSON")
		}
	}
	return nil
}

func mediaType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.ToLower(strings.TrimSpace(ct))
	if len(ct) > 64 {
		ct = ct[:64]
	}
	return ct
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// redactKey removes the API key from the server's text in an error: a
// misconfigured server or proxy that echoes the Authorization header must
// not put the key on screen or in a log.
func (c *Client) redactKey(err error) error {
	key := c.redactable()
	if key == "" {
		return err
	}
	var ae *APIError
	if errors.As(err, &ae) {
		ae.Detail = strings.ReplaceAll(ae.Detail, key, "[redacted]")
		ae.Code = strings.ReplaceAll(ae.Code, key, "[redacted]")
	}
	return err
}

// redactable is the key to remove from server text, or "" when there is
// none (or it is too short to search for without mangling text).
func (c *Client) redactable() string {
	at, ok := c.http.Transport.(*authTransport)
	if !ok || len(at.key) < 4 {
		return ""
	}
	return string(at.key)
}

// redactAnswer removes the API key from every string decoded from a 2xx
// answer (names, statuses, last_error, a test's message, map keys…): a
// server that echoes the request's auth header in a 200 must not put the
// key on screen either. The bare key is searched, so both header forms
// ("Bearer <key>", "X-API-Key: <key>") are covered.
func (c *Client) redactAnswer(out any) {
	if key := c.redactable(); key != "" {
		redactStrings(reflect.ValueOf(out), key)
	}
}

func redactStrings(v reflect.Value, key string) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() && strings.Contains(v.String(), key) {
			v.SetString(strings.ReplaceAll(v.String(), key, "[redacted]"))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			redactStrings(v.Elem(), key)
		}
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		// What an interface holds cannot be set in place: redact a copy
		// and put it back.
		cp := reflect.New(v.Elem().Type()).Elem()
		cp.Set(v.Elem())
		redactStrings(cp, key)
		if v.CanSet() {
			v.Set(cp)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				redactStrings(v.Field(i), key)
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			// Raw JSON kept as sent (commands that print every field):
			// the key is printable ASCII without quotes or backslashes
			// (WithAPIKey), so replacing it keeps the JSON valid.
			if v.Kind() == reflect.Slice && v.CanSet() && bytes.Contains(v.Bytes(), []byte(key)) {
				v.SetBytes(bytes.ReplaceAll(v.Bytes(), []byte(key), []byte("[redacted]")))
			}
			return
		}
		for i := range v.Len() {
			redactStrings(v.Index(i), key)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			val := reflect.New(v.Type().Elem()).Elem()
			val.Set(v.MapIndex(k))
			redactStrings(val, key)
			nk := k
			if k.Kind() == reflect.String && strings.Contains(k.String(), key) {
				nk = reflect.New(k.Type()).Elem()
				nk.SetString(strings.ReplaceAll(k.String(), key, "[redacted]"))
				v.SetMapIndex(k, reflect.Value{})
			}
			v.SetMapIndex(nk, val)
		}
	}
}

// noRedirectedWrites stops a redirected POST: Go would follow a 301/302 as a
// GET and decode whatever that answers as the sync's result. The 3xx is
// returned as it is, and becomes an "unexpected response" error.
func noRedirectedWrites(req *http.Request, via []*http.Request) error {
	if len(via) > 0 && via[0].Method != http.MethodGet {
		return http.ErrUseLastResponse
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}
