package ui

import (
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// A connection test's answer stays with its connector once the flash that
// told it is gone: the detail shows the last one, and H shows what the
// server said, not only "failed".
func TestConnectionTestResultStaysWithTheConnector(t *testing.T) {
	f, _, _ := startWithHistory(t, sandbox.Options{})
	f.sb.SetStatus(f.ids[0], "error") // its test fails, saying why
	f.Key("t")
	if n := f.count("POST /connectors/{id}/test"); n != 1 {
		t.Fatalf("%d test POSTs, want 1", n)
	}
	f.has("connection test failed")
	f.Advance(time.Minute)
	f.lacks("connection test failed") // the flash is gone
	f.has("last test", "✗ 12:00:01 · failed: ")
	f.Key("j")
	f.Advance(time.Second)
	f.lacks("last test") // another connector: no test made
	f.Key("k")
	f.Advance(time.Second)
	f.has("last test", "failed: ")

	f.Key("H")
	// The answer follows the outcome (the sandbox's, for its seed).
	f.has("connection test", "alice · Shopify: 403 Forbidden")
}
