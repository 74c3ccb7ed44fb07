package api

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// hang is a handler that reads the request, reports its arrival and then
// answers nothing until the client goes away or the test ends.
func hang(t *testing.T, arrived chan<- struct{}) http.HandlerFunc {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // runs before the server's Close
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if arrived != nil {
			arrived <- struct{}{}
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
}

func TestCallerCancellationReturnsCtxErr(t *testing.T) {
	for _, call := range []string{"get", "sync"} {
		t.Run(call, func(t *testing.T) {
			arrived := make(chan struct{}, 1)
			c, mux := setup(t)
			mux.HandleFunc("/connectors/{id}", hang(t, arrived))
			mux.HandleFunc("/connectors/{id}/sync", hang(t, arrived))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				<-arrived
				cancel()
			}()
			var err error
			if call == "get" {
				_, _, err = c.GetConnector(ctx, "c1")
			} else {
				_, _, err = c.SyncEANs(ctx, "c1", []string{"3760000000001"})
			}
			if err != ctx.Err() || !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %T %v, want exactly ctx.Err() (context.Canceled)", err, err)
			}
		})
	}
}

func TestAlreadyCancelledContext(t *testing.T) {
	var n counter
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{id}", n.wrap(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, detailJSON) }))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, resp, err := c.GetConnector(ctx, "c1")
	if err != context.Canceled {
		t.Fatalf("err = %T %v, want context.Canceled", err, err)
	}
	if resp != nil {
		t.Errorf("Response = %+v, want nil", resp)
	}
	if n.get() != 0 {
		t.Errorf("%d requests reached the server", n.get())
	}
}

// The caller's own deadline is the caller's business: ctx.Err(), not the
// client's *TimeoutError.
func TestCallerDeadlineReturnsCtxErr(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{id}", hang(t, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err := c.GetConnector(ctx, "c1")
	if err != context.DeadlineExceeded {
		t.Fatalf("err = %T %v, want context.DeadlineExceeded", err, err)
	}
}

func TestTimeoutOnHangingServer(t *testing.T) {
	c, mux := setup(t, WithTimeout(100*time.Millisecond))
	mux.HandleFunc("/connectors/{id}", hang(t, nil))
	start := time.Now()
	_, resp, err := c.GetConnector(context.Background(), "c1")
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %T %v, want *TimeoutError", err, err)
	}
	if !strings.Contains(err.Error(), "timed out after 100ms") {
		t.Errorf("Error() = %q, want it to say \"timed out after 100ms\"", err)
	}
	if te.After != 100*time.Millisecond {
		t.Errorf("After = %s", te.After)
	}
	var timeout interface{ Timeout() bool }
	if !errors.As(err, &timeout) || !timeout.Timeout() {
		t.Errorf("err does not report Timeout() = true")
	}
	if resp != nil {
		t.Errorf("Response = %+v, want nil: no answer came", resp)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > 5*time.Second {
		t.Errorf("returned after %s, want about 100ms", d)
	}
	assertNoKey(t, err)
}

// Headers came, then the body stalled: still a timeout, and the status
// that did arrive is reported.
func TestTimeoutWhileReadingBody(t *testing.T) {
	c, mux := setup(t, WithTimeout(100*time.Millisecond))
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	mux.HandleFunc("/connectors/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		io.WriteString(w, detailJSON[:20])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	_, resp, err := c.GetConnector(context.Background(), "c1")
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %T %v, want *TimeoutError", err, err)
	}
	if !te.RequestSent {
		t.Errorf("RequestSent = false, but an answer had started")
	}
	if resp == nil || resp.StatusCode != 200 {
		t.Errorf("Response = %+v, want status 200", resp)
	}
}

// A POST that reached the server and then got no answer may have queued a
// sync: the caller must be told, and nothing may send it again.
func TestTimeoutAfterPOSTIsOutcomeUnknownAndNotRetried(t *testing.T) {
	var posts counter
	c, mux := setup(t, WithTimeout(100*time.Millisecond))
	mux.HandleFunc("POST /connectors/{id}/sync", posts.wrap(hang(t, nil)))
	_, _, err := c.SyncEANs(context.Background(), "c1", []string{"3760000000001"})
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %T %v, want *TimeoutError", err, err)
	}
	if !te.RequestSent || !OutcomeUnknown(err) {
		t.Errorf("RequestSent = %v, OutcomeUnknown = %v, want both true", te.RequestSent, OutcomeUnknown(err))
	}
	time.Sleep(200 * time.Millisecond) // room for a retry that must not come
	if posts.get() != 1 {
		t.Errorf("server got %d POSTs, want exactly 1", posts.get())
	}
}

