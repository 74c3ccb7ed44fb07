package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// t0 is 30 s into a minute, so the first rate-limit window has 30 s left.
var t0 = time.Date(2026, 5, 14, 8, 0, 30, 0, time.UTC)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newSandbox returns a sandbox on a fake clock at t0, with unlimited rate
// limits and no failing syncs unless opts says otherwise.
func newSandbox(t *testing.T, opts Options) (*Server, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: t0}
	opts.Now = clock.Now
	if opts.ReadLimit == 0 {
		opts.ReadLimit = -1
	}
	if opts.WriteLimit == 0 {
		opts.WriteLimit = -1
	}
	if opts.SyncFailureRate == 0 {
		opts.SyncFailureRate = -1
	}
	return seedEra(opts), clock
}

// seedEra builds a sandbox speaking the seed's generation of the API, which
// the tests in this file were written for; generation_test.go covers what
// the current generation does differently, and the behaviour both share.
func seedEra(opts Options) *Server {
	opts.API = Seed
	return New(opts)
}

// Wire shapes as a client reads them, written independently of the
// server's own types.
type (
	errorResp struct {
		Detail            string `json:"detail"`
		ErrorCode         string `json:"error_code"`
		RetryAfterSeconds int    `json:"retry_after_seconds"`
		Timestamp         string `json:"timestamp"`
	}
	itemResp struct {
		ID         string  `json:"id"`
		Name       string  `json:"name"`
		Platform   string  `json:"platform"`
		Status     string  `json:"status"`
		LastSyncAt *string `json:"last_sync_at"`
		CreatedAt  string  `json:"created_at"`
	}
	metaResp struct {
		Total       int  `json:"total"`
		Page        int  `json:"page"`
		PerPage     int  `json:"per_page"`
		TotalPages  int  `json:"total_pages"`
		HasNext     bool `json:"has_next"`
		HasPrevious bool `json:"has_previous"`
	}
	listResp struct {
		Items []itemResp `json:"items"`
		Meta  metaResp   `json:"meta"`
	}
	detailResp struct {
		itemResp
		SyncStats struct {
			ProductsSynced  int     `json:"products_synced"`
			ProductsPending int     `json:"products_pending"`
			LastError       *string `json:"last_error"`
		} `json:"sync_stats"`
	}
	syncResp struct {
		SyncID         string `json:"sync_id"`
		Status         string `json:"status"`
		ProductsQueued int    `json:"products_queued"`
	}
	testResp struct {
		OK        bool   `json:"ok"`
		Platform  string `json:"platform"`
		LatencyMS int    `json:"latency_ms"`
		Message   string `json:"message"`
	}
)

type result struct {
	status int
	header http.Header
	raw    []byte
}

// decode unmarshals the body into v, failing the test if it is not JSON.
func (r result) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.raw, v); err != nil {
		t.Fatalf("body is not the expected JSON: %v\n%s", err, r.raw)
	}
}

func (r result) errorBody(t *testing.T) errorResp {
	t.Helper()
	var e errorResp
	r.decode(t, &e)
	if _, err := time.Parse(time.RFC3339, e.Timestamp); err != nil {
		t.Errorf("error timestamp %q is not RFC 3339: %v", e.Timestamp, err)
	}
	return e
}

// do sends one request with the sandbox's key through ServeHTTP.
func do(t *testing.T, s *Server, method, target, body string) result {
	t.Helper()
	return doKey(t, s, method, target, body, "Bearer "+s.APIKey())
}

func doKey(t *testing.T, s *Server, method, target, body, auth string) result {
	t.Helper()
	var h http.Header
	if auth != "" {
		h = http.Header{"Authorization": {auth}}
	}
	r := doHeader(t, s, method, target, body, h)
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, target, ct)
	}
	return r
}

func list(t *testing.T, s *Server, query string) listResp {
	t.Helper()
	r := do(t, s, "GET", BasePath+"/connectors"+query, "")
	if r.status != http.StatusOK {
		t.Fatalf("GET /connectors%s: status %d, body %s", query, r.status, r.raw)
	}
	var l listResp
	r.decode(t, &l)
	return l
}

func get(t *testing.T, s *Server, id string) detailResp {
	t.Helper()
	r := do(t, s, "GET", BasePath+"/connectors/"+id, "")
	if r.status != http.StatusOK {
		t.Fatalf("GET /connectors/%s: status %d, body %s", id, r.status, r.raw)
	}
	var d detailResp
	r.decode(t, &d)
	return d
}

// findByStatus returns the first connector id with the given status.
func findByStatus(t *testing.T, s *Server, status string) string {
	t.Helper()
	for _, it := range list(t, s, "?limit=500").Items {
		if it.Status == status {
			return it.ID
		}
	}
	t.Fatalf("no connector with status %q", status)
	return ""
}

func TestAuthRejectsMissingAndWrongKeysWithoutEchoingThem(t *testing.T) {
	s, _ := newSandbox(t, Options{ReadLimit: 10})
	tests := []struct {
		name, auth, code, detail string
	}{
		{"missing", "", "AUTHENTICATION_REQUIRED", "Authentication required"},
		{"not bearer", "Basic cG1fdGVzdF9zYW5kYm94Og==", "AUTHENTICATION_REQUIRED", "Authentication required"},
		{"empty bearer", "Bearer ", "AUTHENTICATION_REQUIRED", "Authentication required"},
		{"wrong key", "Bearer pm_live_secret_do_not_echo", "INVALID_API_KEY", "Invalid API key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := doKey(t, s, "GET", BasePath+"/connectors", "", tt.auth)
			if r.status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", r.status)
			}
			e := r.errorBody(t)
			if e.ErrorCode != tt.code || e.Detail != tt.detail {
				t.Errorf("got %+v, want code %s detail %q", e, tt.code, tt.detail)
			}
			if strings.Contains(string(r.raw), "pm_live_secret") {
				t.Errorf("401 body echoes the presented key: %s", r.raw)
			}
			if r.header.Get("X-RateLimit-Limit") != "" {
				t.Errorf("unauthenticated answer carries rate-limit headers")
			}
		})
	}
	if r := do(t, s, "GET", BasePath+"/connectors", ""); r.status != http.StatusOK {
		t.Fatalf("right key: status %d", r.status)
	}
	custom := seedEra(Options{APIKey: "pm_test_other"})
	if r := doKey(t, custom, "GET", BasePath+"/connectors", "", "Bearer "+DefaultAPIKey); r.status != http.StatusUnauthorized {
		t.Errorf("custom APIKey: default key accepted, status %d", r.status)
	}
}

