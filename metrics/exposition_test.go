package metrics

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
)

// fixture is a sandbox over real HTTP, an account's headless monitor on
// it, and its /metrics.
type fixture struct {
	sb   *sandbox.Server
	url  string // of /metrics
	body string // the last scrape
}

func start(t *testing.T, connectors string, n int) *fixture {
	return startWithKey(t, connectors, n, "")
}

// startWithKey is start with the client's key ("": the sandbox's).
func startWithKey(t *testing.T, connectors string, n int, key string) *fixture {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Seed: 7, Connectors: n, ReadLimit: 100000, SyncFailureRate: -1})
	base, stop, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	req := NewRequests()
	if key == "" {
		key = sb.APIKey()
	}
	c, err := api.New(base, api.WithAPIKey(key),
		api.WithHTTPClient(&http.Client{Transport: req.Transport("acme", nil)}))
	if err != nil {
		t.Fatal(err)
	}
	h := NewHeadless(monitor.Options{API: c, PerPage: 50, ListRefresh: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	reg, err := Registry(req.Collector())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Handler(NewExporter(Options{Connectors: connectors}, func() []Source {
		return []Source{h.Source("acme")}
	}, reg)))
	t.Cleanup(srv.Close)
	return &fixture{sb: sb, url: srv.URL + "/metrics"}
}

// scrape fetches /metrics and parses it with the client library's parser.
func (f *fixture) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(f.url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s\n%s", resp.Status, b)
	}
	f.body = string(b)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(f.body))
	if err != nil {
		t.Fatalf("the exposition does not parse: %v\n%s", err, f.body)
	}
	return fams
}

// value is the value of the series of family name with labels want, and
// whether there is one.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	fam := fams[name]
	if fam == nil {
		return 0, false
	}
next:
	for _, m := range fam.Metric {
		got := map[string]string{}
		for _, l := range m.Label {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		}
	}
	return 0, false
}

