// Package account opens a Pixee account — the same way for the dashboard's
// start, its account switcher, the script commands and the team server —
// so that a profile reached by the switcher is exactly the profile started
// with --profile (its per_page, refresh, timeout, read_only, and the debug
// log of this run).
//
// An account is what its requests go to: the profile when its base URL and
// key come from it, otherwise the base URL (a flag or variable overriding a
// profile's base URL or key makes another account, named by its host). Its
// history and events are kept under that identity, so a sync sent to one
// server is never filed under another's profile.
package account

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// Opener opens accounts for one run of the program.
type Opener struct {
	StateHome string // where each account's folder of state is made
	UserAgent string
	Getenv    func(string) string // nil: os.Getenv
	// Decorate wraps every account's client for the dashboard (the
	// --log debug log); nil: the client as it is.
	Decorate func(*api.Client) monitor.API
	// Transport, when set, is put under every account's client by its
	// identity (Identity's id): the metrics' request counter.
	Transport func(account string, next http.RoundTripper) http.RoundTripper
}

// Account is an opened account.
type Account struct {
	ID       string // what its history is filed under: the profile's id, or the base URL
	Name     string // the header's: the profile's name, or "" (then Host says it)
	Host     string // the host its requests go to
	Settings config.Settings
	Client   *api.Client
	// Session is what the dashboard runs on: the client (decorated), the
	// history (or why there is none), the events log and the settings.
	Session shared.Account
	// Warnings were said while opening it (a key file others can read, a
	// history that could not be opened): the caller shows them.
	Warnings []string
	close    func()
}

// Close releases what was opened for the account (a demo's folder).
func (a *Account) Close() {
	if a != nil && a.close != nil {
		a.close()
	}
}

// Title is the account as the header names it: "name · host", or the host.
func (a *Account) Title() string {
	if a.Name != "" {
		return a.Name + " · " + a.Host
	}
	return a.Host
}

// Identity is the account settings s reach: its id (the profile, else the
// base URL) and its host.
func Identity(s config.Settings) (id, host string) {
	host = s.BaseURL
	if u, err := url.Parse(s.BaseURL); err == nil && u.Host != "" {
		host = u.Host
	}
	if s.ProfileID != "" {
		return s.ProfileID, host
	}
	return strings.TrimRight(s.BaseURL, "/"), host
}

func (o Opener) getenv(k string) string {
	if o.Getenv != nil {
		return o.Getenv(k)
	}
	return os.Getenv(k)
}

// Open reads the key of s (a key command runs now), builds the client and
// opens the account's history and events. A history that cannot be opened
// is not fatal: reads work, and every write is refused, saying why.
func (o Opener) Open(ctx context.Context, s config.Settings) (*Account, error) {
	key, warns, err := s.Key.Read(ctx, o.getenv)
	if err != nil {
		return nil, err
	}
	a, err := o.OpenWithKey(s, key, "")
	if err != nil {
		return nil, err
	}
	a.Warnings = append(warns, a.Warnings...)
	a.Session.Warnings = a.Warnings
	return a, nil
}

