package ui

import (
	"errors"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
)

// errText is a read's error as the panes show it. A rate limit's text names
// the wait as it was when the answer came ("retry in 52s"); shown as is, it
// would stand still while the wait runs out: say what is left of it now.
func (m *Model) errText(err error) string {
	var rl *api.RateLimitError
	if !errors.As(err, &rl) {
		return err.Error()
	}
	if wait := m.mon.HoldOff(); wait > 0 {
		return "rate limited by the API: retry in " + duration(wait)
	}
	return "rate limited by the API: retrying…"
}

// detailStale says the detail shown is not live: its own reads fail, or the
// API is down (reads of any target fail), since it arrived.
func (m *Model) detailStale() bool {
	if m.mon.Target(monitor.SelectedTarget).Err != nil {
		return true
	}
	n, _ := m.mon.Failing()
	return n >= monitor.OutageAfter
}
