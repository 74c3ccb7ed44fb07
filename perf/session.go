// A program in a pseudo-terminal: what it wrote, keys sent, waiting for text.

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/creack/pty"
)

// ---- a program in a pseudo-terminal -------------------------------------------------

// session is one program running in a pty, or one dashboard over SSH. A
// reader goroutine keeps every byte count, the text of the output with
// escape sequences removed (for "is X on screen yet"), the arrival time of
// each read, and answers the terminal queries a real terminal answers.
type session struct {
	name    string
	cmd     *exec.Cmd // the program in a pty; nil over SSH
	out     io.Reader // what the program writes: the pty, or the SSH session's stdout
	in      io.Writer // its keyboard: the pty, or the SSH session's stdin
	closeIO func()    // closes the terminal: the pty, or the SSH connection
	kill    func()    // ends the program when ctrl+c did not
	started time.Time
	exited  chan struct{}
	readEnd chan struct{}
	answer  bool
	dump    string // file to write the output text to when stopped

	mu        sync.Mutex
	total     int64
	text      []byte // stripped output; text[0] is at offset base
	base      int64
	chunks    []chunk
	lastOut   time.Time
	first     time.Time
	queries   []string
	queryAt   time.Time
	qtail     []byte
	strip     stripper
	notify    chan struct{}
	stopOnce  sync.Once
	writeLock sync.Mutex
}

type chunk struct {
	end int64 // text offset after this read
	at  time.Time
}

// termEnv is the environment of a program in the pty: a terminal, and the
// extra variables (its account) on top.
func termEnv(extra ...string) []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"TERM=xterm-256color",
		"LANG=C.UTF-8",
	}, extra...)
}

// newSession is a session not yet reading: its caller sets the terminal
// (out, in, closeIO, kill), started, and then calls go s.read().
func newSession(name string, answer bool) *session {
	return &session{name: name, exited: make(chan struct{}), readEnd: make(chan struct{}),
		notify: make(chan struct{}, 1), answer: answer}
}

// startSession runs bin in a fresh pty with env (see termEnv).
func startSession(name, bin string, args, env []string, answer bool) (*session, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	s := newSession(name, answer)
	s.cmd = cmd
	s.started = time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: termRows, Cols: termCols})
	if err != nil {
		return nil, fmt.Errorf("starting %s in a pty: %w", name, err)
	}
	s.out, s.in = f, f
	s.closeIO = func() { f.Close() }
	s.kill = func() { _ = cmd.Process.Kill() }
	go func() { _ = cmd.Wait(); close(s.exited) }()
	go s.read()
	return s, nil
}

// pid is the program's process; a pty session's only.
func (s *session) pid() int { return s.cmd.Process.Pid }

func (s *session) alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

var (
	oscBackground = []byte("\x1b]11;?")
	oscForeground = []byte("\x1b]10;?")
	dsrCursor     = []byte("\x1b[6n")
	// Primary device attributes: what wish's renderer sends after OSC 11
	// over SSH, and waits for (its timeout cannot interrupt a read on an
	// SSH session: without an answer the dashboard waits for a key).
	daPrimary = []byte("\x1b[c")
)

func (s *session) read() {
	defer close(s.readEnd)
	buf := make([]byte, 64<<10)
	for {
		n, err := s.out.Read(buf)
		if n > 0 {
			now := time.Now()
			var replies [][]byte
			s.mu.Lock()
			if s.first.IsZero() {
				s.first = now
			}
			s.total += int64(n)
			s.lastOut = now
			s.text = s.strip.feed(s.text, buf[:n])
			if len(s.text) > 4<<20 { // keep the last MiB: waits look only at recent output
				drop := len(s.text) - 1<<20
				s.text = append(s.text[:0], s.text[drop:]...)
				s.base += int64(drop)
			}
			end := s.base + int64(len(s.text))
			s.chunks = append(s.chunks, chunk{end: end, at: now})
			if len(s.chunks) > 1<<14 {
				s.chunks = append(s.chunks[:0], s.chunks[len(s.chunks)-1<<12:]...)
			}
			// Terminal queries, possibly split across reads.
			scan := append(slices.Clone(s.qtail), buf[:n]...)
			for _, q := range []struct {
				seq, reply []byte
				name       string
			}{
				{oscBackground, []byte("\x1b]11;rgb:0000/0000/0000\x1b\\"), "OSC 11"},
				{oscForeground, []byte("\x1b]10;rgb:ffff/ffff/ffff\x1b\\"), "OSC 10"},
				{dsrCursor, []byte("\x1b[1;1R"), "DSR"},
				{daPrimary, []byte("\x1b[?62;22c"), "DA1"}, // a VT220 with colour, as xterm says
			} {
				for i := 0; ; {
					j := bytes.Index(scan[i:], q.seq)
					if j < 0 {
						break
					}
					if i+j+len(q.seq) > len(s.qtail) { // not already seen in the tail
						s.queries = append(s.queries, fmt.Sprintf("%s@%v", q.name, now.Sub(s.started).Round(time.Millisecond)))
						if s.queryAt.IsZero() {
							s.queryAt = now
						}
						if s.answer {
							replies = append(replies, q.reply)
						}
					}
					i += j + 1
				}
			}
			if len(scan) > 8 {
				scan = scan[len(scan)-8:]
			}
			s.qtail = append(s.qtail[:0], scan...)
			s.mu.Unlock()
			for _, r := range replies {
				s.write(string(r))
			}
			select {
			case s.notify <- struct{}{}:
			default:
			}
		}
		if err != nil {
			return
		}
	}
}

