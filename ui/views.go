package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// Saved views (views: in the config): a named filter and sort over a set
// of accounts, listed on the home screen after the accounts. Enter on a
// view of one account opens that account's list filtered and sorted; on
// a view of several (or of every account) the merged list over those
// accounts, filtered and sorted, over the home screen.

// View is a saved view.
type View struct {
	Name, Filter string
	Sort         string // "" (the server's order), name, status, last_sync or platform (config.ViewSorts)
	Accounts     []int  // in Options.Accounts; empty: every account
}

// viewSorts are the sorts a view names, by their config name.
var viewSorts = map[string]sortMode{"": sortServer, "name": sortName, "status": sortStatus, "last_sync": sortLastSync, "platform": sortPlatform}

// homeKey moves the home screen's cursor over the accounts, then the
// views; enter opens the account or the view under it.
func (m *Model) homeKey(h *homeScreen, msg tea.KeyMsg) tea.Cmd {
	n, k := len(m.opts.Accounts), m.keys
	last := n + len(m.opts.Views) - 1
	switch {
	case key.Matches(msg, k.Down) && h.cursor >= n-1 && last >= n:
		h.cursor = min(h.cursor+1, last)
	case key.Matches(msg, k.Up) && h.cursor >= n:
		h.cursor--
	case key.Matches(msg, k.Open) && h.cursor >= n && h.cursor <= last:
		v := m.opts.Views[h.cursor-n]
		if len(v.Accounts) != 1 {
			m.pushMerged(&mergedScreen{accts: v.Accounts, from: v.Name, query: v.Filter, sort: mergedViewSorts[v.Sort]})
			return nil
		}
		m.screens.pop()
		return m.openView(v)
	default:
		return m.pickAccount(&h.cursor, msg, k.AccountsHome)
	}
	return nil
}

// mergedViewSorts are the merged list's sorts a view names, by their
// config name.
var mergedViewSorts = map[string]mergedSort{"": mergedByAccount, "name": mergedByName, "status": mergedByStatus,
	"last_sync": mergedByLastSync, "platform": mergedByPlatform}

// openView shows a view of one account: that account, its list filtered
// and sorted as the view says (once the account is opened, when it is
// opened now).
func (m *Model) openView(v View) tea.Cmd {
	i := v.Accounts[0]
	if i == m.index {
		return m.applyView(v)
	}
	_, parked := m.accounts[i]
	cmd := m.switchTo(i)
	if m.index == i {
		return tea.Batch(cmd, m.applyView(v))
	}
	if !parked && cmd != nil {
		m.viewNext = &v // applied when the account has opened
	}
	return cmd
}

// applyView filters and sorts the list on screen as v says.
func (m *Model) applyView(v View) tea.Cmd {
	m.viewNext = nil
	m.fleet.setQuery(v.Filter)
	m.fleet.setSort(viewSorts[v.Sort])
	m.flashMsg("view “"+termtext.Sanitize(v.Name)+"”", false)
	return m.showFleet()
}

// viewLines are the home screen's rows of views, after the accounts'.
func (m *Model) viewLines(cursor int) []string {
	if len(m.opts.Views) == 0 {
		return nil
	}
	lines := []string{"", fmt.Sprintf("     %-22s %s", "VIEW", "FILTER · SORT · ACCOUNTS")} // under the accounts' names
	for j, v := range m.opts.Views {
		mark := "  "
		if cursor == len(m.opts.Accounts)+j {
			mark = "▶ "
		}
		var what []string
		if v.Filter != "" {
			what = append(what, "“"+termtext.Sanitize(v.Filter)+"”")
		}
		if s := viewSorts[v.Sort]; s != sortServer {
			what = append(what, "sort: "+s.String())
		}
		names := "every account"
		if len(v.Accounts) > 0 {
			var ns []string
			for _, i := range v.Accounts {
				ns = append(ns, termtext.Sanitize(m.opts.Accounts[i].Name))
			}
			names = strings.Join(ns, ", ")
		}
		what = append(what, names)
		lines = append(lines, fmt.Sprintf(" %s  %s %s", mark, termtext.PadRight(termtext.Truncate(termtext.Sanitize(v.Name), 22), 22), strings.Join(what, " · ")))
	}
	if len(m.opts.Views) > 0 {
		lines = append(lines, "", " "+keymap.Keys(m.keys.Open)+" on a view opens its account's list, or the merged list of its accounts, filtered and sorted")
	}
	return lines
}
