package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// No test sends requests through http.DefaultTransport: each uses a
// transport of its own that is closed when it ends (httptest.Server.Close
// closes srv.Client()'s idle connections, and the rest use fakes or close
// theirs), so no persistConn goroutine outlives a test and goleak needs no
// exceptions.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	// basePath is the prefix of the test server's base URL: a request built
	// with an absolute path ("/connectors" instead of base+"/connectors")
	// misses it and fails the test.
	basePath = "/api/v1"
	// testKey is distinctive so that any error string or printed value can
	// be searched for it.
	testKey = "pm_live_Zq8kSECRETkeyNEVERprint3d"
)

// setup starts a test server that routes requests under basePath to the
// returned mux, and a client pointed at it. Requests outside basePath, or
// that no test route claims, fail the test.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request: %s %s", r.Method, r.RequestURI)
		http.NotFound(w, r)
	})
	c, _ := setupHandler(t, mux, opts...)
	return c, mux
}

// setupHandler is setup with a handler of the test's own, for requests the
// mux would clean or redirect (dot segments). The handler sees paths with
// basePath stripped; r.RequestURI keeps what was on the wire.
func setupHandler(t *testing.T, h http.Handler, opts ...Option) (*Client, *httptest.Server) {
	t.Helper()
	strip := http.StripPrefix(basePath, h)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.RequestURI, basePath+"/") {
			t.Errorf("request outside the base path %s: %s %s", basePath, r.Method, r.RequestURI)
			http.Error(w, "outside the base path", http.StatusTeapot)
			return
		}
		strip.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	// A fixed header keeps each test's request sequence exact; the tests
	// of AuthAuto's detection pass WithAuthHeader(AuthAuto).
	all := append([]Option{WithAPIKey(testKey), WithHTTPClient(srv.Client()), WithAuthHeader(AuthXAPIKey)}, opts...)
	c, err := New(srv.URL+basePath, all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, srv
}

// wantRequest is what one call must put on the wire.
type wantRequest struct {
	method    string
	path      string     // escaped, below basePath, exactly as sent
	query     url.Values // exact; nil means no query at all
	body      string     // JSON the body must equal; "" means no body
	userAgent string     // "" means DefaultUserAgent
}

// assertRequest checks method, path, query, headers and JSON body, and
// returns the body decoded as an object (nil when there is none).
func assertRequest(t *testing.T, r *http.Request, want wantRequest) map[string]json.RawMessage {
	t.Helper()
	if r.Method != want.method {
		t.Errorf("method = %s, want %s", r.Method, want.method)
	}
	path, rawQuery, _ := strings.Cut(r.RequestURI, "?")
	if wantPath := basePath + want.path; path != wantPath {
		t.Errorf("path on the wire = %q, want %q", path, wantPath)
	}
	if want.query == nil {
		if rawQuery != "" {
			t.Errorf("query = %q, want none", rawQuery)
		}
	} else if got, _ := url.ParseQuery(rawQuery); !reflect.DeepEqual(got, want.query) {
		t.Errorf("query = %v, want %v", got, want.query)
	}
	if got := r.Header.Get("X-API-Key"); got != testKey {
		t.Errorf("X-API-Key header is wrong (len %d), want the key", len(got))
	}
	if _, ok := r.Header["Authorization"]; ok {
		t.Errorf("Authorization sent beside X-API-Key: exactly one key header is wanted")
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q, want application/json", got)
	}
	ua := want.userAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	if got := r.Header.Get("User-Agent"); got != ua {
		t.Errorf("User-Agent = %q, want %q", got, ua)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Errorf("reading request body: %v", err)
	}
	if want.body == "" {
		if len(body) != 0 {
			t.Errorf("body = %q, want none", body)
		}
		if ct := r.Header.Get("Content-Type"); ct != "" {
			t.Errorf("Content-Type = %q on a request without a body", ct)
		}
		return nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var got, exp any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Errorf("body %q is not JSON: %v", body, err)
		return nil
	}
	if err := json.Unmarshal([]byte(want.body), &exp); err != nil {
		t.Fatalf("bad want.body: %v", err)
	}
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("body = %s, want %s", body, want.body)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		t.Errorf("body %q is not a JSON object: %v", body, err)
	}
	return obj
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// counter counts requests reaching a handler.
type counter struct{ n atomic.Int32 }

