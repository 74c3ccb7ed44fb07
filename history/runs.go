package history

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pixee/pixee-tui/monitor"
)

// RunLog is one account's observed runs (monitor.Run, from servers
// without /jobs), kept so a restart does not forget a connector's past.
// Same file rules as the events: append-only JSON lines under a lock,
// fsync'ed, opened without following links; bounded while running (an
// Append past the size limit compacts it in the same hold of the lock) and
// at open: the newest monitor.MaxRuns runs of each connector within MaxAge
// (default 90 days), MaxActions runs in all.
type RunLog struct {
	log    *log
	limits Limits

	mu        sync.Mutex
	compactAt int64
}

type runRecord struct {
	Op  string       `json:"op"` // "run"
	Run *monitor.Run `json:"run"`
	At  time.Time    `json:"at"`
}

func checkRun(raw []byte) error {
	var r runRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return err
	}
	if r.Op == "run" && r.Run != nil && r.Run.ConnectorID != "" && r.Run.ID != "" {
		return nil
	}
	return fmt.Errorf("unknown record")
}

// OpenRuns opens (creating as needed) the run log under dir and compacts
// it.
func OpenRuns(dir string, limits Limits, now func() time.Time) (*RunLog, []string, error) {
	if now == nil {
		now = time.Now
	}
	limits = limits.withDefaults(90 * 24 * time.Hour)
	l, err := newLog(dir, "runs.jsonl", now, checkRun)
	if err != nil {
		return nil, nil, err
	}
	r := &RunLog{log: l, limits: limits, compactAt: limits.MaxBytes}
	var warns []string
	err = l.locked(true, func() error { return r.compactLocked(&warns) })
	return r, warns, err
}

func (r *RunLog) tail() int64 { return 2 * r.limits.MaxBytes }

// compactLocked keeps, of each run id, its last record, and of those the
// newest MaxRuns per connector within MaxAge, MaxActions in all; lock held.
func (r *RunLog) compactLocked(warns *[]string) error {
	cutoff := r.log.now().Add(-r.limits.MaxAge)
	err := r.log.rewriteLocked(r.tail(), func(lines [][]byte) []bool {
		type item struct {
			i   int
			run *monitor.Run
		}
		last := map[string]int{} // connector|id → its last line
		var items []item
		for i, raw := range lines {
			var rec runRecord
			json.Unmarshal(raw, &rec) //nolint:errcheck // checked when read
			items = append(items, item{i, rec.Run})
			last[rec.Run.ConnectorID+"|"+rec.Run.ID] = i
		}
		slices.Reverse(items)
		slices.SortStableFunc(items, func(a, b item) int { return b.run.End.Compare(a.run.End) })
		kept := make([]bool, len(lines))
		perConn := map[string]int{}
		total := 0
		for _, it := range items {
			if last[it.run.ConnectorID+"|"+it.run.ID] != it.i || !it.run.End.After(cutoff) ||
				perConn[it.run.ConnectorID] >= monitor.MaxRuns || total >= r.limits.MaxActions {
				continue
			}
			perConn[it.run.ConnectorID]++
			total++
			kept[it.i] = true
		}
		return kept
	}, warns)
	size := r.log.size()
	r.mu.Lock()
	r.compactAt = max(r.limits.MaxBytes, 2*size)
	r.mu.Unlock()
	return err
}

// Append records runs (Outcome.Runs): one write and one flush for the
// batch, compacting in the same hold of the lock when the file has grown
// past its limit.
func (r *RunLog) Append(runs []monitor.Run) error {
	var buf []byte
	for i := range runs {
		if runs[i].ConnectorID == "" || runs[i].ID == "" {
			return fmt.Errorf("history: a run without a connector or an id: not recorded")
		}
		line, err := encode(runRecord{Op: "run", Run: &runs[i], At: r.log.now()})
		if err != nil {
			return err
		}
		buf = append(buf, line...)
	}
	if len(buf) == 0 {
		return nil
	}
	return r.log.locked(true, func() error {
		size, err := r.log.appendLocked(buf)
		if err != nil {
			return err
		}
		r.mu.Lock()
		over := size > r.compactAt
		r.mu.Unlock()
		if over {
			var warns []string
			return r.compactLocked(&warns)
		}
		return nil
	})
}

// Load reads the runs, newest first (monitor.LoadRuns takes them): at most
// MaxRuns per connector, from the file's tail.
func (r *RunLog) Load() ([]monitor.Run, []string, error) {
	byKey := map[string]monitor.Run{}
	warns, err := r.log.read(r.tail(), func(raw []byte) error {
		var rec runRecord
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		if rec.Op != "run" || rec.Run == nil {
			return fmt.Errorf("unknown record")
		}
		byKey[rec.Run.ConnectorID+"|"+rec.Run.ID] = *rec.Run
		return nil
	})
	runs := make([]monitor.Run, 0, len(byKey))
	for _, run := range byKey {
		runs = append(runs, run)
	}
	slices.SortFunc(runs, func(a, b monitor.Run) int {
		if c := b.End.Compare(a.End); c != 0 {
			return c
		}
		return strings.Compare(a.ConnectorID+"|"+a.ID, b.ConnectorID+"|"+b.ID)
	})
	perConn := map[string]int{}
	out := runs[:0]
	for _, run := range runs {
		if perConn[run.ConnectorID] < monitor.MaxRuns {
			perConn[run.ConnectorID]++
			out = append(out, run)
		}
	}
	return out, warns, err
}
