package linemode

import (
	"context"
	"strings"
	"testing"
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
