package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
)

// typedKeys is text as a person types it: one message per key, enter for a
// new line.
func typedKeys(s string) []tea.KeyMsg {
	out := make([]tea.KeyMsg, 0, len(s))
	for _, r := range s {
		if r == '\n' {
			out = append(out, tea.KeyMsg{Type: tea.KeyEnter})
			continue
		}
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return out
}

// BenchmarkFormTyped10000 is typing 10 000 EANs key by key into the open
// form, as Bubble Tea runs it: every key's Update and the View drawn after
// it, on the wall clock, with the timers (the batched validation, the
// frame) delivered when due. Compare with BenchmarkFormPaste: a typed key
// must cost what a pasted byte does.
func BenchmarkFormTyped10000(b *testing.B) {
	benchTyping(b, typedKeys(benchEANPaste(10_000, false)))
}

// BenchmarkFormTypedAsRead10000 is the same text as a terminal delivers it
// when it comes faster than the program reads (a barcode scanner, a
// fast typist): Bubble Tea turns each read's run of printable runes into
// one message, so each EAN is one message and its enter another.
func BenchmarkFormTypedAsRead10000(b *testing.B) {
	benchTyping(b, typedReads(benchEANPaste(10_000, false)))
}

// typedReads is text as the terminal's reads bring it: each line's runes
// in one message, enter for a new line.
func typedReads(s string) []tea.KeyMsg {
	var out []tea.KeyMsg
	for line := range strings.Lines(s) {
		text := strings.TrimSuffix(line, "\n")
		if text != "" {
			out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(text)})
		}
		if len(text) < len(line) {
			out = append(out, tea.KeyMsg{Type: tea.KeyEnter})
		}
	}
	return out
}

// benchTyping delivers keys to the open form one message at a time, with
// the View after each and the model's timers when due on the wall clock.
func benchTyping(b *testing.B, keys []tea.KeyMsg) {
	benchColorProfile(b, termenv.ANSI256)
	d := benchDriver(b, benchPerPage, 160, 48)
	base := fork(d.m)
	base.now = time.Now
	b.ReportAllocs()
	for b.Loop() {
		m := applyMsg(fork(base), keyMsg("s")) // a fresh, empty form
		var timers []wallTimer
		for _, k := range keys {
			next, cmd := m.Update(k)
			m = next.(Model)
			viewSink = m.View()
			timers = collectTimers(cmd, d.clock.Now(), timers)
			m, timers = deliverDue(m, d.clock.Now(), timers)
		}
		for _, t := range timers {
			m = applyMsg(m, t.msg)
		}
		m = applyMsg(m, revalidateMsg{})
		if got := len(m.openForm().parsed.Valid); got != 10_000 {
			b.Fatalf("valid after typing = %d, want 10000", got)
		}
	}
}

// deliverDue hands the model the timers due on the wall clock, and those
// they schedule, drawing after each.
func deliverDue(m Model, fakeNow time.Time, timers []wallTimer) (Model, []wallTimer) {
	now := time.Now()
	for i := 0; i < len(timers); i++ {
		if now.Before(timers[i].due) {
			continue
		}
		msg := timers[i].msg
		timers = append(timers[:i], timers[i+1:]...)
		next, cmd := m.Update(msg)
		m = next.(Model)
		viewSink = m.View()
		timers = collectTimers(cmd, fakeNow, timers)
		i = -1
	}
	return m, timers
}

// wallTimer is a timer of the model due on the wall clock.
type wallTimer struct {
	due time.Time
	msg tea.Msg
}

// collectTimers keeps the typing timers among cmd's messages (the
// validation batch, the frame), due on the wall clock after the wait they
// were scheduled with on the fake one (fakeNow).
func collectTimers(cmd tea.Cmd, fakeNow time.Time, into []wallTimer) []wallTimer {
	if cmd == nil {
		return into
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			into = collectTimers(c, fakeNow, into)
		}
	case scheduled:
		switch msg.msg.(type) {
		case revalidateMsg, frameMsg:
			into = append(into, wallTimer{due: time.Now().Add(msg.at.Sub(fakeNow)), msg: msg.msg})
		}
	}
	return into
}