func TestListPagination(t *testing.T) {
	s, _ := newSandbox(t, Options{})
	ids := s.IDs()
	if len(ids) != 137 {
		t.Fatalf("default connectors: %d, want 137", len(ids))
	}
	tests := []struct {
		query     string
		first     int // index of the first item
		n         int
		meta      metaResp
		wantFirst string
	}{
		{"", 0, 50, metaResp{137, 1, 50, 3, true, false}, ""},
		{"/", 0, 50, metaResp{137, 1, 50, 3, true, false}, ""},
		{"?skip=50&limit=50", 50, 50, metaResp{137, 2, 50, 3, true, true}, ""},
		{"/?skip=100&limit=50", 100, 37, metaResp{137, 3, 50, 3, false, true}, ""},
		{"?page=2&per_page=50", 50, 50, metaResp{137, 2, 50, 3, true, true}, ""},
		{"/?page=3&per_page=50", 100, 37, metaResp{137, 3, 50, 3, false, true}, ""},
		{"?per_page=10", 0, 10, metaResp{137, 1, 10, 14, true, false}, ""},
		{"?limit=500", 0, 137, metaResp{137, 1, 500, 1, false, false}, ""},
		{"?skip=5&limit=10", 5, 10, metaResp{137, 1, 10, 14, true, true}, ""},
		// Both styles: skip/limit win.
		{"?skip=10&limit=5&page=9&per_page=100", 10, 5, metaResp{137, 3, 5, 28, true, true}, ""},
		{"?page=2&limit=20", 20, 20, metaResp{137, 2, 20, 7, true, true}, ""},
		// Past the end: empty, still 200.
		{"?skip=137", 137, 0, metaResp{137, 3, 50, 3, false, true}, ""},
		{"?page=99&per_page=50", 137, 0, metaResp{137, 99, 50, 3, false, true}, ""},
		{"?skip=9223372036854775807", 137, 0, metaResp{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			l := list(t, s, tt.query)
			if l.Items == nil {
				t.Fatalf("items is null or missing, want an array")
			}
			if len(l.Items) != tt.n {
				t.Fatalf("%d items, want %d", len(l.Items), tt.n)
			}
			for i, it := range l.Items {
				if it.ID != ids[tt.first+i] {
					t.Fatalf("item %d is %s, want %s", i, it.ID, ids[tt.first+i])
				}
			}
			if tt.meta != (metaResp{}) && l.Meta != tt.meta {
				t.Errorf("meta %+v, want %+v", l.Meta, tt.meta)
			}
		})
	}
}

func TestListRejectsBadPaginationWith422(t *testing.T) {
	s, _ := newSandbox(t, Options{})
	for _, q := range []string{
		"limit=0", "limit=501", "limit=abc", "limit=", "limit=1.5",
		"skip=-1", "skip=x",
		"page=0", "page=-2", "page=two",
		"per_page=0", "per_page=501", "per_page=1e2",
		"skip=0&page=zero", // every parameter given is checked
		"limit=99999999999999999999999",
	} {
		t.Run(q, func(t *testing.T) {
			r := do(t, s, "GET", BasePath+"/connectors?"+q, "")
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422; body %s", r.status, r.raw)
			}
			e := r.errorBody(t)
			name, _, _ := strings.Cut(q, "=")
			if q == "skip=0&page=zero" {
				name = "page"
			}
			if e.ErrorCode != "VALIDATION_ERROR" || !strings.HasPrefix(e.Detail, name+":") {
				t.Errorf("got %+v, want VALIDATION_ERROR naming %s", e, name)
			}
		})
	}
}

func TestWalkingAllPagesSeesEveryConnectorOnce(t *testing.T) {
	s, _ := newSandbox(t, Options{})
	for _, style := range []string{"page", "skip"} {
		for _, size := range []int{1, 7, 50, 137, 500} {
			t.Run(fmt.Sprintf("%s/%d", style, size), func(t *testing.T) {
				seen := map[string]int{}
				var order []string
				for page := 1; ; page++ {
					q := fmt.Sprintf("?page=%d&per_page=%d", page, size)
					if style == "skip" {
						q = fmt.Sprintf("/?skip=%d&limit=%d", (page-1)*size, size)
					}
					l := list(t, s, q)
					if l.Meta.Page != page {
						t.Fatalf("meta.page %d, want %d", l.Meta.Page, page)
					}
					if l.Meta.HasPrevious != (page > 1) {
						t.Fatalf("page %d: has_previous %v", page, l.Meta.HasPrevious)
					}
					for _, it := range l.Items {
						seen[it.ID]++
						order = append(order, it.ID)
					}
					if !l.Meta.HasNext {
						if page != l.Meta.TotalPages {
							t.Fatalf("last page %d, total_pages %d", page, l.Meta.TotalPages)
						}
						break
					}
					if page > 200 {
						t.Fatal("has_next never became false")
					}
				}
				for id, n := range seen {
					if n != 1 {
						t.Errorf("%s seen %d times", id, n)
					}
				}
				if !reflect.DeepEqual(order, s.IDs()) {
					t.Errorf("walk saw %d ids, want the %d of IDs() in order", len(order), len(s.IDs()))
				}
			})
		}
	}
}

