package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// keyServer answers like one generation of the API as far as the key is
// concerned: it accepts the key only in the header it names, and counts
// what arrived in which header.
type keyServer struct {
	accept string // "x-api-key", "bearer", or "" for neither
	mu     sync.Mutex
	seen   []string // per request: "GET x-api-key", "POST bearer", "GET both" …
}

func (ks *keyServer) header(r *http.Request) string {
	x, b := r.Header.Get("X-API-Key"), r.Header.Get("Authorization")
	switch {
	case x != "" && b != "":
		return "both"
	case x == testKey:
		return "x-api-key"
	case b == "Bearer "+testKey:
		return "bearer"
	}
	return "none"
}

func (ks *keyServer) wrap(ok http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := ks.header(r)
		ks.mu.Lock()
		ks.seen = append(ks.seen, r.Method+" "+h)
		ks.mu.Unlock()
		if h != ks.accept {
			writeJSON(w, 401, `{"detail":"Not authenticated","error_code":"AUTHENTICATION_REQUIRED"}`)
			return
		}
		ok(w, r)
	}
}

func (ks *keyServer) requests() []string {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	return append([]string(nil), ks.seen...)
}

const syncJSON = `{"sync_id":"s1","status":"queued","products_queued":2}`

func autoSetup(t *testing.T, accept string) (*Client, *keyServer) {
	t.Helper()
	c, mux := setup(t, WithAuthHeader(AuthAuto))
	ks := &keyServer{accept: accept}
	mux.HandleFunc("/connectors/{$}", ks.wrap(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, pageJSON) }))
	mux.HandleFunc("/connectors/{id}", ks.wrap(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, detailJSON) }))
	mux.HandleFunc("POST /connectors/{id}/sync", ks.wrap(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, syncJSON) }))
	return c, ks
}

// AuthAuto: the first GET sends X-API-Key, a 401 makes it try the same GET
// once with Bearer, and the header that worked is kept: later calls send
// only it, exactly one key header each.
func TestAuthAutoProbeSequence(t *testing.T) {
	tests := []struct {
		accept string
		want   []string // requests for: list, list, detail, sync
		header AuthHeader
	}{
		{"x-api-key", []string{"GET x-api-key", "GET x-api-key", "GET x-api-key", "POST x-api-key"}, AuthXAPIKey},
		{"bearer", []string{"GET x-api-key", "GET bearer", "GET bearer", "GET bearer", "POST bearer"}, AuthBearer},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			c, ks := autoSetup(t, tt.accept)
			ctx := context.Background()
			for range 2 {
				if _, _, err := c.ListConnectors(ctx, 1, 50); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := c.GetConnector(ctx, detailID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.SyncEANs(ctx, "c1", []string{"3760000000001"}); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(ks.requests(), ", "); got != strings.Join(tt.want, ", ") {
				t.Errorf("requests = %s\nwant       %s", got, strings.Join(tt.want, ", "))
			}
			if c.AuthHeader() != tt.header {
				t.Errorf("AuthHeader() = %v, want %v", c.AuthHeader(), tt.header)
			}
		})
	}
}

// Refused with both headers: two GETs, one line that says so, and it
// still matches ErrUnauthorized. A POST then is never sent.
func TestAuthAutoBothRefused(t *testing.T) {
	c, ks := autoSetup(t, "")
	_, _, err := c.ListConnectors(context.Background(), 1, 50)
	var are *AuthRefusedError
	if !errors.As(err, &are) || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %T %v, want *AuthRefusedError matching ErrUnauthorized", err, err)
	}
	want := "key refused with X-API-Key and with Authorization: Bearer — check the key, or set --auth-header"
	if err.Error() != want || strings.Contains(err.Error(), testKey) {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
	if got := strings.Join(ks.requests(), ", "); got != "GET x-api-key, GET bearer" {
		t.Errorf("requests = %s, want one GET per header", got)
	}
	if c.AuthHeader() != AuthAuto {
		t.Errorf("a header was remembered although both were refused: %v", c.AuthHeader())
	}

	_, _, err = c.SyncEANs(context.Background(), "c1", []string{"3760000000001"})
	if err == nil || !errors.Is(err, ErrUnauthorized) || OutcomeUnknown(err) {
		t.Fatalf("sync err = %v (outcome unknown %v), want a refusal that was never sent", err, OutcomeUnknown(err))
	}
	for _, r := range ks.requests() {
		if strings.HasPrefix(r, "POST") {
			t.Errorf("a POST was sent with a header that was never accepted: %v", ks.requests())
		}
	}
}

