package linemode

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// What a person types is read as they meant it: in a raw session (a team
// server's) each key is echoed, a backspace erases a character, an
// arrow's escape sequence is dropped whole, CR, LF and CR LF each end one
// line; a pipe's lines are read as they come.
func TestTypedLinesAreReadAsMeant(t *testing.T) {
	cases := []struct {
		name, in string
		echo     bool
		want     []string
		echoed   string
	}{
		{"raw", "lisx\x7ft\rshow 1\r\n\x1b[A\x1bOBcafé\r", true, []string{"list", "show 1", "café"}, "lisx\b \bt\r\nshow 1\r\ncafé\r\n"},
		{"pipe", "a\nb\r\nc", false, []string{"a", "b", "c"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var echoed syncBuffer
			out := make(chan string, 10)
			readLines(context.Background(), strings.NewReader(c.in), out, newLines(&echoed, c.echo), c.echo)
			var got []string
			for l := range out {
				got = append(got, l)
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("lines %q, want %q", got, c.want)
			}
			if echoed.String() != c.echoed {
				t.Errorf("echoed %q, want %q", echoed.String(), c.echoed)
			}
		})
	}
}

// What a person typed is quoted back cut, not whole: a page pasted into
// find, an unknown command or a sync of a thousand bad codes is one line of
// a readable length. A find that matched nothing says so when a number
// is asked for, not that no list was told.
func TestLongInputIsQuotedBackCut(t *testing.T) {
	p := start(t, setup{sandbox: sandbox.Options{Seed: 2, Connectors: 3, ReadLimit: -1}})
	p.wait("Type list for the connectors")
	p.typeLine("list")
	p.wait("3. ")
	p.typeLine("find " + strings.Repeat("zq", 5000))
	p.wait("No connector matches ")
	p.typeLine("show 1")
	p.wait(`There is no number 1: no connector matches "zqzq`)
	p.typeLine(strings.Repeat("x", 5000))
	p.wait("is not a command.")
	p.typeLine("list")
	p.wait("3. ")
	p.typeLine("sync 1 " + strings.Repeat("1234567 ", 1000))
	p.wait("and 995 more.")
	p.typeLine("quit")
	p.wait("Goodbye.")
	for _, l := range strings.Split(p.out.String(), "\n") {
		if len(l) > 400 {
			t.Errorf("a line of %d bytes: %.120q…", len(l), l)
		}
	}
}

// When the input ends with something asked and not told yet (a list asked
// for before the first page came), it is told before the line mode ends:
// "echo list | pixee-tui --accessible" lists.
func TestWhatWasAskedIsToldAfterTheInputEnds(t *testing.T) {
	p := start(t, setup{sandbox: sandbox.Options{Seed: 2, Connectors: 3, ReadLimit: -1, Latency: 300 * time.Millisecond}})
	p.typeLine("list")
	p.in.Close()
	p.wait("The connectors are still loading")
	p.wait("3. ")
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup's wait
	case <-time.After(30 * time.Second):
		t.Fatal("the line mode did not end after telling the list")
	}
}