func TestEmptyAccountListsNothing(t *testing.T) {
	s, _ := newSandbox(t, Options{Connectors: -1})
	l := list(t, s, "")
	if l.Items == nil || len(l.Items) != 0 || l.Meta != (metaResp{0, 1, 50, 0, false, false}) {
		t.Errorf("got %+v", l)
	}
}

func TestGetConnector(t *testing.T) {
	s, clock := newSandbox(t, Options{})
	d := get(t, s, DocsConnectorID)
	if d.Name != "My Shopify Store" || d.Platform != "shopify" || d.Status != "active" {
		t.Errorf("docs connector: %+v", d.itemResp)
	}
	if d.SyncStats.ProductsSynced != 1250 || d.SyncStats.ProductsPending != 0 || d.SyncStats.LastError != nil {
		t.Errorf("docs connector sync_stats: %+v", d.SyncStats)
	}
	created, err := time.Parse(time.RFC3339, d.CreatedAt)
	if err != nil || !created.Before(clock.Now()) {
		t.Errorf("created_at %q: %v", d.CreatedAt, err)
	}
	if d.LastSyncAt == nil || !strings.HasSuffix(*d.LastSyncAt, "Z") {
		t.Errorf("last_sync_at %v, want a UTC timestamp", d.LastSyncAt)
	}
	// The raw body must carry null, not omit the keys.
	id := findNeverSynced(t, s)
	r := do(t, s, "GET", BasePath+"/connectors/"+id, "")
	if !strings.Contains(string(r.raw), `"last_sync_at":null`) || !strings.Contains(string(r.raw), `"last_error":null`) {
		t.Errorf("never-synced connector body lacks explicit nulls: %s", r.raw)
	}

	r = do(t, s, "GET", BasePath+"/connectors/no-such-id", "")
	if r.status != http.StatusNotFound {
		t.Fatalf("unknown id: status %d", r.status)
	}
	if e := r.errorBody(t); e.Detail != "Connector not found" || e.ErrorCode != "NOT_FOUND" {
		t.Errorf("unknown id: %+v", e)
	}
}

func findNeverSynced(t *testing.T, s *Server) string {
	t.Helper()
	for _, it := range list(t, s, "?limit=500").Items {
		if it.LastSyncAt == nil && it.Status == "active" {
			return it.ID
		}
	}
	t.Fatal("no never-synced connector")
	return ""
}

func TestUnknownRoutesAndWrongMethods(t *testing.T) {
	s, _ := newSandbox(t, Options{})
	for _, path := range []string{"/", "/api/v2/connectors", BasePath, BasePath + "/products",
		BasePath + "/connectors/" + DocsConnectorID + "/delete", BasePath + "/connectors//sync",
		"/connectors"} {
		r := do(t, s, "GET", path, "")
		if r.status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, r.status)
			continue
		}
		if e := r.errorBody(t); e.Detail == "" {
			t.Errorf("GET %s: empty detail", path)
		}
	}
	tests := []struct{ method, path, allow string }{
		{"POST", "/connectors", "GET"},
		{"DELETE", "/connectors/" + DocsConnectorID, "GET"},
		{"GET", "/connectors/" + DocsConnectorID + "/sync", "POST"},
		{"PUT", "/connectors/" + DocsConnectorID + "/test", "POST"},
	}
	for _, tt := range tests {
		r := do(t, s, tt.method, BasePath+tt.path, "")
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != tt.allow {
			t.Errorf("%s %s: status %d Allow %q, want 405 Allow %s", tt.method, tt.path, r.status, r.header.Get("Allow"), tt.allow)
			continue
		}
		r.errorBody(t)
	}
}

func TestSyncRejectsMalformedBodiesWith422(t *testing.T) {
	s, _ := newSandbox(t, Options{})
	tooMany := `{"eans":[` + strings.TrimSuffix(strings.Repeat(`"37600000000010",`, 10001), ",") + `]}`
	tests := []struct{ name, body, detail string }{
		{"not json", `eans=3760000000001`, "body: must be a JSON object"},
		{"truncated json", `{"eans":["3760000000001"`, "body: must be a JSON object"},
		{"array body", `["3760000000001"]`, "body: must be a JSON object"},
		{"string body", `"3760000000001"`, "body: must be a JSON object"},
		{"trailing garbage", `{} {}`, "body: must be a JSON object"},
		{"eans not array", `{"eans":"3760000000001"}`, "eans: must be an array"},
		{"eans object", `{"eans":{"a":"3760000000001"}}`, "eans: must be an array"},
		{"empty array", `{"eans":[]}`, "eans: must not be empty"},
		{"number ean", `{"eans":[3760000000001]}`, "eans[0]: must be a string"},
		{"null ean", `{"eans":["3760000000001",null]}`, "eans[1]: must be a string"},
		{"letters", `{"eans":["3760000000001","12345678","3760000000002","12a"]}`, `eans[3]: "12a" is not a valid EAN`},
		{"too short", `{"eans":["1234567"]}`, `eans[0]: "1234567" is not a valid EAN`},
		{"too long", `{"eans":["123456789012345"]}`, `eans[0]: "123456789012345" is not a valid EAN`},
		{"spaces", `{"eans":[" 3760000000001"]}`, `eans[0]: " 3760000000001" is not a valid EAN`},
		{"empty string", `{"eans":[""]}`, `eans[0]: "" is not a valid EAN`},
		{"too many", tooMany, "eans: at most 10000 EANs per sync (got 10001)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", tt.body)
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422; body %s", r.status, r.raw)
			}
			e := r.errorBody(t)
			if e.ErrorCode != "VALIDATION_ERROR" || !strings.HasPrefix(e.Detail, tt.detail) {
				t.Errorf("got %+v, want VALIDATION_ERROR with detail starting %q", e, tt.detail)
			}
		})
	}
	if d := get(t, s, DocsConnectorID); d.SyncStats.ProductsPending != 0 {
		t.Errorf("a rejected sync queued %d products", d.SyncStats.ProductsPending)
	}
	long := `{"eans":["` + strings.Repeat("9", 5000) + `"]}`
	r := do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", long)
	if r.status != http.StatusUnprocessableEntity || len(r.raw) > 400 {
		t.Errorf("a huge bad EAN: status %d, %d-byte answer; want 422 with a short detail", r.status, len(r.raw))
	}
}

