// Package readahead reads a terminal's input ahead of the program that
// consumes it, so that ctrl+c typed behind a long burst of keys acts at
// once. Bubble Tea reads its input a chunk at a time and hands each key to
// the model in turn: a ctrl+c sent after 10 000 typed EANs waited in the
// terminal's buffer until every key before it had been drawn. Here the
// input is drained as it comes, scanned for the interrupt byte (outside a
// bracketed paste, where it is text), and handed on unchanged.
package readahead

import (
	"io"
	"sync"
)

// maxAhead bounds what is read ahead of the program: beyond it, reading
// waits (a ctrl+c behind more than this is seen when the program catches
// up).
const maxAhead = 4 << 20

const interrupt = 0x03 // ctrl+c

// Reader is src read ahead; onInterrupt is called, once, from its reading
// goroutine as soon as a ctrl+c is read, before the keys ahead of it are
// consumed. Reading starts at the first Read.
type Reader struct {
	src         io.Reader
	onInterrupt func()
	start       sync.Once

	mu     sync.Mutex
	cond   *sync.Cond
	buf    []byte // read from src, not yet consumed
	err    error  // src's error, returned once buf is drained
	closed bool

	scan scanner // used by the reading goroutine only
}

// New reads src ahead.
func New(src io.Reader, onInterrupt func()) *Reader {
	r := &Reader{src: src, onInterrupt: onInterrupt}
	r.cond = sync.NewCond(&r.mu)
	return r
}

// Read returns what was read ahead, in order, waiting for some.
func (r *Reader) Read(p []byte) (int, error) {
	r.start.Do(func() { go r.fill() })
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(r.buf) == 0 && r.err == nil && !r.closed {
		r.cond.Wait()
	}
	switch {
	case r.closed:
		return 0, io.EOF
	case len(r.buf) > 0:
		n := copy(p, r.buf)
		r.buf = r.buf[n:]
		r.cond.Broadcast() // room again for the reader
		return n, nil
	}
	return 0, r.err
}

// Close ends reads (a Read waiting returns io.EOF) and stops reading ahead
// once the read under way returns. It does not close src.
func (r *Reader) Close() error {
	r.mu.Lock()
	r.closed = true
	r.cond.Broadcast()
	r.mu.Unlock()
	return nil
}

func (r *Reader) fill() {
	chunk := make([]byte, 32<<10)
	fired := false
	for {
		r.mu.Lock()
		for len(r.buf) >= maxAhead && !r.closed {
			r.cond.Wait()
		}
		closed := r.closed
		r.mu.Unlock()
		if closed {
			return
		}
		n, err := r.src.Read(chunk)
		hit := r.scan.interrupted(chunk[:n])
		r.mu.Lock()
		r.buf = append(r.buf, chunk[:n]...)
		if err != nil {
			r.err = err
		}
		r.cond.Broadcast()
		r.mu.Unlock()
		if hit && !fired && r.onInterrupt != nil {
			fired = true
			r.onInterrupt()
		}
		if err != nil {
			return
		}
	}
}

// scanner finds the interrupt byte outside bracketed pastes (ESC [200~ …
// ESC [201~), whose markers may be split between two reads.
type scanner struct {
	last    [6]byte // the last bytes seen, oldest first
	inPaste bool
}

var (
	pasteStart = [6]byte{0x1b, '[', '2', '0', '0', '~'}
	pasteEnd   = [6]byte{0x1b, '[', '2', '0', '1', '~'}
)

func (s *scanner) interrupted(p []byte) bool {
	hit := false
	for _, b := range p {
		if b == interrupt && !s.inPaste {
			hit = true
		}
		copy(s.last[:], s.last[1:])
		s.last[5] = b
		if b == '~' {
			switch s.last {
			case pasteStart:
				s.inPaste = true
			case pasteEnd:
				s.inPaste = false
			}
		}
	}
	return hit
}

// File is a terminal read ahead: its descriptor is the terminal's, so that
// Bubble Tea puts it in raw mode and restores it, while its reads come
// from the Reader. It has no Name, so cancelreader does not poll the
// descriptor (whose bytes the Reader has already taken).
type File struct {
	*Reader
	tty interface {
		io.Writer
		Fd() uintptr
	}
}

// NewFile reads the terminal tty ahead.
func NewFile(tty interface {
	io.ReadWriter
	Fd() uintptr
}, onInterrupt func()) *File {
	return &File{Reader: New(tty, onInterrupt), tty: tty}
}

// Fd is the terminal's descriptor.
func (f *File) Fd() uintptr { return f.tty.Fd() }

// Write writes to the terminal.
func (f *File) Write(p []byte) (int, error) { return f.tty.Write(p) }
