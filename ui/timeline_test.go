package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// A person watches a connector turn to error, acknowledges it, sees it
// recover, syncs its catalog and watches it drain; T then shows all of it
// on one list, newest first, each line with its time and age: the run
// observed here, the drain, the sync alice triggered, the recovery, the
// acknowledgement and the error. esc closes it; its help line lists its
// keys.
func TestTimelineListsEachSourceOfAConnectorsPastInOrder(t *testing.T) {
	// A server without /jobs: the run on the timeline is the one observed.
	f, _, _ := startWithHistory(t, sandbox.Options{NoJobs: true})
	f.helpHas("?", "q")
	f.Key("?")
	f.has("T timeline")
	f.Key("esc")

	f.sb.SetStatus(f.ids[0], "error")
	f.Advance(15 * time.Second)
	f.Key("E", "a", "esc")
	f.Advance(time.Minute)
	f.sb.SetStatus(f.ids[0], "active")
	f.Advance(15 * time.Second)
	f.Advance(time.Minute)
	f.Key("S", "y")
	f.Advance(2 * time.Minute) // the detail polls fast until pending drains
	if runs, observed := f.m.mon.Store().Runs(f.ids[0]); len(runs) != 1 || !observed {
		t.Fatalf("the monitor holds runs %+v (observed %v), want the one drained", runs, observed)
	}

	f.Key("T")
	f.has("Timeline · "+firstConnectorName, "runs observed here", "ago")
	v := f.View()
	last := -1
	for _, want := range []string{
		"run    ✓ completed",
		"event  ✓ the sync triggered here drained",
		"action → sync of the whole catalog · drained · by alice",
		"event  ✓ recovered",
		"ack    • acknowledged by alice: turned to error",
		"event  ✗ turned to error",
	} {
		i := strings.Index(v, want)
		if i < 0 {
			t.Fatalf("the timeline lacks %q:\n%s", want, v)
		}
		if i < last {
			t.Fatalf("%q is listed above what happened after it:\n%s", want, v)
		}
		last = i
	}
	f.helpHas("esc close", "↓/j down")
	f.Key("j", "G", "k", "g") // scrolls, and stays on the list
	f.has("Timeline · ")
	f.Key("esc")
	f.lacks("Timeline · ")
}

// With no connector selected (an empty account), T says why it does
// nothing.
func TestTimelineKeyWithoutAConnectorSaysWhy(t *testing.T) {
	f := startOn(t, sandbox.Options{Connectors: -1}, nil)
	status := func() string { lines := strings.Split(f.View(), "\n"); return lines[len(lines)-2] }
	if strings.Contains(status(), "no connector selected") {
		t.Fatalf("the status line says it before T: %q", status())
	}
	f.Key("T")
	if !strings.Contains(status(), "no connector selected") {
		t.Errorf("after T the status line says %q, want why T does nothing", status())
	}
	f.lacks("Timeline · ")
}

// On a narrow terminal the timeline gives its width to what each entry
// says: the age, the glyph and the text, not the time and the source.
func TestTimelineOnANarrowTerminalShowsWhatHappened(t *testing.T) {
	f := startOn(t, sandbox.Options{}, nil)
	f.Send(tea.WindowSizeMsg{Width: 40, Height: 12})
	f.Advance(5 * time.Second)
	f.Key("T")
	f.has("Timeline · ", "✓ completed")
}

// On a narrow terminal the timeline's title goes on two lines rather than
// being cut: where the runs come from is still said.
func TestTimelineTitleIsNotCutOnANarrowTerminal(t *testing.T) {
	f := startOn(t, sandbox.Options{}, nil)
	f.Send(tea.WindowSizeMsg{Width: 40, Height: 12})
	f.Advance(5 * time.Second)
	f.Key("T")
	f.has("runs from the server")
	for _, l := range strings.Split(f.View(), "\n")[1:4] {
		if strings.Contains(l, "…") {
			t.Errorf("the title is cut: %q", l)
		}
	}
}