func TestSyncAcceptsDocsExampleAndUsualLengths(t *testing.T) {
	s, _ := newSandbox(t, Options{})
	tests := []struct {
		body string
		want int
	}{
		{`{"eans": ["3760000000001", "3760000000002"]}`, 2}, // the docs' example, bad check digits and all
		{`{"eans":["12345678","123456789012","1234567890123","12345678901234"]}`, 4},
		{`{"eans":["3760000000001","3760000000001","3760000000001"]}`, 1}, // distinct EANs
		{`{"eans":["3760000000001"],"priority":"high"}`, 1},               // unknown fields ignored
	}
	for _, tt := range tests {
		r := do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", tt.body)
		if r.status != http.StatusAccepted {
			t.Fatalf("%s: status %d, body %s", tt.body, r.status, r.raw)
		}
		var sr syncResp
		r.decode(t, &sr)
		if sr.Status != "queued" || sr.ProductsQueued != tt.want || len(sr.SyncID) != 36 {
			t.Errorf("%s: got %+v, want queued %d", tt.body, sr, tt.want)
		}
	}
}

func TestSyncOfEANsDrainsIntoProductsSynced(t *testing.T) {
	s, clock := newSandbox(t, Options{})
	before := get(t, s, DocsConnectorID)
	r := do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", `{"eans":["3760000000001","3760000000002"]}`)
	var sr syncResp
	r.decode(t, &sr)
	if sr.ProductsQueued != 2 {
		t.Fatalf("products_queued %d", sr.ProductsQueued)
	}
	if d := get(t, s, DocsConnectorID); d.SyncStats.ProductsPending != 2 || d.SyncStats.ProductsSynced != before.SyncStats.ProductsSynced {
		t.Fatalf("right after queueing: %+v, want 2 pending", d.SyncStats)
	}
	clock.Advance(5 * time.Second)
	after := get(t, s, DocsConnectorID)
	if after.SyncStats.ProductsPending != 0 {
		t.Fatalf("2 EANs still pending after 5 s: %+v", after.SyncStats)
	}
	if got, want := after.SyncStats.ProductsSynced, before.SyncStats.ProductsSynced+2; got != want {
		t.Errorf("products_synced %d, want %d", got, want)
	}
	last, err := time.Parse(time.RFC3339, *after.LastSyncAt)
	if err != nil || last.Before(t0) || last.After(clock.Now()) {
		t.Errorf("last_sync_at %s, want between %s and %s", *after.LastSyncAt, t0, clock.Now())
	}
}

func TestWholeCatalogSyncDrainsSteadilyWithinMinutes(t *testing.T) {
	s, clock := newSandbox(t, Options{})
	for _, id := range s.IDs()[:40] {
		d := get(t, s, id)
		if d.Status == "paused" {
			continue
		}
		r := do(t, s, "POST", BasePath+"/connectors/"+id+"/sync", "")
		if r.status != http.StatusAccepted {
			t.Fatalf("%s: status %d body %s", id, r.status, r.raw)
		}
		var sr syncResp
		r.decode(t, &sr)
		if sr.ProductsQueued < 500 || sr.ProductsQueued > 5000 {
			t.Errorf("%s: whole catalog is %d products, want 500..5000", id, sr.ProductsQueued)
		}
	}
	// A second whole-catalog sync on a busy connector adds to pending.
	r := do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", "{}")
	var sr syncResp
	r.decode(t, &sr)
	if sr.ProductsQueued != 1250 {
		t.Fatalf("docs connector catalog %d, want 1250", sr.ProductsQueued)
	}
	d := get(t, s, DocsConnectorID)
	if d.SyncStats.ProductsPending != 2500 {
		t.Fatalf("two queued catalog syncs: pending %d, want 2500", d.SyncStats.ProductsPending)
	}
	start := d.SyncStats.ProductsSynced
	prev := d.SyncStats.ProductsPending
	sawPartial := false
	for elapsed := time.Duration(0); prev > 0; elapsed += 5 * time.Second {
		if elapsed > 5*time.Minute {
			t.Fatalf("still %d pending after 5 min", prev)
		}
		clock.Advance(5 * time.Second)
		d = get(t, s, DocsConnectorID)
		p := d.SyncStats.ProductsPending
		if p > prev {
			t.Fatalf("pending rose from %d to %d", prev, p)
		}
		if d.SyncStats.ProductsSynced+p != start+2500 {
			t.Fatalf("synced %d + pending %d != %d", d.SyncStats.ProductsSynced, p, start+2500)
		}
		if p > 0 && p < 2500 {
			sawPartial = true
		}
		prev = p
	}
	if !sawPartial {
		t.Error("pending jumped straight to 0; want visible progress")
	}
	clock.Advance(5 * time.Minute)
	for _, id := range s.IDs()[:40] {
		if p := get(t, s, id).SyncStats.ProductsPending; p != 0 {
			t.Errorf("%s: %d still pending after 6 min", id, p)
		}
	}
}