func (s *session) write(k string) {
	s.writeLock.Lock()
	defer s.writeLock.Unlock()
	_, _ = s.in.Write([]byte(k))
}

// tail is the last n bytes of the output text.
func (s *session) tail(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.text[max(len(s.text)-n, 0):])
}

func (s *session) offset() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.base + int64(len(s.text))
}

func (s *session) bytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

func (s *session) firstByte() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first
}

func (s *session) firstQuery() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queryAt
}

func (s *session) queryLog() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.queries)
}

// waitFor waits until want appears in the output from offset since on, and
// returns the arrival time of the read that completed it.
func (s *session) waitFor(want string, since int64, deadline time.Time) (time.Time, bool) {
	w := []byte(want)
	for {
		s.mu.Lock()
		from := max(since-s.base, 0)
		if from <= int64(len(s.text)) {
			if i := bytes.Index(s.text[from:], w); i >= 0 {
				end := s.base + from + int64(i+len(w))
				at := s.lastOut
				for _, c := range s.chunks {
					if c.end >= end {
						at = c.at
						break
					}
				}
				s.mu.Unlock()
				return at, true
			}
		}
		s.mu.Unlock()
		d := time.Until(deadline)
		if d <= 0 {
			return time.Time{}, false
		}
		t := time.NewTimer(d)
		select {
		case <-s.notify:
		case <-s.readEnd:
			t.Stop()
			// Nothing more will come; one last look.
			deadline = time.Now()
			continue
		case <-t.C:
		}
		t.Stop()
	}
}

// waitQuiet waits until the program has written nothing for gap, counting
// from since at the earliest (a key just sent may not have been answered
// yet), and returns the time of its last write.
func (s *session) waitQuiet(gap time.Duration, since, deadline time.Time) time.Time {
	for {
		s.mu.Lock()
		last := s.lastOut
		s.mu.Unlock()
		from := last
		if since.After(from) {
			from = since
		}
		idle := time.Since(from)
		if idle >= gap || time.Now().After(deadline) {
			return last
		}
		time.Sleep(gap - idle)
	}
}

// press writes key and measures until want is on screen and the frame is
// complete (the output then stays quiet for frame).
func (s *session) press(key, want string, frame, timeout time.Duration) (lat, match time.Duration, ok bool) {
	mark := s.offset()
	t0 := time.Now()
	s.write(key)
	mt, ok := s.waitFor(want, mark, t0.Add(timeout))
	if !ok {
		return 0, 0, false
	}
	end := s.waitQuiet(frame, mt, t0.Add(timeout))
	if end.Before(mt) {
		end = mt
	}
	return end.Sub(t0), mt.Sub(t0), true
}

// stop asks the program to quit with ctrl+c and kills it if it does not.
func (s *session) stop() {
	s.stopOnce.Do(func() {
		if s.alive() {
			s.write("\x03")
			select {
			case <-s.exited:
			case <-time.After(3 * time.Second):
				s.kill()
				<-s.exited
			}
		}
		s.closeIO()
		select {
		case <-s.readEnd:
		case <-time.After(2 * time.Second):
		}
		if s.dump != "" {
			s.mu.Lock()
			_ = os.MkdirAll(filepath.Dir(s.dump), 0o755)
			_ = os.WriteFile(s.dump, s.text, 0o644)
			s.mu.Unlock()
		}
	})
}

// stripper removes escape sequences and control characters from a byte
// stream, across reads, leaving the text a person would see (and newlines).
type stripper struct{ st int }

const (
	stGround = iota
	stEsc
	stCSI
	stOSC
	stOSCEsc
	stStr
	stStrEsc
	stCharset
)

func (p *stripper) feed(dst, src []byte) []byte {
	for _, c := range src {
		switch p.st {
		case stGround:
			switch {
			case c == 0x1b:
				p.st = stEsc
			case c == '\n':
				dst = append(dst, '\n')
			case c < 0x20 || c == 0x7f:
			default:
				dst = append(dst, c)
			}
		case stEsc:
			switch c {
			case '[':
				p.st = stCSI
			case ']':
				p.st = stOSC
			case 'P', 'X', '^', '_':
				p.st = stStr
			case '(', ')', '*', '+', '#', '%':
				p.st = stCharset
			default:
				p.st = stGround
			}
		case stCSI:
			if c >= 0x40 && c <= 0x7e {
				p.st = stGround
			}
		case stOSC:
			switch c {
			case 0x07:
				p.st = stGround
			case 0x1b:
				p.st = stOSCEsc
			}
		case stStr:
			if c == 0x1b {
				p.st = stStrEsc
			}
		case stOSCEsc, stStrEsc, stCharset:
			p.st = stGround
		}
	}
	return dst
}
