package metrics

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pixee/pixee-tui/monitor"
)

// Source is one account's monitor, read at scrape time on the goroutine
// that owns it: a scrape sends a function on Inspect, and that goroutine
// runs it between two results (serve's watch, Headless).
type Source struct {
	Account string // the account label: the profile's id, or the base URL
	Inspect chan<- func(*monitor.Monitor)
	// Counts, when set, are products known beside the monitor, by
	// connector id (what a team server's sessions read); called at each
	// scrape, on the scrape's goroutine.
	Counts func() map[string]Counts
}

// Options configure an Exporter.
type Options struct {
	// Connectors is ConnectorsAll (the default) or ConnectorsNotActive.
	Connectors string
	// Wait bounds how long a scrape waits for one account's monitor (busy,
	// or between two starts of a watch): that account's series are then
	// left out of this scrape. Default 2s.
	Wait time.Duration
	Now  func() time.Time // default time.Now
}

func (o Options) withDefaults() Options {
	if o.Connectors == "" {
		o.Connectors = ConnectorsAll
	}
	if o.Wait <= 0 {
		o.Wait = 2 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// taken is one account's snapshot at a scrape.
type taken struct {
	account string
	Account
}

// takeAll reads every source's monitor at once, each within o.Wait; those
// that do not answer in time are left out.
func takeAll(o Options, sources []Source) []taken {
	notActive := o.Connectors == ConnectorsNotActive
	now := o.Now()
	out := make([]taken, len(sources))
	ok := make([]bool, len(sources))
	var wg sync.WaitGroup
	for i, src := range sources {
		wg.Go(func() {
			out[i].account = label(src.Account)
			out[i].Account, ok[i] = take(src, o.Wait, now, notActive)
		})
	}
	wg.Wait()
	kept := out[:0]
	for i := range out {
		if ok[i] {
			kept = append(kept, out[i])
		}
	}
	return kept
}

// take asks src's goroutine for a snapshot, waiting at most wait.
func take(src Source, wait time.Duration, now time.Time, notActive bool) (Account, bool) {
	if src.Inspect == nil {
		return Account{}, false
	}
	var more map[string]Counts
	if src.Counts != nil {
		more = src.Counts()
	}
	got := make(chan Account, 1)
	f := func(m *monitor.Monitor) { got <- Take(m, now, notActive, more) }
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case src.Inspect <- f:
	case <-timer.C:
		return Account{}, false
	}
	select {
	case a := <-got:
		return a, true
	case <-timer.C:
		return Account{}, false
	}
}

// accountCollector is the per-account series of one scrape's snapshots,
// through the client library: a handful per account.
type accountCollector struct{ accounts []taken }

var (
	descConnectors = prometheus.NewDesc("pixee_connectors",
		"Connectors known in the account, by status (every connector, whatever metrics.connectors says).",
		[]string{"account", "status"}, nil)
	descBudgetRemaining = prometheus.NewDesc("pixee_api_budget_remaining",
		"Requests left in the API's rate-limit window, as the last X-RateLimit-Remaining said; absent when no reading holds.",
		[]string{"account"}, nil)
	descBudgetLimit = prometheus.NewDesc("pixee_api_budget_limit",
		"Requests the API's rate-limit window allows, as the last X-RateLimit-Limit said.", []string{"account"}, nil)
	descIndexComplete = prometheus.NewDesc("pixee_index_completeness_ratio",
		"Connectors indexed over the account's total as the list last said (0 to 1).", []string{"account"}, nil)
	descIndexAge = prometheus.NewDesc("pixee_index_age_seconds",
		"Age of the index: time since its last complete pass; absent before the first.", []string{"account"}, nil)
	descUp = prometheus.NewDesc("pixee_account_up",
		"1 while the account is read: its key accepted and the API answering (0 after two failed reads in a row, or a refused key).",
		[]string{"account"}, nil)
	descPasses = prometheus.NewDesc("pixee_crawl_passes_total",
		"Passes of the crawl over the account's pages finished since the monitor started.", []string{"account"}, nil)
)

func (c accountCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descUp, descConnectors, descBudgetRemaining, descBudgetLimit,
		descIndexComplete, descIndexAge, descPasses} {
		ch <- d
	}
}

func (c accountCollector) Collect(ch chan<- prometheus.Metric) {
	for _, a := range c.accounts {
		collectAccount(ch, a.account, a.Account)
	}
}

func collectAccount(ch chan<- prometheus.Metric, account string, a Account) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	up := 0.0
	if a.Up {
		up = 1
	}
	gauge(descUp, up, account)
	for i, s := range Statuses {
		gauge(descConnectors, float64(a.ByStatus[i]), account, s)
	}
	if a.BudgetOK {
		gauge(descBudgetRemaining, float64(a.Budget.Remaining), account)
		gauge(descBudgetLimit, float64(a.Budget.Limit), account)
	}
	if ix := a.Index; ix.On {
		switch {
		case ix.Total == 0:
			gauge(descIndexComplete, 1, account)
		case ix.Total > 0:
			gauge(descIndexComplete, min(1, float64(ix.Known)/float64(ix.Total)), account)
		}
		if !ix.DoneAt.IsZero() {
			gauge(descIndexAge, max(0, a.At.Sub(ix.DoneAt).Seconds()), account)
		}
		ch <- prometheus.MustNewConstMetric(descPasses, prometheus.CounterValue, float64(ix.Passes), account)
	}
}

// itoa is strconv.Itoa, for status codes.
func itoa(n int) string { return strconv.Itoa(n) }