func TestSyncOutcomeSetsOrClearsLastError(t *testing.T) {
	t.Run("failing sync", func(t *testing.T) {
		s, clock := newSandbox(t, Options{SyncFailureRate: 1})
		do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", `{"eans":["3760000000001"]}`)
		clock.Advance(10 * time.Second)
		d := get(t, s, DocsConnectorID)
		if d.Status != "error" || d.SyncStats.LastError == nil || !strings.HasPrefix(*d.SyncStats.LastError, "Shopify") {
			t.Errorf("after a failing sync: status %q last_error %v", d.Status, d.SyncStats.LastError)
		}
		if d.SyncStats.ProductsSynced != 1251 {
			t.Errorf("products_synced %d, want 1251", d.SyncStats.ProductsSynced)
		}
	})
	t.Run("succeeding sync", func(t *testing.T) {
		s, clock := newSandbox(t, Options{})
		id := findByStatus(t, s, "error")
		if d := get(t, s, id); d.SyncStats.LastError == nil {
			t.Fatal("connector in error has no last_error")
		}
		do(t, s, "POST", BasePath+"/connectors/"+id+"/sync", `{"eans":["3760000000001"]}`)
		clock.Advance(10 * time.Second)
		d := get(t, s, id)
		if d.Status != "active" || d.SyncStats.LastError != nil {
			t.Errorf("after a good sync: status %q last_error %v, want active and null", d.Status, d.SyncStats.LastError)
		}
	})
	t.Run("default rate", func(t *testing.T) {
		clock := &fakeClock{t: t0}
		s := seedEra(Options{Now: clock.Now, ReadLimit: -1, WriteLimit: -1})
		failed := 0
		const n = 200
		for i := 0; i < n; i++ {
			do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", `{"eans":["3760000000001"]}`)
			clock.Advance(time.Minute)
			if get(t, s, DocsConnectorID).SyncStats.LastError != nil {
				failed++
			}
		}
		if failed < n/40 || failed > n/4 {
			t.Errorf("%d of %d syncs failed, want about 10%%", failed, n)
		}
	})
}

func TestSyncAndTestAnswerFor404AndPaused(t *testing.T) {
	s, _ := newSandbox(t, Options{})
	for _, action := range []string{"sync", "test"} {
		r := do(t, s, "POST", BasePath+"/connectors/nope/"+action, "")
		if r.status != http.StatusNotFound || r.errorBody(t).ErrorCode != "NOT_FOUND" {
			t.Errorf("%s on unknown id: status %d body %s", action, r.status, r.raw)
		}
	}
	paused := findByStatus(t, s, "paused")
	r := do(t, s, "POST", BasePath+"/connectors/"+paused+"/sync", "")
	if r.status != http.StatusConflict {
		t.Fatalf("sync of paused connector: status %d", r.status)
	}
	if e := r.errorBody(t); e.Detail != "Connector is paused" || e.ErrorCode != "CONFLICT" {
		t.Errorf("paused: %+v", e)
	}
	if p := get(t, s, paused).SyncStats.ProductsPending; p != 0 {
		t.Errorf("a refused sync queued %d products", p)
	}
}

func TestConnectionTest(t *testing.T) {
	s, _ := newSandbox(t, Options{})
	check := func(id string, wantOK bool) testResp {
		t.Helper()
		r := do(t, s, "POST", BasePath+"/connectors/"+id+"/test", "")
		if r.status != http.StatusOK {
			t.Fatalf("test %s: status %d", id, r.status)
		}
		var tr testResp
		r.decode(t, &tr)
		if tr.OK != wantOK || tr.Message == "" || tr.LatencyMS <= 0 || tr.Platform == "" {
			t.Errorf("test %s: %+v, want ok=%v", id, tr, wantOK)
		}
		return tr
	}
	if tr := check(DocsConnectorID, true); tr.Message != "Connection OK" || tr.Platform != "shopify" {
		t.Errorf("docs connector: %+v", tr)
	}
	check(findByStatus(t, s, "error"), false)
	check(findByStatus(t, s, "degraded"), true)
	// A test syncs nothing.
	if p := get(t, s, DocsConnectorID).SyncStats.ProductsPending; p != 0 {
		t.Errorf("a connection test queued %d products", p)
	}
}

func TestRateLimits(t *testing.T) {
	s, clock := newSandbox(t, Options{ReadLimit: 3, WriteLimit: 2})
	reset := strconv.FormatInt(t0.Truncate(time.Minute).Add(time.Minute).Unix(), 10)
	for i := 0; i < 3; i++ {
		// Errors after auth spend the budget too.
		path := BasePath + "/connectors"
		if i == 1 {
			path = BasePath + "/connectors/missing"
		}
		r := do(t, s, "GET", path, "")
		if r.status == http.StatusTooManyRequests {
			t.Fatalf("request %d limited too early", i)
		}
		h := r.header
		if h.Get("X-RateLimit-Limit") != "3" || h.Get("X-RateLimit-Remaining") != strconv.Itoa(2-i) || h.Get("X-RateLimit-Reset") != reset {
			t.Errorf("request %d headers: limit %q remaining %q reset %q", i,
				h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-Reset"))
		}
	}
	r := do(t, s, "GET", BasePath+"/connectors/"+DocsConnectorID, "")
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("4th read: status %d, want 429", r.status)
	}
	e := r.errorBody(t)
	if e.Detail != "Rate limit exceeded" || e.ErrorCode != "RATE_LIMIT_EXCEEDED" || e.RetryAfterSeconds != 30 {
		t.Errorf("429 body %+v, want retry_after_seconds 30", e)
	}
	if r.header.Get("Retry-After") != "30" || r.header.Get("X-RateLimit-Remaining") != "0" || r.header.Get("X-RateLimit-Reset") != reset {
		t.Errorf("429 headers: %v", r.header)
	}

	// Writes have their own budget.
	for i := 0; i < 2; i++ {
		if r := do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/test", ""); r.status != http.StatusOK {
			t.Fatalf("write %d: status %d", i, r.status)
		}
	}
	if r := do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", ""); r.status != http.StatusTooManyRequests {
		t.Fatalf("3rd write: status %d, want 429", r.status)
	}

	clock.Advance(29 * time.Second)
	r = do(t, s, "GET", BasePath+"/connectors", "")
	if r.status != http.StatusTooManyRequests || r.errorBody(t).RetryAfterSeconds != 1 {
		t.Fatalf("1 s before reset: status %d body %s", r.status, r.raw)
	}
	clock.Advance(time.Second)
	r = do(t, s, "GET", BasePath+"/connectors", "")
	if r.status != http.StatusOK || r.header.Get("X-RateLimit-Remaining") != "2" {
		t.Fatalf("after the window: status %d remaining %q", r.status, r.header.Get("X-RateLimit-Remaining"))
	}
	if r := do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", ""); r.status != http.StatusAccepted {
		t.Fatalf("write after the window: status %d", r.status)
	}
}