// until scrapes until ok says the exposition is as wanted, for at most 20s.
func (f *fixture) until(t *testing.T, what string, ok func(map[string]*dto.MetricFamily) bool) map[string]*dto.MetricFamily {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		fams := f.scrape(t)
		if ok(fams) {
			return fams
		}
		if time.Now().After(deadline) {
			t.Fatalf("never saw %s; last scrape:\n%s", what, f.body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func status(id, s string) map[string]string {
	return map[string]string{"account": "acme", "connector_id": id, "status": s}
}

func TestMetricsFollowAConnectorThroughAStatusChange(t *testing.T) {
	f := start(t, ConnectorsAll, 12)
	id := ""
	for _, c := range f.sb.IDs() {
		id = c
		break
	}
	f.sb.SetStatus(id, "active")
	f.until(t, "the connector active", func(m map[string]*dto.MetricFamily) bool {
		v, ok := value(m, "pixee_connector_status", status(id, "active"))
		return ok && v == 1
	})

	f.sb.SetStatus(id, "error")
	fams := f.until(t, "the connector in error", func(m map[string]*dto.MetricFamily) bool {
		v, ok := value(m, "pixee_connector_status", status(id, "error"))
		return ok && v == 1
	})
	if v, _ := value(fams, "pixee_connector_status", status(id, "active")); v != 0 {
		t.Errorf("status active is %v after the change to error, want 0 (a state set has one state at 1)", v)
	}
	if v, ok := value(fams, "pixee_api_requests_total", map[string]string{"account": "acme", "method": "GET", "route": "/connectors", "code": "200"}); !ok || v < 1 {
		t.Errorf("pixee_api_requests_total for GET /connectors 200 = %v, %v; want at least one request counted", v, ok)
	}
	if _, ok := value(fams, "pixee_api_budget_remaining", map[string]string{"account": "acme"}); !ok {
		t.Error("no pixee_api_budget_remaining while the sandbox sends X-RateLimit-* headers")
	}

	// In error, the crawl reads its detail: its counts follow.
	f.until(t, "the error connector's pending products", func(m map[string]*dto.MetricFamily) bool {
		_, ok := value(m, "pixee_connector_products_pending", map[string]string{"connector_id": id})
		return ok
	})

	f.sb.SetStatus(id, "active")
	f.until(t, "the connector active again", func(m map[string]*dto.MetricFamily) bool {
		a, _ := value(m, "pixee_connector_status", status(id, "active"))
		e, _ := value(m, "pixee_connector_status", status(id, "error"))
		return a == 1 && e == 0
	})
}

func TestNotActiveKeepsOnlyTheConnectorsNotActive(t *testing.T) {
	f := start(t, ConnectorsNotActive, 12)
	ids := f.sb.IDs()
	for _, id := range ids {
		f.sb.SetStatus(id, "active")
	}
	f.sb.SetStatus(ids[3], "paused")
	fams := f.until(t, "the paused connector", func(m map[string]*dto.MetricFamily) bool {
		v, ok := value(m, "pixee_connector_status", status(ids[3], "paused"))
		a, _ := value(m, "pixee_connectors", map[string]string{"account": "acme", "status": "active"})
		return ok && v == 1 && a == 11
	})
	for _, fam := range fams {
		for _, m := range fam.Metric {
			for _, l := range m.Label {
				if l.GetName() == "connector_id" && l.GetValue() != ids[3] {
					t.Errorf("%s has a series for active connector %s with metrics.connectors: not_active", fam.GetName(), l.GetValue())
				}
			}
		}
	}
}

func TestPromtoolChecksTheExposition(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (Debian's prometheus package has it; .ci/run installs it)")
	}
	f := start(t, ConnectorsAll, 12)
	f.until(t, "every connector", func(m map[string]*dto.MetricFamily) bool {
		fam := m["pixee_connector_late"]
		return fam != nil && len(fam.Metric) == 12 && m["pixee_api_requests_total"] != nil
	})
	file := filepath.Join(t.TempDir(), "metrics.txt")
	if err := os.WriteFile(file, []byte(f.body), 0o600); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = in
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

// The README's metrics, scrape config and alert rule name series that
// exist: every pixee_ name it uses is a family of a scrape (the sessions
// gauge is serve's, registered here as serve does).
func TestTheREADMENamesTheRealMetrics(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, n := range regexp.MustCompile(`\bpixee_[a-z_]+`).FindAllString(string(readme), -1) {
		names[n] = true
	}
	if !names["pixee_connector_status"] {
		t.Fatal("the README names no pixee_connector_status: the check checks nothing")
	}
	f := start(t, ConnectorsAll, 12)
	id := f.sb.IDs()[0]
	f.sb.SetStatus(id, "error")
	fams := f.until(t, "the error connector's counts", func(m map[string]*dto.MetricFamily) bool {
		_, ok := value(m, "pixee_connector_products_pending", map[string]string{"connector_id": id})
		return ok
	})
	for n := range names {
		if fams[n] == nil && n != "pixee_ssh_sessions" {
			t.Errorf("the README names %s, which no scrape has", n)
		}
	}
}

// A name is server text: quotes, backslashes, new lines and bytes that
// are not UTF-8 come through the exposition as one label value the parser
// reads back (invalid bytes as U+FFFD), and a very long one is cut.
func TestHostileNamesStayOneLabelValue(t *testing.T) {
	f := start(t, ConnectorsAll, 12)
	ids := f.sb.IDs()
	f.sb.SetName(ids[0], "Caf\xe9 \"best\" \\ shop\nline two")
	f.sb.SetName(ids[1], strings.Repeat("é", 400))
	f.until(t, "the hostile names", func(m map[string]*dto.MetricFamily) bool {
		got := map[string]string{}
		for _, s := range m["pixee_connector_late"].GetMetric() {
			var id, name string
			for _, l := range s.Label {
				switch l.GetName() {
				case "connector_id":
					id = l.GetValue()
				case "name":
					name = l.GetValue()
				}
			}
			got[id] = name
		}
		name := got[ids[0]]
		return strings.Contains(name, `"best" \ shop`) && utf8.ValidString(name) && strings.HasPrefix(name, "Caf\uFFFD") &&
			strings.HasSuffix(got[ids[1]], "…") && len(got[ids[1]]) <= maxLabel+len("…")
	})
}

// An account whose key is refused is down, and says so: its other series
// are what little it knows.
func TestAnAccountWithARefusedKeyIsDown(t *testing.T) {
	f := startWithKey(t, ConnectorsAll, 12, "pm_test_refused")
	f.until(t, "the account down", func(m map[string]*dto.MetricFamily) bool {
		v, ok := value(m, "pixee_account_up", map[string]string{"account": "acme"})
		return ok && v == 0
	})
	ok := start(t, ConnectorsAll, 12)
	ok.until(t, "the account up", func(m map[string]*dto.MetricFamily) bool {
		v, ok := value(m, "pixee_account_up", map[string]string{"account": "acme"})
		return ok && v == 1
	})
}
