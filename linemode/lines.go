package linemode

import (
	"bufio"
	"context"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/pixee/pixee-tui/ui/termtext"
)

// lines writes whole lines, each checked by plain, and the bell.
type lines struct {
	mu   sync.Mutex // the loop says, the reader echoes
	w    io.Writer
	crlf bool
	err  error // the first failed write: nobody reads any more
}

func newLines(w io.Writer, crlf bool) *lines { return &lines{w: w, crlf: crlf} }

// say writes each of ss as one line.
func (l *lines) say(ss ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return
	}
	var b strings.Builder
	end := "\n"
	if l.crlf {
		end = "\r\n"
	}
	for _, s := range ss {
		b.WriteString(plain(s))
		b.WriteString(end)
	}
	_, l.err = io.WriteString(l.w, b.String())
}

// failed is the first write that failed, nil while all went out.
func (l *lines) failed() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// ring writes an alert's line, with the terminal's bell before its end
// when bell is set: the one control character written.
func (l *lines) ring(s string, bell bool) {
	if bell {
		s = plain(s) + "\a"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return
	}
	end := "\n"
	if l.crlf {
		end = "\r\n"
	}
	if !bell {
		s = plain(s)
	}
	_, l.err = io.WriteString(l.w, s+end)
}

// plain is s as one line a screen reader reads and a braille display shows
// as it is: controls and escapes neutralised (termtext), line breaks
// folded, and what draws rather than says (box drawing, block elements,
// braille patterns) replaced by a space, whoever wrote it.
func plain(s string) string {
	s = termtext.Sanitize(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		case drawing(r):
			return ' '
		}
		return r
	}, s)
}

// drawing says whether r is drawing: box drawing (U+2500–U+257F), block
// elements (U+2580–U+259F) or braille patterns (U+2800–U+28FF), which a
// braille display shows as dots that mean nothing.
func drawing(r rune) bool {
	return (r >= 0x2500 && r <= 0x259f) || (r >= 0x2800 && r <= 0x28ff)
}

// oneLine is server text (an error) as one line of at most 300 characters.
func oneLine(s string) string { return termtext.OneLine(s, 300) }

// maxLine is the longest command line read: a paste of 10 000 EANs fits.
const maxLine = 1 << 20

// readLines hands in's lines to out, then closes it. With echo (a team
// server's raw session), what is typed is written back as it comes, a
// backspace erases the last character, and a line ends at CR or LF.
func readLines(ctx context.Context, in io.Reader, out chan<- string, l *lines, echo bool) {
	defer close(out)
	if in == nil {
		<-ctx.Done()
		return
	}
	r := bufio.NewReaderSize(in, 4096)
	var cur []byte
	prevCR := false
	esc := 0 // in an escape sequence a key sent (an arrow): 1 after ESC, 2 in its CSI or SS3
	send := func() bool {
		line := string(cur)
		cur = cur[:0]
		select {
		case out <- line:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		b, err := r.ReadByte()
		if err != nil {
			if len(cur) > 0 {
				send()
			}
			return
		}
		cr := prevCR
		prevCR = b == '\r'
		switch esc {
		case 1:
			esc = 0
			if b == '[' || b == 'O' {
				esc = 2
			}
			continue
		case 2:
			if b >= 0x40 && b <= 0x7e {
				esc = 0
			}
			continue
		}
		switch {
		case b == 0x1b:
			esc = 1 // a key's sequence is not text: dropped whole
		case b == '\n' && cr:
			// CR LF: the CR ended the line.
		case b == '\r' || b == '\n':
			if echo {
				l.echo("\r\n")
			}
			if !send() {
				return
			}
		case echo && (b == 0x7f || b == 0x08):
			if n := len(cur); n > 0 {
				_, size := utf8.DecodeLastRune(cur)
				cur = cur[:n-size]
				l.echo("\b \b")
			}
		case echo && b == 0x03: // ctrl+c
			return
		case echo && b == 0x04 && len(cur) == 0: // ctrl+d
			return
		case b < ' ' && b != '\t':
			// Other controls (arrows' escapes among them) are dropped.
		case len(cur) < maxLine:
			cur = append(cur, b)
			if echo && utf8.FullRune(cur[lastStart(cur):]) {
				l.echo(plain(string(cur[lastStart(cur):])))
			}
		}
	}
}

// lastStart is where the last rune of b starts.
func lastStart(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			return i
		}
	}
	return len(b) - 1
}

// echo writes what is typed back, in a raw session.
func (l *lines) echo(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		_, l.err = io.WriteString(l.w, s)
	}
}
