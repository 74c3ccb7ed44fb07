package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/ui/ean"
)

// ---- the sync form ------------------------------------------------------------

func TestFormValidatesMixedInputLive(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("s")
	f.has("Sync EANs to "+firstConnectorName, "0 valid EANs")
	for _, r := range "4006381333931, 123; 4006381333932 abc" {
		f.press(r) // typed one key at a time
	}
	f.Key("enter")
	f.Type("4006381333931 73513537 036000291452") // and a paste-like burst
	f.Advance(frameEvery)                         // the keys came within a frame: its end shows them
	p := f.m.openForm().parsed
	if len(p.Valid) != 4 || p.Duplicates != 1 || len(p.Rejected) != 2 || len(p.Warnings) != 1 {
		t.Fatalf("parsed %+v", p)
	}
	f.has(
		"4 valid EANs · 1 duplicate removed · 2 rejected",
		`✗ "123" — length 3: EANs have 8, 12, 13 or 14 digits`,
		`✗ "abc" — not all digits`,
		"! 4006381333932 — check digit should be 1 (sent anyway)",
	)
	// A wrong check digit warns but does not block.
	f.helpHas("ctrl+s submit")
	f.Key("ctrl+s")
	f.has("Sync 4 EANs to " + firstConnectorName + "?")
}

func TestFormTakesAHundredEANsPastedAtOnce(t *testing.T) {
	f := startSettled(t, 160, 48)
	eans := make([]string, 0, 100)
	for i := range 100 {
		e := fmt.Sprintf("400638%06d0", i)
		e = e[:12] + string(ean.ExpectedCheckDigit(e))
		eans = append(eans, e)
	}
	paste := strings.Join(eans, "\r\n") + "\r\n" + eans[0] + "," + eans[1] + ";" + eans[2] + " 12345\t"
	f.Key("s")
	f.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(paste), Paste: true})
	f.has("100 valid EANs · 3 duplicates removed · 1 rejected")
	f.Key("ctrl+s")
	f.has("Sync 100 EANs to " + firstConnectorName + "?")
	f.Key("y")
	f.has("✓ sync queued", "queued    100 products")
	posts := f.rec.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d POSTs, want 1", len(posts))
	}
	var body struct{ EANs []string }
	if err := json.Unmarshal([]byte(posts[0]), &body); err != nil {
		t.Fatal(err)
	}
	if strings.Join(body.EANs, " ") != strings.Join(eans, " ") {
		t.Fatalf("sent %d EANs %v, want the 100 pasted, in order, once each", len(body.EANs), body.EANs)
	}
}

func TestEscKeepsTheDraftForThatConnector(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("s")
	f.Type("4006381333931 12")
	f.Key("esc")
	if f.m.openForm() != nil {
		t.Fatal("esc did not close the form")
	}
	f.lacks("Sync EANs to")
	f.Key("j", "s") // another connector: its own, empty form
	if d := f.m.openForm().Draft(); d != "" {
		t.Fatalf("second connector's form holds %q", d)
	}
	f.has("Sync EANs to " + f.m.list.items[1].Name)
	f.Key("esc", "k", "s")
	if d := f.m.openForm().Draft(); d != "4006381333931 12" {
		t.Fatalf("reopened draft = %q", d)
	}
	f.has("4006381333931 12", "1 valid EAN · 1 rejected")
}

func TestSubmitWithoutAValidEANSaysWhy(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("s")
	f.helpLacks("submit")
	for _, text := range []string{"", "abc 123"} {
		f.Type(text)
		f.Key("ctrl+s")
		if f.m.question() != nil {
			t.Fatalf("%q: the confirmation opened with nothing to sync", text)
		}
		f.has("nothing to sync yet: enter at least one valid EAN")
	}
	f.Key("backspace") // editing clears the complaint
	f.lacks("nothing to sync yet")
	if n := f.count(sbSync); n != 0 {
		t.Fatalf("%d POSTs", n)
	}
}

// EANs typed key by key (not a bracketed paste) cost the same per key
// however long the text: it is validated in batches, not on every key, and
// laid out from its last row. ctrl+c behind them still quits.
func TestTypedEANsAreNotValidatedOnEveryKey(t *testing.T) {
	s := newScripted(1)
	d := startScripted(t, s, 120, 40)
	d.Key("s")
	f := d.m.openForm()
	text := strings.Repeat("4006381333931\n", 1500) // 21 000 keys
	for _, r := range text {
		if r == '\n' {
			d.Key("enter")
		} else {
			d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
	if f.parses > len(text)/5 {
		t.Fatalf("%d validations for %d typed keys: one per key", f.parses, len(text))
	}
	d.Advance(time.Second) // the batch is due
	if f.Dirty() || len(f.parsed.Valid) != 1 || f.parsed.Duplicates != 1499 {
		t.Fatalf("typed text not validated in the end: %d valid, %d duplicates", len(f.parsed.Valid), f.parsed.Duplicates)
	}
	d.Key("ctrl+c")
	if !d.quit {
		t.Fatal("ctrl+c did not quit")
	}
}

// A paste after a kept draft gets a separator; the problems beyond
// the room ("… 94 more") scroll; ctrl+u at a line's start keeps clearing.
func TestPasteAfterDraftScrollingProblemsAndClearing(t *testing.T) {
	s := newScripted(1)
	d := startScripted(t, s, 120, 30)
	d.Key("s")
	d.Type("4029141777639")
	d.Key("esc", "s") // the draft is kept, without a trailing separator
	d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("4029141777630"), Paste: true})
	f := d.m.openForm()
	if got := f.Draft(); got != "4029141777639\n4029141777630" {
		t.Fatalf("the paste glued onto the draft: %q", got)
	}

	var junk []string
	for i := range 100 {
		junk = append(junk, fmt.Sprintf("x%03d", i))
	}
	d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Join(junk, " ")), Paste: true})
	mustShow(t, d, `"x000"`, "more (ctrl+n scrolls)")
	mustNotShow(t, d, `"x099"`)
	for range 99 {
		d.Send(tea.KeyMsg{Type: tea.KeyCtrlN})
	}
	mustShow(t, d, `"x099"`, "above")
	mustNotShow(t, d, `"x000"`)

	for range 3 {
		d.Key("ctrl+u")
	}
	if got := f.Draft(); got != "" {
		t.Fatalf("ctrl+u pressed on every line left %q", got)
	}
}
