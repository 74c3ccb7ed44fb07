// Package sandbox is an in-process stand-in for the Pixee PIM connectors API.
//
// It serves the wire format of API.md over real HTTP, in either generation
// of the API (see Generation): the connector list with its pagination, one
// connector with its sync stats, queuing a sync, testing a connection, a
// connector's sync jobs (unless Options.NoJobs), the key's header,
// per-minute rate limits with their headers, and the JSON error bodies.
// `pixee-tui --demo` and `pixee-tui sandbox` run against it, and so do the
// client and UI tests.
//
// It deliberately does not import the api client package: it is a second,
// independent reading of the wire format, so a client test that passes
// against it says something about the client.
//
// Everything is deterministic from Options.Seed and the injected clock.
// State is advanced lazily to the clock's reading at each request (a queued
// sync drains by the time elapsed, auto-syncs fire on a seeded schedule), so
// a test with a fake clock sees exactly the same answers on every run.
package sandbox

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"
)

// DefaultAPIKey is the key a sandbox accepts when Options.APIKey is empty.
// It has the shape of a Pixee test key; it is not a secret.
const DefaultAPIKey = "pm_test_sandbox"

// BasePath is the path prefix of every route, as on api.pixeepim.com.
const BasePath = "/api/v1"

const (
	defaultConnectors  = 137
	defaultReadLimit   = 100
	defaultWriteLimit  = 50
	defaultFailureRate = 0.1
	shutdownTimeout    = 5 * time.Second
)

// Options configures a sandbox. The zero value is a usable sandbox with
// the documented defaults.
type Options struct {
	// Seed makes data and behaviour deterministic; 0 means 1.
	Seed int64
	// Now is the clock; nil means time.Now. All time-dependent state (sync
	// progress, auto-syncs, rate-limit windows, timestamps) follows it.
	Now func() time.Time
	// APIKey is the only bearer key accepted; "" means DefaultAPIKey.
	APIKey string
	// Connectors is the number of connectors: 0 means 137 (three pages of
	// 50), a negative number means none at all.
	Connectors int
	// ReadLimit is the GET budget per minute per key: 0 means 100, a
	// negative number means unlimited (and no X-RateLimit-* headers).
	ReadLimit int
	// WriteLimit is the POST budget per minute per key: 0 means 50, a
	// negative number means unlimited (and no X-RateLimit-* headers).
	WriteLimit int
	// AutoSync lets a handful of connectors start syncs on their own on a
	// seeded schedule, so a demo is never still. Tests usually leave it off.
	AutoSync bool
	// Latency delays every request by this much (0 means none). The delay
	// ends early when the request's context is cancelled.
	Latency time.Duration
	// API is the generation of the Pixee API served; the zero value is
	// Current, today's API.
	API Generation
	// NoManageSettings makes the key one without the MANAGE_SETTINGS
	// permission: every POST (sync, test) is answered 403 PERMISSION_DENIED.
	NoManageSettings bool
	// SyncFailureRate is the share of syncs that end with a last_error:
	// 0 means 0.1, a negative number means never, 1 or more means always.
	// Which syncs fail is decided by the seed, not by chance.
	SyncFailureRate float64
	// NoJobs makes the sandbox a server without GET /connectors/{id}/jobs:
	// the route answers 404 like any unknown path.
	NoJobs bool
}

// Stats counts the requests a sandbox received.
type Stats struct {
	// Total is every request received, whatever its outcome.
	Total int
	// ByRoute counts requests by "METHOD route", e.g. "GET /connectors",
	// "GET /connectors/{id}", "POST /connectors/{id}/sync",
	// "POST /connectors/{id}/test", "GET /connectors/{id}/jobs". A request
	// on a known route with the wrong method counts under its own method
	// ("DELETE /connectors/{id}"); one matching no route counts under
	// "METHOD (no route)".
	ByRoute map[string]int
}

// Server is the sandbox: an http.Handler serving the routes under BasePath.
// It is safe for concurrent use.
type Server struct {
	// Fixed at New.
	clock       func() time.Time
	apiKey      string
	seed        uint64
	readLimit   int
	writeLimit  int
	latency     time.Duration
	failureRate float64
	gen         Generation
	readOnlyKey bool
	noJobs      bool
	errorLog    *log.Logger

	mu         sync.Mutex
	now        time.Time // the latest clock reading; state is advanced to here
	connectors []*connector
	byID       map[string]*connector
	auto       []*connector // connectors that sync on their own, if AutoSync
	reads      window
	writes     window
	total      int
	byRoute    map[string]int
}

// New builds a sandbox from opts. It starts nothing: serve it with Start or
// mount it as an http.Handler.
func New(opts Options) *Server {
	seed := opts.Seed
	if seed == 0 {
		seed = 1
	}
	clock := opts.Now
	if clock == nil {
		clock = time.Now
	}
	apiKey := opts.APIKey
	if apiKey == "" {
		apiKey = DefaultAPIKey
	}
	n := opts.Connectors
	switch {
	case n == 0:
		n = defaultConnectors
	case n < 0:
		n = 0
	}
	failureRate := opts.SyncFailureRate
	switch {
	case failureRate == 0:
		failureRate = defaultFailureRate
	case failureRate < 0:
		failureRate = 0
	}
	s := &Server{
		clock:       clock,
		apiKey:      apiKey,
		seed:        uint64(seed),
		readLimit:   limitOrDefault(opts.ReadLimit, defaultReadLimit),
		writeLimit:  limitOrDefault(opts.WriteLimit, defaultWriteLimit),
		latency:     max(opts.Latency, 0),
		failureRate: failureRate,
		gen:         opts.API,
		readOnlyKey: opts.NoManageSettings,
		noJobs:      opts.NoJobs,
		// The sandbox often runs under a full-screen terminal UI: the
		// http.Server's own complaints must not scribble over it.
		errorLog: log.New(io.Discard, "", 0),
		now:      clock(),
		byID:     make(map[string]*connector, n),
		byRoute:  make(map[string]int),
	}
	s.connectors = generate(s.seed, n, s.now)
	for _, c := range s.connectors {
		s.byID[c.id] = c
		c.pastUntil, c.pastError = c.lastSyncAt, c.lastError != nil
	}
	if opts.AutoSync {
		s.auto = pickAutoSyncers(s.seed, s.connectors, s.now)
	}
	return s
}

