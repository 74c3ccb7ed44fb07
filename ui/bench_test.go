package ui

// Benchmarks of the frame and key paths at the sizes a person meets: View of
// list + detail with a 500-row page, Update+View of one navigation key, and
// the EAN form with 10 000 EANs in the field. They run on the test driver
// (fake clock, sandbox over loopback HTTP) so the model holds real data; the
// network is only used while setting up, never inside the timed loop.
//
//	go test -run '^$' -bench . -benchmem ./ui/
//
// Styles are rendered with the ANSI256 profile (what a TERM=xterm-256color
// terminal gets, and what perf/ measures end to end), not the Ascii profile
// TestMain sets for goldens: colour codes are most of the bytes and a good
// part of the work. The ascii variant of View shows the difference.

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/ui/ean"
)

const (
	benchConnectors = 1200 // three pages of 500
	benchPerPage    = 500
)

// benchColorProfile sets the global lipgloss profile for one benchmark and puts
// TestMain's back when it ends. Benchmarks run after every test, one at a
// time, so no golden sees the change.
func benchColorProfile(tb testing.TB, p termenv.Profile) {
	tb.Helper()
	old := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(p)
	lipgloss.SetHasDarkBackground(true) // never query a terminal
	tb.Cleanup(func() { lipgloss.SetColorProfile(old) })
}

// benchDriver is a dashboard with page 1 of 1200 connectors at perPage rows
// loaded, the first connector's detail fetched, at w×h.
func benchDriver(tb testing.TB, perPage, w, h int) *driver {
	tb.Helper()
	clock := newFakeClock()
	// The seed's API serves pages of 500; today's stops at 100.
	c, _ := newSandbox(tb, clock, sandbox.Options{Connectors: benchConnectors, API: sandbox.Seed})
	o := testOptions(c, clock)
	o.PerPage = perPage
	o.Plain = false // as on a colour terminal
	d := newDriver(tb, o, clock, w, h)
	d.Advance(time.Second) // selection debounce: the detail arrives
	if got := len(d.m.list.items); got != perPage {
		tb.Fatalf("rows loaded = %d, want %d", got, perPage)
	}
	if d.m.detail.Data() == nil {
		tb.Fatal("detail not loaded")
	}
	return d
}

// benchSyncingDriver is benchDriver while a whole-catalog sync of the
// selected connector drains: the detail shows the progress bar and the
// throughput, and refreshes every 2 s.
func benchSyncingDriver(tb testing.TB, w, h int) *driver {
	tb.Helper()
	clock := newFakeClock()
	// The seed's API serves pages of 500; today's stops at 100.
	c, _ := newSandbox(tb, clock, sandbox.Options{Connectors: benchConnectors, API: sandbox.Seed})
	o := testOptions(c, clock)
	o.PerPage = benchPerPage
	o.Plain = false
	d := newDriver(tb, o, clock, w, h)
	d.Advance(time.Second)
	sel, ok := d.m.list.Selected()
	if !ok {
		tb.Fatal("nothing selected")
	}
	if _, _, err := c.SyncCatalog(context.Background(), sel.ID); err != nil {
		tb.Fatal(err)
	}
	d.Advance(20 * time.Second) // the idle refresh sees it, then 2 s refreshes measure throughput
	if d.m.detail.Pending() == 0 {
		tb.Fatal("no sync pending")
	}
	if _, ok := d.m.detail.Throughput(); !ok {
		tb.Fatal("no throughput yet")
	}
	return d
}

// applyMsg is one Update on a model value, returning the new model.
func applyMsg(m Model, msg tea.Msg) Model {
	next, _ := m.Update(msg)
	return next.(Model)
}

// fork is a copy of m's state: messages applied to either leave the
// other as it was. Copies of a Model share one state, so a benchmark that
// starts each iteration from the same model starts from a fork of it.
// Like the copy of a value, it shares what the fields point to.
func fork(m Model) Model {
	s := *m.rootState
	return Model{&s}
}

