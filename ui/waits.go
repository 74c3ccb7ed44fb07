package ui

import (
	"errors"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/widget"
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
		return "rate limited by the API: retry in " + widget.Duration(wait)
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

// lastTestText is the last connection test of connector id as the detail
// shows it: when, and what it answered (the time first, so a narrow pane
// cuts the message, not the time); "" when none was made in this run.
func (m *Model) lastTestText(id string) string {
	rec, ok := m.mon.LastTest(id)
	if !ok {
		return ""
	}
	at := rec.At.In(m.opts.Location).Format("15:04:05") + " · "
	switch {
	case errors.Is(rec.Err, api.ErrNotSupported):
		return "? " + at + "not supported by this server"
	case rec.Err != nil:
		return "✗ " + at + submitError(rec.Err).Error()
	case rec.Result.OK != nil && !*rec.Result.OK:
		return "✗ " + at + "failed: " + rec.Result.Message
	case rec.Result.Message == "":
		return "✓ " + at + "the server answered without a message"
	}
	return "✓ " + at + rec.Result.Message
}