func TestRateLimitDefaultsAndUnlimited(t *testing.T) {
	clock := &fakeClock{t: t0}
	s := seedEra(Options{Now: clock.Now})
	r := do(t, s, "GET", BasePath+"/connectors", "")
	if r.header.Get("X-RateLimit-Limit") != "100" {
		t.Errorf("default read limit %q, want 100", r.header.Get("X-RateLimit-Limit"))
	}
	r = do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/test", "")
	if r.header.Get("X-RateLimit-Limit") != "50" {
		t.Errorf("default write limit %q, want 50", r.header.Get("X-RateLimit-Limit"))
	}

	u, _ := newSandbox(t, Options{}) // unlimited
	for i := 0; i < 300; i++ {
		r := do(t, u, "GET", BasePath+"/connectors?limit=1", "")
		if r.status != http.StatusOK {
			t.Fatalf("unlimited: request %d status %d", i, r.status)
		}
		if r.header.Get("X-RateLimit-Limit") != "" {
			t.Fatal("unlimited sandbox sends X-RateLimit-Limit")
		}
	}
}

func TestSameSeedSameData(t *testing.T) {
	a, _ := newSandbox(t, Options{Seed: 42})
	b, _ := newSandbox(t, Options{Seed: 42})
	c, _ := newSandbox(t, Options{Seed: 43})
	la, lb, lc := list(t, a, "?limit=500"), list(t, b, "?limit=500"), list(t, c, "?limit=500")
	if !reflect.DeepEqual(la, lb) {
		t.Error("same seed, different lists")
	}
	for _, id := range a.IDs()[:20] {
		if !reflect.DeepEqual(get(t, a, id), get(t, b, id)) {
			t.Errorf("same seed, different detail for %s", id)
		}
	}
	if reflect.DeepEqual(la.Items[1:], lc.Items[1:]) {
		t.Error("different seeds, same lists")
	}
	if la.Items[0].ID != DocsConnectorID || lc.Items[0].ID != DocsConnectorID {
		t.Error("first connector is not the docs' example whatever the seed")
	}
	// Same seed, same sync ids and outcomes.
	for _, s := range []*Server{a, b} {
		do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", "")
	}
	ra := do(t, a, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", "")
	rb := do(t, b, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", "")
	if string(ra.raw) != string(rb.raw) {
		t.Errorf("same seed, different sync answers:\n%s\n%s", ra.raw, rb.raw)
	}
	if seedEra(Options{Seed: 0, Now: func() time.Time { return t0 }}).IDs()[5] != seedEra(Options{Seed: 1, Now: func() time.Time { return t0 }}).IDs()[5] {
		t.Error("seed 0 does not mean seed 1")
	}
}

func TestDefaultDataIsVariedAndClean(t *testing.T) {
	s, clock := newSandbox(t, Options{})
	items := list(t, s, "?limit=500").Items
	platforms := map[string]int{}
	statuses := map[string]int{}
	ids := map[string]bool{}
	names := map[string]bool{}
	neverSynced, withError, longest := 0, 0, 0
	for _, it := range items {
		platforms[it.Platform]++
		statuses[it.Status]++
		if ids[it.ID] {
			t.Errorf("duplicate id %s", it.ID)
		}
		ids[it.ID] = true
		names[it.Name] = true
		longest = max(longest, utf8.RuneCountInString(it.Name))
		if !utf8.ValidString(it.Name) {
			t.Errorf("name %q is not valid UTF-8", it.Name)
		}
		for _, r := range it.Name {
			if unicode.IsControl(r) {
				t.Errorf("default name %q has control character %U", it.Name, r)
			}
		}
		if len(it.ID) != 36 || strings.Count(it.ID, "-") != 4 {
			t.Errorf("id %q is not UUID-shaped", it.ID)
		}
		created, err := time.Parse(time.RFC3339, it.CreatedAt)
		if err != nil || !created.Before(clock.Now()) {
			t.Errorf("%s: created_at %q", it.ID, it.CreatedAt)
		}
		if it.LastSyncAt == nil {
			neverSynced++
			if d := get(t, s, it.ID); d.SyncStats.ProductsSynced != 0 {
				t.Errorf("%s never synced but products_synced %d", it.ID, d.SyncStats.ProductsSynced)
			}
		} else if last, err := time.Parse(time.RFC3339, *it.LastSyncAt); err != nil || last.Before(created) || last.After(clock.Now()) {
			t.Errorf("%s: last_sync_at %q, created_at %q", it.ID, *it.LastSyncAt, it.CreatedAt)
		}
		d := get(t, s, it.ID)
		if d.SyncStats.LastError != nil {
			withError++
		}
		if it.Status == "error" && d.SyncStats.LastError == nil {
			t.Errorf("%s in error without last_error", it.ID)
		}
	}
	if len(platforms) < 12 {
		t.Errorf("%d platforms, want a dozen or more: %v", len(platforms), platforms)
	}
	for _, st := range []string{"active", "paused", "error", "degraded", "syncing_v2"} {
		if statuses[st] == 0 {
			t.Errorf("no connector with status %q: %v", st, statuses)
		}
	}
	if statuses["active"] < len(items)*6/10 {
		t.Errorf("only %d of %d active", statuses["active"], len(items))
	}
	for _, want := range []string{"My Shopify Store", "Boutique Élégance — Café", "東京ストア 公式", "🛒 Summer Shop 🌞"} {
		if !names[want] {
			t.Errorf("no connector named %q", want)
		}
	}
	if longest < 140 {
		t.Errorf("longest name %d runes, want one of about 150", longest)
	}
	if neverSynced == 0 || withError == 0 {
		t.Errorf("never synced %d, with last_error %d: want some of each", neverSynced, withError)
	}
}

func TestHelpersChangeWhatClientsSee(t *testing.T) {
	s, _ := newSandbox(t, Options{})
	id := s.IDs()[1]
	hostile := "Evil\x1b[2J\x1b]0;pwned\x07 Store\u202e\x00"
	if !s.SetName(id, hostile) || get(t, s, id).Name != hostile {
		t.Error("SetName did not round-trip a hostile name")
	}
	if !s.SetStatus(id, "quarantined") || get(t, s, id).Status != "quarantined" {
		t.Error("SetStatus did not take")
	}
	msg := "Shopify: \x1b[31mred\x1b[0m"
	s.SetLastError(id, &msg)
	if d := get(t, s, id); d.SyncStats.LastError == nil || *d.SyncStats.LastError != msg {
		t.Error("SetLastError did not take")
	}
	s.SetLastError(id, nil)
	if get(t, s, id).SyncStats.LastError != nil {
		t.Error("SetLastError(nil) did not clear")
	}
	if !s.Remove(id) || s.Remove(id) {
		t.Error("Remove should succeed once")
	}
	if r := do(t, s, "GET", BasePath+"/connectors/"+id, ""); r.status != http.StatusNotFound {
		t.Errorf("removed connector: status %d", r.status)
	}
	if l := list(t, s, ""); l.Meta.Total != 136 {
		t.Errorf("total after Remove %d, want 136", l.Meta.Total)
	}
	if s.SetName("nope", "x") || s.SetStatus("nope", "x") || s.SetLastError("nope", nil) {
		t.Error("helpers report success for an unknown id")
	}
}

func TestStatsCountRequestsByRoute(t *testing.T) {
	s, _ := newSandbox(t, Options{})
	do(t, s, "GET", BasePath+"/connectors", "")
	do(t, s, "GET", BasePath+"/connectors/?page=2", "")
	do(t, s, "GET", BasePath+"/connectors/"+DocsConnectorID, "")
	do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/sync", "")
	do(t, s, "POST", BasePath+"/connectors/"+DocsConnectorID+"/test", "")
	do(t, s, "DELETE", BasePath+"/connectors/"+DocsConnectorID, "")
	do(t, s, "GET", "/nowhere", "")
	doKey(t, s, "GET", BasePath+"/connectors", "", "")
	want := Stats{Total: 8, ByRoute: map[string]int{
		"GET /connectors":            3,
		"GET /connectors/{id}":       1,
		"POST /connectors/{id}/sync": 1,
		"POST /connectors/{id}/test": 1,
		"DELETE /connectors/{id}":    1,
		"GET (no route)":             1,
	}}
	got := s.Stats()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
	got.ByRoute["GET /connectors"] = 99
	if s.Stats().ByRoute["GET /connectors"] != 3 {
		t.Error("Stats() returned the live map, not a copy")
	}
	s.ResetStats()
	if st := s.Stats(); st.Total != 0 || len(st.ByRoute) != 0 {
		t.Errorf("after ResetStats: %+v", st)
	}
}

func TestAutoSyncKeepsTheDemoMoving(t *testing.T) {
	run := func() []string {
		s, clock := newSandbox(t, Options{AutoSync: true, SyncFailureRate: 0.1})
		var trace []string
		busy := map[string]bool{}
		for step := 0; step < 60; step++ { // 5 minutes in 5 s steps
			clock.Advance(5 * time.Second)
			for _, id := range s.IDs()[:50] {
				d := get(t, s, id)
				if d.SyncStats.ProductsPending > 0 {
					busy[id] = true
				}
				trace = append(trace, fmt.Sprint(d.SyncStats.ProductsSynced, d.SyncStats.ProductsPending))
			}
		}
		if len(busy) < 2 {
			t.Errorf("%d first-page connectors synced on their own in 5 min, want a few", len(busy))
		}
		return trace
	}
	if !reflect.DeepEqual(run(), run()) {
		t.Error("auto-syncs differ between two runs with the same seed and clock")
	}
	// Off by default.
	s, clock := newSandbox(t, Options{})
	clock.Advance(10 * time.Minute)
	for _, id := range s.IDs() {
		if p := get(t, s, id).SyncStats.ProductsPending; p != 0 {
			t.Fatalf("%s synced on its own with AutoSync off", id)
		}
	}
	// A long gap does not replay a day of history.
	s, clock = newSandbox(t, Options{AutoSync: true})
	clock.Advance(24 * time.Hour)
	start := time.Now()
	list(t, s, "")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("catching up a day took %v", d)
	}
}

func TestConcurrentRequestsAreSafe(t *testing.T) {
	s, clock := newSandbox(t, Options{AutoSync: true})
	ids := s.IDs()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				id := ids[(g*50+i)%len(ids)]
				req := func(method, target, body string) {
					var rd io.Reader
					if body != "" {
						rd = strings.NewReader(body)
					}
					r := httptest.NewRequest(method, target, rd)
					r.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
					s.ServeHTTP(httptest.NewRecorder(), r)
				}
				switch i % 4 {
				case 0:
					req("GET", BasePath+"/connectors?page=2", "")
				case 1:
					req("GET", BasePath+"/connectors/"+id, "")
				case 2:
					req("POST", BasePath+"/connectors/"+id+"/sync", `{"eans":["3760000000001"]}`)
				case 3:
					clock.Advance(time.Second)
					s.SetName(id, "renamed")
					_ = s.Stats()
				}
			}
		}()
	}
	wg.Wait()
	const requests = 8 * (50 - 50/4) // every fourth step is not a request
	if st := s.Stats(); st.Total != requests {
		t.Errorf("Total %d, want %d", st.Total, requests)
	}
}

