package ui

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

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
	f.has("copied the id of " + firstConnectorName)
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

func TestOSC52InTmuxIsWrapped(t *testing.T) {
	got := osc52("id", true)
	if got != "\x1bPtmux;\x1b\x1b]52;c;aWQ=\a\x1b\\" {
		t.Errorf("tmux sequence %q", got)
	}
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