var viewSink string

// BenchmarkView is one frame of list + detail with a 500-row page.
func BenchmarkView(b *testing.B) {
	for _, sz := range []struct{ w, h int }{{160, 48}, {100, 30}, {80, 24}} {
		for _, prof := range []struct {
			name string
			p    termenv.Profile
		}{{"ansi256", termenv.ANSI256}, {"ascii", termenv.Ascii}} {
			if prof.p == termenv.Ascii && sz.w != 160 {
				continue // one plain variant is enough to show the cost of styling
			}
			b.Run(strconv.Itoa(sz.w)+"x"+strconv.Itoa(sz.h)+"/"+prof.name, func(b *testing.B) {
				benchColorProfile(b, prof.p)
				d := benchDriver(b, benchPerPage, sz.w, sz.h)
				m := d.m
				out := m.View()
				b.SetBytes(int64(len(out)))
				b.ReportAllocs()
				for b.Loop() {
					viewSink = m.View()
				}
			})
		}
	}
	// While a sync runs the detail pane draws a progress bar and the
	// throughput, and the frame changes every refresh.
	b.Run("160x48/ansi256/syncing", func(b *testing.B) {
		benchColorProfile(b, termenv.ANSI256)
		d := benchSyncingDriver(b, 160, 48)
		m := d.m
		out := m.View()
		b.SetBytes(int64(len(out)))
		b.ReportAllocs()
		for b.Loop() {
			viewSink = m.View()
		}
	})
}

// BenchmarkKey is Update+View of one key press, as Bubble Tea runs them:
// the command the key returns is not run (it would be a timer or a request).
// Every iteration starts from the same model value, so each measures the
// same single press.
func BenchmarkKey(b *testing.B) {
	benchColorProfile(b, termenv.ANSI256)
	d := benchDriver(b, benchPerPage, 160, 48)
	for range 20 { // mid-screen, so j moves without scrolling the window
		d.Key("j")
	}
	d.Advance(time.Second)
	base := fork(d.m)

	press := func(b *testing.B, k string) {
		msg := keyMsg(k)
		b.ReportAllocs()
		for b.Loop() {
			m := applyMsg(fork(base), msg)
			viewSink = m.View()
		}
	}
	b.Run("j", func(b *testing.B) { press(b, "j") })
	b.Run("k", func(b *testing.B) { press(b, "k") })
	// ] alone: the model asks for page 2 and shows it is loading.
	b.Run("next_page_key", func(b *testing.B) { press(b, "]") })
	// ] and then its answer, already fetched: the page swap and the frame
	// that shows page 2.
	b.Run("next_page_answered", func(b *testing.B) {
		_, cmd := fork(base).Update(keyMsg("]"))
		page, ok := firstMsgOf[pageMsg](cmd)
		if !ok || len(page.Items) != benchPerPage {
			b.Fatalf("] did not request a %d-row page", benchPerPage)
		}
		b.ReportAllocs()
		for b.Loop() {
			m := applyMsg(fork(base), keyMsg("]"))
			m = applyMsg(m, page)
			viewSink = m.View()
		}
	})
	b.Run("open_form", func(b *testing.B) { press(b, "s") })
}

// firstMsgOf runs cmd (and the commands of a batch) until one returns a T. It
// makes real requests: use it outside timed loops.
func firstMsgOf[T tea.Msg](cmd tea.Cmd) (T, bool) {
	var zero T
	if cmd == nil {
		return zero, false
	}
	switch msg := cmd().(type) {
	case T:
		return msg, true
	case tea.BatchMsg:
		for _, c := range msg {
			if t, ok := firstMsgOf[T](c); ok {
				return t, true
			}
		}
	}
	return zero, false
}