func (c *counter) wrap(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c.n.Add(1)
		h(w, r)
	}
}

func (c *counter) get() int { return int(c.n.Load()) }

const pageJSON = `{
  "items": [
    {"id": "550e8400-e29b-41d4-a716-000000000010", "name": "My Shopify Store", "platform": "shopify",
     "status": "active", "last_sync_at": "2026-05-14T08:00:00Z", "created_at": "2026-01-15T00:00:00Z"},
    {"id": "c2", "name": "Never synced", "platform": "woocommerce", "status": "paused_by_admin",
     "last_sync_at": null, "created_at": "2026-02-01T10:00:00Z", "webhook": {"url": "https://x"}}
  ],
  "meta": {"total": 102, "page": 3, "per_page": 50, "total_pages": 3, "has_next": false,
           "has_previous": true, "cursor": "ignored"},
  "links": {"next": null}
}`

func TestListConnectorsSendsSkipAndLimitFromPage(t *testing.T) {
	tests := []struct {
		page, perPage int
		skip, limit   string
	}{
		{1, 50, "0", "50"},
		{3, 50, "100", "50"},
		{2, 500, "500", "500"},
		{7, 1, "6", "1"},
	}
	// Every generation reads one pair or the other the same way.
	for _, tt := range tests {
		t.Run(fmt.Sprintf("page %d of %d", tt.page, tt.perPage), func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc("/connectors/{$}", func(w http.ResponseWriter, r *http.Request) {
				assertRequest(t, r, wantRequest{method: "GET", path: "/connectors/",
					query: url.Values{"skip": {tt.skip}, "limit": {tt.limit},
						"page": {fmt.Sprint(tt.page)}, "per_page": {fmt.Sprint(tt.perPage)}}})
				writeJSON(w, 200, pageJSON)
			})
			page, resp, err := c.ListConnectors(context.Background(), tt.page, tt.perPage)
			if err != nil {
				t.Fatalf("ListConnectors: %v", err)
			}
			if resp == nil || resp.StatusCode != 200 {
				t.Errorf("Response = %+v, want status 200", resp)
			}
			if len(page.Items) != 2 {
				t.Fatalf("got %d items, want 2", len(page.Items))
			}
		})
	}
}

func TestListConnectorsDecodesPage(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, pageJSON)
	})
	page, _, err := c.ListConnectors(context.Background(), 3, 50)
	if err != nil {
		t.Fatalf("ListConnectors: %v", err)
	}
	synced := time.Date(2026, 5, 14, 8, 0, 0, 0, time.UTC)
	created := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	first := page.Items[0]
	if first.ID != "550e8400-e29b-41d4-a716-000000000010" || first.Name != "My Shopify Store" ||
		first.Platform != "shopify" || first.Status != "active" {
		t.Errorf("first item = %+v", first)
	}
	if first.LastSyncAt == nil || !first.LastSyncAt.Equal(synced) {
		t.Errorf("LastSyncAt = %v, want %v", first.LastSyncAt, synced)
	}
	if first.CreatedAt == nil || !first.CreatedAt.Equal(created) {
		t.Errorf("CreatedAt = %v, want %v", first.CreatedAt, created)
	}
	second := page.Items[1]
	if second.LastSyncAt != nil {
		t.Errorf("last_sync_at null decoded as %v, want nil", second.LastSyncAt)
	}
	if second.Status != "paused_by_admin" {
		t.Errorf("unknown status = %q, want it kept as sent", second.Status)
	}
	want := PageMeta{Total: 102, Page: 3, PerPage: 50, TotalPages: 3, HasNext: false, HasPrevious: true}
	if page.Meta != want {
		t.Errorf("Meta = %+v, want %+v", page.Meta, want)
	}
}

