package ui

import (
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/keymap"
)

// A key remapped by action name is the key that acts, and every hint in
// text names it: the question, the pause message, the help line and the
// help overlay's way out.
func TestRemappedKeysActAndTheHintsFollow(t *testing.T) {
	clock := newFakeClock()
	c, _ := newSandbox(t, clock, sandbox.Options{})
	k := keymap.Default()
	for name, keys := range map[string][]string{
		"pause": {"P"}, "confirm_yes": {"o"}, "confirm_no": {"x"}, "help": {"H"}, "back": {"backspace"},
	} {
		if err := k.Remap(name, keys...); err != nil {
			t.Fatal(err)
		}
	}
	o := testOptions(c, clock)
	o.Keys = &k
	f := &uiFixture{driver: newDriver(t, o, clock, 160, 48)}
	f.Advance(time.Second)

	f.Key("P")
	f.has("live refresh paused (P resumes)")
	f.helpHas("P resume live")
	f.Key("p") // the old key does nothing now
	f.has("‖ paused")
	f.Key("P")

	f.Key("S")
	f.has("o yes · x no (default)")
	f.lacks("y yes")
	f.Key("n") // not an answer any more
	if f.m.question() == nil {
		t.Fatal("the old key answered the question")
	}
	f.Key("x")
	if f.m.question() != nil {
		t.Fatal("the remapped key did not answer")
	}

	f.Key("?")
	f.lacks("Keys · ")
	f.Key("H")
	f.has("Keys · H or backspace closes this help")
	f.Key("esc")
	f.has("Keys · ")
	f.Key("backspace")
	f.lacks("Keys · ")
}

// "Sy" read at once: the catalog question opens, and the y typed ahead does
// not answer it unseen.
func TestTypeAheadDoesNotAnswerAQuestion(t *testing.T) {
	clock := newFakeClock()
	f := &fakeAPI{items: fakeConnectors(3)}
	d := newDriver(t, testOptions(f, clock), clock, 160, 48)
	d.Type("Sy")
	if f.posts != 0 || d.m.question() == nil {
		t.Fatalf("posts = %d, dialog open = %v; want 0 and the question shown", f.posts, d.m.question() != nil)
	}
}

// The browsing keys act whichever pane has the keys: from the detail pane,
// s opens the form, ] pages and j scrolls the pane rather than the list.
func TestBrowsingKeysWorkFromTheDetailPane(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("enter")
	if f.m.screens.focused() != layerDetail {
		t.Fatal("enter did not focus the detail")
	}
	f.Key("j")
	if f.m.list.Cursor() != 0 {
		t.Fatal("j moved the list from the detail pane")
	}
	f.Key("s")
	if f.m.openForm() == nil {
		t.Fatal("s did not open the form from the detail pane")
	}
	f.Key("esc", "enter", "]")
	if f.m.mon.PageWanted() != 2 {
		t.Fatalf("] from the detail pane asked for page %d", f.m.mon.PageWanted())
	}
}

// The text field's keys are bindings too: remapped by name, the new key
// edits and the old one no longer does.
func TestEditorKeysAreRemappable(t *testing.T) {
	clock := newFakeClock()
	c, _ := newSandbox(t, clock, sandbox.Options{})
	k := keymap.Default()
	if err := k.Remap("edit_delete_back", "ctrl+w"); err != nil {
		t.Fatal(err)
	}
	if err := k.Remap("edit_delete_word", "ctrl+u"); err != nil {
		t.Fatal(err)
	}
	o := testOptions(c, clock)
	o.Keys = &k
	f := &uiFixture{driver: newDriver(t, o, clock, 160, 48)}
	f.Advance(time.Second)
	f.Key("s")
	f.Type("4006381333931 123")
	f.Key("backspace") // no longer bound
	if d := f.m.openForm().Draft(); d != "4006381333931 123" {
		t.Fatalf("backspace still edits: %q", d)
	}
	f.Key("ctrl+w") // now deletes one character
	if d := f.m.openForm().Draft(); d != "4006381333931 12" {
		t.Fatalf("after the remapped delete: %q", d)
	}
	f.Key("ctrl+u") // now deletes a word
	if d := f.m.openForm().Draft(); d != "4006381333931 " {
		t.Fatalf("after the remapped delete-word: %q", d)
	}
}