func TestLatencyEndsWhenTheRequestIsCancelled(t *testing.T) {
	s, _ := newSandbox(t, Options{Latency: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest("GET", BasePath+"/connectors", nil).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
	done := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		done <- rec.Code
	}()
	select {
	case code := <-done:
		if code != http.StatusServiceUnavailable {
			t.Errorf("cancelled request: status %d, want 503", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Latency ignored the request's cancellation")
	}
}

func TestStartServesOverLoopbackAndStopLeavesNoGoroutines(t *testing.T) {
	s := seedEra(Options{Latency: 10 * time.Millisecond})
	base, stop, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") || !strings.HasSuffix(base, "/api/v1") {
		t.Fatalf("base URL %q", base)
	}
	tr := &http.Transport{}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	for _, path := range []string{"/connectors", "/connectors/"} {
		req, _ := http.NewRequest("GET", base+path+"?per_page=50", nil)
		req.Header.Set("Authorization", "Bearer "+s.APIKey())
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var l listResp
		err = json.NewDecoder(res.Body).Decode(&l)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 || len(l.Items) != 50 || l.Meta.TotalPages != 3 {
			t.Fatalf("GET %s over HTTP: status %d, %d items, err %v", path, res.StatusCode, len(l.Items), err)
		}
	}

	// A request still sleeping in Latency does not hold stop up.
	slow := seedEra(Options{Latency: time.Hour})
	slowBase, slowStop, err := slow.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	inFlight := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest("GET", slowBase+"/connectors", nil)
		req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
		}
		inFlight <- err
	}()
	for slow.Stats().Total == 0 {
		time.Sleep(time.Millisecond)
	}
	began := time.Now()
	slowStop()
	if d := time.Since(began); d > 3*time.Second {
		t.Errorf("stop waited %v for a request sleeping in Latency", d)
	}
	<-inFlight
	slowStop() // idempotent

	stop()
	stop()
	tr.CloseIdleConnections()
	goleak.VerifyNone(t)
}

