package metrics

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// Exporter serves /metrics: at each scrape it reads every account's
// monitor once (Source), and writes the per-account series and those of
// reg (the requests counter, serve's sessions) through the client
// library, then the per-connector families (connectors.go).
type Exporter struct {
	opts    Options
	sources func() []Source
	reg     prometheus.Gatherer
	slots   chan struct{} // scrapes at once
}

// NewExporter exports the accounts sources returns at each scrape (a team
// server opens its accounts as it goes) and what reg gathers.
func NewExporter(o Options, sources func() []Source, reg prometheus.Gatherer) *Exporter {
	return &Exporter{opts: o.withDefaults(), sources: sources, reg: reg, slots: make(chan struct{}, 4)}
}

// Registry holds the process's own collectors (the requests counter,
// serve's sessions): an Exporter's reg.
func Registry(cs ...prometheus.Collector) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

var textFormat = expfmt.NewFormat(expfmt.TypeTextPlain)

// ServeHTTP writes one scrape in the text format (0.0.4).
func (e *Exporter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "GET /metrics", http.StatusMethodNotAllowed)
		return
	}
	select {
	case e.slots <- struct{}{}:
		defer func() { <-e.slots }()
	default:
		// A scrape walks every account: a few at once, the rest wait for
		// the next interval.
		http.Error(w, "too many scrapes at once", http.StatusServiceUnavailable)
		return
	}
	accounts := takeAll(e.opts, e.sources())
	fams, err := e.gather(accounts)
	if err != nil {
		http.Error(w, "gathering the metrics: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", string(textFormat))
	// Written as it is made; a scrape that goes away ends the writing.
	for _, f := range fams {
		if _, err := expfmt.MetricFamilyToText(w, f); err != nil {
			return
		}
	}
	_ = writeConnectors(w, accounts)
}

// gather is the families that go through the client library: the
// accounts' own series, and reg's.
func (e *Exporter) gather(accounts []taken) ([]*dto.MetricFamily, error) {
	per := prometheus.NewRegistry()
	if err := per.Register(accountCollector{accounts}); err != nil {
		return nil, err
	}
	gs := prometheus.Gatherers{per}
	if e.reg != nil {
		gs = append(gs, e.reg)
	}
	return gs.Gather()
}

// Handler serves e at /metrics (and a line saying so at /).
func Handler(e *Exporter) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", e)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte("pixee-tui metrics: /metrics\n"))
	})
	return mux
}

// Server serves a handler on its own listener until Shutdown.
type Server struct {
	http *http.Server
	ln   net.Listener
	done chan error
}

// Listen starts serving h on addr (host:port).
func Listen(addr string, h http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{http: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute},
		ln: ln, done: make(chan error, 1)}
	go func() {
		err := s.http.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return s, nil
}

// Addr is where it listens.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Shutdown stops it, letting a scrape under way finish until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.http.Shutdown(ctx)
	if serr := <-s.done; err == nil {
		err = serr
	}
	return err
}
