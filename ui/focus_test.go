package ui

import (
	"strings"
	"testing"
)

func TestTabAndEnterMoveFocusBetweenPanes(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("tab")
	if f.m.screens.focused() != layerDetail {
		t.Fatal("tab did not focus the detail")
	}
	f.Key("j") // scrolls the detail, not the list
	if f.m.list.cursor != 0 {
		t.Fatalf("j with the detail focused moved the list to %d", f.m.list.cursor)
	}
	f.Key("shift+tab")
	if f.m.screens.focused() != layerList {
		t.Fatal("shift+tab did not focus the list")
	}
	f.Key("enter")
	if f.m.screens.focused() != layerDetail {
		t.Fatal("enter did not open the detail")
	}
	f.Key("tab")
	if f.m.screens.focused() != layerList {
		t.Fatal("tab did not go back to the list")
	}
}

// The focused pane shows without colour: its border is heavy.
func TestFocusIsVisibleWithoutColour(t *testing.T) {
	f := startSettled(t, 160, 48) // the tests' profile is ASCII: no colour at all
	before := f.View()
	lines := strings.Split(before, "\n")
	if !strings.HasPrefix(lines[1], "┏") || strings.Count(lines[1], "┏") != 1 {
		t.Fatalf("the focused list has no heavy border:\n%s", lines[1])
	}
	f.Key("tab")
	after := strings.Split(f.View(), "\n")[1]
	if after == lines[1] || !strings.HasPrefix(after, "╭") || !strings.Contains(after, "┏") {
		t.Fatalf("tab changed nothing visible without colour:\n%s\n%s", lines[1], after)
	}
}
