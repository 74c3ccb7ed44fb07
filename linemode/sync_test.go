package linemode

import (
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/internal/fakeclock"
)

// A sync asks first, in words, and sends nothing until yes; yes sends it
// once, and its outcome is said; no sends nothing.
func TestSyncAsksAndIsSentOnce(t *testing.T) {
	p := start(t, setup{sandbox: sandbox.Options{Seed: 3, Connectors: 30, ReadLimit: -1, WriteLimit: -1, SyncFailureRate: -1}})
	p.wait("Type list for the connectors")
	p.typeLine("find zzzz-nothing")
	p.wait(`No connector matches "zzzz-nothing"`)
	p.typeLine("list")
	first := p.wait("1. ")
	name := strings.SplitN(strings.TrimPrefix(first, "1. "), ", ", 2)[0]

	p.typeLine("sync 1 4006381333931 3760000000001")
	p.wait("Note: 3760000000001: ")
	p.wait("Sync 2 EANs to " + name + "? yes or no.")
	if n := p.posts(); n != 0 {
		t.Fatalf("%d POSTs before the answer", n)
	}
	p.typeLine("yes")
	p.wait("The sync to " + name + " is queued: 2 products")
	if n := p.posts(); n != 1 {
		t.Fatalf("%d POSTs after one yes, want 1", n)
	}
	p.typeLine("sync 1 3760000000001 4006381333931")
	p.wait("Note: the same sync was queued by tester just now.")
	p.typeLine("no")
	p.wait("Nothing sent.")
	p.typeLine("sync 1 catalog")
	p.wait("Sync the whole catalog of " + name + "? This queues every product. yes or no.")
	p.typeLine("no")
	p.wait("Nothing sent.")
	p.typeLine("sync 1 12ab")
	p.wait(`Nothing asked: "12ab" `)
	p.typeLine("history")
	p.wait("a sync of 2 EANs to " + name + " by tester: ")
	p.typeLine("quit")
	p.wait("Goodbye.")
	if n := p.posts(); n != 1 {
		t.Errorf("%d POSTs in all, want the 1 answered yes", n)
	}
	assertPlain(t, p.out.String())
}

// A sync in progress is told at every quarter, in words, one line each
// and each once, then its end as an event.
func TestSyncProgressIsToldInQuarters(t *testing.T) {
	clock := fakeclock.New(time.Date(2026, 5, 4, 14, 0, 0, 0, time.UTC))
	p := start(t, setup{
		sandbox: sandbox.Options{Seed: 3, Connectors: 5, ReadLimit: -1, WriteLimit: -1, SyncFailureRate: -1, Now: clock.Now},
		opts:    func(o *Options) { o.Refresh = 50 * time.Millisecond },
	})
	p.wait("Type list for the connectors")
	p.typeLine("list")
	first := p.wait("1. ")
	name := strings.SplitN(strings.TrimPrefix(first, "1. "), ", ", 2)[0]
	p.typeLine("sync 1 catalog")
	p.wait("yes or no.")
	p.typeLine("yes")
	p.wait("The whole-catalog sync to " + name + " is queued")
	from := p.mark
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(p.out.String()[from:], "the sync triggered here drained") {
		if time.Now().After(deadline) {
			t.Fatalf("the sync never drained:\n%s", tail(p.out.String()[from:], 2000))
		}
		gets := p.sb.Stats().ByRoute["GET /connectors/{id}"]
		clock.Advance(2 * time.Second)
		for p.sb.Stats().ByRoute["GET /connectors/{id}"] < gets+2 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
	}
	out := p.out.String()[from:]
	at := -1
	for _, q := range []string{"25 percent", "50 percent", "75 percent"} {
		got := linesWith(out, name+": "+q)
		if len(got) != 1 {
			t.Fatalf("%q told %d times, want once:\n%s", q, len(got), out)
		}
		if !strings.Contains(got[0], " left.") {
			t.Errorf("%q does not say the time left", got[0])
		}
		i := strings.Index(out, got[0])
		if i < at {
			t.Errorf("%q told out of order:\n%s", q, out)
		}
		at = i
	}
	if strings.Contains(out, "100 percent") {
		t.Errorf("the end is told as a percentage, not as the event:\n%s", out)
	}
	if n := p.posts(); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}
	assertPlain(t, p.out.String())
}
