package ui

import (
	"runtime"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// A key typed into the sync form costs its edit: a few small allocations,
// whatever the field holds. Neither the model (5 KB) nor the panes under
// the form (the list's rows, the detail's strip, the help line: 15 KB) are
// copied or built again for it; they were for every one of the 140 000
// keys of 10 000 typed EANs, at 25 KB a key.
func TestATypedKeyCostsItsEditWhateverTheFormHolds(t *testing.T) {
	const maxBytes = 2048
	cost := func(eans int) (allocs float64, bytes uint64) {
		f := startSettled(t, 160, 48)
		f.Key("s")
		f.Send(benchPasteMsg(benchEANPaste(eans, false)))
		f.Advance(time.Second)
		keys := append(typedKeys("4006381333931\n4006381"), tea.KeyMsg{Type: tea.KeyBackspace})
		m, i := f.m, 0
		typeOne := func() {
			m = applyMsg(m, keys[i%len(keys)])
			i++
		}
		typeOne() // the first key in the field may change the keys' help
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		allocs = testing.AllocsPerRun(200, typeOne)
		runtime.ReadMemStats(&after)
		return allocs, (after.TotalAlloc - before.TotalAlloc) / 201
	}
	// Below 2000 runes the text is validated on every key (a few tokens);
	// from there, in batches (TestTypedEANsAreNotValidatedOnEveryKey).
	shortAllocs, shortBytes := cost(1)
	longAllocs, longBytes := cost(10_000)
	t.Logf("a typed key: %.1f allocations, %d bytes with one EAN in the field; %.1f, %d with 10 000",
		shortAllocs, shortBytes, longAllocs, longBytes)
	if longAllocs > 4 {
		t.Errorf("a key typed after 10 000 EANs allocates %.1f times, over 4: more than its edit and its frame", longAllocs)
	}
	if longAllocs > shortAllocs+1 {
		t.Errorf("a key typed after 10 000 EANs allocates %.1f times, after one %.1f: it must not cost more with more text", longAllocs, shortAllocs)
	}
	for _, c := range []struct {
		eans  int
		bytes uint64
	}{{1, shortBytes}, {10_000, longBytes}} {
		if c.bytes > maxBytes {
			t.Errorf("a key typed with %d EANs in the field allocates %d bytes, over %d: the model or the panes are copied or built for it",
				c.eans, c.bytes, maxBytes)
		}
	}
}

// Every key on the sync form goes straight to its handler, without
// building its bindings (typedRune): routing would end there too as long as
// none of them runs anything of its own.
func TestTheFormsBindingsRunNothingOfTheirOwn(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("s")
	form := f.m.openForm()
	for _, state := range []formState{formEditing, formSending, formDone} {
		form.state = state
		for _, b := range form.bindings(&f.m) {
			if b.run != nil {
				t.Errorf("the form's %s binding runs a function of its own: route the form's keys again", b.action)
			}
		}
	}
}

// A key typed into the field skips preparing the rest of the screen only
// when it changed nothing the keys' help reads: after every key, the help
// line shown is the one the form's state asks for (ctrl+s live once an EAN
// is valid, idle again when it is deleted, the problem keys as problems
// come and go).
func TestTheHelpLineFollowsWhatIsTyped(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("s")
	keys := typedKeys("abc 400638133393")
	keys = append(keys, typedKeys("1 12 13\n")...)
	for range 14 {
		keys = append(keys, tea.KeyMsg{Type: tea.KeyBackspace})
	}
	flips := 0
	last := f.m.helpShown
	for i, k := range keys {
		f.Send(k)
		if want := f.m.helpKeyNow(); f.m.helpShown != want {
			t.Fatalf("after key %d (%s) the help line shows %+v, the form asks for %+v", i, k, f.m.helpShown, want)
		}
		if f.m.helpShown != last {
			flips++
			last = f.m.helpShown
		}
	}
	if flips < 2 {
		t.Errorf("the help line changed %d times while an EAN was typed and deleted; want ctrl+s live, then idle", flips)
	}
}
