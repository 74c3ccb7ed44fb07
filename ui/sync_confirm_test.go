package ui

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
)

func TestConfirmationNoReturnsToTheFormWithTextKept(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("s")
	f.Type(twoEANs)
	for _, no := range []string{"n", "N", "esc", "enter"} {
		f.Key("ctrl+s")
		f.has("Sync 2 EANs to " + firstConnectorName + "?")
		f.helpHas("y yes", "n/esc no")
		f.Key(no)
		if f.m.question() != nil || f.m.openForm() == nil {
			t.Fatalf("%s: dialog %v, form %v; want back in the form", no, f.m.question(), f.m.openForm())
		}
		if d := f.m.openForm().Draft(); d != twoEANs {
			t.Fatalf("%s: draft = %q", no, d)
		}
		f.has("Sync EANs to "+firstConnectorName, twoEANs)
	}
	if n := f.count(sbSync); n != 0 {
		t.Fatalf("%d POSTs after answering no", n)
	}
}

// y sends exactly one POST, however often y or ctrl+s are pressed while it
// runs; the result shows what the API answered.
func TestYesSendsExactlyOnePOST(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("s")
	f.Type(twoEANs)
	f.Key("ctrl+s")
	held := f.stepKeys("y")
	held = append(held, f.stepKeys("y", "ctrl+s", "y", "S", "enter", "ctrl+s")...)
	if n := f.count(sbSync); n != 1 {
		t.Fatalf("%d POSTs, want 1", n)
	}
	res := heldOne[syncMsg](t, held)
	if f.m.question() != nil {
		t.Fatal("a confirmation opened while the POST was out")
	}
	f.has("sending…")
	f.helpLacks("submit")
	// Closing the form does not open a way round: no whole-catalog sync,
	// no second submit from the reopened form.
	held = f.stepKeys("esc", "S", "y", "s", "ctrl+s")
	if n := f.count(sbSync); n != 1 || len(held) != 0 {
		t.Fatalf("%d POSTs (held %v) after esc and retries, want 1", n, held)
	}
	f.has("a sync is still being sent: wait for its result")
	f.lacks("nothing to sync yet")
	f.step(res)
	f.has("✓ sync queued",
		"sync id   "+res.Synced.SyncID,
		"status    queued",
		"queued    2 products")
	if res.Synced.SyncID == "" {
		t.Fatal("no sync id in the answer")
	}
	f.helpHas("dismiss")
	f.Key("enter")
	if f.m.openForm() != nil {
		t.Fatal("enter did not dismiss the result")
	}
	if f.m.mon.Draft(f.ids[0]) != "" {
		t.Fatal("the draft outlived its successful sync")
	}
	if n := f.count(sbSync); n != 1 {
		t.Fatalf("%d POSTs in all, want 1", n)
	}
}

func TestWholeCatalogSyncAsksAndDefaultsToNo(t *testing.T) {
	f := startSettled(t, 160, 48)
	for _, no := range []string{"enter", "n", "esc", "x"} {
		f.Key("S")
		f.has("Sync the ENTIRE catalog to "+firstConnectorName+"?", "no (default)")
		f.Key(no)
		if no == "x" { // not an answer: the question stays
			if f.m.question() == nil {
				t.Fatal("an unrelated key answered the question")
			}
			f.Key("esc")
		}
		if f.m.question() != nil {
			t.Fatalf("%s did not close the question", no)
		}
	}
	if n := f.count(sbSync); n != 0 {
		t.Fatalf("%d POSTs without a yes", n)
	}
	f.Key("S", "y")
	posts := f.rec.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d POSTs, want 1", len(posts))
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal([]byte(posts[0]), &body); err != nil && strings.TrimSpace(posts[0]) != "" {
		t.Fatalf("body %q: %v", posts[0], err)
	}
	if _, ok := body["eans"]; ok {
		t.Fatalf("a whole-catalog sync sent eans: %s", posts[0])
	}
	f.has("whole-catalog sync queued: 1 250 products")
	if p := f.m.detail.Pending(); p != 1250 {
		t.Fatalf("pending after a catalog sync = %d, want 1250", p)
	}
}

// "yy" typed fast arrives as one message: in the confirmation the first y
// answers it and sends once; the second is not a second send.
func TestFastYesInConfirmationSendsOnce(t *testing.T) {
	clock := newFakeClock()
	c, sb := newSandbox(t, clock, sandbox.Options{})
	d := newDriver(t, testOptions(c, clock), clock, 160, 48)
	d.Advance(time.Second)
	d.Key("s")
	d.Type("4006381333931 96385074")
	d.Key("ctrl+s")
	if d.m.question() == nil {
		t.Fatal("no confirmation after ctrl+s")
	}
	d.Type("yy")
	if got := sb.Stats().ByRoute["POST /connectors/{id}/sync"]; got != 1 {
		t.Fatalf("POSTs after a fast \"yy\" = %d, want 1", got)
	}
}

// The question says what is left out, what is sent despite a warning,
// and a connector that is not active.
func TestConfirmationSaysRejectedWarnedAndState(t *testing.T) {
	s := newScripted(1)
	s.items[0].Status = "paused"
	d := startScripted(t, s, 120, 40)
	d.Key("s")
	d.Type("4006381333931 4006381333932 12345")
	d.Key("ctrl+s")
	if d.m.question() == nil {
		t.Fatalf("no question:\n%s", d.View())
	}
	mustShow(t, d, "Sync 2 EANs", "1 rejected (not sent)", "1 check-digit warning (sent anyway)", "The connector is ‖ paused.")
}
