package ui

// The merged list's cost at scale (issue 24): one filter keystroke over
// 10 accounts × 10 000 connectors, the merged list's 100 000 rows.
//
//	go test -run '^$' -bench MergedFilterKeystroke -benchtime 400x ./ui/

import (
	"fmt"
	"slices"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/pixee/pixee-tui/accounts"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// indexedFleet is the index of a sandbox of n connectors (its seed its
// own), as a watch publishes it, crawled by a dashboard as fleetDriver's.
func indexedFleet(tb testing.TB, n int, seed int64) *monitor.FleetView {
	tb.Helper()
	clock := newFakeClock()
	c, _ := newSandbox(tb, clock, sandbox.Options{Connectors: n, ReadLimit: 100, Seed: seed})
	o := testOptions(c, clock)
	o.NoIndex = false
	d := newDriver(tb, o, clock, 160, 48)
	for range 30 {
		if d.m.mon.Index().Complete {
			break
		}
		d.Advance(time.Minute)
	}
	if ix := d.m.mon.Index(); !ix.Complete || ix.Known != n {
		tb.Fatalf("index %+v, want %d complete", ix, n)
	}
	return d.m.mon.PublishFleet()
}

// mergedDriver is a dashboard of accounts accounts of n connectors each,
// every index complete (the first on screen, indexed by the dashboard's
// monitor; the others as their watches published them), its merged list
// open at w×h.
func mergedDriver(tb testing.TB, nAccounts, n, w, h int) *driver {
	tb.Helper()
	d := fleetDriver(tb, n, w, h) // the account on screen
	o := d.m.opts
	rows := make([]accounts.Row, nAccounts)
	for i := range rows {
		name := fmt.Sprintf("customer%02d", i)
		o.Accounts = append(o.Accounts, shared.AccountSpec{Name: name, Host: name + ".example"})
		rows[i] = accounts.Row{Name: name, Opened: true, OnScreen: i == 0}
		if i > 0 {
			rows[i].Fleet = indexedFleet(tb, n, int64(100+i))
		}
	}
	o.Home = &stubWatcher{}
	d.m.opts = o
	d.Send(accounts.Snapshot{Rows: rows})
	d.Key("W", "L")
	ms, ok := d.m.screens.top().(*mergedScreen)
	if !ok || len(ms.rows) != nAccounts*n || ms.soFarOf() != "" {
		tb.Fatalf("the merged list is not open on %d rows:\n%s", nAccounts*n, d.View())
	}
	return d
}

// BenchmarkMergedFilterKeystroke is Update+View of one key typed into
// the merged list's filter over 10 accounts × 10 000 connectors: rows
// matched, the frame drawn. Each op is the next key of a person typing a
// query and then deleting it a key at a time — a name, a platform, an
// account, a status in turn, each typed as if for the first time (the
// filter's memory of earlier queries is emptied before each, untimed) —
// so the first key (every row searched), typing on (the matches narrow)
// and backspace (they widen) are all measured. The p50 and p95 of the
// ops' wall times are reported, and the CPU time per op.
func BenchmarkMergedFilterKeystroke(b *testing.B) {
	benchColorProfile(b, termenv.ANSI256)
	d := mergedDriver(b, 10, 10000, 160, 48)
	d.Key("/")
	var keys []tea.KeyMsg
	for _, w := range []string{"granite", "shopify", "customer07", "error"} {
		for _, r := range w {
			keys = append(keys, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
		for range w {
			keys = append(keys, tea.KeyMsg{Type: tea.KeyBackspace})
		}
	}
	m := d.m
	merged := m.screens.under().(*mergedScreen)
	took := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	cpu := cpuTime()
	i := 0
	for b.Loop() {
		if merged.query == "" {
			merged.hits.forget() // a query typed for the first time
		}
		start := time.Now()
		m = applyMsg(m, keys[i%len(keys)])
		viewSink = m.View()
		took = append(took, time.Since(start))
		i++
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
	if i%len(keys) == 0 && (merged.query != "" || len(merged.shown) != 100000) {
		b.Fatalf("after whole queries: query %q, %d rows shown", merged.query, len(merged.shown))
	}
}
