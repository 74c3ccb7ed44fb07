package linemode

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
)

// A connector's past in words: what the dashboard's activity strip shows
// (its runs by outcome, where they come from, the last successful one,
// the median duration) and its lateness, from the same runs and cadence
// the monitor keeps for the strip.

// pastLines are connector id's runs and lateness as lines; waiting says
// its jobs are still being asked for (told when they answer).
func (s *session) pastLines(id string, now time.Time) (out []string, waiting bool) {
	runs, observed := s.mon.Runs(id)
	rec, asked := s.mon.Jobs(id)
	switch {
	case len(runs) > 0:
		out = append(out, runsWords(runs, observed, now))
	case s.mon.JobsOffered() && !asked:
		waiting = true
		out = append(out, "Runs: not read yet; told when the server answers.")
	case asked && rec.Err != nil && !errors.Is(rec.Err, api.ErrNotSupported):
		out = append(out, "Runs: could not be read: "+oneLine(rec.Err.Error())+".")
	case !s.mon.JobsOffered():
		out = append(out, "Runs: none seen yet (observed here).")
	default:
		out = append(out, "Runs: none (the server lists none).")
	}
	if line := lateWords(s.mon.Cadence(id), now); line != "" {
		out = append(out, line)
	}
	if len(runs) > 0 {
		src := "jobs on the server"
		if observed {
			src = "runs seen here"
		}
		out = append(out, fmt.Sprintf("Latest %s:", src))
		for _, r := range runs[:min(3, len(runs))] {
			out = append(out, runWords(r, now))
		}
	}
	return out, waiting
}

// tellRuns tells the runs of connector id, shown before they answered.
func (s *session) tellRuns(id string) {
	c, _ := s.mon.Store().Get(id)
	past, _ := s.pastLines(id, s.now())
	s.out.say(append([]string{"The runs of " + orWord(c.Name, id) + ":"}, past...)...)
}

// runsWords is the strip's text alternative as one line: "Runs: 47 ok, 3
// failed (from the server); last ok 2 hours ago; median 9 seconds." A
// status the strip does not know is said as it came ("2
// completed_with_warnings"), never as "other".
func runsWords(runs []monitor.Run, observed bool, now time.Time) string {
	var words []string
	n := map[string]int{}
	var lastOK time.Time
	var ds []time.Duration
	anyOK := false
	for _, r := range runs {
		// Statuses are counted without regard to case, said as the
		// server first sent them.
		w := runOutcome(r)
		k := strings.ToLower(w)
		if n[k] == 0 {
			words = append(words, w)
		}
		n[k]++
		if w == "ok" {
			anyOK = true
			if lastOK.IsZero() {
				lastOK = r.End // zero when its end is not known
			}
		}
		if r.Finished() && !r.DurationUnknown {
			ds = append(ds, r.Duration)
		}
	}
	order := map[string]int{"ok": 0, "failed": 1, "running": 2}
	slices.SortStableFunc(words, func(a, b string) int { return rank(order, a) - rank(order, b) })
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = fmt.Sprintf("%d %s", n[strings.ToLower(w)], oneLine(w))
	}
	src := "(from the server)"
	if observed {
		src = "(observed here)"
	}
	line := "Runs: " + strings.Join(parts, ", ") + " " + src
	switch {
	case lastOK.IsZero() && anyOK:
		line += "; last ok at a time the server did not send"
	case lastOK.IsZero():
		line += "; none ok in the last " + count(len(runs), "run")
	default:
		line += "; last ok " + ago(now.Sub(lastOK))
	}
	if len(ds) > 0 {
		slices.Sort(ds)
		med := ds[len(ds)/2]
		if len(ds)%2 == 0 {
			med = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
		}
		line += "; median " + length(med)
	}
	return line + "."
}

func rank(order map[string]int, w string) int {
	if r, ok := order[w]; ok {
		return r
	}
	return len(order)
}

// runOutcome is how run r ended in a word, as the strip sorts them: ok,
// failed, running, or the status as the server sent it.
func runOutcome(r monitor.Run) string {
	switch s := strings.ToLower(r.Status); {
	case r.Failed():
		return "failed"
	case !r.Finished():
		return "running"
	case s == "completed" || s == "success" || s == "succeeded" || s == "ok" || (s == "" && r.Dated()):
		return "ok"
	case s == "":
		return "with no status"
	default:
		return r.Status // as the server sent it
	}
}

// lateWords tells a connector's rhythm: "Late: last sync 3 hours ago,
// usually every hour." or "On time: usually syncs every hour."; "" while
// its interval is not learnt.
func lateWords(cad monitor.Cadence, now time.Time) string {
	if cad.Usual <= 0 {
		return ""
	}
	every := strings.TrimPrefix(span(cad.Usual), "about ")
	switch every {
	case "1 hour":
		every = "hour"
	case "24 hours":
		every = "day"
	}
	if cad.State == monitor.OnTime {
		return "On time: usually syncs every " + every + "."
	}
	state := strings.ToUpper(cad.State.String()[:1]) + cad.State.String()[1:]
	return state + ": last sync " + ago(now.Sub(cad.Last)) + ", usually every " + every + "."
}

// length is a run's duration in words: "9 seconds", "about 4 minutes".
func length(d time.Duration) string {
	if d < time.Minute {
		return count(int(d/time.Second), "second")
	}
	return strings.TrimPrefix(span(d), "about ")
}
