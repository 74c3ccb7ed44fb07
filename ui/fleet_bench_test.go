package ui

// The fleet's cost at scale: one filter keystroke over 10 000
// indexed connectors, a frame of the filtered list, and the heap the index
// holds.
//
//	go test -run '^$' -bench 'Fleet' -benchmem ./ui/
//	PIXEE_MEASURE=1 go test -run TestMeasureIndexMemory -v ./ui/

import (
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// fleetDriver is a dashboard whose crawl has indexed n connectors of a
// sandbox (100 a page), at w×h.
func fleetDriver(tb testing.TB, n, w, h int) *driver {
	tb.Helper()
	clock := newFakeClock()
	c, _ := newSandbox(tb, clock, sandbox.Options{Connectors: n, ReadLimit: 100})
	o := testOptions(c, clock)
	o.NoIndex = false
	o.Plain = false
	d := newDriver(tb, o, clock, w, h)
	for range 30 {
		if d.m.mon.Index().Complete {
			break
		}
		d.Advance(time.Minute)
	}
	if ix := d.m.mon.Index(); !ix.Complete || ix.Known != n {
		tb.Fatalf("index %+v, want %d complete", ix, n)
	}
	return d
}

// BenchmarkFleetFilterKeystroke is Update+View of one key typed into the
// filter over 10 000 connectors: rows matched, the list rebuilt, the frame
// drawn. Each iteration presses the same key on the same model. "type"
// extends the query, so only the last matches are searched again;
// "backspace" and "first_letter" search all 10 000.
func BenchmarkFleetFilterKeystroke(b *testing.B) {
	benchColorProfile(b, termenv.ANSI256)
	d := fleetDriver(b, 10000, 160, 48)
	d.Key("/")
	empty := fork(d.m)
	d.Type("granit")
	typed := fork(d.m)
	for _, tc := range []struct {
		name string
		m    Model
		key  tea.KeyMsg
		want string
	}{
		{"type", typed, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("e")}, "granite"},
		{"backspace", typed, tea.KeyMsg{Type: tea.KeyBackspace}, "grani"},
		{"first_letter", empty, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a")}, "a"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				next := applyMsg(fork(tc.m), tc.key)
				viewSink = next.View()
			}
			// The machine is shared: CPU time per keystroke (garbage
			// collection included) says more than the wall clock.
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			if got := applyMsg(fork(tc.m), tc.key); got.fleet.query != tc.want || got.fleet.matches == 0 {
				b.Fatalf("query %q matched %d", got.fleet.query, got.fleet.matches)
			}
		})
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFleetView is one frame of the filtered, sorted fleet of 10 000:
// to compare with BenchmarkView's.
func BenchmarkFleetView(b *testing.B) {
	benchColorProfile(b, termenv.ANSI256)
	d := fleetDriver(b, 10000, 160, 48)
	d.Key("o", "o", "/")
	d.Type("shop")
	d.Key("enter")
	m := d.m
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		viewSink = m.View()
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
}

// TestMeasureIndexMemory reports the heap a dashboard holds with 137 and
// with 10 000 connectors indexed, the sandbox's own heap subtracted. A
// measurement, not a check: it runs only with PIXEE_MEASURE=1.
func TestMeasureIndexMemory(t *testing.T) {
	if os.Getenv("PIXEE_MEASURE") == "" {
		t.Skip("a measurement: PIXEE_MEASURE=1 runs it")
	}
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	cost := func(n int) uint64 {
		clock := newFakeClock()
		c, sb := newSandbox(t, clock, sandbox.Options{Connectors: n, ReadLimit: 100})
		base := heap()
		o := testOptions(c, clock)
		o.NoIndex = false
		d := newDriver(t, o, clock, 160, 48)
		for !d.m.mon.Index().Complete {
			d.Advance(time.Minute)
		}
		d.Advance(30 * time.Minute) // the errors' details too
		d.Key("o")                  // the list on the index: every row in it
		full := heap()
		known, _ := d.m.mon.Failures()
		t.Logf("%5d connectors indexed (%d last_errors known): dashboard heap %.1f MB (with sandbox %.1f MB)",
			n, len(known), float64(full-base)/1e6, float64(full)/1e6)
		runtime.KeepAlive(d)
		runtime.KeepAlive(sb)
		return full - base
	}
	small := cost(137)
	large := cost(10000)
	t.Logf("10 000 vs 137: +%.1f MB (budget 25 MB)", (float64(large)-float64(small))/1e6)
}
