package keymap

import (
	"strings"
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

// The documented defaults (README): a key a user learned must keep
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

// Every action has a stable, unique name a config file can use; the names
// the README documents are there; the actions that lead to a POST say so.
func TestActionTable(t *testing.T) {
	k := Default()
	seen := map[string]bool{}
	for _, a := range k.Actions() {
		if seen[a.Name] {
			t.Errorf("action %q listed twice", a.Name)
		}
		seen[a.Name] = true
		if len(a.Binding.Keys()) == 0 || a.Binding.Help().Desc == "" {
			t.Errorf("action %q has no keys or no help", a.Name)
		}
	}
	for _, name := range []string{"sync_eans", "next_page", "sync_catalog", "refresh", "pause", "quit", "help",
		"confirm_yes", "confirm_no", "dismiss", "submit"} {
		if !seen[name] {
			t.Errorf("no action named %q", name)
		}
	}
	for name, writes := range map[string]bool{"sync_eans": true, "sync_catalog": true, "submit": true,
		"confirm_yes": true, "refresh": false, "next_page": false} {
		if a, _ := k.Lookup(name); a.Writes != writes {
			t.Errorf("%s: Writes = %v, want %v", name, a.Writes, writes)
		}
	}
}

// Remapping an action by name changes its keys and the label derived from
// them; the binding the UI holds is the one changed.
func TestRemapByName(t *testing.T) {
	k := Default()
	if err := k.Remap("pause", "P", "f8"); err != nil {
		t.Fatal(err)
	}
	if got := k.Pause.Keys(); len(got) != 2 || got[0] != "P" || k.Pause.Help().Key != "P/f8" || k.Pause.Help().Desc != "pause live" {
		t.Fatalf("after remap: keys %v help %+v", got, k.Pause.Help())
	}
	if err := k.Remap("no_such_action", "x"); err == nil {
		t.Fatal("remapping an unknown action succeeded")
	}
	if err := k.Remap("quit"); err == nil {
		t.Fatal("remapping to no key succeeded")
	}
}

// Labels are derived the way the hints in text read.
func TestLabel(t *testing.T) {
	k := Default()
	for _, tc := range []struct{ got, want string }{
		{Keys(k.Yes), "y"},
		{Keys(k.No), "n/esc/enter"},
		{Keys(k.Dismiss), "enter/esc"},
		{Keys(k.NextPage), "→/l/]"},
		{k.No.Help().Key, "n/esc"}, // the help line keeps a short one
	} {
		if tc.got != tc.want {
			t.Errorf("label %q, want %q", tc.got, tc.want)
		}
	}
}

// The contexts are given: a key is a conflict within one, never across.
func TestConflictsNameBothActionsOfOneContext(t *testing.T) {
	ctxs := []Context{
		{Name: "browse", Actions: []string{"sync_eans", "refresh", "quit", "force_quit"}},
		{Name: "confirm", Actions: []string{"confirm_yes", "confirm_no", "force_quit"}},
	}
	k := Default()
	if c := k.ConflictsIn(ctxs); len(c) != 0 {
		t.Fatalf("default bindings collide: %v", c)
	}
	if err := k.Remap("sync_eans", "r"); err != nil {
		t.Fatal(err)
	}
	c := k.ConflictsIn(ctxs)
	if len(c) != 1 || c[0].A != "sync_eans" || c[0].B != "refresh" || c[0].Key != "r" || c[0].Context != "browse" {
		t.Fatalf("conflicts = %v", c)
	}
	if !strings.Contains(c[0].Error(), `"r" is bound to both sync_eans and refresh (browse keys)`) {
		t.Errorf("message %q", c[0].Error())
	}
	// The same key in two contexts is no conflict: n answers no, and
	// browsing may use it too.
	k = Default()
	k.Remap("refresh", "n")
	if c := k.ConflictsIn(ctxs); len(c) != 0 {
		t.Errorf("n in browse and confirm: %v", c)
	}
	k = Default()
	k.Remap("quit", "ctrl+c")
	if c := k.ConflictsIn(ctxs); len(c) != 1 || c[0].B != "quit" {
		t.Errorf("ctrl+c taken from force_quit: %v", c)
	}
}

// The space bar is written "space" in a config file and in the help;
// Bubble Tea names it " ", so a remap to "space" binds that.
func TestSpaceIsWrittenSpace(t *testing.T) {
	k := Default()
	if Keys(k.Mark) != "space" || k.Mark.Help().Key != "space" {
		t.Errorf("mark's label %q / %q, want space", Keys(k.Mark), k.Mark.Help().Key)
	}
	if err := k.Remap("open_latest_event", "space", "J"); err != nil {
		t.Fatal(err)
	}
	if got := k.OpenLatest.Keys(); len(got) != 2 || got[0] != " " || k.OpenLatest.Help().Key != "space/J" {
		t.Errorf("remapped to space: keys %q, help %q", got, k.OpenLatest.Help().Key)
	}
}
