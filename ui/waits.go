package ui

import (
	"errors"

	"github.com/pixee/pixee-tui/api"
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
