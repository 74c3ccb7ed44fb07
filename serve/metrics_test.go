package serve

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/pixee/pixee-tui/metrics"
)

// scrapeUntil scrapes url until ok holds, for at most 20s.
func scrapeUntil(t *testing.T, url, what string, ok func(map[string]*dto.MetricFamily) bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		last = string(b)
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(strings.NewReader(last))
		if err != nil {
			t.Fatalf("/metrics does not parse: %v\n%s", err, last)
		}
		if ok(fams) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("never saw %s; last scrape:\n%s", what, last)
}

func gauge(fams map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		for _, l := range m.Label {
			if want, ok := labels[l.GetName()]; ok && want != l.GetValue() {
				continue next
			}
		}
		return m.GetGauge().GetValue(), true
	}
	return 0, false
}

// The team server's /metrics reads each account's watch at scrape time: a
// connector's status follows the sandbox's, the sessions are counted, and
// the counts a session reads are known.
func TestTeamMetricsFollowTheWatchAndTheSessions(t *testing.T) {
	tm := startTeam(t, func(o *Options) {
		o.ListRefresh = 100 * time.Millisecond
		o.Accounts[0].ID = "acme"
	})
	tm.srv.OpenAll()
	reg, err := metrics.Registry(metrics.Sessions(tm.srv.Sessions))
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(metrics.Handler(metrics.NewExporter(metrics.Options{}, tm.srv.MetricsSources, reg)))
	defer web.Close()
	url := web.URL + "/metrics"

	first, id := tm.sb.IDs()[0], tm.sb.IDs()[2]
	tm.sb.SetStatus(first, "active")
	tm.sb.SetStatus(id, "active")
	state := func(s string) map[string]string {
		return map[string]string{"account": "acme", "connector_id": id, "status": s}
	}
	scrapeUntil(t, url, id+" active", func(f map[string]*dto.MetricFamily) bool {
		v, ok := gauge(f, "pixee_connector_status", state("active"))
		return ok && v == 1
	})
	tm.sb.SetStatus(id, "error")
	scrapeUntil(t, url, id+" in error", func(f map[string]*dto.MetricFamily) bool {
		e, _ := gauge(f, "pixee_connector_status", state("error"))
		a, _ := gauge(f, "pixee_connector_status", state("active"))
		return e == 1 && a == 0
	})

	c := tm.connect("alice", true)
	c.waitFor("page 1/")
	scrapeUntil(t, url, "one SSH session", func(f map[string]*dto.MetricFamily) bool {
		v, ok := gauge(f, "pixee_ssh_sessions", nil)
		return ok && v == 1
	})
	// The session's selected connector (the first row) is read in detail
	// through the shared reads: its counts are known, though it is active
	// and the watch never asks for its detail.
	scrapeUntil(t, url, "the selected connector's pending products", func(f map[string]*dto.MetricFamily) bool {
		_, ok := gauge(f, "pixee_connector_products_pending", map[string]string{"connector_id": first})
		return ok
	})
}