func limitOrDefault(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0 // unlimited
	}
	return v
}

// APIKey returns the key the sandbox accepts.
func (s *Server) APIKey() string { return s.apiKey }

// API returns the generation of the API the sandbox speaks.
func (s *Server) API() Generation { return s.gen }

// Start serves the sandbox on addr ("127.0.0.1:0" picks a free port). It
// returns the base URL to give a client, e.g. "http://127.0.0.1:41234/api/v1",
// and a stop func that shuts the server down gracefully: it cancels requests
// still sleeping in Latency, closes the listener, waits for in-flight
// requests (at most a few seconds) and for the serve goroutine. stop may be
// called more than once.
func (s *Server) Start(addr string) (baseURL string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv := &http.Server{
		Handler:           s,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          s.errorLog,
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Serve returns http.ErrServerClosed after Shutdown; there is nobody
		// to tell about any other error once stop has been handed out.
		_ = srv.Serve(ln)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			sctx, scancel := context.WithTimeout(context.Background(), shutdownTimeout)
			defer scancel()
			if err := srv.Shutdown(sctx); err != nil {
				_ = srv.Close()
			}
			<-done
		})
	}
	return "http://" + dialableAddr(ln.Addr()) + BasePath, stop, nil
}

// dialableAddr turns a listener address into one a client can dial: a
// wildcard host (":0", "0.0.0.0:0", "[::]:0") becomes loopback.
func dialableAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if ip.To4() != nil {
			host = "127.0.0.1"
		} else {
			host = "::1"
		}
	}
	return net.JoinHostPort(host, port)
}

// Stats returns a copy of the request counts.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Total: s.total, ByRoute: make(map[string]int, len(s.byRoute))}
	for k, v := range s.byRoute {
		st.ByRoute[k] = v
	}
	return st
}

// ResetStats sets the request counts back to zero.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total = 0
	clear(s.byRoute)
}

// IDs returns the connector ids in list order.
func (s *Server) IDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, len(s.connectors))
	for i, c := range s.connectors {
		ids[i] = c.id
	}
	return ids
}

// SetStatus sets a connector's status to any string, including ones no
// client knows. It reports whether the connector exists.
func (s *Server) SetStatus(id, status string) bool {
	return s.update(id, func(c *connector) { c.status = status })
}

// SetLastError sets a connector's sync_stats.last_error; nil means null.
// The string is served as given, so tests can inject hostile text. It
// reports whether the connector exists.
func (s *Server) SetLastError(id string, msg *string) bool {
	return s.update(id, func(c *connector) {
		if msg == nil {
			c.lastError = nil
			return
		}
		m := *msg
		c.lastError = &m
	})
}

// LoseTrack makes a connector's counts what a server that restarted and
// lost its queue serves: its queued syncs are forgotten (products_pending
// 0) and products_synced is set to synced, lower than before. It reports
// whether the connector exists.
func (s *Server) LoseTrack(id string, synced int) bool {
	return s.update(id, func(c *connector) { c.jobs, c.synced = nil, synced })
}

// SetName renames a connector. The name is served as given, JSON-escaped,
// so tests can inject control characters, terminal escapes and bidi
// overrides (invalid UTF-8 arrives as U+FFFD, as encoding/json sends it).
// It reports whether the connector exists.
func (s *Server) SetName(id, name string) bool {
	return s.update(id, func(c *connector) { c.name = name })
}

// Remove deletes a connector, as if someone deleted it in the Pixee web
// app: afterwards the list no longer has it and its routes answer 404. It
// reports whether the connector existed.
func (s *Server) Remove(id string) bool {
	now := s.clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(now)
	c, ok := s.byID[id]
	if !ok {
		return false
	}
	delete(s.byID, id)
	s.connectors = removeConnector(s.connectors, c)
	s.auto = removeConnector(s.auto, c)
	return true
}

func removeConnector(list []*connector, c *connector) []*connector {
	out := list[:0]
	for _, x := range list {
		if x != c {
			out = append(out, x)
		}
	}
	return out
}

// update advances state to now before changing a connector, so a sync that
// finished earlier cannot later overwrite what a test just set.
func (s *Server) update(id string, f func(*connector)) bool {
	now := s.clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(now)
	c, ok := s.byID[id]
	if ok {
		f(c)
	}
	return ok
}

// Ensure Server stays a handler.
var _ http.Handler = (*Server)(nil)

// trimForDetail shortens client-supplied text before it is quoted back in
// an error detail, so a huge value cannot blow up the answer.
func trimForDetail(v string) string {
	const keep = 40
	if len(v) <= keep {
		return v
	}
	cut := keep
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return v[:cut] + "…"
}
