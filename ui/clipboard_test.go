package ui

import (
	"encoding/base64"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
)

var osc52Seq = regexp.MustCompile("\x1b\\]52;c;([A-Za-z0-9+/=]*)\a")

func copied(t *testing.T, out string) []string {
	t.Helper()
	var texts []string
	for _, m := range osc52Seq.FindAllStringSubmatch(out, -1) {
		b, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil {
			t.Fatalf("bad base64 in %q", m[0])
		}
		texts = append(texts, string(b))
	}
	return texts
}

// y copies the selected connector's id through the terminal (OSC 52), and
// nothing else is written; Y an incident card in plain text.
func TestCopyIDAndCard(t *testing.T) {
	term := &syncBuffer{}
	f := startOn(t, sandbox.Options{}, func(o *Options) { o.Terminal = term })
	f.Key("y")
	if got := copied(t, term.String()); len(got) != 1 || got[0] != f.ids[0] {
		t.Fatalf("copied %q, want the id %s", got, f.ids[0])
	}
	if rest := osc52Seq.ReplaceAllString(term.String(), ""); rest != "" {
		t.Fatalf("more than the clipboard was written: %q", rest)
	}
	// Whether the terminal took it cannot be known: it is sent, not copied.
	f.has("sent the id of " + firstConnectorName + " to the terminal's clipboard (OSC 52)")
	f.lacks("copied")
	f.Key("Y")
	got := copied(t, term.String())
	if len(got) != 2 {
		t.Fatalf("%d copies, want 2", len(got))
	}
	card := got[1]
	for _, want := range []string{firstConnectorName + "\n", "id:        " + f.ids[0], "platform:  shopify", "status:    active", "synced:", "pending:", "last sync:"} {
		if !strings.Contains(card, want) {
			t.Errorf("the card lacks %q:\n%s", want, card)
		}
	}
	if strings.ContainsRune(card, '\x1b') {
		t.Errorf("the card holds escape sequences:\n%q", card)
	}
}

// Outside tmux the plain sequence; inside, the plain one (which tmux takes
// with set-clipboard on) and then the same wrapped for passthrough (which
// tmux hands to the terminal with allow-passthrough on).
func TestClipboardSequenceForEachTmuxSetting(t *testing.T) {
	const plain = "\x1b]52;c;aWQ=\a"
	if got := clipboardSeq("id", false); got != plain {
		t.Errorf("outside tmux: %q, want %q", got, plain)
	}
	want := plain + "\x1bPtmux;\x1b\x1b]52;c;aWQ=\a\x1b\\"
	if got := clipboardSeq("id", true); got != want {
		t.Errorf("inside tmux: %q, want %q", got, want)
	}
}

// y inside tmux writes both sequences in one write; tmux's set-clipboard
// other than on is answered once with the option to set, and a tmux that
// cannot be asked adds nothing to the message.
func TestCopyInTmuxSendsBothAndTellsTheOptionOnce(t *testing.T) {
	t.Setenv("TMUX", filepath.Join(t.TempDir(), "no-server")+",1,0") // the tmux asked is none
	term := &syncBuffer{}
	f := startOn(t, sandbox.Options{}, func(o *Options) { o.Terminal = term; o.InTmux = true })
	f.Key("y")
	if got, want := term.String(), clipboardSeq(f.ids[0], true); got != want {
		t.Fatalf("wrote %q, want %q", got, want)
	}
	f.has("sent the id of " + firstConnectorName)
	f.lacks("set-clipboard")

	f.Send(tmuxClipboardMsg{setting: "external", passthrough: "on"})
	f.lacks("set-clipboard") // the wrapped one went through
	f.Send(tmuxClipboardMsg{setting: "external"})
	f.has("set -g set-clipboard on")
	f.Advance(flashFor + time.Second)
	f.Key("y")
	f.lacks("set-clipboard") // said once: tmux is not asked again
	f.has("sent the id of " + firstConnectorName)
}

// t tests the connection: one POST, no confirmation, the answer shown;
// a server without the endpoint is said so.
func TestConnectionTestKey(t *testing.T) {
	f := startOn(t, sandbox.Options{}, nil)
	f.Key("t")
	if n := f.count("POST /connectors/{id}/test"); n != 1 {
		t.Fatalf("%d test POSTs, want 1", n)
	}
	f.has("✓ connection test: Connection OK")
	f.rec.set(onRoute("other", respond(404, "application/json", `{"detail":"Not Found"}`)))
	f.Key("t")
	f.has("this server does not support connection tests")

	ro := startOn(t, sandbox.Options{}, func(o *Options) { o.ReadOnly = true })
	ro.helpLacks("test")
	ro.Key("t")
	if n := ro.count("POST /connectors/{id}/test"); n != 0 {
		t.Errorf("%d test POSTs in read-only mode", n)
	}
}