// benchEANPaste is n unique EAN-13s one a line, as a spreadsheet column pastes.
// With badCheck, every check digit is wrong: each becomes a warning.
func benchEANPaste(n int, badCheck bool) string {
	var sb strings.Builder
	sb.Grow(n * 14)
	for i := range n {
		body := strconv.Itoa(4000000000000 + i*7919)[:12]
		digit := ean.ExpectedCheckDigit(body + "0")
		if badCheck {
			digit = '0' + (digit-'0'+1)%10
		}
		sb.WriteString(body)
		sb.WriteByte(digit)
		sb.WriteByte('\n')
	}
	return sb.String()
}

func benchPasteMsg(s string) tea.KeyMsg {
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true}
}

// BenchmarkFormPaste is pasting 10 000 EANs into the open form: the paste
// message, the revalidation it causes and the frame that shows the result.
func BenchmarkFormPaste(b *testing.B) {
	benchColorProfile(b, termenv.ANSI256)
	for _, v := range []struct {
		name string
		bad  bool
	}{{"valid", false}, {"check_digit_warnings", true}} {
		b.Run(v.name, func(b *testing.B) {
			d := benchDriver(b, benchPerPage, 160, 48)
			base := fork(d.m)
			paste := benchPasteMsg(benchEANPaste(10_000, v.bad))
			m := applyMsg(applyMsg(fork(base), keyMsg("s")), paste)
			if got := len(m.openForm().parsed.Valid); got != 10_000 {
				b.Fatalf("valid after paste = %d, want 10000", got)
			}
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				m := applyMsg(fork(base), keyMsg("s")) // a fresh, empty form
				b.StartTimer()
				m = applyMsg(m, paste)
				viewSink = m.View()
			}
		})
	}
}

// BenchmarkFormKeystroke is typing one character (and, every other
// iteration, deleting it again) in a field that already holds 10 000 EANs:
// Update+View of one keystroke.
func BenchmarkFormKeystroke(b *testing.B) {
	benchColorProfile(b, termenv.ANSI256)
	for _, v := range []struct {
		name  string
		bad   bool
		where string // "" = at the end of the text, "ctrl+home" = at its start
	}{{"valid/at_end", false, ""}, {"valid/at_start", false, "ctrl+home"}, {"check_digit_warnings/at_end", true, ""}} {
		b.Run(v.name, func(b *testing.B) {
			d := benchDriver(b, benchPerPage, 160, 48)
			d.Key("s")
			d.Send(benchPasteMsg(benchEANPaste(10_000, v.bad)))
			if v.where != "" {
				d.Send(tea.KeyMsg{Type: tea.KeyCtrlHome})
			}
			m := d.m
			if m.openForm() == nil || len(m.openForm().parsed.Valid) != 10_000 {
				b.Fatal("form not holding 10000 EANs")
			}
			keys := [2]tea.KeyMsg{keyMsg("1"), {Type: tea.KeyBackspace}}
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				m = applyMsg(m, keys[i&1])
				viewSink = m.View()
				i++
			}
		})
	}
}

// A frame's allocations must not grow with the page: only the rows on
// screen are drawn, whether the page holds 50 connectors or 500. The bound
// is today's count with headroom; tighten it as the View gets cheaper.
func TestViewAllocationsDoNotGrowWithThePage(t *testing.T) {
	allocs := func(perPage int) float64 {
		d := benchDriver(t, perPage, 160, 48)
		m := d.m
		return testing.AllocsPerRun(20, func() { viewSink = m.View() })
	}
	small, large := allocs(50), allocs(benchPerPage)
	if large > small*1.05+5 {
		t.Errorf("View allocates %.0f times with 500 rows, %.0f with 50: a frame must cost the same whatever the page size", large, small)
	}
	const bound = 400 // 160x48, list + detail, Ascii profile: 1144 at b80dd92, 316 at 2e5fa2e
	if large > bound {
		t.Errorf("View at 160x48 allocates %.0f times, bound %d", large, bound)
	}
	t.Logf("View allocations at 160x48: %.0f (50 rows), %.0f (500 rows)", small, large)
}
