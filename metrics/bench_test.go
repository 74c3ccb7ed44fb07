package metrics

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
)

// fleetMonitor is a monitor that knows n connectors (from one page
// answer, handed to it as a driver would), a fifth of them not active.
func fleetMonitor(tb testing.TB, n int) *monitor.Monitor {
	tb.Helper()
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	m := monitor.New(monitor.Options{Now: func() time.Time { return now }, PerPage: n})
	var req monitor.Request
	for _, s := range m.Start() {
		if s.Request.Kind == monitor.KindPage {
			req = s.Request
		}
	}
	items := make([]api.Connector, n)
	statuses := []string{"active", "active", "active", "active", "error", "active", "paused", "active", "active", "degraded"}
	for i := range items {
		last := now.Add(-time.Duration(i) * time.Minute)
		items[i] = api.Connector{ID: fmt.Sprintf("550e8400-e29b-41d4-a716-%012d", i), Name: fmt.Sprintf("Shop n°%d — Café", i),
			Platform: "shopify", Status: statuses[i%len(statuses)], LastSyncAt: &last}
	}
	out := m.Apply(monitor.Result{Request: req, Items: items,
		Meta: api.PageMeta{Total: n, Page: 1, PerPage: n, TotalPages: 1},
		Rate: api.RateLimit{Known: true, Limit: 100, Remaining: 90, Reset: now.Add(time.Minute)}})
	if out.Dropped || m.Store().Len() != n {
		tb.Fatalf("the monitor took %d connectors of %d (dropped %v)", m.Store().Len(), n, out.Dropped)
	}
	return &m
}

// serveMonitor answers Inspect on a goroutine of its own, as a watch does.
func serveMonitor(tb testing.TB, m *monitor.Monitor) chan func(*monitor.Monitor) {
	in := make(chan func(*monitor.Monitor))
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case f := <-in:
				f(m)
			case <-stop:
				return
			}
		}
	}()
	tb.Cleanup(func() { close(stop) })
	return in
}

// BenchmarkExposition10000 is one scrape of /metrics over an account of
// 10 000 connectors, every connector's series included (the most a scrape
// renders): read the monitor, build the series, encode them as text.
func BenchmarkExposition10000(b *testing.B) {
	for _, which := range []string{ConnectorsAll, ConnectorsNotActive} {
		b.Run(which, func(b *testing.B) {
			in := serveMonitor(b, fleetMonitor(b, 10000))
			reg, err := Registry(NewRequests().Collector())
			if err != nil {
				b.Fatal(err)
			}
			h := Handler(NewExporter(Options{Connectors: which}, func() []Source {
				return []Source{{Account: "acme", Inspect: in}}
			}, reg))
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			b.ReportAllocs()
			b.ResetTimer()
			var w discard
			for b.Loop() {
				w.code, w.n = 0, 0
				h.ServeHTTP(&w, req)
				if w.code != 0 && w.code != http.StatusOK {
					b.Fatalf("GET /metrics: %d", w.code)
				}
			}
			b.ReportMetric(float64(w.n), "bytes/scrape")
		})
	}
}

// BenchmarkScrapeOverHTTP10000 is the same scrape as Prometheus makes it:
// over a loopback connection, the 9 MB of text read to the end.
func BenchmarkScrapeOverHTTP10000(b *testing.B) {
	in := serveMonitor(b, fleetMonitor(b, 10000))
	reg, err := Registry(NewRequests().Collector())
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(Handler(NewExporter(Options{}, func() []Source {
		return []Source{{Account: "acme", Inspect: in}}
	}, reg)))
	defer srv.Close()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || n < 1<<20 {
			b.Fatalf("GET /metrics: %s, %d bytes", resp.Status, n)
		}
	}
}

// discard is a ResponseWriter that keeps nothing, as a socket would: the
// benchmark measures the scrape, not a recorder's buffer.
type discard struct {
	code int
	n    int
	h    http.Header
}

func (d *discard) Header() http.Header {
	if d.h == nil {
		d.h = http.Header{}
	}
	return d.h
}

func (d *discard) WriteHeader(code int) { d.code = code }

func (d *discard) Write(p []byte) (int, error) {
	d.n += len(p)
	return len(p), nil
}