// A POST that comes first detects the header with a GET, and is sent once,
// with the header that worked; a POST refused after detection is never
// repeated with the other header.
func TestAuthAutoPostNeverProbes(t *testing.T) {
	c, ks := autoSetup(t, "bearer")
	if _, _, err := c.SyncEANs(context.Background(), "c1", []string{"3760000000001"}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ks.requests(), ", "); got != "GET x-api-key, GET bearer, POST bearer" {
		t.Errorf("requests = %s, want the GET probe and then one POST", got)
	}

	ks.mu.Lock()
	ks.accept, ks.seen = "x-api-key", nil // the key is now refused as Bearer
	ks.mu.Unlock()
	_, _, err := c.SyncEANs(context.Background(), "c1", []string{"3760000000001"})
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want the 401", err)
	}
	if got := strings.Join(ks.requests(), ", "); got != "POST bearer" {
		t.Errorf("requests = %s, want exactly one POST", got)
	}
}

// A POST issued while the first GET's probe is still out waits for its
// verdict, then goes with the header it found: no POST on a guess.
func TestAuthAutoPostWaitsForTheProbe(t *testing.T) {
	c, mux := setup(t, WithAuthHeader(AuthAuto))
	ks := &keyServer{accept: "bearer"}
	release := make(chan struct{})
	arrived := make(chan struct{}, 4)
	mux.HandleFunc("/connectors/{$}", ks.wrap(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		writeJSON(w, 200, pageJSON)
	}))
	mux.HandleFunc("POST /connectors/{id}/sync", ks.wrap(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, syncJSON) }))

	ctx := context.Background()
	listDone := make(chan error, 1)
	go func() { _, _, err := c.ListConnectors(ctx, 1, 50); listDone <- err }()
	// The X-API-Key attempt is refused at once; the Bearer one is held.
	select {
	case <-arrived:
	case <-time.After(5 * time.Second):
		t.Fatal("the probe never reached the server")
	}
	syncDone := make(chan error, 1)
	go func() { _, _, err := c.SyncEANs(ctx, "c1", []string{"3760000000001"}); syncDone <- err }()
	for range 100 { // let the POST reach the probe lock
		time.Sleep(time.Millisecond)
	}
	for _, r := range ks.requests() {
		if strings.HasPrefix(r, "POST") {
			t.Fatalf("POST sent before detection finished: %v", ks.requests())
		}
	}
	close(release)
	if err := <-listDone; err != nil {
		t.Fatal(err)
	}
	if err := <-syncDone; err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ks.requests(), ", "); got != "GET x-api-key, GET bearer, POST bearer" {
		t.Errorf("requests = %s, want the probe, then one POST with Bearer", got)
	}
}

// A fixed header is sent as is, never the other one, and is not probed.
func TestAuthHeaderFixed(t *testing.T) {
	for _, h := range []AuthHeader{AuthXAPIKey, AuthBearer} {
		t.Run(h.String(), func(t *testing.T) {
			c, mux := setup(t, WithAuthHeader(h))
			ks := &keyServer{accept: "x-api-key"}
			mux.HandleFunc("/connectors/{$}", ks.wrap(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, pageJSON) }))
			_, _, err := c.ListConnectors(context.Background(), 1, 50)
			if (h == AuthXAPIKey) != (err == nil) {
				t.Errorf("err = %v", err)
			}
			want := map[AuthHeader]string{AuthXAPIKey: "GET x-api-key", AuthBearer: "GET bearer"}[h]
			if got := strings.Join(ks.requests(), ", "); got != want {
				t.Errorf("requests = %s, want %s", got, want)
			}
		})
	}
}

func TestParseAuthHeader(t *testing.T) {
	for in, want := range map[string]AuthHeader{"": AuthAuto, "auto": AuthAuto, "X-API-Key": AuthXAPIKey, "bearer": AuthBearer, " Bearer ": AuthBearer} {
		if got, err := ParseAuthHeader(in); err != nil || got != want {
			t.Errorf("ParseAuthHeader(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseAuthHeader("pm_live_oops"); err == nil {
		t.Error("a wrong value was accepted")
	}
}

// A read-only client sends no POST, whatever asks it to.
func TestReadOnlyClientSendsNoWrite(t *testing.T) {
	c, ks := autoSetup(t, "x-api-key")
	c2, err := New(c.BaseURL(), WithAPIKey(testKey), WithHTTPClient(c.http), WithReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, _, e1 := c2.SyncEANs(ctx, "c1", []string{"3760000000001"})
	_, _, e2 := c2.SyncCatalog(ctx, "c1")
	_, _, e3 := c2.TestConnector(ctx, "c1")
	for _, err := range []error{e1, e2, e3} {
		if !errors.Is(err, ErrReadOnly) || OutcomeUnknown(err) {
			t.Errorf("err = %v, want ErrReadOnly", err)
		}
	}
	if _, _, err := c2.GetConnector(ctx, detailID); err != nil {
		t.Errorf("a read-only client cannot read: %v", err)
	}
	if got := strings.Join(ks.requests(), ", "); got != "GET x-api-key" {
		t.Errorf("requests = %s, want the one GET", got)
	}
}
