package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// Keys typed into the form faster than frames are drawn once a frame,
// into an empty field as into a long text: the frames between show what
// the first key showed, and the frame at the end of the interval shows
// every key. Each key costs its edit, not a screen.
func TestTypedKeysAreDrawnOnceAFrame(t *testing.T) {
	for name, eans := range map[string]int{"an empty field": 0, "a long text": 500} {
		t.Run(name, func(t *testing.T) { typedKeysAreDrawnOnceAFrame(t, eans) })
	}
}

func typedKeysAreDrawnOnceAFrame(t *testing.T, eans int) {
	f := startSettled(t, 160, 48)
	f.Key("s")
	if eans > 0 {
		f.Send(benchPasteMsg(benchEANPaste(eans, false))) // 500: 7 000 runes
	}
	f.Advance(time.Second)
	var frames []string
	for _, k := range typedKeys("4006381333931") {
		f.Send(k) // the fake clock stands still: all within one frame
		frames = append(frames, f.View())
	}
	held := 0
	for _, fr := range frames[1:] {
		if fr == frames[1] {
			held++
		}
	}
	if held != len(frames)-1 {
		t.Errorf("%d of %d frames after the first key drawn anew within one frame interval", len(frames)-1-held, len(frames)-1)
	}
	if strings.Contains(frames[len(frames)-1], "4006381333931") {
		t.Errorf("the last key was drawn at once; want it held until the frame")
	}
	f.Advance(frameEvery)
	if !strings.Contains(f.View(), "4006381333931") {
		t.Errorf("the frame after the interval does not show every key typed:\n%s", f.View())
	}
	// Any other key is drawn at once.
	f.Send(tea.KeyMsg{Type: tea.KeyEsc})
	if f.m.openForm() != nil || strings.Contains(f.View(), "Sync EANs to") {
		t.Errorf("esc was not drawn at once:\n%s", f.View())
	}
}
