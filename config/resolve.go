package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pixee/pixee-tui/api"
)

// Defaults of a start without flags, environment or profile.
const (
	DefaultPerPage = 50
	DefaultRefresh = 2 * time.Second
)

// Flags are the command-line values that were set (nil: not given).
type Flags struct {
	BaseURL    *string
	KeyFile    *string
	AuthHeader *string
	PerPage    *int
	Refresh    *time.Duration
	Timeout    *time.Duration
	ReadOnly   bool // --read-only can only turn read-only on
}

// Settings are what one account's dashboard runs with.
type Settings struct {
	// ProfileID is the account's profile: "" when started without one, or
	// when a flag or the environment gave another base URL or key than
	// the profile's (the requests then go to another account, named by
	// its host, with a history of its own).
	ProfileID  string
	Name       string // for the header; "" without a profile
	Overrides  string // the profile whose other settings apply when ProfileID is ""
	BaseURL    string
	Key        KeySource
	AuthHeader api.AuthHeader
	ReadOnly   bool
	PerPage    int
	Refresh    time.Duration
	Timeout    time.Duration
}

// Resolve applies flag > environment > profile > default for the profile
// named profileID ("" = the file's default). Flags and environment apply
// to that profile only: another profile switched to later runs with its
// own settings, so one account's key can never reach another's server.
func Resolve(f *File, profileID string, flags Flags, getenv func(string) string) (Settings, error) {
	p, _, err := f.Profile(profileID)
	if err != nil {
		return Settings{}, err
	}
	s := ProfileSettings(p)
	fromProfile := s
	pick := func(flag *string, env string, cur string) string {
		if flag != nil && *flag != "" {
			return *flag
		}
		if v := getenv(env); v != "" {
			return v
		}
		return cur
	}
	s.BaseURL = pick(flags.BaseURL, "PIXEE_BASE_URL", s.BaseURL)
	ah := pick(flags.AuthHeader, "PIXEE_AUTH_HEADER", s.AuthHeader.String())
	if s.AuthHeader, err = api.ParseAuthHeader(ah); err != nil {
		return Settings{}, err
	}
	switch {
	case flags.KeyFile != nil && *flags.KeyFile != "":
		s.Key = KeySource{Kind: KeyFile, Value: *flags.KeyFile, Path: "--api-key-file"}
	case getenv("PIXEE_API_KEY_FILE") != "":
		s.Key = KeySource{Kind: KeyFile, Value: getenv("PIXEE_API_KEY_FILE"), Path: "PIXEE_API_KEY_FILE"}
	case strings.TrimSpace(getenv("PIXEE_API_KEY")) != "":
		s.Key = KeySource{Kind: KeyEnv, Value: "PIXEE_API_KEY", Path: "PIXEE_API_KEY"}
	}
	if flags.PerPage != nil {
		s.PerPage = *flags.PerPage
	}
	if flags.Refresh != nil {
		s.Refresh = *flags.Refresh
	}
	if flags.Timeout != nil {
		s.Timeout = *flags.Timeout
	}
	s.ReadOnly = s.ReadOnly || flags.ReadOnly
	if p.ID != "" && (s.BaseURL != fromProfile.BaseURL || s.Key != fromProfile.Key) {
		s.ProfileID, s.Name, s.Overrides = "", "", p.ID
	}
	if s.Key.Kind == KeyNone {
		if p.ID == "" && f != nil && len(f.Order) > 1 {
			return Settings{}, &NoProfileChosen{Path: f.Path, Profiles: f.Order}
		}
		if p.ID != "" {
			return Settings{}, fmt.Errorf("profile %s has no API key: set api_key_file, api_key_env or api_key_command in %s", p.ID, f.Path)
		}
		return Settings{}, errors.New("no API key: set PIXEE_API_KEY or pass --api-key-file FILE " +
			"(keys look like pm_live_… or pm_test_…), add a profile (pixee-tui config init), or try the sandbox with --demo")
	}
	return s, nil
}

// NoProfileChosen is Resolve's answer when the file has several profiles,
// none of them default_profile, and neither a flag nor the environment
// named one or gave a key: a command cannot guess which account it acts
// on, while the dashboard opens the home screen of every account.
type NoProfileChosen struct {
	Path     string
	Profiles []string // in the file's order
}

func (e *NoProfileChosen) Error() string {
	return fmt.Sprintf("%s has profiles %s and no default_profile: pass --profile NAME (or PIXEE_PROFILE=NAME), or set default_profile in it",
		e.Path, strings.Join(e.Profiles, ", "))
}

