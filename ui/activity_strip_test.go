package ui

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
)

// stripJobs are a connector's last jobs as a server lists them, newest
// first: one running, two failed, the rest completed hourly, one slow.
func stripJobs() []api.Job {
	jobs := []api.Job{{ID: "j13", JobType: "push_products", Status: "running"}}
	for i := range 12 {
		end := testEpoch.Add(-time.Duration(i)*time.Hour - 109*time.Minute) // the first at the connector's last sync
		j := api.Job{ID: fmt.Sprintf("j%d", 12-i), JobType: "push_products", Status: "completed", Pushed: 120,
			DurationMS: 8000 + 700*(i%4), CompletedAt: &end}
		switch i {
		case 2, 7:
			j.Status, j.Errors, j.Pushed = "failed", 3, 0
		case 5:
			j.DurationMS = 31000
		}
		jobs = append(jobs, j)
	}
	return jobs
}

// withJobs gives the selected connector the server's jobs, as a jobs
// answer would, and lets the model draw them.
func withJobs(f *uiFixture, jobs []api.Job) {
	f.m.mon.Store().LearnJobs(f.ids[0], jobs)
	f.Send(tea.WindowSizeMsg{Width: f.m.width, Height: f.m.height})
}

// withObserved gives the selected connector runs observed here, as the
// runs log brings them back at a start.
func withObserved(f *uiFixture) {
	var runs []monitor.Run
	for i := range 4 {
		end := testEpoch.Add(-time.Duration(i) * 2 * time.Hour)
		runs = append(runs, monitor.Run{ConnectorID: f.ids[0], ID: fmt.Sprintf("observed:%d", i), Observed: true,
			Status: "completed", Start: end.Add(-time.Minute), End: end, Duration: time.Minute + time.Duration(i)*10*time.Second, Pushed: 40})
	}
	f.Send(runsLoadedMsg{log: f.m.runs, runs: runs})
}

// The detail pane with its strip, at every golden size and at 40 columns:
// the runs from the server, and the runs observed here.
func TestGoldenDetailWithActivityStrip(t *testing.T) {
	for _, sc := range []struct {
		name   string
		sizes  [][2]int
		noJobs bool // a server without /jobs: the runs are the ones observed here
		then   func(*uiFixture)
	}{
		{"strip_server", append(goldenSizes, [2]int{40, 24}), false, func(f *uiFixture) { withJobs(f, stripJobs()) }},
		{"strip_observed", [][2]int{{100, 30}}, true, withObserved},
	} {
		for _, sz := range sc.sizes {
			name := fmt.Sprintf("%s_%dx%d", sc.name, sz[0], sz[1])
			t.Run(name, func(t *testing.T) {
				f := startSettledOn(t, sz[0], sz[1], sandbox.Options{NoJobs: sc.noJobs})
				sc.then(f)
				view := f.View()
				checkScreenFits(t, view, sz[0], sz[1])
				checkGolden(t, name, view)
			})
		}
	}
}

// colourFixture is a settled dashboard drawn for a dark 16-colour
// terminal, its selected connector with the server's jobs.
func colourFixture(t *testing.T, w, h int) *uiFixture {
	r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.ANSI))
	r.SetColorProfile(termenv.ANSI)
	r.SetHasDarkBackground(true)
	f := startOn(t, sandbox.Options{}, func(o *Options) { o.Plain, o.Renderer = false, r })
	f.Send(tea.WindowSizeMsg{Width: w, Height: h})
	withJobs(f, stripJobs())
	return f
}

// The detail pane in colour: each outcome has its colour, and its glyph.
func TestGoldenDetailStripInColour(t *testing.T) {
	for _, sz := range [][2]int{{160, 48}, {80, 24}} {
		name := fmt.Sprintf("strip_colour_detail_%dx%d", sz[0], sz[1])
		t.Run(name, func(t *testing.T) {
			f := colourFixture(t, sz[0], sz[1])
			now := f.m.now()
			checkGolden(t, name, f.m.detail.View(now, f.m.detailFooter(now)))
		})
	}
}

// stripRow is the row of the detail's bar of runs.
func stripRow(t *testing.T, view string) string {
	t.Helper()
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(ansi.Strip(l), "runs  ") {
			return l
		}
	}
	t.Fatalf("no row of runs in:\n%s", view)
	return ""
}

// The bar reads oldest to newest, one glyph a run, and the words beside
// it say the same without colour: how many ended how, where the runs come
// from, the last success, the median.
func TestActivityStripSaysItInWordsAndGlyphs(t *testing.T) {
	f := startSettled(t, 160, 48)
	withJobs(f, stripJobs())
	row := stripRow(t, f.View())
	if want := "✓✓✓✓✗✓✓✓✓✗✓✓◐"; !strings.Contains(row, want) {
		t.Errorf("bar %q, want %q (oldest first, the one running last)", row, want)
	}
	f.has("10 ok · 2 failed · 1 running (from the server)", "last ok    2026-11-26 10:11 · 1h ago", "median 9s")
	if want := "median 9s · ▂▁▁▁▂▁█▁▂▁▁▁"; !strings.Contains(f.View(), want) {
		t.Errorf("screen lacks %q: the slowest run the full bar, the others by their spread", want)
	}
}

// In colour, each outcome is drawn in its own colour: a failed run not
// like a completed one, a running one like neither.
func TestActivityStripColoursEachOutcome(t *testing.T) {
	f := colourFixture(t, 160, 48)
	row := stripRow(t, f.View())
	ok, failed, running := glyphColour(t, row, "✓"), glyphColour(t, row, "✗"), glyphColour(t, row, "◐")
	if ok == failed || ok == running || failed == running {
		t.Errorf("ok %q, failed %q, running %q: want three colours", ok, failed, running)
	}
}

// glyphColour is the escape sequence just before the first glyph g.
func glyphColour(t *testing.T, row, g string) string {
	t.Helper()
	i := strings.Index(row, g)
	j := strings.LastIndex(row[:max(i, 0)], "\x1b[")
	if i < 0 || j < 0 {
		t.Fatalf("no coloured %q in %q", g, row)
	}
	return row[j:i]
}

// Without runs, the strip says so in a calm line, where they would be
// (a server without /jobs, nothing observed yet).
func TestActivityStripWithoutRunsSaysSo(t *testing.T) {
	f := startSettledOn(t, 160, 48, sandbox.Options{NoJobs: true})
	f.has("runs: none seen yet (observed here)")
}

// The strip and the timeline fit every terminal from tiny to wide: the
// screen is the terminal's height, no line wider than it.
func TestStripAndTimelineFitEveryTerminalSize(t *testing.T) {
	widths := []int{1, 2, 10, 20, 29, 30, 40, 45, 61, 79, 80, 100, 160, 250}
	heights := []int{1, 2, 3, 5, 9, 17, 18, 19, 24, 30, 48}
	f := startSettled(t, 80, 24)
	withJobs(f, stripJobs())
	for _, screen := range []string{"detail", "timeline"} {
		if screen == "timeline" {
			f.Key("T")
			f.has("Timeline · ")
		}
		for _, w := range widths {
			for _, h := range heights {
				f.Send(tea.WindowSizeMsg{Width: w, Height: h})
				if !checkScreenFits(t, f.View(), w, h) {
					t.Fatalf("%s at %dx%d", screen, w, h)
				}
			}
		}
	}
}
