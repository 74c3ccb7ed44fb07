// Package history keeps, per account, the durable record of what was done
// from pixee-tui: every sync and connection test triggered, written before
// the request leaves and completed after, so that a crash or a kill in
// between leaves "outcome unknown", never nothing.
//
// The store is an append-only file of JSON lines under
// $XDG_STATE_HOME/pixee-tui/accounts/<account>/, one record per write,
// each written with a single write(2) under an exclusive flock(2) on a lock
// file beside it and fsync'ed before Append returns. Several pixee-tui
// processes on one account append to the same file and lose nothing; a torn
// last line (a power cut mid-write) is skipped with a warning; a line
// corrupted in the middle is taken out alone (the file as it was is kept
// beside it, under a name that never replaces another) and every other
// record stays; the file is pruned by age and count, reading and rewriting
// in one hold of the lock, so no append is ever lost to a prune. The files
// are opened without following symbolic links and must be plain files.
//
// Why not an embedded database: bbolt holds an exclusive lock for as long
// as a database is open, so a second process on the same account would
// wait or fail; SQLite (modernc.org/sqlite) would do, at the cost of a
// large dependency and build time for a few hundred small records. An
// append-only file with fsync and a lock is the simplest thing that is
// durable and safe for concurrent writers.
package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// withDefaults fills what limits leave unset: maxAge by default, 5000
// records and 4 MiB.
func (l Limits) withDefaults(maxAge time.Duration) Limits {
	if l.MaxAge <= 0 {
		l.MaxAge = maxAge
	}
	if l.MaxActions <= 0 {
		l.MaxActions = 5000
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = 4 << 20
	}
	return l
}

// maxRecord bounds one record, at write and at read: a sync of a million
// EANs is about 15 MiB. A larger record is refused when written (so its
// request is not sent); a longer line found in a file is corrupt.
const maxRecord = 16 << 20

// log is one append-only file of JSON records and its lock file.
type log struct {
	path, lock string
	now        func() time.Time
	check      func(raw []byte) error // whether a line is a record of this log

	beforeRewrite func() // tests: runs with the lock held, between reading and replacing the file
}

func newLog(dir, name string, now func() time.Time, check func([]byte) error) (*log, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return &log{path: filepath.Join(dir, name), lock: filepath.Join(dir, name+".lock"), now: now, check: check}, nil
}

// openPlain opens path without following a symbolic link and refuses what
// is not a plain file: a link planted there would have us write (or
// create) its target, a FIFO would hang the read. O_NONBLOCK makes opening
// a FIFO return at once, to be refused; it changes nothing for a file.
func openPlain(path string, flag int, perm os.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, perm)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, fmt.Errorf("history: %s is a symbolic link: refused (pixee-tui keeps its state in plain files only; remove the link)", path)
		}
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("history: %s: %w", path, pe.Err)
		}
		return nil, fmt.Errorf("history: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("history: %w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("history: %s is not a plain file (%s): refused", path, fileType(st.Mode()))
	}
	return f, nil
}

func fileType(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a folder"
	}
	return m.Type().String()
}

// locked runs f holding the exclusive lock. A read (write false) on a
// read-only disk takes the lock through a read-only descriptor, so the
// history can still be looked at there.
func (l *log) locked(write bool, f func() error) error {
	lf, err := openPlain(l.lock, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil && !write && (errors.Is(err, syscall.EROFS) || errors.Is(err, syscall.EACCES)) {
		lf, err = openPlain(l.lock, os.O_RDONLY, 0)
	}
	if err != nil {
		return err
	}
	defer lf.Close()
	if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("history: locking %s: %w", l.lock, err)
	}
	defer syscall.Flock(int(lf.Fd()), syscall.LOCK_UN) //nolint:errcheck // Close unlocks too
	return f()
}

// encode is a record as one line, refused when it is larger than a record
// may be: an error here means "not recorded", so the request is not sent.
func encode(rec any) ([]byte, error) {
	line, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if len(line) > maxRecord {
		return nil, fmt.Errorf("history: this record is %d MiB, over the %d MiB one record may hold: not recorded", len(line)>>20, maxRecord>>20)
	}
	return append(line, '\n'), nil
}

// append writes one record durably.
func (l *log) append(rec any) error {
	line, err := encode(rec)
	if err != nil {
		return err
	}
	return l.locked(true, func() error {
		_, err := l.appendLocked(line)
		return err
	})
}

