package ui

import (
	"testing"
	"time"
)

func TestPauseStopsPollingAndResumeFetchesNow(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("p")
	f.has("· ‖ paused") // not a paused connector's row: the status bar
	f.sb.ResetStats()
	f.Advance(3 * time.Minute)
	if n := f.sb.Stats().Total; n != 0 {
		t.Fatalf("%d requests while paused", n)
	}
	f.has("· ‖ paused") // still saying so after the flash has gone
	f.Key("p")
	f.lacks("· ‖ paused")
	if l, g := f.count(sbList), f.count(sbGet); l != 1 || g != 1 {
		t.Fatalf("resume sent %d list and %d detail requests, want 1 and 1", l, g)
	}
	f.Advance(30 * time.Second)
	if l := f.count(sbList); l != 2 {
		t.Fatalf("%d list requests 30 s after resuming, want 2", l)
	}
}

// A pause stops polling, not what the user asks for: moving to another
// connector still fetches it, once.
func TestPausedSelectionIsStillFetchedOnce(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("p")
	f.sb.ResetStats()
	f.Key("j")
	f.Advance(time.Minute)
	// The new detail, and the new selection's jobs: what selecting costs
	// (one request for its runs, none while they are fresh), paused or not.
	if n := f.sb.Stats().Total; n != 2 || f.count("GET /connectors/{id}/jobs") != 1 {
		t.Fatalf("%d requests after moving while paused (%v), want 2 (the new detail and its jobs)", n, f.sb.Stats().ByRoute)
	}
	if got := f.m.detail.Data().ID; got != f.ids[1] {
		t.Fatalf("detail shows %s, want %s", got, f.ids[1])
	}
}

// The p key says "resume" while paused, and is not offered once a rejected key
// stopped polling.
func TestPauseKeySaysResumeAndIsNotOfferedAfter401(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.helpHas("p pause live")
	f.Key("p")
	f.helpHas("p resume live")
	f.Key("p")
	f.helpHas("p pause live")
	f.rec.set(onReads(respond(401, "application/json", `{"detail":"Invalid API key"}`)))
	f.Key("r")
	if f.m.mon.AuthErr() == nil {
		t.Fatalf("no auth error after a 401:\n%s", f.View())
	}
	f.helpLacks("pause live")
}
