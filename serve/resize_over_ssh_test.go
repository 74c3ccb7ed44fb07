package serve

import (
	"strings"
	"testing"
	"time"
)

// A client's resize reaches its dashboard: the screen is drawn again at the
// new width.
func TestAResizeOverSSHRedrawsAtTheNewWidth(t *testing.T) {
	tm := startTeam(t, nil)
	c := tm.connect("alice", true)
	c.waitFor(firstName)
	before := len(c.screen())
	if err := c.sess.WindowChange(20, 44); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if s := c.screen()[before:]; strings.Contains(s, "NAME") && !strings.Contains(s, "PLATFORM") {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no redraw at 44 columns; after the resize the session wrote %q", tail(c.screen()[before:]))
}