func TestListConnectorsEmptyPageHasNonNilItems(t *testing.T) {
	for _, body := range []string{
		`{"items": [], "meta": {"total": 0, "page": 1, "per_page": 50, "total_pages": 0}}`,
		`{"items": null, "meta": {"total": 0}}`,
		`{"meta": {"total": 0}}`,
	} {
		c, mux := setup(t)
		mux.HandleFunc("/connectors/{$}", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, body) })
		page, _, err := c.ListConnectors(context.Background(), 1, 50)
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if page.Items == nil || len(page.Items) != 0 {
			t.Errorf("%s: Items = %#v, want an empty non-nil slice", body, page.Items)
		}
	}
}

func TestListConnectorsRefusesBadPagingWithoutRequest(t *testing.T) {
	c, _ := setup(t) // the mux fails the test on any request
	for _, tt := range []struct{ page, perPage int }{{0, 50}, {-1, 50}, {1, 0}, {1, -5}, {1, MaxPerPage + 1}} {
		if _, _, err := c.ListConnectors(context.Background(), tt.page, tt.perPage); err == nil {
			t.Errorf("ListConnectors(%d, %d) = nil error, want a refusal", tt.page, tt.perPage)
		}
	}
}

// The list lives at /connectors in older docs and /connectors/ (no
// redirect) in newer ones: the client must work with either and remember
// which one answered.
func TestListConnectorsTrailingSlashVariants(t *testing.T) {
	notFound := func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, `{"detail":"Not Found"}`)
	}
	notAllowed := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "POST")
		writeJSON(w, 405, `{"detail":"Method Not Allowed"}`)
	}
	ok := func(t *testing.T, path string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			assertRequest(t, r, wantRequest{method: "GET", path: path,
				query: url.Values{"skip": {"0"}, "limit": {"50"}, "page": {"1"}, "per_page": {"50"}}})
			writeJSON(w, 200, pageJSON)
		}
	}
	tests := []struct {
		name                     string
		plain, slash             func(t *testing.T) http.HandlerFunc
		firstPlain, firstSlash   int // requests after the first call
		secondPlain, secondSlash int // requests after the second call
	}{
		{
			name:       "newer server: only /connectors/",
			plain:      func(*testing.T) http.HandlerFunc { return notFound },
			slash:      func(t *testing.T) http.HandlerFunc { return ok(t, "/connectors/") },
			firstPlain: 0, firstSlash: 1,
			secondPlain: 0, secondSlash: 2,
		},
		{
			name:       "older server: only /connectors",
			plain:      func(t *testing.T) http.HandlerFunc { return ok(t, "/connectors") },
			slash:      func(*testing.T) http.HandlerFunc { return notFound },
			firstPlain: 1, firstSlash: 1,
			secondPlain: 2, secondSlash: 1,
		},
		{
			name:       "older server answering 405 on /connectors/",
			plain:      func(t *testing.T) http.HandlerFunc { return ok(t, "/connectors") },
			slash:      func(*testing.T) http.HandlerFunc { return notAllowed },
			firstPlain: 1, firstSlash: 1,
			secondPlain: 2, secondSlash: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			var plain, slash counter
			mux.HandleFunc("/connectors", plain.wrap(tt.plain(t)))
			mux.HandleFunc("/connectors/{$}", slash.wrap(tt.slash(t)))

			for i, want := range [][2]int{{tt.firstPlain, tt.firstSlash}, {tt.secondPlain, tt.secondSlash}} {
				page, _, err := c.ListConnectors(context.Background(), 1, 50)
				if err != nil {
					t.Fatalf("call %d: %v", i+1, err)
				}
				if len(page.Items) != 2 {
					t.Errorf("call %d: %d items, want 2", i+1, len(page.Items))
				}
				if got := [2]int{plain.get(), slash.get()}; got != want {
					t.Errorf("after call %d: requests (/connectors, /connectors/) = %v, want %v", i+1, got, want)
				}
			}
		})
	}
}

