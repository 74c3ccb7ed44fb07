package serve

import (
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A session's background: light or dark, so that its colours are legible.
// The server cannot look at the client's screen; it asks the terminal
// (OSC 11, as a local run does through termenv), and without an answer
// goes by what the client said (COLORFGBG), what its user's settings say
// (serve.users.NAME.theme), then the config's theme.

// askBackgroundFor bounds the question: a terminal that does not answer
// delays the first paint by this much, once.
const askBackgroundFor = 400 * time.Millisecond

// lateAnswersFor is how long after the question a late answer is still
// looked for in the input (and cut out); after that, input is passed on
// as it comes.
const lateAnswersFor = 10 * time.Second

// backgroundQuery asks the background colour (OSC 11), then the cursor
// position (DSR): every terminal answers the second, and in order, so its
// answer without the first means the terminal will not say.
const backgroundQuery = "\x1b]11;?\x1b\\" + "\x1b[6n"

var (
	// oscAnswer is a terminal's OSC 11 answer, ended by BEL or ST.
	oscAnswer = regexp.MustCompile(`\x1b\]11;([^\x07\x1b]*)(?:\x07|\x1b\\)`)
	// cprAnswer is the answer to DSR 6, the cursor's row and column.
	cprAnswer = regexp.MustCompile(`\x1b\[[0-9]+;[0-9]+R`)
)

// maxAskInput bounds what is kept while the terminal is asked: the
// answers are a few dozen bytes.
const maxAskInput = 4 << 10

// readResult is one read of the session's input.
type readResult struct {
	data []byte
	err  error
}

// askBackground asks the terminal behind rw for its background, for at
// most wait. It returns whether the terminal said it is dark (known is
// false without an answer) and the session's input from here on: what the
// person typed meanwhile first, and no part of the answers, even late.
func askBackground(rw io.ReadWriter, wait time.Duration) (dark, known bool, in io.Reader) {
	fi := &filteredInput{r: rw, expectOSC: true, expectCPR: true, until: time.Now().Add(lateAnswersFor)}
	if _, err := io.WriteString(rw, backgroundQuery); err != nil {
		return false, false, fi
	}
	timeout := time.NewTimer(wait)
	defer timeout.Stop()
	var got []byte
	for {
		reads := make(chan readResult, 1)
		go func() {
			buf := make([]byte, 256)
			n, err := rw.Read(buf)
			reads <- readResult{data: buf[:n], err: err}
		}()
		select {
		case r := <-reads:
			got = append(got, r.data...)
			got = fi.strip(got)
			if fi.answer != "" {
				dark, known = parseBackground(fi.answer)
			}
			// More than answers and a few keys: a paste or a flood, which
			// is the dashboard's (and its input limit's) to take.
			if r.err != nil || !fi.expectCPR || len(got) > maxAskInput {
				fi.pending, fi.err = got, r.err
				return dark, known, fi
			}
		case <-timeout.C:
			// The read goes on: what it brings is the dashboard's, less
			// a late answer.
			fi.pending, fi.waiting = got, reads
			return false, false, fi
		}
	}
}

// filteredInput is the session's input after the question: what was read
// meanwhile, then the read left waiting, then the session; the answers
// are cut out wherever they come.
type filteredInput struct {
	r       io.Reader
	mu      sync.Mutex
	pending []byte
	err     error
	waiting <-chan readResult
	// The answers not yet seen: looked for until they come (a terminal
	// answers once). A person's key is never held back for them.
	expectOSC, expectCPR bool
	until                time.Time
	answer               string // the OSC 11 answer's colour, once seen
}

func (f *filteredInput) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for len(f.pending) == 0 {
		switch {
		case f.err != nil:
			return 0, f.err
		case f.waiting != nil:
			r := <-f.waiting
			f.waiting = nil
			f.pending, f.err = f.strip(r.data), r.err
		default:
			n, err := f.r.Read(p)
			if (f.expectOSC || f.expectCPR) && time.Now().After(f.until) {
				f.expectOSC, f.expectCPR = false, false
			}
			if n == 0 || (!f.expectOSC && !f.expectCPR) {
				return n, err
			}
			f.pending, f.err = f.strip(append([]byte(nil), p[:n]...)), err
		}
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

// strip cuts the answers out of b.
func (f *filteredInput) strip(b []byte) []byte {
	if f.expectOSC {
		if m := oscAnswer.FindSubmatchIndex(b); m != nil {
			f.answer = string(b[m[2]:m[3]])
			b = append(b[:m[0]:m[0]], b[m[1]:]...)
			f.expectOSC = false
		}
	}
	if f.expectCPR {
		if m := cprAnswer.FindIndex(b); m != nil {
			b = append(b[:m[0]:m[0]], b[m[1]:]...)
			// Answers come in order: no colour before the position
			// means none is coming.
			f.expectCPR, f.expectOSC = false, false
		}
	}
	return b
}

// parseBackground reads an OSC 11 colour, rgb:RRRR/GGGG/BBBB with one to
// four hex digits a component (or #RRGGBB), and says whether it is dark.
func parseBackground(s string) (dark, ok bool) {
	var parts []string
	switch {
	case strings.HasPrefix(s, "rgb:"):
		parts = strings.Split(s[len("rgb:"):], "/")
	case strings.HasPrefix(s, "rgba:"):
		parts = strings.Split(s[len("rgba:"):], "/")
		if len(parts) == 4 {
			parts = parts[:3]
		}
	case strings.HasPrefix(s, "#") && len(s) == 7:
		parts = []string{s[1:3], s[3:5], s[5:7]}
	}
	if len(parts) != 3 {
		return false, false
	}
	var c [3]float64
	for i, p := range parts {
		if len(p) < 1 || len(p) > 4 {
			return false, false
		}
		v, err := strconv.ParseUint(p, 16, 16)
		if err != nil {
			return false, false
		}
		c[i] = float64(v) / float64(uint64(1)<<(4*len(p))-1)
	}
	// Relative luminance (Rec. 709): below the middle is a dark background.
	return 0.2126*c[0]+0.7152*c[1]+0.0722*c[2] < 0.5, true
}

// colorFGBG reads COLORFGBG (fg;bg or fg;default;bg, as rxvt and others
// set it): the last field is the background's palette slot; 7 and 9–15
// are light.
func colorFGBG(v string) (dark, ok bool) {
	f := strings.Split(v, ";")
	if len(f) < 2 {
		return false, false
	}
	bg, err := strconv.Atoi(f[len(f)-1])
	if err != nil || bg < 0 || bg > 15 {
		return false, false
	}
	return bg != 7 && bg < 9, true
}

// sessionTheme decides a session's background: the terminal's answer,
// then the client's COLORFGBG, then the user's theme, then the config's;
// dark when nothing says. none (no colour) from either setting wins.
func sessionTheme(answered, answerDark bool, fgbg, userTheme, configTheme string) (theme string) {
	if userTheme == "none" || (userTheme == "" && configTheme == "none") {
		return "none"
	}
	light := func(dark bool) string {
		if dark {
			return "dark"
		}
		return "light"
	}
	if answered {
		return light(answerDark)
	}
	if dark, ok := colorFGBG(fgbg); ok {
		return light(dark)
	}
	for _, t := range []string{userTheme, configTheme} {
		if t == "dark" || t == "light" {
			return t
		}
	}
	return "dark"
}
