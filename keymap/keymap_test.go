package keymap

import (
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

// Default must hand out a fresh value: the UI disables bindings by state,
// and one program's state must not leak into another's keymap.
func TestDefaultIsFresh(t *testing.T) {
	a := Default()
	a.Quit.SetEnabled(false)
	a.Quit.SetKeys("x")
	b := Default()
	if !b.Quit.Enabled() || b.Quit.Keys()[0] != "q" {
		t.Fatalf("Default shares state between calls: %v %v", b.Quit.Enabled(), b.Quit.Keys())
	}
}

// The documented defaults (README, issue): a key a user learned must keep
// doing what it did.
func TestDefaultKeys(t *testing.T) {
	k := Default()
	for name, tc := range map[string]struct {
		b    key.Binding
		keys []string
	}{
		"up":        {k.Up, []string{"up", "k"}},
		"down":      {k.Down, []string{"down", "j"}},
		"top":       {k.Top, []string{"g", "home"}},
		"bottom":    {k.Bottom, []string{"G", "end"}},
		"next page": {k.NextPage, []string{"right", "l", "]"}},
		"prev page": {k.PrevPage, []string{"left", "h", "["}},
		"sync":      {k.Sync, []string{"s"}},
		"sync all":  {k.SyncAll, []string{"S"}},
		"submit":    {k.Submit, []string{"ctrl+s"}},
		"quit":      {k.Quit, []string{"q"}},
		"force":     {k.ForceQuit, []string{"ctrl+c"}},
	} {
		got := tc.b.Keys()
		if len(got) != len(tc.keys) {
			t.Errorf("%s: keys %v, want %v", name, got, tc.keys)
			continue
		}
		for i := range got {
			if got[i] != tc.keys[i] {
				t.Errorf("%s: keys %v, want %v", name, got, tc.keys)
			}
		}
	}
}

// Every binding of the browsing context is reachable from the full help,
// and the short help starts with help and quit (a narrow terminal cuts its
// end).
func TestBrowseHelp(t *testing.T) {
	k := Default()
	h := k.Browse()
	if h.Short[0].Help().Key != "?" || h.Short[1].Help().Key != "q" {
		t.Fatalf("short help starts with %q, %q; want ?, q", h.Short[0].Help().Key, h.Short[1].Help().Key)
	}
	seen := map[string]bool{}
	for _, col := range h.Full {
		for _, b := range col {
			seen[b.Help().Desc] = true
		}
	}
	for _, b := range []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.NextPage, k.PrevPage, k.FocusNext,
		k.FocusPrev, k.Open, k.Sync, k.SyncAll, k.Refresh, k.Pause, k.Help, k.Quit} {
		if !seen[b.Help().Desc] {
			t.Errorf("full help lacks %q", b.Help().Desc)
		}
	}
}
