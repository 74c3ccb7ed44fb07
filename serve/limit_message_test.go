package serve

import (
	"strings"
	"testing"
	"time"
)

// A write refused for the per-user limit says when the next is allowed
// first, where an 80-column status bar ("sync failed: " + the error) still
// shows it.
func TestLimitRefusalSaysWhenTheNextIsAllowed(t *testing.T) {
	err := &LimitError{User: "olga", Limit: 3, Wait: 41700 * time.Millisecond}
	shown := ("sync failed: " + err.Error())[:80]
	if !strings.Contains(shown, "not sent") || !strings.Contains(shown, "next allowed in 42s") {
		t.Fatalf("the status bar shows %q: want nothing sent and when the next is allowed", shown)
	}
	if !strings.Contains(err.Error(), "olga has sent 3 syncs or tests in the last minute") {
		t.Fatalf("the refusal no longer says why: %q", err.Error())
	}
}