func FuzzParseSyncBody(f *testing.F) {
	for _, seed := range []string{
		"", "{}", `{"eans":null}`, `{"eans":["3760000000001","3760000000002"]}`,
		`{"eans":[]}`, `{"eans":"x"}`, `{"eans":[1]}`, `[]`, `{"eans":["12a"]}`, "\xff{",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		eans, whole, detail := parseSyncBody(body)
		switch {
		case detail != "":
			if whole || eans != nil {
				t.Fatalf("rejected body also accepted: whole %v, %d EANs", whole, len(eans))
			}
			if len(detail) > 200 {
				t.Fatalf("detail of %d bytes", len(detail))
			}
		case whole:
			if eans != nil {
				t.Fatal("whole-catalog sync with EANs")
			}
		default:
			if len(eans) == 0 || len(eans) > maxEANs {
				t.Fatalf("%d EANs accepted", len(eans))
			}
			for e := range eans {
				if !validEAN(e) {
					t.Fatalf("invalid EAN %q accepted", e)
				}
			}
		}
	})
}

// FuzzServeHTTP throws arbitrary methods, paths, queries and bodies at the
// handler: every answer must be a JSON object with a known status.
func FuzzServeHTTP(f *testing.F) {
	f.Add("GET", "/api/v1/connectors", "skip=1&limit=2", "")
	f.Add("GET", "/api/v1/connectors/", "page=0", "")
	f.Add("POST", "/api/v1/connectors/550e8400-e29b-41d4-a716-000000000010/sync", "", `{"eans":["12345678"]}`)
	f.Add("POST", "/api/v1/connectors/x/test", "", "")
	f.Add("PATCH", "/api/v1/connectors/a/b/c", "per_page=%ff", "{")
	clock := &fakeClock{t: t0}
	s := seedEra(Options{Now: clock.Now, ReadLimit: -1, WriteLimit: -1, Connectors: 20})
	known := map[int]bool{200: true, 202: true, 404: true, 405: true, 409: true, 422: true}
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		if method == "" || strings.ContainsAny(method, " \t\r\n/") || !strings.HasPrefix(path, "/") {
			t.Skip()
		}
		u := &http.Request{
			Method: method,
			URL:    &url.URL{Path: path, RawQuery: query},
			Header: http.Header{"Authorization": {"Bearer " + DefaultAPIKey}},
			Body:   io.NopCloser(strings.NewReader(body)),
		}
		u = u.WithContext(context.Background())
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, u)
		if !known[rec.Code] {
			t.Fatalf("%s %s?%s: status %d", method, path, query, rec.Code)
		}
		var v map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("%s %s?%s: body is not a JSON object: %v", method, path, query, err)
		}
		clock.Advance(time.Second)
	})
}
