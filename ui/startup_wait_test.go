package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// A 429 on the very first page counts down on screen and the page is asked
// again, once, when the wait ends: nobody has to press r.
func TestRateLimitAtStartCountsDownAndRetriesByItself(t *testing.T) {
	clock := newFakeClock()
	fs := newTestServer(t, clock, sandbox.Options{})
	fs.set(firstOnly(onRoute("list", respond(429, "application/json",
		`{"detail":"Rate limit exceeded","retry_after_seconds":52}`))))
	o := testOptions(fs.client, clock)
	o.NoIndex = false // a real run crawls
	d := newDriver(t, o, clock, 160, 48)
	if v := flatView(d.View()); !strings.Contains(v, "52s") {
		t.Fatalf("the wait is not on screen:\n%s", v)
	}
	lists := fs.count("list")
	d.Advance(20 * time.Second)
	if v := flatView(d.View()); !strings.Contains(v, "32s") || strings.Contains(v, "52s") {
		t.Fatalf("20s into the wait, the screen does not count down to 32s:\n%s", v)
	}
	if fs.count("list") != lists {
		t.Fatalf("%d list request(s) sent during the wait", fs.count("list")-lists)
	}
	d.Advance(33 * time.Second)
	if !d.m.list.loaded {
		t.Fatalf("the page was not asked again when the wait ended:\n%s", d.View())
	}
	if got := fs.count("list") - lists; got > 2 { // the page on screen, and the crawl's first page
		t.Fatalf("%d list requests when the wait ended: want the page once (and the crawl's)", got)
	}
	if v := flatView(d.View()); strings.Contains(v, "rate limited") {
		t.Fatalf("still says rate limited after the page loaded:\n%s", v)
	}
}