// appendLocked writes whole lines with one write(2) and flushes them; it
// returns the file's size after. A torn last line left by an earlier crash
// (already reported by read) is cut off first, so these records stand on
// lines of their own. A write or flush that fails is cut back off, best
// effort, so no half record and no record reported unwritten stays.
func (l *log) appendLocked(lines []byte) (int64, error) {
	_, statErr := os.Lstat(l.path)
	created := errors.Is(statErr, os.ErrNotExist)
	f, err := openPlain(l.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("history: %w", err)
	}
	size := st.Size()
	if size > 0 {
		if end := wholeLines(f, size); end < size {
			tail := make([]byte, min(size-end, maxRecord+1))
			if n, _ := f.ReadAt(tail, end); int64(n) == size-end && json.Valid(tail[:n]) {
				lines = append([]byte{'\n'}, lines...) // whole, only its newline missing
			} else if err := f.Truncate(end); err != nil {
				return 0, fmt.Errorf("history: cutting a torn record off %s: %w", l.path, err)
			} else {
				size = end
			}
		}
	}
	if _, err := f.Write(lines); err != nil {
		f.Truncate(size) //nolint:errcheck // best effort: the error below is what counts
		return 0, fmt.Errorf("history: writing %s: %w", l.path, err)
	}
	if err := f.Sync(); err != nil {
		f.Truncate(size) //nolint:errcheck
		return 0, fmt.Errorf("history: flushing %s: %w", l.path, err)
	}
	if created {
		syncDir(filepath.Dir(l.path))
	}
	return size + int64(len(lines)), nil
}

// wholeLines is the length of f up to and including its last newline.
func wholeLines(f *os.File, size int64) int64 {
	buf := make([]byte, 4096)
	for end := size; end > 0; {
		start := max(end-int64(len(buf)), 0)
		n, err := f.ReadAt(buf[:end-start], start)
		if err != nil && n < int(end-start) {
			return size // cannot tell: leave the file as it is
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return start + int64(i) + 1
		}
		end = start
	}
	return 0
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() //nolint:errcheck // best effort: not every file system can
		d.Close()
	}
}

// read calls each with every record in order (see readLocked).
func (l *log) read(tail int64, each func(raw []byte) error) (warnings []string, err error) {
	err = l.locked(false, func() error {
		_, err := l.readLocked(tail, each, &warnings)
		return err
	})
	return warnings, err
}

// span is a bad line's place in the file.
type span struct {
	start, end int64
	line       int
}

// readLocked calls each with every record in order, from the last tail
// bytes of the file when tail > 0 (the first, partial line skipped). A
// line that is not a record is skipped: a torn last line with a warning
// (the next append cuts it off); one before the last is taken out of the
// file, the file as it was kept beside it (setAside), with a warning
// naming both. from is where reading began.
func (l *log) readLocked(tail int64, each func(raw []byte) error, warnings *[]string) (from int64, err error) {
	f, err := openPlain(l.path, os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("history: %w", err)
	}
	r := bufio.NewReaderSize(f, 64<<10)
	if tail > 0 && st.Size() > tail {
		// From the byte before, so that a line beginning exactly there
		// is kept: what is skipped ends with the newline before it.
		from = st.Size() - tail - 1
		if _, err := f.Seek(from, io.SeekStart); err != nil {
			return 0, fmt.Errorf("history: %w", err)
		}
		_, n, _, err := readLine(r, nil) // the rest of a line begun before
		if err != nil && err != io.EOF {
			return 0, fmt.Errorf("history: reading %s: %w", l.path, err)
		}
		from += n
	}
	var bad []span
	var torn *span
	var buf []byte
	off, lineNo := from, 0
	for {
		line, n, tooLong, err := readLine(r, buf[:0])
		buf = line
		if err != nil && err != io.EOF {
			return from, fmt.Errorf("history: reading %s: %w", l.path, err)
		}
		if n == 0 {
			break
		}
		sp := span{off, off + n, lineNo + 1}
		off, lineNo = off+n, lineNo+1
		body := bytes.TrimSpace(line)
		if !tooLong && len(body) == 0 {
			continue
		}
		if tooLong || !json.Valid(body) || (l.check != nil && l.check(body) != nil) || each(body) != nil {
			if err == io.EOF { // no newline after it: a write cut short
				torn = &sp
			} else {
				bad = append(bad, sp)
			}
		}
		if err == io.EOF {
			break
		}
	}
	if torn != nil {
		*warnings = append(*warnings, fmt.Sprintf("history: skipped a torn last record in %s (line %d)", l.path, torn.line))
	}
	if len(bad) > 0 {
		*warnings = append(*warnings, l.takeOut(f, bad))
	}
	return from, nil
}

// readLine reads one line, newline included, into buf; a line longer than
// a record may be is read past without being kept (tooLong). n is how many
// bytes of the file it spans.
func readLine(r *bufio.Reader, buf []byte) (line []byte, n int64, tooLong bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		n += int64(len(chunk))
		if !tooLong && len(buf)+len(chunk) > maxRecord+1 {
			tooLong, buf = true, buf[:0]
		}
		if !tooLong {
			buf = append(buf, chunk...)
		}
		if err != bufio.ErrBufferFull {
			return buf, n, tooLong, err
		}
	}
}

