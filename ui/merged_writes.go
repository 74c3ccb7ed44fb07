package ui

import "github.com/pixee/pixee-tui/monitor"

// Which rows of the merged list may be written from: s, S and t open the
// connector in its account, where that account's session takes the key;
// on a row of an account this session may not write (a team user who only
// watches it, a read-only profile) they are off, and say why, before
// anything is opened.

// mergedRowWritesOff is why s, S and t do nothing on the row under the
// cursor; "" when they may act.
func (m *Model) mergedRowWritesOff(ms *mergedScreen) string {
	acct, _, ok := ms.selected()
	if !ok {
		return ""
	}
	return m.mergedWritesOff(acct)
}

// mergedWritesOff is why no write may be sent on account acct from this
// session, naming the account: what its spec said (a team user's role on
// it), else what its monitor says once it is opened.
func (m *Model) mergedWritesOff(acct int) string {
	if acct < 0 || acct >= len(m.opts.Accounts) {
		return ""
	}
	why := m.opts.Accounts[acct].WritesOff
	if why == "" {
		var mon *monitor.Monitor
		switch a, parked := m.accounts[acct]; {
		case acct == m.index:
			mon = &m.mon
		case parked:
			mon = &a.mon
		}
		if mon != nil && mon.WritesOff() != "" {
			why = writesOffReason(mon.WritesOff(), m.opts.Who)
		}
	}
	if why == "" {
		return ""
	}
	return m.accountName(acct) + ": " + why
}
