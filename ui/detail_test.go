package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
)

// An id is used as the server sent it: neutralising it for display must not
// change what is requested (a zero-width space would become "<U+200B>").
func TestRawIDsAddressRequests(t *testing.T) {
	clock := newFakeClock()
	f := &fakeAPI{items: []api.Connector{{ID: "abc\u200bdef", Name: "Odd id", Status: "active"}}}
	d := newDriver(t, testOptions(f, clock), clock, 160, 48)
	d.Advance(time.Second)
	if len(f.asked) == 0 || f.asked[0] != "abc\u200bdef" {
		t.Fatalf("asked for %q, want the raw id", f.asked)
	}
	if d.m.detail.gone || !strings.Contains(d.View(), "abc<U+200B>def") {
		t.Fatalf("the odd id is not fetched and shown neutralised:\n%s", d.View())
	}
}

// Scrolling the detail stops at its end, so the way back is one key.
func TestDetailScrollStopsAtTheEnd(t *testing.T) {
	clock := newFakeClock()
	c, sb := newSandbox(t, clock, sandbox.Options{})
	long := strings.Repeat("the platform said no; ", 40) // about 12 wrapped lines
	sb.SetLastError(sb.IDs()[0], &long)
	d := newDriver(t, testOptions(c, clock), clock, 80, 24)
	d.Advance(time.Second)
	d.Key("tab")
	for range 30 {
		d.Key("j")
	}
	end := d.m.detail.offset
	d.Key("k")
	if end == 0 || end >= 30 || d.m.detail.offset != end-1 {
		t.Fatalf("offset %d after 30 downs, %d after one up", end, d.m.detail.offset)
	}
}

// Data shown from the cache says so until a fresh answer arrives.
func TestCachedDetailIsLabelled(t *testing.T) {
	clock := newFakeClock()
	f := &fakeAPI{items: fakeConnectors(3)}
	d := newDriver(t, testOptions(f, clock), clock, 160, 48)
	d.Advance(time.Second) // c0 fetched
	d.Key("j")
	d.Advance(time.Second) // c1 fetched
	d.Advance(20 * time.Minute)
	d.Key("k") // back to c0: its 20-minute-old detail is shown at once
	if v := d.View(); !strings.Contains(v, "cached · 20m ago") {
		t.Fatalf("cached detail not labelled:\n%s", v)
	}
	d.Advance(time.Second)
	if v := d.View(); strings.Contains(v, "cached") || !strings.Contains(v, "live · every") {
		t.Fatalf("still labelled cached after a fresh answer:\n%s", v)
	}
}