// The server read the POST and dropped the connection without answering.
func TestDroppedConnectionAfterPOSTIsOutcomeUnknownAndNotRetried(t *testing.T) {
	var posts counter
	c, mux := setup(t)
	mux.HandleFunc("POST /connectors/{id}/sync", posts.wrap(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		conn.Close()
	}))
	_, resp, err := c.SyncEANs(context.Background(), "c1", []string{"3760000000001"})
	var ne *NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("err = %T %v, want *NetworkError", err, err)
	}
	if !ne.RequestSent || !OutcomeUnknown(err) {
		t.Errorf("RequestSent = %v, OutcomeUnknown = %v, want both true", ne.RequestSent, OutcomeUnknown(err))
	}
	if resp != nil {
		t.Errorf("Response = %+v, want nil", resp)
	}
	time.Sleep(100 * time.Millisecond)
	if posts.get() != 1 {
		t.Errorf("server got %d POSTs, want exactly 1", posts.get())
	}
	assertNoKey(t, err)
}

func TestPOSTNotRetriedOnServerErrors(t *testing.T) {
	for _, tt := range []struct {
		status int
		body   string
	}{
		{500, `{"detail":"Internal server error"}`},
		{502, `<html>bad gateway</html>`},
		{503, `{"detail":"Maintenance"}`},
		{429, `{"detail":"Rate limit exceeded","retry_after_seconds":1}`},
	} {
		var posts counter
		c, mux := setup(t)
		mux.HandleFunc("POST /connectors/{id}/sync", posts.wrap(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, tt.status, tt.body)
		}))
		mux.HandleFunc("POST /connectors/{id}/test", posts.wrap(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, tt.status, tt.body)
		}))
		if _, _, err := c.SyncCatalog(context.Background(), "c1"); err == nil {
			t.Fatalf("%d: SyncCatalog = nil error", tt.status)
		}
		if _, _, err := c.TestConnector(context.Background(), "c1"); err == nil {
			t.Fatalf("%d: TestConnector = nil error", tt.status)
		}
		if posts.get() != 2 {
			t.Errorf("%d: server got %d POSTs for 2 calls, want exactly 2", tt.status, posts.get())
		}
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := New("http://"+addr+basePath, WithAPIKey(testKey), WithHTTPClient(&http.Client{Transport: tr}), WithAuthHeader(AuthXAPIKey))
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []string{"list", "sync"} {
		var err error
		if call == "list" {
			_, _, err = c.ListConnectors(context.Background(), 1, 50)
		} else {
			_, _, err = c.SyncEANs(context.Background(), "c1", []string{"3760000000001"})
		}
		var ne *NetworkError
		if !errors.As(err, &ne) {
			t.Fatalf("%s: err = %T %v, want *NetworkError", call, err, err)
		}
		if ne.RequestSent || OutcomeUnknown(err) {
			t.Errorf("%s: RequestSent = %v, OutcomeUnknown = %v, want both false: nothing was sent", call, ne.RequestSent, OutcomeUnknown(err))
		}
		if msg := err.Error(); !strings.Contains(msg, "connection refused") || !strings.Contains(msg, addr) {
			t.Errorf("%s: Error() = %q, want host and cause", call, msg)
		}
		if strings.Contains(err.Error(), "/connectors") {
			t.Errorf("%s: Error() = %q repeats the URL", call, err)
		}
		assertNoKey(t, err)
	}
}

// A redirected sync is not followed as a GET (whose answer would be taken
// for the sync's result): the 3xx comes back as an error, after one POST.
func TestRedirectedPOSTIsNotFollowed(t *testing.T) {
	var posts, gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			posts.Add(1)
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		default:
			gets.Add(1)
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"sync_id":"not-a-sync","status":"queued","products_queued":1}`)
		}
	}))
	defer srv.Close()
	c, err := New(srv.URL+"/api/v1", WithAPIKey("pm_test_x"), WithHTTPClient(srv.Client()), WithAuthHeader(AuthXAPIKey))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.SyncEANs(context.Background(), "c1", []string{"4006381333931"})
	var ue *UnexpectedResponseError
	if !errors.As(err, &ue) || ue.StatusCode != http.StatusFound {
		t.Fatalf("err = %v, want an unexpected response (HTTP 302)", err)
	}
	if posts.Load() != 1 || gets.Load() != 0 {
		t.Fatalf("requests: %d POST, %d GET; want 1 POST and no GET", posts.Load(), gets.Load())
	}
}