// OpenWithKey is Open with the key given (the demo's); stateDir, when not
// "", is where its history and events live instead of the account's own
// folder.
func (o Opener) OpenWithKey(s config.Settings, key, stateDir string) (*Account, error) {
	opts := []api.Option{api.WithAPIKey(key), api.WithAuthHeader(s.AuthHeader), api.WithTimeout(s.Timeout)}
	id, host := Identity(s)
	if o.Transport != nil {
		opts = append(opts, api.WithHTTPClient(&http.Client{Transport: o.Transport(id, http.DefaultTransport)}))
	}
	if o.UserAgent != "" {
		opts = append(opts, api.WithUserAgent(o.UserAgent))
	}
	if s.ReadOnly {
		opts = append(opts, api.WithReadOnly())
	}
	c, err := api.New(s.BaseURL, opts...)
	if err != nil {
		return nil, err
	}
	a := &Account{ID: id, Name: s.Name, Host: host, Settings: s, Client: c}
	if a.Name == "" && s.ProfileID != "" {
		a.Name = s.ProfileID
	}
	dir := stateDir
	if dir == "" {
		dir = history.AccountDir(o.StateHome, s.ProfileID, s.BaseURL)
	}
	var calls monitor.API = c
	if o.Decorate != nil {
		calls = o.Decorate(c)
	}
	a.Session = shared.Account{API: calls, ReadOnly: s.ReadOnly, PerPage: s.PerPage, Refresh: s.Refresh}
	h, warns, herr := history.Open(dir, id, history.Limits{}, nil)
	a.Warnings = append(a.Warnings, warns...)
	if herr != nil {
		a.Session.HistoryErr = herr
		a.Warnings = append(a.Warnings, "no history, so no sync or test will be sent: "+herr.Error())
	} else {
		a.Session.History = h
	}
	ev, warns, eerr := history.OpenEvents(dir, history.Limits{}, nil)
	a.Warnings = append(a.Warnings, warns...)
	if eerr != nil {
		a.Warnings = append(a.Warnings, "events are not kept for the next start: "+eerr.Error())
	} else {
		a.Session.Events = ev
	}
	runs, warns, rerr := history.OpenRuns(dir, history.Limits{}, nil)
	a.Warnings = append(a.Warnings, warns...)
	if rerr != nil {
		a.Warnings = append(a.Warnings, "observed runs are not kept for the next start: "+rerr.Error())
	} else {
		a.Session.Runs = runs
	}
	a.Session.Warnings = a.Warnings
	return a, nil
}

// Demo opens the embedded sandbox at baseURL as an account whose history
// and events live in a temporary folder, removed by Close.
func (o Opener) Demo(s config.Settings, baseURL, key string) (*Account, error) {
	if t := o.Transport; t != nil { // its requests are counted under the id it is known by
		o.Transport = func(_ string, next http.RoundTripper) http.RoundTripper { return t("demo", next) }
	}
	tmp, err := os.MkdirTemp("", "pixee-tui-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo history: %w", err)
	}
	s.BaseURL, s.ProfileID, s.Name = baseURL, "", ""
	a, err := o.OpenWithKey(s, key, tmp)
	if err == nil && a.Session.History == nil {
		err = errors.New("demo history: " + a.Session.HistoryErr.Error())
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	a.ID, a.Name, a.Host = "demo", "", "sandbox "+strings.TrimPrefix(baseURL, "http://")
	a.close = func() { os.RemoveAll(tmp) }
	return a, nil
}

// Choice is an account of the switcher (or of the team server): opened the
// first time it is chosen.
type Choice struct {
	ID         string // what its history is filed under (Account.ID): notify routes and the metrics name it so
	Name, Host string
	Open       func() (shared.Account, error)
}

// Choices are the accounts the switcher (or the team server) offers:
// every profile of the file, and the start account first when it is none of
// them (an account of the environment or flags). current is the start's
// index. The start account opens with openStart (nil: o.Open(start)); each
// other profile with its own settings through o, exactly as --profile
// would open it.
func (o Opener) Choices(file *config.File, start config.Settings, openStart func() (shared.Account, error)) (choices []Choice, current int) {
	if openStart == nil {
		openStart = o.opener(start)
	}
	startID, startHost := Identity(start)
	if file == nil || len(file.Order) == 0 {
		return []Choice{{ID: startID, Name: start.Name, Host: startHost, Open: openStart}}, 0
	}
	current = -1
	if start.ProfileID == "" {
		choices = append(choices, Choice{ID: startID, Name: "(from the environment)", Host: startHost, Open: openStart})
		current = 0
	}
	for _, id := range file.Order {
		p := file.Profiles[id]
		ps := config.ProfileSettings(p)
		_, host := Identity(ps)
		name := p.Name
		if name == "" {
			name = id
		}
		open := o.opener(ps)
		if id == start.ProfileID {
			current, host, open = len(choices), startHost, openStart
		}
		choices = append(choices, Choice{ID: id, Name: name, Host: host, Open: open})
	}
	return choices, max(current, 0)
}

func (o Opener) opener(s config.Settings) func() (shared.Account, error) {
	return func() (shared.Account, error) {
		a, err := o.Open(context.Background(), s)
		if err != nil {
			return shared.Account{}, err
		}
		return a.Session, nil
	}
}
