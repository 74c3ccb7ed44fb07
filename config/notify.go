package config

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"syscall"

	"go.yaml.in/yaml/v3"
)

// NotifyTarget is one of the team's own tools that hears the monitor's
// transitions (notify: in the file; package notify delivers).
type NotifyTarget struct {
	Name    string
	URL     string // http or https
	Format  string // json or slack
	Secret  SecretSource
	Headers [][2]string // name, value; in file order
	Route   NotifyRoute
	Pos     Pos
}

// NotifyRoute says which events reach a target. An empty list matches
// everything; Kinds empty means the transitions into a bad state and their
// recoveries.
type NotifyRoute struct {
	Accounts   []string // profile ids
	Platforms  []string // case ignored
	Connectors []string // glob patterns (path.Match) on the connector's name or id, case ignored
	Kinds      []string
}

// SecretSource is where a target's HMAC secret is read: a file or an
// environment variable, never the config file itself (it is shared,
// copied, committed). The zero value is no secret: nothing is signed.
type SecretSource struct {
	File, Env string
	Path      string // the config key that named it, for messages
	Pos       Pos
}

// Set says a secret is configured.
func (s SecretSource) Set() bool { return s.File != "" || s.Env != "" }

// NotifyFormats are the bodies a target may take.
var notifyFormats = []string{"json", "slack"}

// NotifyKinds are the event kinds a route may name (monitor's EventKinds;
// package notify checks the two lists agree).
var NotifyKinds = []string{"turned_error", "recovered", "error_changed", "error_cleared", "stuck", "turned_late", "late_recovered",
	"slow_run", "small_run", "paused", "resumed", "appeared", "disappeared",
	"sync_sent", "sync_drained", "sync_failed", "sync_lost", "key_refused", "key_accepted", "api_down", "api_up"}

// Bounds of notify:, so a mistaken file cannot start hundreds of workers.
const (
	MaxNotifyTargets = 20
	MaxNotifyHeaders = 20
	// MaxSecretFile bounds a secret file, as MaxKeyFile bounds a key file.
	MaxSecretFile = 4 << 10
)

var (
	targetName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
	headerName = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$")
)

// reservedHeaders are set by the delivery itself.
var reservedHeaders = []string{"Content-Type", "Content-Length", "Host", "X-Pm-Signature", "User-Agent"}

func (p *parser) notify(f *File, n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(p.pos(n), "notify", "want a list of targets ({name: …, url: …, format: json}), got %s", kind(n))
		return
	}
	if len(n.Content) > MaxNotifyTargets {
		p.errorf(p.pos(n), "notify", "%d targets: at most %d", len(n.Content), MaxNotifyTargets)
		return
	}
	for i, it := range n.Content {
		t := p.notifyTarget(fmt.Sprintf("notify[%d]", i), it)
		if t.Name == "" {
			continue
		}
		if slices.ContainsFunc(f.Notify, func(o NotifyTarget) bool { return strings.EqualFold(o.Name, t.Name) }) {
			p.errorf(t.Pos, "notify."+t.Name, "two targets are named %q: a name says which delivery log is whose", t.Name)
			continue
		}
		f.Notify = append(f.Notify, t)
	}
}

func (p *parser) notifyTarget(at string, n *yaml.Node) NotifyTarget {
	t := NotifyTarget{Pos: p.pos(n)}
	path := at
	var fields [][3]any // deferred until the name is known: messages say notify.<name>.<key>
	p.mapping(n, at, func(key string, k, v *yaml.Node) {
		if key == "name" {
			t.Name = p.str(v, at+".name")
			if t.Name != "" && !targetName.MatchString(t.Name) {
				p.errorf(p.pos(v), at+".name", "%q: a target name is letters, digits, '.', '_' or '-' (at most 64)", t.Name)
				t.Name = ""
			}
			return
		}
		fields = append(fields, [3]any{key, k, v})
	})
	if n.Kind != yaml.MappingNode {
		return NotifyTarget{}
	}
	if t.Name == "" {
		p.errorf(t.Pos, at, "a target needs a name (it names its delivery log and pixee-tui notify test NAME)")
	} else {
		path = "notify." + t.Name
	}
	for _, fl := range fields {
		p.notifyField(&t, path, fl[0].(string), fl[1].(*yaml.Node), fl[2].(*yaml.Node))
	}
	if t.URL == "" {
		p.errorf(t.Pos, path+".url", "missing: where to send (https://…)")
	}
	if t.Format == "" {
		t.Format = "json"
	}
	return t
}