func TestListConnectorsNeitherSpellingGivesNotFound(t *testing.T) {
	c, mux := setup(t)
	var n counter
	h := n.wrap(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 404, `{"detail":"Not Found"}`) })
	mux.HandleFunc("/connectors", h)
	mux.HandleFunc("/connectors/{$}", h)
	_, resp, err := c.ListConnectors(context.Background(), 1, 50)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if resp == nil || resp.StatusCode != 404 {
		t.Errorf("Response = %+v, want status 404", resp)
	}
	if n.get() != 2 {
		t.Errorf("%d requests, want 2 (one per spelling)", n.get())
	}
}

func TestListConnectorsDoesNotTryOtherSpellingOnOtherErrors(t *testing.T) {
	c, mux := setup(t)
	var plain counter
	mux.HandleFunc("/connectors/{$}", plain.wrap(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 401, `{"detail":"Invalid API key","error_code":"INVALID_API_KEY"}`)
	}))
	_, _, err := c.ListConnectors(context.Background(), 1, 50)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	if plain.get() != 1 { // the mux fails the test if /connectors is asked
		t.Errorf("%d requests to /connectors/, want 1", plain.get())
	}
}

// detailID is the id detailJSON carries: ask for it to get that answer.
const detailID = "550e8400-e29b-41d4-a716-000000000010"

const detailJSON = `{
  "id": "550e8400-e29b-41d4-a716-000000000010",
  "name": "My Shopify Store",
  "platform": "shopify",
  "status": "active",
  "sync_stats": {"products_synced": 1250, "products_pending": 3, "last_error": null},
  "last_sync_at": "2026-05-14T08:00:00Z"
}`

func TestGetConnector(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) {
		assertRequest(t, r, wantRequest{method: "GET", path: "/connectors/550e8400-e29b-41d4-a716-000000000010"})
		writeJSON(w, 200, detailJSON)
	})
	d, resp, err := c.GetConnector(context.Background(), "550e8400-e29b-41d4-a716-000000000010")
	if err != nil {
		t.Fatalf("GetConnector: %v", err)
	}
	if resp.StatusCode != 200 {
		t.Errorf("StatusCode = %d", resp.StatusCode)
	}
	if d.ID != "550e8400-e29b-41d4-a716-000000000010" || d.Name != "My Shopify Store" || d.Platform != "shopify" || d.Status != "active" {
		t.Errorf("detail = %+v", d)
	}
	if want := (SyncStats{ProductsSynced: 1250, ProductsPending: 3}); d.SyncStats != want {
		t.Errorf("SyncStats = %+v, want %+v", d.SyncStats, want)
	}
	if d.LastSyncAt == nil || !d.LastSyncAt.Equal(time.Date(2026, 5, 14, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("LastSyncAt = %v", d.LastSyncAt)
	}
	if d.CreatedAt != nil {
		t.Errorf("CreatedAt = %v, want nil (not sent)", d.CreatedAt)
	}
}

// An id is one path segment whatever it holds: the server must decode
// exactly the id back, never a different path.
func TestGetConnectorEscapesOddIDs(t *testing.T) {
	tests := []struct{ id, onWire string }{
		{"plain-id_1.2~", "plain-id_1.2~"},
		{"a/b", "a%2Fb"},
		{"a b", "a%20b"},
		{"50%", "50%25"},
		{"x?y#z", "x%3Fy%23z"},
		{"é", "%C3%A9"},
		{"..", "%2E%2E"},
		{".", "%2E"},
		{"../sync", "..%2Fsync"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			var hits counter
			c, _ := setupHandler(t, hits.wrap(func(w http.ResponseWriter, r *http.Request) {
				assertRequest(t, r, wantRequest{method: "GET", path: "/connectors/" + tt.onWire})
				// What the server decodes must be the id itself.
				if want := "/connectors/" + tt.id; r.URL.Path != want {
					t.Errorf("server decoded path %q, want %q", r.URL.Path, want)
				}
				writeJSON(w, 200, fmt.Sprintf(`{"id": %q, "sync_stats": {}}`, tt.id))
			}))
			if _, _, err := c.GetConnector(context.Background(), tt.id); err != nil {
				t.Fatalf("GetConnector(%q): %v", tt.id, err)
			}
			if hits.get() != 1 {
				t.Errorf("%d requests, want 1", hits.get())
			}
		})
	}
}

