package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
)

// A failed POST shows the API's own words in the form and keeps the draft.
func TestSyncErrorsShowTheAPIDetailAndKeepTheDraft(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(sb *sandbox.Server, id string) bool
		want  string
	}{
		{"deleted", func(sb *sandbox.Server, id string) bool { return sb.Remove(id) }, "✗ Connector not found (HTTP 404 NOT_FOUND)"},
		{"paused", func(sb *sandbox.Server, id string) bool { return sb.SetStatus(id, "paused") },
			"✗ Connector is paused (HTTP 409 CONFLICT)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := startSettled(t, 160, 48)
			f.Key("s")
			f.Type(twoEANs)
			f.Key("ctrl+s")
			if !tc.spoil(f.sb, f.ids[0]) {
				t.Fatal("setup failed")
			}
			f.Key("y")
			if n := f.count(sbSync); n != 1 {
				t.Fatalf("%d POSTs, want 1", n)
			}
			f.has(tc.want)
			if f.m.openForm() == nil || f.m.openForm().state != formEditing || f.m.openForm().Draft() != twoEANs {
				t.Fatalf("form after the error: %+v", f.m.openForm())
			}
			f.helpHas("ctrl+s submit") // the user may try again
			f.Key("esc", "s")
			if d := f.m.openForm().Draft(); d != twoEANs {
				t.Fatalf("draft after reopening = %q", d)
			}
		})
	}
}

// A 2xx with nothing readable is an accepted sync: said as what is
// known, the draft dropped, no resend invited.
func TestAcceptedSyncWithoutAnAnswerIsDoneNotFailed(t *testing.T) {
	s := newScripted(3)
	s.sync = func() (*api.SyncResult, error) {
		return &api.SyncResult{Unreported: true, ProductsQueuedUnknown: true}, nil
	}
	d := startScripted(t, s, 160, 48)
	submitSync(d, "4006381333931")
	mustShow(t, d, "accepted by the server; no sync id returned", "queued not reported")
	mustNotShow(t, d, "queued 0 products", "failed", "✗")
	if d.m.mon.Draft("c0") != "" || !d.m.openForm().Finished() {
		t.Fatal("the draft of an accepted sync is kept for a resend")
	}
	d.Key("enter") // dismissed
	d.Key("s")
	if d.m.openForm().Draft() != "" {
		t.Fatal("reopening the form offers the accepted EANs again")
	}
}

// A sync the server said it did not queue is headlined so, with the
// server's text; an unknown count is "not reported", not 0.
func TestRejectedSyncIsNotShownQueued(t *testing.T) {
	s := newScripted(3)
	s.sync = func() (*api.SyncResult, error) {
		return nil, &api.SyncRejectedError{Status: "rejected", Detail: "catalog locked"}
	}
	d := startScripted(t, s, 160, 48)
	submitSync(d, "4006381333931")
	mustShow(t, d, "✗ not queued", "catalog locked")
	mustNotShow(t, d, "✓ sync queued")

	// The whole-catalog flash too.
	d.Key("esc", "S", "y")
	mustShow(t, d, "✗ not queued")
	if strings.Contains(d.View(), "sync failed") {
		t.Fatalf("a rejection is called a failure:\n%s", d.View())
	}
	s.sync = func() (*api.SyncResult, error) {
		return &api.SyncResult{SyncID: "s9", Status: "queued", ProductsQueuedUnknown: true}, nil
	}
	d.Advance(time.Minute)
	d.Key("S", "y")
	mustShow(t, d, "products queued: not reported")
	mustNotShow(t, d, "queued: 0 products")
}

// A rejected count reads "20 000 rejected", with the separator used elsewhere.
func TestRejectedCountHasThousandsSeparator(t *testing.T) {
	s := newScripted(1)
	d := startScripted(t, s, 160, 48)
	d.Key("s")
	d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("x ", 20000)), Paste: true})
	mustShow(t, d, "20 000 rejected")
}

// The sync result shows the connector's draining counts beside
// it, and the bar measures the sync triggered (queued → drained), saying
// so, not the catalog's share.
func TestSyncResultShowsTheDrainOfThatSync(t *testing.T) {
	s := newScripted(1)
	synced, pending := 1255, 0
	s.detail = func(id string) (*api.ConnectorDetail, error) {
		return &api.ConnectorDetail{Connector: s.items[0], SyncStats: api.SyncStats{ProductsSynced: synced, ProductsPending: pending}}, nil
	}
	s.sync = func() (*api.SyncResult, error) {
		pending = 100
		return &api.SyncResult{SyncID: "s1", Status: "queued", ProductsQueued: 100}, nil
	}
	d := startScripted(t, s, 80, 40)
	submitSync(d, "4006381333931")
	if !d.m.openForm().Finished() {
		t.Fatalf("no result:\n%s", d.View())
	}
	mustShow(t, d, "✓ sync queued", "pending 100 products", "0/100 of this sync")
	mustNotShow(t, d, "93%")
	synced, pending = 1295, 60
	d.Advance(3 * time.Second)
	mustShow(t, d, "✓ sync queued", "pending 60 products", "40/100 of this sync")
	d.Key("enter")
	mustShow(t, d, "40/100 of this sync") // the pane, once the result is dismissed
}
