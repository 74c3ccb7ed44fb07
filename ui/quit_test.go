package ui

import "testing"

func TestQuitKeys(t *testing.T) {
	t.Run("q quits", func(t *testing.T) {
		f := startSettled(t, 160, 48)
		f.Key("q")
		if !f.quit {
			t.Fatal("q did not quit")
		}
	})
	t.Run("q types in the form", func(t *testing.T) {
		f := startSettled(t, 160, 48)
		f.Key("s", "q")
		if f.quit {
			t.Fatal("q quit from the form")
		}
		if d := f.m.openForm().Draft(); d != "q" {
			t.Fatalf("draft = %q, want q", d)
		}
		f.Key("ctrl+c")
		if !f.quit {
			t.Fatal("ctrl+c did not quit from the form")
		}
	})
	t.Run("ctrl+c quits from a question", func(t *testing.T) {
		f := startSettled(t, 160, 48)
		f.Key("S", "q")
		if f.quit || f.m.question() == nil {
			t.Fatal("q answered or quit from a question")
		}
		f.Key("ctrl+c")
		if !f.quit {
			t.Fatal("ctrl+c did not quit")
		}
	})
	t.Run("help", func(t *testing.T) {
		f := startSettled(t, 160, 48)
		f.Key("?")
		f.has("Keys", "G/end", "last row", "S sync whole catalog", "enter", "open detail", "ctrl+c")
		if top := findHelp(f.m.browseHelp(), "first row"); top == nil || top.Enabled() { // g does nothing on the first row: listed, greyed
			t.Fatal("g is offered as live on the first row")
		}
		f.Key("?")
		f.lacks("last row")
		f.Key("?", "esc")
		f.lacks("last row")
		f.Key("?", "q")
		if !f.quit {
			t.Fatal("q in the help did not quit")
		}
	})
}
