package ui

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"go.uber.org/goleak"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/widget"
)

type soakSample struct {
	goroutines int
	heapInuse  uint64
}

func soakMeasure() soakSample {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return soakSample{goroutines: runtime.NumGoroutine(), heapInuse: ms.HeapInuse}
}

// Seventy-two hours of a dashboard left open against a flaky API, on the
// fake clock, with a person dropping by now and then (moving, paging,
// drafting, syncing, pausing, resizing). Nothing may grow: goroutines, heap,
// the detail history, the cache, the drafts, the timer queue; and the
// request rate while idle stays inside the budget.
func TestSoak72Hours(t *testing.T) {
	if testing.Short() {
		t.Skip("72 fake hours take a few seconds")
	}
	clock := newFakeClock()
	fs := newTestServer(t, clock, sandbox.Options{Seed: 7, Connectors: 700, AutoSync: true, SyncFailureRate: 0.3},
		api.WithTimeout(2*time.Second))
	fs.keepTimes = false // 72 hours of arrivals would be the memory measured
	fs.set(flaky(rand.New(rand.NewPCG(72, 1))))
	c := fs.client
	o := testOptions(c, clock)
	o.PerPage = 20
	d := newDriver(t, o, clock, 160, 48)
	person := rand.New(rand.NewPCG(3, 4))

	var (
		start      = soakMeasure()
		hour1      soakSample
		maxPending int // right after a visit
		maxQuiet   int // after ten quiet minutes
		drafted    = map[string]bool{}
		idleReqs   int
		idleMins   int
		syncs      int
		wallStart  = time.Now()
	)
	const quietTimers = 6
	checkBounds := func(when string, maxTimers int) {
		t.Helper()
		if maxTimers > quietTimers {
			maxPending = max(maxPending, len(d.timers))
		} else {
			maxQuiet = max(maxQuiet, len(d.timers))
		}
		if n := len(d.timers); n > maxTimers {
			t.Fatalf("%s: %d timers pending, want at most %d", when, n, maxTimers)
		}
		// Each loop (clock, list, detail) has at most one live timer:
		// superseded ones may still be queued but are dropped when they fire.
		var clocks, lists, details int
		for _, tm := range d.timers {
			switch msg := tm.msg.(type) {
			case clockMsg:
				clocks++
			case wakeMsg:
				switch {
				case !d.m.mon.Live(msg.Timer):
				case msg.Target == monitor.PageTarget:
					lists++
				case msg.Target == monitor.SelectedTarget:
					details++
				}
			}
		}
		if clocks > 1 || lists > 1 || details > 1 {
			t.Fatalf("%s: a timer loop multiplied: %d clock, %d live list, %d live detail timers", when, clocks, lists, details)
		}
		if d.m.detail.Samples() > widget.MaxSamples {
			t.Fatalf("%s: detail history holds %d samples", when, d.m.detail.Samples())
		}
		if d.m.mon.CacheLen() > monitor.MaxCache {
			t.Fatalf("%s: detail cache holds %d entries", when, d.m.mon.CacheLen())
		}
		if d.m.mon.JobsCached() > monitor.MaxJobsCache {
			t.Fatalf("%s: jobs answers kept for %d connectors", when, d.m.mon.JobsCached())
		}
		if d.m.mon.Drafts() > len(drafted) {
			t.Fatalf("%s: %d drafts kept for %d connectors drafted on", when, d.m.mon.Drafts(), len(drafted))
		}
		if len(d.observed) > 8 {
			t.Fatalf("%s: the driver saw %d kinds of message", when, len(d.observed))
		}
	}

	for hour := 1; hour <= 72; hour++ {
		idle := hour%6 == 0 // one hour in six nobody touches anything
		if idle {
			d.Advance(5 * time.Minute) // let a fast refresh from the last sync end
			before := fs.count()
			d.Advance(55 * time.Minute)
			idleReqs += fs.count() - before
			idleMins += 55
		} else {
			for slot := 0; slot < 6; slot++ {
				soakVisit(d, person, drafted, &syncs)
				// Right after a visit superseded timers may still be queued
				// (a walk down a page leaves one 10s detail timer per row);
				// they are dropped when they fire.
				checkBounds(fmt.Sprintf("hour %d slot %d, right after a visit", hour, slot), 40)
				d.Advance(10 * time.Minute)
				// Quiet: one live timer per loop (clock, list, detail, and
				// the spinner's), plus the backoff timers a recovery
				// superseded (it retries the failed targets at once; each
				// is dropped within MaxBackoff when it fires).
				checkBounds(fmt.Sprintf("hour %d slot %d", hour, slot), quietTimers)
			}
		}
		checkBounds(fmt.Sprintf("hour %d", hour), quietTimers)
		assertScreenSafe(t, d.View(), d.m.width, d.m.height)
		if hour == 1 {
			hour1 = soakMeasure()
		}
	}
	end := soakMeasure()
	total := fs.count()
	perMin := float64(total) / (72 * 60)
	idlePerMin := float64(idleReqs) / float64(idleMins)
	t.Logf("72 fake hours in %s: %d requests (%d faults, %d POST syncs sent by %d confirmations), %.2f/min overall, %.2f/min idle",
		time.Since(wallStart).Round(time.Millisecond), total, fs.count("fault"), fs.count("sync"), syncs, perMin, idlePerMin)
	t.Logf("goroutines: start %d, hour 1 %d, hour 72 %d; heap in use: start %.1f MB, hour 1 %.1f MB, hour 72 %.1f MB; timers pending at most %d when quiet, %d right after a visit; cache %d, drafts %d",
		start.goroutines, hour1.goroutines, end.goroutines, mb(start.heapInuse), mb(hour1.heapInuse), mb(end.heapInuse),
		maxQuiet, maxPending, d.m.mon.CacheLen(), d.m.mon.Drafts())
	t.Logf("jobs answers kept %d, requests for jobs %d; events %d (turned_late %d, slow_run %d, small_run %d)",
		d.m.mon.JobsCached(), fs.sb.Stats().ByRoute[jobsRoute], len(d.m.feed.events), soakEvents(d, monitor.TurnedLate),
		soakEvents(d, monitor.SlowRun), soakEvents(d, monitor.SmallRun))

	if end.goroutines > hour1.goroutines+4 {
		t.Errorf("goroutines grew from %d at hour 1 to %d at hour 72", hour1.goroutines, end.goroutines)
	}
	if end.heapInuse > 2*hour1.heapInuse && end.heapInuse > hour1.heapInuse+8<<20 {
		t.Errorf("heap in use grew from %.1f MB at hour 1 to %.1f MB at hour 72", mb(hour1.heapInuse), mb(end.heapInuse))
	}
	if idlePerMin > 10 {
		t.Errorf("%.2f requests per minute while idle, budget is 10", idlePerMin)
	}
	if idlePerMin < 2 {
		t.Errorf("only %.2f requests per minute while idle: the dashboard stopped refreshing", idlePerMin)
	}
	if perMin > 12 {
		t.Errorf("%.2f requests per minute on average over 72 hours", perMin)
	}
	if fs.count("sync") > syncs {
		t.Errorf("%d POSTs for %d confirmed syncs: a POST was repeated", fs.count("sync"), syncs)
	}
	if fs.count("fault") < total/20 {
		t.Errorf("only %d of %d requests faulted: the soak did not exercise failures", fs.count("fault"), total)
	}
	if !d.m.list.loaded || len(d.m.list.items) == 0 {
		t.Errorf("the dashboard shows no connectors after 72 hours:\n%s", d.View())
	}
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

func soakEvents(d *driver, kind monitor.EventKind) int {
	n := 0
	for _, e := range d.m.feed.events {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// soakVisit is a person dropping by: a few seeded actions, each leaving the
// dashboard in browsing state.
func soakVisit(d *driver, rng *rand.Rand, drafted map[string]bool, syncs *int) {
	switch rng.IntN(12) {
	case 10, 11: // walk down the next page, looking at every connector
		d.Key("]")
		d.Advance(time.Second)
		for range 20 {
			d.Key("j")
			d.Advance(400 * time.Millisecond)
		}
	case 0, 1: // move around
		for range 1 + rng.IntN(8) {
			d.Key([]string{"j", "k", "j", "G", "g"}[rng.IntN(5)])
		}
		d.Advance(time.Second)
	case 2: // page
		d.Key([]string{"]", "[", "]"}[rng.IntN(3)])
		d.Advance(time.Second)
		d.Key("j")
	case 3: // draft EANs and leave
		if c, ok := d.m.list.Selected(); ok {
			drafted[c.ID] = true
		}
		d.Key("s")
		d.Type(fmt.Sprintf("376000000%04d ", rng.IntN(10000)))
		d.Key("esc")
	case 4: // sync EANs
		if c, ok := d.m.list.Selected(); ok {
			drafted[c.ID] = true
		}
		d.Key("s")
		d.Type("3760000000001 4006381333931")
		before := d.observed["sync"]
		d.Key("ctrl+s", "y")
		if d.observed["sync"] != before {
			*syncs++
		}
		d.Advance(2 * time.Second)
		d.Key("enter") // dismiss the result, or a no-op
		if d.m.openForm() != nil {
			d.Key("esc")
		}
	case 5: // sync the whole catalog
		before := d.observed["sync"]
		d.Key("S", "y")
		if d.observed["sync"] != before {
			*syncs++
		}
	case 6: // pause for a while, then resume
		d.Key("p")
		d.Advance(time.Duration(1+rng.IntN(5)) * time.Minute)
		d.Key("p")
	case 7: // refresh, help
		d.Key("r", "?")
		d.Advance(time.Second)
		d.Key("esc")
	case 8: // resize
		sizes := [][2]int{{160, 48}, {80, 24}, {100, 30}, {20, 5}, {120, 40}}
		s := sizes[rng.IntN(len(sizes))]
		d.Send(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
	case 9: // focus the detail and scroll it
		d.Key("tab", "j", "j", "tab")
	}
}

// The real tea.Program on the sandbox, fed keys through a pipe: after q,
// Run returns, and once the context is cancelled and the server closed no
// goroutine of the program, its timers or its requests is left behind.
func TestRealProgramQuitLeavesNoGoroutine(t *testing.T) {
	before := goleak.IgnoreCurrent()
	func() {
		sb := sandbox.New(sandbox.Options{Seed: 42, AutoSync: true, Latency: 2 * time.Millisecond})
		srv := httptest.NewServer(sb)
		defer srv.Close()
		c, err := api.New(srv.URL+sandbox.BasePath, api.WithAPIKey(sb.APIKey()),
			api.WithHTTPClient(srv.Client()), api.WithTimeout(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// Default refresh timers (10s detail, 30s list): were they plain
		// tea.Ticks, they would outlive the program by up to 30s.
		m := New(Options{API: c, Context: ctx, Host: "sandbox", Plain: true})
		in, keys := io.Pipe()
		defer keys.Close()
		p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(io.Discard),
			tea.WithoutSignalHandler(), tea.WithContext(ctx))
		type result struct {
			m   tea.Model
			err error
		}
		done := make(chan result, 1)
		go func() {
			fm, err := p.Run()
			done <- result{fm, err}
		}()
		waitFor := func(what string, cond func() bool) {
			t.Helper()
			deadline := time.Now().Add(10 * time.Second)
			for !cond() {
				if time.Now().After(deadline) {
					t.Fatalf("timed out waiting for %s", what)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		gets := func() int { return sb.Stats().ByRoute["GET /connectors/{id}"] }
		waitFor("the first detail request", func() bool { return gets() >= 1 })
		if _, err := keys.Write([]byte("j")); err != nil {
			t.Fatal(err)
		}
		waitFor("the detail of the second connector", func() bool { return gets() >= 2 })
		if _, err := keys.Write([]byte("q")); err != nil {
			t.Fatal(err)
		}
		var r result
		select {
		case r = <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after q")
		}
		if r.err != nil {
			t.Fatalf("Run: %v", r.err)
		}
		if fm, ok := r.m.(Model); !ok || !fm.quitting || fm.list.cursor != 1 {
			t.Fatalf("final model: quitting=%v cursor=%d, want quitting on row 1", ok && fm.quitting, fm.list.cursor)
		}
		cancel()
		keys.Close()
		srv.Close()
	}()
	goleak.VerifyNone(t, before)
}