// takeOut removes the bad lines from the file, keeping the file as it was
// beside it, and says so. When it cannot (a read-only disk), the records
// read are still returned and the warning says what is left to do.
func (l *log) takeOut(f *os.File, bad []span) string {
	lines := make([]string, 0, len(bad))
	for i, b := range bad {
		if i == 5 {
			lines = append(lines, "…")
			break
		}
		lines = append(lines, fmt.Sprint(b.line))
	}
	what := fmt.Sprintf("history: %s held %d unreadable line(s) (line %s), skipped", l.path, len(bad), strings.Join(lines, ", "))
	aside, err := l.setAside(f)
	if err != nil {
		return what + "; the file could not be cleaned: " + err.Error()
	}
	err = l.replace(func(w *bufio.Writer) error {
		var at int64
		for _, b := range bad {
			if _, err := io.Copy(w, io.NewSectionReader(f, at, b.start-at)); err != nil {
				return err
			}
			at = b.end
		}
		_, err := io.Copy(w, io.NewSectionReader(f, at, 1<<62))
		return err
	})
	if err != nil {
		return what + "; the file could not be cleaned (a copy is at " + aside + "): " + err.Error()
	}
	return what + " and taken out; the file as it was is kept at " + aside
}

// setAside keeps the file as it is under a name of its own, never
// replacing one kept before: a hard link created under a fresh name
// (link(2) fails rather than replace), or else a copy made with O_EXCL.
func (l *log) setAside(f *os.File) (string, error) {
	stamp := l.now().UTC().Format("20060102T150405Z")
	for i := 1; i <= 1000; i++ {
		aside := fmt.Sprintf("%s.corrupt-%s", l.path, stamp)
		if i > 1 {
			aside = fmt.Sprintf("%s-%d", aside, i)
		}
		err := os.Link(l.path, aside)
		if err == nil {
			syncDir(filepath.Dir(l.path))
			return aside, nil
		}
		if errors.Is(err, os.ErrExist) {
			continue
		}
		// No hard links here: copy.
		c, err := os.OpenFile(aside, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = io.Copy(c, io.NewSectionReader(f, 0, 1<<62))
		if err = errors.Join(err, c.Sync(), c.Close()); err != nil {
			os.Remove(aside)
			return "", err
		}
		return aside, nil
	}
	return "", fmt.Errorf("too many copies of %s set aside already", l.path)
}

// replace writes a new file through write and puts it in place of the
// old one atomically: a temporary file of a fresh name (never a link
// planted there), flushed, renamed over. Lock held.
func (l *log) replace(write func(*bufio.Writer) error) error {
	dir, base := filepath.Split(l.path)
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	w := bufio.NewWriterSize(tmp, 64<<10)
	err = errors.Join(write(w), w.Flush(), tmp.Chmod(0o600), tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), l.path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("history: rewriting %s: %w", l.path, err)
	}
	syncDir(dir)
	return nil
}

// rewrite reads the records (the last tail bytes when tail > 0), asks keep
// which stay, and writes those back: all under one hold of the lock, so a
// record appended by another process is either read here or appended
// after the new file is in place, never lost. Temporary files left by a
// process killed mid-rewrite are removed.
func (l *log) rewrite(tail int64, keep func(lines [][]byte) []bool) (warnings []string, err error) {
	err = l.locked(true, func() error { return l.rewriteLocked(tail, keep, &warnings) })
	return warnings, err
}

func (l *log) rewriteLocked(tail int64, keep func(lines [][]byte) []bool, warnings *[]string) error {
	dir, base := filepath.Split(l.path)
	if left, _ := filepath.Glob(filepath.Join(dir, "."+base+".tmp-*")); len(left) > 0 {
		for _, p := range left {
			os.Remove(p)
		}
	}
	var lines [][]byte
	from, err := l.readLocked(tail, func(raw []byte) error {
		lines = append(lines, bytes.Clone(raw))
		return nil
	}, warnings)
	if err != nil {
		return err
	}
	kept := keep(lines)
	all := from == 0
	for _, k := range kept {
		all = all && k
	}
	if all {
		return nil
	}
	if l.beforeRewrite != nil {
		l.beforeRewrite()
	}
	return l.replace(func(w *bufio.Writer) error {
		for i, line := range lines {
			if kept[i] {
				w.Write(line)
				w.WriteByte('\n')
			}
		}
		return nil
	})
}

// size is the file's size now (0 when it cannot tell).
func (l *log) size() int64 {
	if st, err := os.Lstat(l.path); err == nil {
		return st.Size()
	}
	return 0
}
