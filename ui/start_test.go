package ui

import (
	"io"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/pixee/pixee-tui/shared"
)

// The dashboard's options are built in one place, for the local start and
// a team server's session alike: the account's own settings come first,
// the start's fill in, and the header names the account.
func TestStartOptionsTakeTheAccountFirstAndTheStartsSettingsElse(t *testing.T) {
	acc := shared.Account{ReadOnly: true, PerPage: 100}
	o := Start{Account: acc, Name: "ACME", Host: "api.pixeepim.com", PerPage: 25, Refresh: 3 * time.Second,
		IdleRefresh: 20 * time.Second, ListRefresh: time.Minute, User: "ana", Who: "ana · operate", NoExport: true}.Options()
	if o.Host != "ACME · api.pixeepim.com" || !o.ReadOnly || o.PerPage != 100 || o.Refresh != 3*time.Second ||
		o.IdleRefresh != 20*time.Second || o.ListRefresh != time.Minute || o.User != "ana" || o.Who != "ana · operate" || !o.NoExport {
		t.Fatalf("options %+v", o)
	}
	if o := (Start{Host: "sandbox 127.0.0.1:1"}).Options(); o.Host != "sandbox 127.0.0.1:1" || o.ReadOnly || o.Plain {
		t.Fatalf("an account without a name: %+v", o)
	}
}

// A session's terminal without colour draws plain, as NO_COLOR does.
func TestStartOptionsArePlainOnATerminalWithoutColour(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	if o := (Start{Renderer: r}).Options(); !o.Plain || o.Renderer != r {
		t.Fatalf("ascii renderer: plain %v", o.Plain)
	}
	r.SetColorProfile(termenv.TrueColor)
	if o := (Start{Renderer: r}).Options(); o.Plain {
		t.Fatal("a colour terminal drawn plain")
	}
}
