package ui

import (
	"cmp"
	"context"
	"io"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/shared"
)

// Start is how a dashboard starts, on a terminal of this process or in a
// team server's session: the account it opens on, and the settings of the
// start (config file, flags, the session's user and terminal). Its Options
// are the one place a dashboard's options are built.
type Start struct {
	Context    context.Context
	Account    shared.Account // the start account, opened
	Name, Host string         // the start account's, for the header

	// Accounts are the switcher's (empty: none); the start account is
	// Accounts[Current].
	Accounts []shared.AccountSpec
	Current  int
	Home     Watcher // every account watched (package accounts); nil: the one on screen only
	Views    []View  // saved views, on the home screen

	Demo     bool
	User     string // who acts, for the history
	Who      string // team mode: the SSH user and role, for the header
	NoExport bool   // team mode: files would be written on the server
	Alerts   AlertOptions
	Keys     *keymap.KeyMap

	Terminal io.Writer          // bell, notifications, copies
	InTmux   bool               // wrap OSC 52 for tmux
	Renderer *lipgloss.Renderer // a session's terminal (team mode); nil: this process's
	Plain    bool               // no colour (NO_COLOR, theme none)

	// The start's settings: the account's own PerPage and Refresh (its
	// profile's) come first.
	PerPage                           int
	Refresh, IdleRefresh, ListRefresh time.Duration
}

// Options are the dashboard's options for s.
func (s Start) Options() Options {
	a := s.Account
	host := s.Host
	if s.Name != "" {
		host = s.Name + " · " + s.Host
	}
	return Options{
		Context: s.Context, Host: host, Demo: s.Demo,
		API: a.API, History: a.History, HistoryErr: a.HistoryErr, Events: a.Events, Runs: a.Runs, Hub: a.Hub, Notify: a.Notify, Fleet: a.Fleet,
		ReadOnly: a.ReadOnly,
		User:     s.User, Who: s.Who, NoExport: s.NoExport, Alerts: s.Alerts, Keys: s.Keys,
		Accounts: s.Accounts, Current: s.Current, Home: s.Home, Views: s.Views,
		Terminal: s.Terminal, InTmux: s.InTmux, Renderer: s.Renderer,
		Plain:   s.Plain || (s.Renderer != nil && s.Renderer.ColorProfile() == termenv.Ascii),
		PerPage: cmp.Or(a.PerPage, s.PerPage), Refresh: cmp.Or(a.Refresh, s.Refresh),
		IdleRefresh: s.IdleRefresh, ListRefresh: s.ListRefresh,
	}
}