func (p *parser) notifyField(t *NotifyTarget, path, key string, k, v *yaml.Node) {
	kp := join(path, key)
	switch key {
	case "url":
		t.URL = p.str(v, kp)
		if msg := checkNotifyURL(t.URL); t.URL != "" && msg != "" {
			p.errorf(p.pos(v), kp, "%s", msg)
		}
	case "format":
		t.Format = p.str(v, kp)
		if t.Format != "" && !slices.Contains(notifyFormats, t.Format) {
			p.errorf(p.pos(v), kp, "%q is not one of %s", t.Format, strings.Join(notifyFormats, ", "))
		}
	case "secret_file", "secret_env":
		if t.Secret.Set() {
			p.errorf(p.pos(k), kp, "a secret is already named: keep one of secret_file and secret_env")
			return
		}
		val := p.str(v, kp)
		t.Secret = SecretSource{Path: kp, Pos: p.pos(v)}
		if key == "secret_file" {
			t.Secret.File = val
		} else {
			t.Secret.Env = val
			if val != "" && !envName.MatchString(val) {
				p.errorf(p.pos(v), kp, "not the name of an environment variable (letters, digits and _)")
			}
		}
	case "secret":
		p.errorf(p.pos(k), kp, "a secret never sits in the config file: use secret_file (a file, chmod 600) or secret_env (a variable's name)")
	case "headers":
		p.notifyHeaders(t, kp, v)
	case "route":
		p.notifyRoute(&t.Route, kp, v)
	default:
		p.unknown(k, kp, "name", "url", "format", "secret_file", "secret_env", "headers", "route")
	}
}

// checkNotifyURL is "" for a URL a target may have: http or https, with
// a host, and no user:password in it (a header or a secret says who we are).
func checkNotifyURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "not a URL (like https://hooks.example/pixee)"
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("the URL's scheme is %q: want http or https", u.Scheme)
	case u.Host == "":
		return "the URL has no host (like https://hooks.example/pixee)"
	case u.User != nil:
		return "the URL holds a user name or password: put credentials in headers: or secret_file instead"
	}
	return ""
}

func (p *parser) notifyHeaders(t *NotifyTarget, path string, n *yaml.Node) {
	p.mapping(n, path, func(name string, k, v *yaml.Node) {
		kp := join(path, name)
		value := p.str(v, kp)
		switch {
		case !headerName.MatchString(name):
			p.errorf(p.pos(k), kp, "not a header name (letters, digits and -)")
		case slices.Contains(reservedHeaders, http.CanonicalHeaderKey(name)):
			p.errorf(p.pos(k), kp, "set by the delivery itself: it cannot be changed here")
		case strings.ContainsAny(value, "\r\n\x00"):
			p.errorf(p.pos(v), kp, "a header value is one line") // never the value: it may be a token
		case len(t.Headers) >= MaxNotifyHeaders:
			p.errorf(p.pos(k), kp, "more than %d headers", MaxNotifyHeaders)
		default:
			t.Headers = append(t.Headers, [2]string{http.CanonicalHeaderKey(name), value})
		}
	})
}

