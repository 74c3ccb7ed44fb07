package readahead

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// typed is n EANs as typed: digits, then enter.
func typed(n int) string {
	return strings.Repeat("4006381333931\r", n)
}

// keyCounter counts the keys it is given. Its first key waits until the
// interrupt was read ahead (gate): a model busy with the burst, while the
// ctrl+c behind it has arrived.
type keyCounter struct {
	gate chan struct{}
	keys *int
}

func (k keyCounter) Init() tea.Cmd { return nil }

func (k keyCounter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if km, ok := msg.(tea.KeyMsg); ok {
		if *k.keys == 0 {
			<-k.gate
		}
		*k.keys++
		if km.Type == tea.KeyCtrlC {
			return k, tea.Quit
		}
	}
	return k, nil
}

func (k keyCounter) View() string { return "" }

// ctrl+c queued behind 10 000 typed EANs quits the program at once: the
// keys ahead of it are not all processed first.
func TestInterruptBehindABurstQuitsWithoutTheRest(t *testing.T) {
	pr, pw := io.Pipe()
	defer pr.Close()
	burst := typed(10_000)
	go func() {
		_, _ = io.WriteString(pw, burst+"\x03"+typed(100))
	}()
	gate := make(chan struct{})
	var p *tea.Program
	in := New(pr, func() { close(gate); go p.Quit() })
	keys := 0
	p = tea.NewProgram(keyCounter{gate: gate, keys: &keys}, tea.WithInput(in), tea.WithOutput(io.Discard),
		tea.WithoutRenderer(), tea.WithoutSignalHandler())
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		p.Kill()
		t.Fatal("the program did not end after ctrl+c")
	}
	// Bubble Tea groups runes, so the burst is 20 000 messages.
	if keys >= 20_000 {
		t.Errorf("%d keys processed before quitting: the burst ahead of ctrl+c was not skipped", keys)
	}
	in.Close()
	_ = pw.Close()
}

// A 0x03 inside a bracketed paste is text, not an interrupt; everything
// read is handed on unchanged and in order.
func TestPasteIsNotAnInterruptAndBytesPassUnchanged(t *testing.T) {
	fired := 0
	src := "ab\x1b[200~x\x03y\x1b[201~cd"
	in := New(strings.NewReader(src), func() { fired++ })
	got, err := io.ReadAll(in)
	if err != nil || string(got) != src {
		t.Fatalf("read %q, %v; want %q", got, err, src)
	}
	if fired != 0 {
		t.Error("a ctrl+c byte inside a paste interrupted")
	}
	// The markers split between reads, and a real ctrl+c after the paste.
	fired = 0
	in = New(io.MultiReader(strings.NewReader("\x1b[20"), strings.NewReader("0~\x03\x1b[2"), strings.NewReader("01~\x03")), func() { fired++ })
	if got, _ = io.ReadAll(in); !bytes.Equal(got, []byte("\x1b[200~\x03\x1b[201~\x03")) || fired != 1 {
		t.Errorf("read %q, %d interrupts; want the bytes and 1", got, fired)
	}
}