// ProfileSettings are a profile's settings with the defaults filled in,
// without flags or environment: what a profile switched to runs with.
func ProfileSettings(p Profile) Settings {
	s := Settings{ProfileID: p.ID, Name: p.Name, BaseURL: p.BaseURL, Key: p.Key, ReadOnly: p.ReadOnly,
		PerPage: p.PerPage, Refresh: p.Refresh, Timeout: p.Timeout}
	s.AuthHeader, _ = api.ParseAuthHeader(p.AuthHeader) // checked when parsed
	if s.BaseURL == "" {
		s.BaseURL = api.DefaultBaseURL
	}
	if s.PerPage == 0 {
		s.PerPage = DefaultPerPage
	}
	if s.Refresh == 0 {
		s.Refresh = DefaultRefresh
	}
	if s.Timeout == 0 {
		s.Timeout = api.DefaultTimeout
	}
	return s
}

// Example is what config init writes: every key, commented.
const Example = `# pixee-tui configuration (pixee-tui config check validates it).
# Precedence: command-line flag > environment variable > profile > default.

# The profile used when --profile / PIXEE_PROFILE name none. Without it, a
# file of several profiles opens the dashboard on the home screen of every
# account (a script command then asks for --profile).
default_profile: acme

profiles:
  acme:
    name: ACME Retail                     # shown in the header
    base_url: https://api.pixeepim.com/api/v1
    # The key never sits in this file. One of:
    api_key_file: ~/.config/pixee-tui/acme.key   # chmod 600 it
    # api_key_env: ACME_PIXEE_KEY
    # api_key_command: pass show pixee/acme      # stdout, trimmed; run once per start
    auth_header: auto                     # auto | x-api-key | bearer
    read_only: false                      # true: no sync or test can be sent
    per_page: 50                          # 1–500 (servers of today serve at most 100)
    refresh: 2s                           # detail refresh while a sync runs (500ms–1m)
    timeout: 10s                          # deadline of each request (1s–2m)

# Saved views, on the home screen (W) after the accounts: enter on one of
# one account opens its list filtered and sorted, of several (or every
# account) the merged list of those accounts.
# views:
#   - name: shopify errors
#     filter: shopify error               # the / filter's text
#     sort: last_sync                     # name | status | last_sync | platform
#     accounts: [acme, globex]            # profiles; default every one

# Remap actions by their names (pixee-tui config keys lists them); ctrl+c always quits.
# keys:
#   sync_eans: [s]
#   next_page: ["]", l, right]

theme: auto                               # auto | dark | light | none (none = NO_COLOR)
# accessible: true                        # lines for screen readers and braille, no drawing

# Notifications: transitions (and recoveries) to the team's own tools; used by
# serve, and by the dashboard. pixee-tui notify test ops tries one.
# notify:
#   - name: ops
#     url: https://hooks.example/pixee    # http or https
#     format: json                        # json (Alertmanager-like) | slack (incoming webhook)
#     secret_env: OPS_HOOK_SECRET         # or secret_file: signs X-PM-Signature: sha256=<hex>
#     route: {platforms: [shopify], kinds: [turned_error, recovered]}   # optional

# Prometheus metrics (serve --metrics, pixee-tui metrics): series for every
# connector, or only for those not active.
# metrics:
#   connectors: all                       # all | not_active

# Team mode (pixee-tui serve): the dashboard over SSH, for everyone named here.
# serve:
#   listen: 127.0.0.1:2222                # host:port; :2222 listens on every interface
#   idle_timeout: 30m                     # a session idle this long is ended (1m–24h)
#   syncs_per_user: 6                     # syncs and connection tests one user may send
#                                         # per minute per account (1–100)
#   metrics: 127.0.0.1:9464               # also serve Prometheus metrics at /metrics
#   # accounts: [acme, globex]            # sharding: serve only these profiles (default: all)
#   users:                                # role: watch (look only) | operate (also syncs and tests)
#     alice: {public_key: "ssh-ed25519 AAAA… alice@laptop", role: operate}
#     bob:   {public_key_file: ~/.ssh/bob.pub, role: watch}   # one or more keys; a relative
#                                                             # path is beside this file
#                                         # a user's theme: dark | light | none is their colours
#                                         # when their terminal does not say its background;
#                                         # accessible: true gives a user the line mode
#                                         # accounts: [acme] shows a user those profiles only
#                                         # (default all); roles: {acme: operate} overrides
#                                         # role: on the accounts it names

`

// WriteExample writes Example to path, creating its folder; it never
// overwrites a file that exists.
func WriteExample(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists already: not overwritten", path)
		}
		return err
	}
	if _, err := f.WriteString(Example); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
