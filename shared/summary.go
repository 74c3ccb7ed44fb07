package shared

import (
	"errors"
	"strings"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
)

// Summary is an account's state in one row: what a home screen of
// accounts shows of each. A value, safe to hand to any goroutine.
type Summary struct {
	Counts monitor.StatusCounts // the connectors known by status
	// TopCause is the most frequent cause of the errors whose last_error
	// is known (monitor.GroupByCause), shared by TopCauseCount connectors.
	TopCause      string
	TopCauseCount int
	Budget        api.RateLimit // the last reading while it holds; Known false: none
	Index         monitor.IndexState
	Reach         Reach
	Why           string // what the server said, for a Reach other than Reachable
}

// Reach is whether an account answers, said plainly.
type Reach int

const (
	Connecting  Reach = iota // nothing answered yet
	Reachable                // the last reads answered
	KeyRefused               // the API refused the key (401): polling waits for a person
	Down                     // reads in a row got no answer (monitor.OutageAfter), or the first one
	RateLimited              // reads wait for the budget's window
)

func (r Reach) String() string {
	switch r {
	case Reachable:
		return "reachable"
	case KeyRefused:
		return "key refused"
	case Down:
		return "down"
	case RateLimited:
		return "rate limited"
	}
	return "connecting"
}

// Summarize is m's account in one row.
func Summarize(m *monitor.Monitor) Summary {
	s := Summary{Counts: m.Counts(), Index: m.Index()}
	s.Budget, _ = m.Budget()
	known, _ := m.Failures()
	if g := monitor.GroupByCause(known); len(g) > 0 {
		s.TopCause, s.TopCauseCount = g[0].Cause, len(g[0].Connectors)
	}
	failing, ferr := m.Failing()
	page := m.Target(monitor.PageTarget)
	var rl *api.RateLimitError
	switch {
	case m.AuthErr() != nil:
		s.Reach, s.Why = KeyRefused, m.AuthErr().Error()
	case m.HoldOff() > 0 && strings.Contains(m.HoldReason(), "unavailable"):
		s.Reach, s.Why = Down, m.HoldReason() // a 503 that named its wait
	case m.HoldOff() > 0:
		s.Reach, s.Why = RateLimited, m.HoldReason()
	case page.Failures >= monitor.OutageAfter && errors.As(page.Err, &rl):
		s.Reach, s.Why = RateLimited, page.Err.Error()
	case page.Failures >= monitor.OutageAfter:
		s.Reach, s.Why = Down, errText(page.Err)
	case failing >= monitor.OutageAfter:
		s.Reach, s.Why = Down, errText(ferr)
	case !page.LastOK.IsZero():
		s.Reach = Reachable
	case page.Err != nil: // it never answered: no retry is needed to say so
		s.Reach, s.Why = Down, page.Err.Error()
	}
	return s
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
