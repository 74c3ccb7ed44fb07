package ui

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
)

// Journeys through a real tea.Program, in real time, against the sandbox
// on a real clock. What the screen shows is waited for on the output
// stream; what happened is asserted on the final model and the sandbox.

// A person pages to page 2, opens a connector, syncs two EANs, confirms,
// reads the sync id, dismisses it, watches pending drain and quits — on
// today's API (X-API-Key only, root-level pagination) and on the seed's
// (Bearer only, meta).
func TestJourneySyncTwoEANsFromPageTwo(t *testing.T) {
	for _, tt := range []struct {
		gen    sandbox.Generation
		header api.AuthHeader
	}{{sandbox.Current, api.AuthXAPIKey}, {sandbox.Seed, api.AuthBearer}} {
		t.Run(tt.gen.String(), func(t *testing.T) { journeySyncTwoEANs(t, tt.gen, tt.header) })
	}
}

func journeySyncTwoEANs(t *testing.T, gen sandbox.Generation, header api.AuthHeader) {
	c, sb := newSandbox(t, nil, sandbox.Options{Now: time.Now, Seed: 42, SyncFailureRate: -1, AutoSync: false, API: gen})
	target := sb.IDs()[50] // first row of page 2
	before, _, err := c.GetConnector(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := New(Options{API: c, Context: ctx, Host: "api.test", Refresh: 500 * time.Millisecond,
		Plain: true, Seed: 1, Location: time.UTC, History: testHistory(t)})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 48))
	// The program is stopped however the test ends, so that a failed wait
	// does not leave it running.
	defer func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	}()

	// wait reads the output until all of what has been drawn since the
	// last wait (the stream is consumed as it is read).
	var screen []byte // what the last wait saw
	wait := func(what ...string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			screen = b
			for _, w := range what {
				if !bytes.Contains(b, []byte(w)) {
					return false
				}
			}
			return true
		}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	key := func(k tea.KeyType) { tm.Send(tea.KeyMsg{Type: k}) }

	wait("page 1/3 · 137 connectors")
	tm.Type("]")
	wait("page 2/3 · 137 connectors")
	key(tea.KeyEnter) // to the detail pane
	tm.Type("s")
	wait("Sync EANs to " + before.Name)
	tm.Type(twoEANs)
	wait("2 valid EANs")
	key(tea.KeyCtrlS)
	wait("Sync 2 EANs to " + before.Name + "?")
	tm.Type("y")
	wait("sync queued", "status    queued", "queued    2 products")
	id := regexp.MustCompile(`sync id +([0-9a-f-]{36})`).FindSubmatch(screen)
	if id == nil {
		t.Fatalf("no sync id on screen:\n%s", screen)
	}
	key(tea.KeyEnter) // dismiss
	// Any detail fetched after the POST holds the two queued products until
	// the sandbox has synced them.
	wait("pending    0 products")
	tm.Type("q")

	fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !ok {
		t.Fatal("final model is not a ui.Model")
	}
	cancel()
	if n := sb.Stats().ByRoute[sbSync]; n != 1 {
		t.Fatalf("%d POSTs, want 1", n)
	}
	// The sandbox answers only the generation's header: the POST went out
	// with it, the one the first GET found.
	if got := c.AuthHeader(); got != header {
		t.Fatalf("the key went as %v, want %v", got, header)
	}
	if !fm.quitting || fm.openForm() != nil || fm.question() != nil {
		t.Fatalf("final model: quitting %v, form %v, dialog %v", fm.quitting, fm.openForm(), fm.question())
	}
	if fm.mon.PageWanted() != 2 || fm.detail.ID() != target {
		t.Fatalf("final model on page %d, connector %s; want page 2, %s", fm.mon.PageWanted(), fm.detail.ID(), target)
	}
	stats := fm.detail.Data().SyncStats
	if stats.ProductsPending != 0 || stats.ProductsSynced != before.SyncStats.ProductsSynced+2 {
		t.Fatalf("final stats %+v, want 0 pending and %d synced", stats, before.SyncStats.ProductsSynced+2)
	}
	t.Logf("sync id %s", id[1])
}