func TestGetConnectorNullsAndUnknownFields(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		name          string
		body          string
		wantLastError *string
		wantSynced    bool // last_sync_at non-nil
		wantStatus    string
	}{
		{"last_error null", `{"id":"c","status":"active","last_sync_at":null,"sync_stats":{"last_error":null}}`, nil, false, "active"},
		{"last_error empty string", `{"id":"c","status":"active","sync_stats":{"last_error":""}}`, str(""), false, "active"},
		{"last_error text", `{"id":"c","status":"error","last_sync_at":"2026-05-14T08:00:00+02:00","sync_stats":{"last_error":"Shopify: 401 \u001b[31m"}}`, str("Shopify: 401 \x1b[31m"), true, "error"},
		{"last_error absent", `{"id":"c","status":"active","sync_stats":{}}`, nil, false, "active"},
		{"unknown status and fields", `{"id":"c","status":"throttled 🐢","future":{"a":[1,2,{"b":null}]},"sync_stats":{"products_synced":1,"eta_seconds":5,"last_error":null}}`, nil, false, "throttled 🐢"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tt.body) })
			d, _, err := c.GetConnector(context.Background(), "c")
			if err != nil {
				t.Fatalf("GetConnector: %v", err)
			}
			switch {
			case tt.wantLastError == nil && d.SyncStats.LastError != nil:
				t.Errorf("LastError = %q, want nil", *d.SyncStats.LastError)
			case tt.wantLastError != nil && d.SyncStats.LastError == nil:
				t.Errorf("LastError = nil, want %q", *tt.wantLastError)
			case tt.wantLastError != nil && *d.SyncStats.LastError != *tt.wantLastError:
				t.Errorf("LastError = %q, want %q", *d.SyncStats.LastError, *tt.wantLastError)
			}
			if (d.LastSyncAt != nil) != tt.wantSynced {
				t.Errorf("LastSyncAt = %v, want set: %v", d.LastSyncAt, tt.wantSynced)
			}
			if d.Status != tt.wantStatus {
				t.Errorf("Status = %q, want %q", d.Status, tt.wantStatus)
			}
		})
	}
}

func TestSyncEANs(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{id}/sync", func(w http.ResponseWriter, r *http.Request) {
		body := assertRequest(t, r, wantRequest{method: "POST", path: "/connectors/c%2F1/sync",
			body: `{"eans":["3760000000001","3760000000002"]}`})
		if len(body) != 1 {
			t.Errorf("body has keys %v, want only eans", reflect.ValueOf(body).MapKeys())
		}
		writeJSON(w, 202, `{"sync_id":"550e8400-e29b-41d4-a716-000000000011","status":"queued","products_queued":2}`)
	})
	res, resp, err := c.SyncEANs(context.Background(), "c/1", []string{"3760000000001", "3760000000002"})
	if err != nil {
		t.Fatalf("SyncEANs: %v", err)
	}
	if resp.StatusCode != 202 {
		t.Errorf("StatusCode = %d, want 202", resp.StatusCode)
	}
	want := SyncResult{SyncID: "550e8400-e29b-41d4-a716-000000000011", Status: "queued", ProductsQueued: 2}
	if *res != want {
		t.Errorf("result = %+v, want %+v", *res, want)
	}
}

func TestSyncEANsRefusesEmptyListWithoutRequest(t *testing.T) {
	c, _ := setup(t) // the mux fails the test on any request
	for _, eans := range [][]string{nil, {}} {
		_, resp, err := c.SyncEANs(context.Background(), "c", eans)
		if err == nil {
			t.Fatalf("SyncEANs(%#v) = nil error, want a refusal", eans)
		}
		if resp != nil {
			t.Errorf("Response = %+v, want nil: nothing was sent", resp)
		}
		if !strings.Contains(err.Error(), "SyncCatalog") {
			t.Errorf("error %q does not point to SyncCatalog", err)
		}
	}
}

