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
// last line (a power cut mid-write) is skipped with a warning; a file
// corrupted in the middle is moved aside with a message and a new one
// started; the file is pruned by age and count under the same lock.
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
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// withDefaults fills what limits leave unset: maxAge by default, and 5000
// records.
func (l Limits) withDefaults(maxAge time.Duration) Limits {
	if l.MaxAge <= 0 {
		l.MaxAge = maxAge
	}
	if l.MaxActions <= 0 {
		l.MaxActions = 5000
	}
	return l
}

// log is one append-only file of JSON records and its lock file.
type log struct {
	path, lock string
	now        func() time.Time
}

func newLog(dir, name string, now func() time.Time) (*log, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return &log{path: filepath.Join(dir, name), lock: filepath.Join(dir, name+".lock"), now: now}, nil
}

// locked runs f holding the exclusive lock.
func (l *log) locked(f func() error) error {
	lf, err := os.OpenFile(l.lock, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer lf.Close()
	if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("history: locking %s: %w", l.lock, err)
	}
	defer syscall.Flock(int(lf.Fd()), syscall.LOCK_UN) //nolint:errcheck // Close unlocks too
	return f()
}

// append writes one record durably. A torn last line left by an earlier
// crash (already reported by read) is cut off first, so this record stands
// on a line of its own and the file stays readable.
func (l *log) append(rec any) error {
	line, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	line = append(line, '\n')
	return l.locked(func() error {
		f, err := os.OpenFile(l.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		if st, err := f.Stat(); err == nil && st.Size() > 0 {
			if end := wholeLines(f, st.Size()); end < st.Size() {
				tail := make([]byte, st.Size()-end)
				if _, err := f.ReadAt(tail, end); err == nil && json.Valid(tail) {
					line = append([]byte{'\n'}, line...) // whole, only its newline missing
				} else if err := f.Truncate(end); err != nil {
					f.Close()
					return fmt.Errorf("history: cutting a torn record off %s: %w", l.path, err)
				}
			}
		}
		if _, err := f.Write(line); err != nil {
			f.Close()
			return fmt.Errorf("history: writing %s: %w", l.path, err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("history: flushing %s: %w", l.path, err)
		}
		return f.Close()
	})
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

// maxLine bounds one record: a sync of 10 000 EANs is about 170 KB.
const maxLine = 4 << 20

// read calls each with every record in order. A torn last line is skipped
// with a warning. A bad line before the last means the file is corrupt: it
// is moved aside (kept, for a person to look at) and a warning says where;
// the records read so far are still returned.
func (l *log) read(each func(raw []byte) error) (warnings []string, err error) {
	err = l.locked(func() error { return l.readLocked(each, &warnings) })
	return warnings, err
}

func (l *log) readLocked(each func(raw []byte) error, warnings *[]string) error {
	f, err := os.Open(l.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var bad []byte
	lineNo, badAt := 0, 0
	for sc.Scan() {
		lineNo++
		raw := sc.Bytes()
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		if bad != nil { // a bad line with good ones after it
			return l.moveAside(f, badAt, warnings)
		}
		if !json.Valid(raw) || each(raw) != nil {
			bad, badAt = append([]byte(nil), raw...), lineNo
		}
	}
	if err := sc.Err(); err != nil {
		return l.moveAside(f, lineNo+1, warnings)
	}
	if bad != nil {
		*warnings = append(*warnings, fmt.Sprintf("history: skipped a torn last record in %s (line %d)", l.path, badAt))
	}
	return nil
}

func (l *log) moveAside(f *os.File, line int, warnings *[]string) error {
	f.Close()
	aside := fmt.Sprintf("%s.corrupt-%s", l.path, l.now().UTC().Format("20060102T150405Z"))
	if err := os.Rename(l.path, aside); err != nil {
		return fmt.Errorf("history: %s is corrupt at line %d and could not be moved aside: %w", l.path, line, err)
	}
	*warnings = append(*warnings, fmt.Sprintf("history: %s was corrupt at line %d; moved to %s and started anew", l.path, line, aside))
	return nil
}

// prune keeps the records keep says yes to: read and rewritten under one
// hold of the lock, so no record appended meanwhile is lost; the new file
// replaces the old atomically (temporary file, fsync, rename).
func (l *log) prune(keep func(raw []byte) bool) (warnings []string, err error) {
	err = l.locked(func() error {
		var lines [][]byte
		dropped := false
		err := l.readLocked(func(raw []byte) error {
			if keep(raw) {
				lines = append(lines, append([]byte(nil), raw...))
			} else {
				dropped = true
			}
			return nil
		}, &warnings)
		if err != nil || !dropped {
			return err
		}
		tmp := l.path + ".tmp"
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		w := bufio.NewWriter(f)
		for _, line := range lines {
			w.Write(line)
			w.WriteByte('\n')
		}
		if err := errors.Join(w.Flush(), f.Sync(), f.Close()); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("history: %w", err)
		}
		if err := os.Rename(tmp, l.path); err != nil {
			return fmt.Errorf("history: %w", err)
		}
		if d, err := os.Open(filepath.Dir(l.path)); err == nil {
			d.Sync()
			d.Close()
		}
		return nil
	})
	return warnings, err
}