func (p *parser) notifyRoute(r *NotifyRoute, at string, n *yaml.Node) {
	p.mapping(n, at, func(key string, k, v *yaml.Node) {
		kp := join(at, key)
		var list []string
		switch v.Kind {
		case yaml.ScalarNode:
			list = []string{p.str(v, kp)}
		case yaml.SequenceNode:
			for _, it := range v.Content {
				list = append(list, p.str(it, kp))
			}
		default:
			p.errorf(p.pos(v), kp, "want a list, got %s", kind(v))
			return
		}
		for _, s := range list {
			if strings.TrimSpace(s) == "" {
				p.errorf(p.pos(v), kp, "an empty entry")
				return
			}
		}
		switch key {
		case "accounts":
			r.Accounts = list
		case "platforms":
			r.Platforms = list
		case "connectors":
			for _, pat := range list {
				if _, err := path.Match(pat, ""); err != nil {
					p.errorf(p.pos(v), kp, "%q is not a name pattern (like \"Shop*\" or \"*-eu\")", pat)
				}
			}
			r.Connectors = list
		case "kinds":
			for _, kd := range list {
				if !slices.Contains(NotifyKinds, kd) {
					p.errorf(p.pos(v), kp, "%q is not an event kind (known: %s)", kd, strings.Join(NotifyKinds, ", "))
				}
			}
			r.Kinds = list
		default:
			p.unknown(k, kp, "accounts", "platforms", "connectors", "kinds")
		}
	})
}

// checkNotifyAccounts says, once the whole file is read, a route naming an
// account that is no profile of the file ("demo" is the demo's).
func (p *parser) checkNotifyAccounts(f *File) {
	for _, t := range f.Notify {
		for _, a := range t.Route.Accounts {
			if _, ok := f.Profiles[a]; !ok && a != "demo" {
				have := "none"
				if len(f.Order) > 0 {
					have = strings.Join(f.Order, ", ")
				}
				p.errorf(t.Pos, "notify."+t.Name+".route.accounts", "no profile %q under profiles: (have %s)", a, have)
			}
		}
	}
}

// Read returns the secret. No message ever holds it; a file others can
// read is a warning, as for a key file.
func (s SecretSource) Read(getenv func(string) string) (secret string, warnings []string, err error) {
	where := s.Path
	if s.Pos.File != "" {
		where = fmt.Sprintf("%s:%d:%d: %s", s.Pos.File, s.Pos.Line, s.Pos.Col, s.Path)
	}
	switch {
	case s.Env != "":
		v := strings.TrimSpace(getenv(s.Env))
		if v == "" {
			return "", nil, fmt.Errorf("%s: the environment variable %s is empty or unset", where, s.Env)
		}
		return v, nil, nil
	case s.File != "":
		return readSecretFile(where, ExpandHome(s.File))
	}
	return "", nil, nil
}

func readSecretFile(where, file string) (string, []string, error) {
	f, err := os.OpenFile(file, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", nil, fmt.Errorf("%s: reading the secret file %s: %w", where, file, pathless(err))
	}
	defer f.Close()
	var warns []string
	if st, err := f.Stat(); err == nil {
		if !st.Mode().IsRegular() {
			return "", nil, fmt.Errorf("%s: the secret file %s is not a plain file", where, file)
		}
		if st.Mode().Perm()&0o077 != 0 {
			warns = append(warns, fmt.Sprintf("warning: %s: the secret file %s can be read by other users (mode %04o); fix it with: chmod 600 %s",
				where, file, st.Mode().Perm(), shellQuote(file)))
		}
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxSecretFile+1))
	if err != nil {
		return "", warns, fmt.Errorf("%s: reading the secret file %s: %w", where, file, pathless(err))
	}
	if len(b) > MaxSecretFile {
		return "", warns, fmt.Errorf("%s: the secret file %s is larger than %d KiB: is it the right file?", where, file, MaxSecretFile>>10)
	}
	secret := strings.TrimSpace(string(b))
	if secret == "" {
		return "", warns, errors.New(where + ": the secret file " + file + " is empty")
	}
	return secret, warns, nil
}

// NotifyTarget returns the target named name.
func (f *File) NotifyTarget(name string) (NotifyTarget, bool) {
	if f == nil {
		return NotifyTarget{}, false
	}
	for _, t := range f.Notify {
		if t.Name == name {
			return t, true
		}
	}
	return NotifyTarget{}, false
}