// A whole-catalog sync is the documented "eans omitted": an empty list or
// null could mean "sync nothing" to a server.
func TestSyncCatalogSendsNoEANsKey(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("POST /connectors/{id}/sync", func(w http.ResponseWriter, r *http.Request) {
		body := assertRequest(t, r, wantRequest{method: "POST", path: "/connectors/c1/sync", body: `{}`})
		if raw, ok := body["eans"]; ok {
			t.Errorf(`body carries "eans": %s, want no such key`, raw)
		}
		writeJSON(w, 200, `{"sync_id":"s","status":"queued","products_queued":1250}`)
	})
	res, _, err := c.SyncCatalog(context.Background(), "c1")
	if err != nil {
		t.Fatalf("SyncCatalog: %v", err)
	}
	if res.ProductsQueued != 1250 || res.Status != "queued" {
		t.Errorf("result = %+v", res)
	}
}

func TestTestConnector(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{id}/test", func(w http.ResponseWriter, r *http.Request) {
		assertRequest(t, r, wantRequest{method: "POST", path: "/connectors/c1/test", body: `{}`})
		writeJSON(w, 200, `{"ok":false,"message":"Shopify answered 401","latency_ms":120,"checks":["auth"]}`)
	})
	res, _, err := c.TestConnector(context.Background(), "c1")
	if err != nil {
		t.Fatalf("TestConnector: %v", err)
	}
	if res.OK == nil || *res.OK {
		t.Errorf("OK = %v, want false", res.OK)
	}
	if res.Message != "Shopify answered 401" {
		t.Errorf("Message = %q", res.Message)
	}
	if res.Fields["latency_ms"] != 120.0 {
		t.Errorf("Fields[latency_ms] = %v, want 120 kept raw", res.Fields["latency_ms"])
	}
}

// The newer docs answer {"success": false, …}: that is the verdict too,
// so a failed test is never recorded as passed.
func TestTestConnectorReadsSuccessAsTheVerdict(t *testing.T) {
	for _, tc := range []struct {
		body string
		want bool
	}{
		{`{"success":false,"message":"Invalid credentials","latency_ms":243}`, false},
		{`{"success":true,"message":"Connected to Shopify 2024-01"}`, true},
		{`{"ok":true,"success":false}`, true}, // "ok" is read first
	} {
		c, mux := setup(t)
		mux.HandleFunc("/connectors/{id}/test", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, tc.body)
		})
		res, _, err := c.TestConnector(context.Background(), "c1")
		if err != nil {
			t.Fatalf("TestConnector: %v", err)
		}
		if res.OK == nil || *res.OK != tc.want {
			t.Errorf("%s: OK = %v, want %v", tc.body, res.OK, tc.want)
		}
	}
}

func TestTestConnectorUndocumentedAnswer(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{id}/test", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"result":"connected","ok":"yes"}`)
	})
	res, _, err := c.TestConnector(context.Background(), "c1")
	if err != nil {
		t.Fatalf("TestConnector: %v", err)
	}
	if res.OK != nil {
		t.Errorf("OK = %v, want nil: \"ok\" was not a boolean", *res.OK)
	}
	if res.Fields["result"] != "connected" {
		t.Errorf("Fields = %v, want the answer kept", res.Fields)
	}
}

func TestTestConnectorNotSupported(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		ctype, body   string
		wantSupported bool
		alsoIs        error
	}{
		{"404 JSON", 404, "application/json", `{"detail":"Not Found"}`, false, ErrNotFound},
		{"404 HTML", 404, "text/html", `<html>nope</html>`, false, ErrNotFound},
		{"405", 405, "application/json", `{"detail":"Method Not Allowed"}`, false, nil},
		{"500 is a real failure", 500, "application/json", `{"detail":"boom"}`, true, nil},
		{"401 is a real failure", 401, "application/json", `{"detail":"bad key"}`, true, ErrUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc("/connectors/{id}/test", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			_, resp, err := c.TestConnector(context.Background(), "c1")
			if err == nil {
				t.Fatal("TestConnector = nil error")
			}
			if got := errors.Is(err, ErrNotSupported); got == tt.wantSupported {
				t.Errorf("errors.Is(%v, ErrNotSupported) = %v, want %v", err, got, !tt.wantSupported)
			}
			if tt.alsoIs != nil && !errors.Is(err, tt.alsoIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.alsoIs)
			}
			if resp == nil || resp.StatusCode != tt.status {
				t.Errorf("Response = %+v, want status %d", resp, tt.status)
			}
		})
	}
}

func TestEmptyConnectorIDRefusedWithoutRequest(t *testing.T) {
	c, _ := setup(t) // the mux fails the test on any request
	ctx := context.Background()
	calls := map[string]func() error{
		"GetConnector":  func() error { _, _, err := c.GetConnector(ctx, ""); return err },
		"SyncEANs":      func() error { _, _, err := c.SyncEANs(ctx, "", []string{"3760000000001"}); return err },
		"SyncCatalog":   func() error { _, _, err := c.SyncCatalog(ctx, ""); return err },
		"TestConnector": func() error { _, _, err := c.TestConnector(ctx, ""); return err },
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s(\"\") = nil error, want a refusal", name)
		}
	}
}

func TestUserAgent(t *testing.T) {
	c, mux := setup(t, WithUserAgent("pixee-tui/1.2.3 (test)"))
	mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) {
		assertRequest(t, r, wantRequest{method: "GET", path: "/connectors/" + detailID, userAgent: "pixee-tui/1.2.3 (test)"})
		writeJSON(w, 200, detailJSON)
	})
	if _, _, err := c.GetConnector(context.Background(), detailID); err != nil {
		t.Fatal(err)
	}
}

func TestRateLimitHeadersReachCaller(t *testing.T) {
	tests := []struct {
		name    string
		headers map[string]string
		status  int
		want    RateLimit
	}{
		{"all three", map[string]string{"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "42", "X-RateLimit-Reset": "1778745600"},
			200, RateLimit{Known: true, Limit: 100, Remaining: 42, Reset: time.Unix(1778745600, 0)}},
		{"none", nil, 200, RateLimit{}},
		{"limit only", map[string]string{"X-RateLimit-Limit": "1000"}, 200, RateLimit{Known: true, Limit: 1000, Remaining: -1}},
		{"remaining zero", map[string]string{"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0"}, 200, RateLimit{Known: true, Limit: 50, Remaining: 0}},
		{"garbage", map[string]string{"X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "-3", "X-RateLimit-Reset": "soon"}, 200, RateLimit{}},
		{"on an error answer", map[string]string{"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1778745600"},
			429, RateLimit{Known: true, Limit: 100, Remaining: 0, Reset: time.Unix(1778745600, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.headers {
					w.Header().Set(k, v)
				}
				if tt.status == 200 {
					writeJSON(w, 200, detailJSON)
				} else {
					writeJSON(w, tt.status, `{"detail":"Rate limit exceeded","retry_after_seconds":60}`)
				}
			})
			_, resp, err := c.GetConnector(context.Background(), detailID)
			if (err != nil) != (tt.status != 200) {
				t.Fatalf("err = %v", err)
			}
			if resp == nil {
				t.Fatal("Response = nil")
			}
			if resp.Rate != tt.want {
				t.Errorf("Rate = %+v, want %+v", resp.Rate, tt.want)
			}
		})
	}
}

// A 2xx to a sync POST is the server's yes, whatever its body: reporting it
// as failed would invite a second POST, and a second sync.
func TestSyncAcceptedWithoutBodyIsSuccess(t *testing.T) {
	tests := []struct {
		name   string
		status int
		ctype  string
		body   string
	}{
		{"202 empty", 202, "", ""},
		{"204", 204, "", ""},
		{"200 empty JSON", 200, "application/json", ""},
		{"202 HTML", 202, "text/html", proxyPage},
		{"202 truncated", 202, "application/json", `{"sync_id":"s`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits counter
			c, mux := setup(t)
			mux.HandleFunc("POST /connectors/{id}/sync", hits.wrap(func(w http.ResponseWriter, r *http.Request) {
				if tt.ctype != "" {
					w.Header().Set("Content-Type", tt.ctype)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			res, resp, err := c.SyncEANs(context.Background(), "c1", []string{"3760000000001"})
			if err != nil {
				t.Fatalf("SyncEANs: %v, want success", err)
			}
			if resp.StatusCode != tt.status {
				t.Errorf("StatusCode = %d, want %d", resp.StatusCode, tt.status)
			}
			if !res.Unreported || !res.ProductsQueuedUnknown || res.SyncID != "" {
				t.Errorf("result = %+v, want unreported, queued count unknown, no sync id", *res)
			}
			if got, want := res.Summary(), "accepted by the server; no sync id returned"; got != want {
				t.Errorf("Summary() = %q, want %q", got, want)
			}
			if hits.get() != 1 {
				t.Errorf("%d POSTs, want 1", hits.get())
			}
		})
	}
}

// A 2xx whose status says the sync was not queued is an error the caller
// cannot take for success; an absent products_queued is "not reported".
func TestSyncRejectedStatusIsAnError(t *testing.T) {
	tests := []struct {
		body       string
		wantErr    bool
		wantQueued int
		unknown    bool
	}{
		{`{"sync_id":"s1","status":"rejected","detail":"connector paused"}`, true, 0, true},
		{`{"sync_id":"s1","status":"FAILED","products_queued":0}`, true, 0, false},
		{`{"status":"error"}`, true, 0, true},
		{`{"sync_id":"s1","status":"queued"}`, false, 0, true},
		{`{"sync_id":"s1","status":"queued","products_queued":0}`, false, 0, false},
		{`{"sync_id":42,"status":"accepted","products_queued":1250.0}`, false, 1250, false},
		{`{"sync_id":"s1","status":"queued","products_queued":-3}`, false, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc("POST /connectors/{id}/sync", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, tt.body)
			})
			res, _, err := c.SyncCatalog(context.Background(), "c1")
			var rej *SyncRejectedError
			if got := errors.As(err, &rej); got != tt.wantErr {
				t.Fatalf("err = %v, want a *SyncRejectedError: %v", err, tt.wantErr)
			}
			if tt.wantErr {
				if !errors.Is(err, ErrSyncRejected) || !strings.Contains(err.Error(), "did not queue") ||
					!strings.Contains(strings.ToLower(err.Error()), `"`+strings.ToLower(rej.Status)+`"`) {
					t.Errorf("error %q does not say the sync was not queued and why", err)
				}
				if strings.Contains(tt.body, "paused") && !strings.Contains(err.Error(), "connector paused") {
					t.Errorf("error %q drops the server's detail", err)
				}
			}
			if res == nil {
				t.Fatal("no result")
			}
			if res.ProductsQueued != tt.wantQueued || res.ProductsQueuedUnknown != tt.unknown {
				t.Errorf("queued = %d (unknown %v), want %d (unknown %v)", res.ProductsQueued, res.ProductsQueuedUnknown, tt.wantQueued, tt.unknown)
			}
		})
	}
}

// A detail answer about another connector is an error, never shown under
// the id asked for; one without an id names no other and is kept.
func TestGetConnectorAnswerForAnotherID(t *testing.T) {
	tests := []struct {
		answer  string
		wantErr bool
	}{
		{`{"id":"c2","name":"Other store","sync_stats":{}}`, true},
		{`{"id":"C1","name":"Other store","sync_stats":{}}`, true},
		{`{"id":"c1","name":"Mine","sync_stats":{}}`, false},
		{`{"name":"Mine","sync_stats":{}}`, false},
		{`{"id":"","name":"Mine","sync_stats":{}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.answer, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tt.answer) })
			d, _, err := c.GetConnector(context.Background(), "c1")
			if !tt.wantErr {
				if err != nil || d.ID != "c1" {
					t.Fatalf("GetConnector = %+v, %v; want the detail under id c1", d, err)
				}
				return
			}
			var me *ConnectorMismatchError
			if !errors.As(err, &me) || d != nil {
				t.Fatalf("GetConnector = %+v, %v; want a *ConnectorMismatchError and no detail", d, err)
			}
			if !strings.Contains(err.Error(), "answered with connector") || !strings.Contains(err.Error(), `when asked for "c1"`) {
				t.Errorf("error %q does not say which connector was asked for and which came", err)
			}
		})
	}
}
