package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/crypto/ssh"
)

// Serve is team mode's settings (pixee-tui serve): where the SSH server
// listens and who may connect, by public key.
type Serve struct {
	Listen       string        // host:port (default 127.0.0.1:2222: this machine only)
	IdleTimeout  time.Duration // a session idle this long is ended (default 30m)
	SyncsPerUser int           // POSTs (syncs, connection tests) one user may send per minute per account (default 6)
	// What one person, or the network, may take of the server (default
	// DefaultLimits): the team's read budget and the server's memory and
	// cores are shared, and a listed key is not a promise of good manners.
	ReadsPerUser    int           // reads one user's sessions may send to the API per minute per account
	SessionsPerUser int           // dashboards one user may have open at once
	MaxConnections  int           // SSH connections at once, logged in or not
	MaxStartups     int           // connections not yet logged in at once (sshd's MaxStartups)
	LoginGrace      time.Duration // a connection not logged in this long is closed (sshd's LoginGraceTime)
	Users           []ServeUser   // in file order, then those of an authorized_keys file
	Pos             Pos           // where serve: starts; zero when the file has none
	// Metrics is where /metrics is served (host:port); "" = not served.
	Metrics string
	// Accounts are the profiles served (sharding); none = every profile.
	Accounts    []string
	AccountsPos Pos
}

// Role is what a team mode user may do.
type Role string

const (
	RoleWatch   Role = "watch"   // look only
	RoleOperate Role = "operate" // also start syncs and connection tests
)

// MayWrite says whether the role may send anything that changes the
// account (a sync, a connection test).
func (r Role) MayWrite() bool { return r == RoleOperate }

var roles = []string{string(RoleWatch), string(RoleOperate)}

func (r Role) valid() bool { return slices.Contains(roles, string(r)) }

// ServeUser is one person who may connect to team mode, and the keys they
// connect with.
type ServeUser struct {
	Name string
	Role Role
	Keys []ssh.PublicKey
	// Theme is the user's background when their terminal does not say
	// (auto, dark, light or none; "" = the config's theme).
	Theme string
	// Accessible gives the user the line mode (package linemode) instead
	// of the dashboard, whatever the session asks.
	Accessible bool
	// Accounts are the profiles the user may see (serve.users.NAME.accounts);
	// none = every account the server serves. A session never sees, nor
	// hears of, another.
	Accounts []string
	// Roles overrides Role on the accounts it names
	// (serve.users.NAME.roles: {acme: operate, globex: watch}).
	Roles map[string]Role
	Pos   Pos // serve.users.<name>, or the line of an authorized_keys file

	refs []profileRef // the profiles accounts: and roles: name, checked by Parse
}

// profileRef is a profile named under a user, where it is named.
type profileRef struct {
	name, path string
	at         Pos
}

// MaySee says whether the user may see the account of profile id.
func (u ServeUser) MaySee(id string) bool {
	return len(u.Accounts) == 0 || slices.Contains(u.Accounts, id)
}

// RoleOn is the user's role on the account of profile id.
func (u ServeUser) RoleOn(id string) Role {
	if r, ok := u.Roles[id]; ok {
		return r
	}
	return u.Role
}

// Team mode's defaults, in force when the file says nothing.
const (
	DefaultListen       = "127.0.0.1:2222"
	DefaultIdleTimeout  = 30 * time.Minute
	DefaultSyncsPerUser = 6

	DefaultReadsPerUser    = 40
	DefaultSessionsPerUser = 4
	DefaultMaxConnections  = 64
	DefaultMaxStartups     = 10
	DefaultLoginGrace      = 30 * time.Second
)

// MaxAuthorizedKeys bounds a file of public keys: a key line is a few
// hundred bytes, and a wrong path (a log, /dev/zero) must not be read whole.
const MaxAuthorizedKeys = 1 << 20

// DefaultServe is team mode's settings without a serve: section (or
// without a config file), with no users.
func DefaultServe() Serve {
	return Serve{Listen: DefaultListen, IdleTimeout: DefaultIdleTimeout, SyncsPerUser: DefaultSyncsPerUser,
		ReadsPerUser: DefaultReadsPerUser, SessionsPerUser: DefaultSessionsPerUser,
		MaxConnections: DefaultMaxConnections, MaxStartups: DefaultMaxStartups, LoginGrace: DefaultLoginGrace}
}

// WithDefaults is s with every limit left at zero set to its default.
func (s Serve) WithDefaults() Serve {
	d := DefaultServe()
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&s.SyncsPerUser, d.SyncsPerUser)
	set(&s.ReadsPerUser, d.ReadsPerUser)
	set(&s.SessionsPerUser, d.SessionsPerUser)
	set(&s.MaxConnections, d.MaxConnections)
	set(&s.MaxStartups, d.MaxStartups)
	if s.LoginGrace <= 0 {
		s.LoginGrace = d.LoginGrace
	}
	return s
}

// Lookup returns the user who owns key k.
func (s Serve) Lookup(k ssh.PublicKey) (ServeUser, bool) {
	if k == nil {
		return ServeUser{}, false
	}
	for _, u := range s.Users {
		if slices.ContainsFunc(u.Keys, sameKey(k)) {
			return u, true
		}
	}
	return ServeUser{}, false
}

// WithAuthorizedKeys adds the users of an authorized_keys file (see
// ReadAuthorizedKeys) after the config's. The config wins: a key it already
// lists keeps its user and role, and the extra entry is dropped. A name
// already taken gets a suffix (alice-2, alice-3, …), so two people are never
// merged into one. s itself is not changed.
func (s Serve) WithAuthorizedKeys(extra []ServeUser) (Serve, error) {
	s.Users = slices.Clone(s.Users)
	for _, u := range extra {
		if !userName.MatchString(u.Name) {
			return Serve{}, fmt.Errorf("authorized key user %q: %s", u.Name, userNameRule)
		}
		if !u.Role.valid() {
			return Serve{}, fmt.Errorf("authorized key user %s: role %q is not %s", u.Name, u.Role, strings.Join(roles, " or "))
		}
		var keys []ssh.PublicKey
		for _, k := range u.Keys {
			if _, taken := s.Lookup(k); !taken && !slices.ContainsFunc(keys, sameKey(k)) {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			continue // every key already has its user
		}
		u.Keys = keys
		u.Name = uniqueName(u.Name, s.hasUser)
		s.Users = append(s.Users, u)
	}
	return s, nil
}

func (s Serve) hasUser(name string) bool {
	return slices.ContainsFunc(s.Users, func(u ServeUser) bool { return u.Name == name })
}

// ReadAuthorizedKeys reads an OpenSSH authorized_keys file (the one
// --authorized-keys names): one key a line, blank lines and # comments
// skipped. Each key is a user of role watch named by the line's comment
// (alice@laptop becomes alice-laptop), or key-<fingerprint> without one.
// Options before a key (restrict, from="…") are refused: team mode cannot
// enforce them and decides what a session may do by role alone. Names may repeat
// (two keys with one comment); WithAuthorizedKeys makes them unique.
func ReadAuthorizedKeys(path string) ([]ServeUser, error) {
	path = ExpandHome(path)
	data, err := readKeysFile(path, "the authorized keys file")
	if err != nil {
		return nil, err
	}
	lines, bad := parseAuthorizedKeys(data)
	if len(bad) > 0 {
		errs := make([]error, len(bad))
		for i, b := range bad {
			errs[i] = fmt.Errorf("%s:%d: %s", path, b.line, b.msg)
		}
		return nil, errors.Join(errs...)
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("no keys in %s", path)
	}
	users := make([]ServeUser, len(lines))
	for i, l := range lines {
		name := sanitizeName(l.comment)
		if name == "" {
			name = sanitizeName("key-" + strings.TrimPrefix(ssh.FingerprintSHA256(l.key), "SHA256:")[:8])
		}
		users[i] = ServeUser{Name: name, Role: RoleWatch, Keys: []ssh.PublicKey{l.key}, Pos: Pos{File: path, Line: l.line, Col: 1}}
	}
	return users, nil
}

var userName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

const userNameRule = "a user name is letters, digits, '.', '_' or '-' (1–64)"

// sanitizeName keeps the characters a user name may have, replaces the
// others with '-', and cuts it to 64.
func sanitizeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 128 && (r == '.' || r == '_' || r == '-' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return r
		}
		return '-'
	}, s)
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

// uniqueName is name, or name-2, name-3, … the first one not taken, still
// at most 64 characters.
func uniqueName(name string, taken func(string) bool) string {
	if !taken(name) {
		return name
	}
	for i := 2; ; i++ {
		suffix := "-" + strconv.Itoa(i)
		base := name
		if len(base)+len(suffix) > 64 {
			base = base[:64-len(suffix)]
		}
		if n := base + suffix; !taken(n) {
			return n
		}
	}
}

func sameKey(k ssh.PublicKey) func(ssh.PublicKey) bool {
	m := k.Marshal()
	return func(o ssh.PublicKey) bool { return bytes.Equal(m, o.Marshal()) }
}

// readKeysFile reads a file of public keys through MaxAuthorizedKeys.
func readKeysFile(path, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxAuthorizedKeys+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", what, path, err)
	}
	if len(b) > MaxAuthorizedKeys {
		return nil, fmt.Errorf("%s %s is larger than %d MiB: is it the right file?", what, path, MaxAuthorizedKeys>>20)
	}
	return b, nil
}

type keyLine struct {
	key     ssh.PublicKey
	comment string
	line    int
}

type lineError struct {
	line int
	msg  string
}

// optionsRefused is the message for a key line with options.
const optionsRefused = "options before the key (from=, restrict, command=…) are not enforced by team mode: remove them (roles decide what a session may do)"

// privateKeyHint is the whole message for a private key given where a
// public one belongs. The text itself is never quoted.
const privateKeyHint = "this is a private key, which never leaves its owner: give the public key (the .pub file, like ~/.ssh/id_ed25519.pub)"

// parseAuthorizedKeys parses authorized_keys text. No message quotes a
// line: a wrong file may hold anything, a secret included.
func parseAuthorizedKeys(data []byte) ([]keyLine, []lineError) {
	if i := bytes.Index(data, []byte("PRIVATE KEY")); i >= 0 {
		return nil, []lineError{{bytes.Count(data[:i], []byte("\n")) + 1, privateKeyHint}}
	}
	var keys []keyLine
	var bad []lineError
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		k, comment, options, _, err := ssh.ParseAuthorizedKey(line)
		switch {
		case err != nil:
			bad = append(bad, lineError{i + 1, "not an SSH public key"})
		case slices.ContainsFunc(options, func(o string) bool { return strings.EqualFold(o, "cert-authority") }):
			// A CA's key would become one user's key: not what was meant.
			bad = append(bad, lineError{i + 1, "a cert-authority key: team mode takes each person's own key"})
		case len(options) > 0:
			// from="…", command=… would be believed enforced: refused
			// rather than ignored.
			bad = append(bad, lineError{i + 1, optionsRefused})
		default:
			keys = append(keys, keyLine{k, comment, i + 1})
		}
	}
	return keys, bad
}

func (p *parser) serve(s *Serve, k, n *yaml.Node) {
	s.Pos = p.pos(k)
	p.mapping(n, "serve", func(key string, k, v *yaml.Node) {
		path := "serve." + key
		switch key {
		case "listen":
			l := p.str(v, path)
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				break // reported by str
			}
			if msg := checkListen(l); msg != "" {
				p.errorf(p.pos(v), path, "%s", msg)
				break
			}
			s.Listen = l
		case "idle_timeout":
			if d := p.duration(v, path, time.Minute, 24*time.Hour); d != 0 {
				s.IdleTimeout = d
			}
		case "syncs_per_user":
			if n := p.integer(v, path, 1, 100); n != 0 {
				s.SyncsPerUser = n
			}
		case "reads_per_user":
			if n := p.integer(v, path, 1, 1000); n != 0 {
				s.ReadsPerUser = n
			}
		case "sessions_per_user":
			if n := p.integer(v, path, 1, 100); n != 0 {
				s.SessionsPerUser = n
			}
		case "max_connections":
			if n := p.integer(v, path, 1, 10000); n != 0 {
				s.MaxConnections = n
			}
		case "max_startups":
			if n := p.integer(v, path, 1, 1000); n != 0 {
				s.MaxStartups = n
			}
		case "login_grace":
			if d := p.duration(v, path, time.Second, 10*time.Minute); d != 0 {
				s.LoginGrace = d
			}
		case "users":
			p.serveUsers(s, v)
		case "metrics":
			p.serveMetrics(s, v)
		case "accounts":
			p.serveAccounts(s, v)
		default:
			p.unknown(k, path, "listen", "idle_timeout", "syncs_per_user", "reads_per_user", "sessions_per_user",
				"max_connections", "max_startups", "login_grace", "users", "metrics", "accounts")
		}
	})
}

// checkListen says what is wrong with a listen address, or "".
func checkListen(l string) string {
	const like = "(like 127.0.0.1:2222, or :2222 for every interface)"
	_, port, err := net.SplitHostPort(l)
	if err != nil {
		return fmt.Sprintf("%q is not host:port %s", l, like)
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		return fmt.Sprintf("port %q is not a number %s", port, like)
	}
	if n < 1 || n > 65535 {
		return fmt.Sprintf("port %d is out of range (1–65535)", n)
	}
	return ""
}

func (p *parser) serveUsers(s *Serve, n *yaml.Node) {
	p.mapping(n, "serve.users", func(name string, k, v *yaml.Node) {
		path := "serve.users." + name
		if !userName.MatchString(name) {
			p.errorf(p.pos(k), path, "%s", userNameRule)
			return
		}
		u := p.serveUser(name, path, v)
		u.Pos = p.pos(k)
		var keys []ssh.PublicKey
		for _, key := range u.Keys {
			if other, ok := s.Lookup(key); ok {
				p.errorf(u.Pos, path, "has the same public key as serve.users.%s: a key belongs to one user", other.Name)
				continue
			}
			if !slices.ContainsFunc(keys, sameKey(key)) { // listed twice for one user: harmless
				keys = append(keys, key)
			}
		}
		u.Keys = keys
		s.Users = append(s.Users, u)
	})
}

func (p *parser) serveUser(name, path string, n *yaml.Node) ServeUser {
	u := ServeUser{Name: name}
	var forms []string
	roleSet := false
	p.mapping(n, path, func(key string, k, v *yaml.Node) {
		kp := join(path, key)
		switch key {
		case "public_key":
			forms = append(forms, key)
			u.Keys = append(u.Keys, p.publicKey(v, kp)...)
		case "public_key_file":
			forms = append(forms, key)
			u.Keys = append(u.Keys, p.publicKeyFile(v, kp)...)
		case "role":
			roleSet = true
			r := Role(p.str(v, kp))
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				break // reported by str
			}
			if !r.valid() {
				p.errorf(p.pos(v), kp, "%q is not %s", r, strings.Join(roles, " or "))
				break
			}
			u.Role = r
		case "theme":
			u.Theme = p.str(v, kp)
			if v.Kind == yaml.ScalarNode && v.Tag != "!!null" && !ValidTheme(u.Theme) {
				p.errorf(p.pos(v), kp, "%q is not one of %s", u.Theme, strings.Join(themes, ", "))
				u.Theme = ""
			}
		case "accessible":
			u.Accessible = p.boolean(v, kp)
		case "accounts":
			p.userAccounts(&u, v, kp)
		case "roles":
			p.userRoles(&u, v, kp)
		default:
			p.unknown(k, kp, "public_key", "public_key_file", "role", "roles", "accounts", "theme", "accessible")
		}
	})
	switch len(forms) {
	case 0:
		p.errorf(p.pos(n), path, "no key: give public_key (one authorized_keys line) or public_key_file")
	case 2:
		p.errorf(p.pos(n), path, "both public_key and public_key_file: keep one")
	}
	p.checkRoles(&u, n, path, roleSet)
	return u
}

// checkRoles checks that the user has a role on every account they may
// see, and that roles: names only those.
func (p *parser) checkRoles(u *ServeUser, n *yaml.Node, path string, roleSet bool) {
	for _, r := range u.refs {
		if r.path == path+".roles" && !u.MaySee(r.name) {
			p.errorf(r.at, r.path, "%q is not among %s.accounts: the user cannot see it, so it takes no role", r.name, path)
		}
	}
	if roleSet {
		return
	}
	covered := len(u.Accounts) > 0 && !slices.ContainsFunc(u.Accounts, func(a string) bool { _, ok := u.Roles[a]; return !ok })
	switch {
	case covered:
	case len(u.Roles) > 0:
		p.errorf(p.pos(n), path, "no role for the accounts roles: does not name: give role: watch or role: operate (it applies to every account roles: does not name)")
	default:
		p.errorf(p.pos(n), path, "no role: give role: watch (look only) or role: operate (also syncs and connection tests)")
	}
}

// userAccounts reads serve.users.NAME.accounts: the profiles the user may
// see; Parse checks each is a profile of the file.
func (p *parser) userAccounts(u *ServeUser, v *yaml.Node, path string) {
	if v.Kind != yaml.SequenceNode {
		p.errorf(p.pos(v), path, "want a list of profile names, like [acme, globex], got %s", kind(v))
		return
	}
	if len(v.Content) == 0 {
		p.errorf(p.pos(v), path, "is empty: list the profiles the user may see, or leave it out for all of them")
		return
	}
	for _, it := range v.Content {
		name := p.str(it, path)
		if name == "" {
			continue
		}
		if slices.Contains(u.Accounts, name) {
			p.errorf(p.pos(it), path, "%q is listed twice", name)
			continue
		}
		u.Accounts = append(u.Accounts, name)
		u.refs = append(u.refs, profileRef{name: name, path: path, at: p.pos(it)})
	}
}

// userRoles reads serve.users.NAME.roles: a role per profile.
func (p *parser) userRoles(u *ServeUser, v *yaml.Node, path string) {
	u.Roles = map[string]Role{}
	p.mapping(v, path, func(name string, k, v *yaml.Node) {
		kp := join(path, name)
		r := Role(p.str(v, kp))
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			return // reported by str
		}
		if !r.valid() {
			p.errorf(p.pos(v), kp, "%q is not %s", r, strings.Join(roles, " or "))
			return
		}
		u.Roles[name] = r
		u.refs = append(u.refs, profileRef{name: name, path: path, at: p.pos(k)})
	})
}

// checkUserAccounts reports the profiles users name that the file has not.
func (p *parser) checkUserAccounts(f *File) {
	for _, u := range f.Serve.Users {
		for _, r := range u.refs {
			if msg := f.UnknownAccounts([]string{r.name}); msg != "" {
				p.errorf(r.at, r.path, "%s", msg)
			}
		}
	}
}

// nonEmpty is the string at v, reporting a missing or blank one.
func (p *parser) nonEmpty(v *yaml.Node, path string) (string, bool) {
	s := p.str(v, path)
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return "", false // reported by str
	}
	if strings.TrimSpace(s) == "" {
		p.errorf(p.pos(v), path, "is empty")
		return "", false
	}
	return s, true
}

func (p *parser) publicKey(v *yaml.Node, path string) []ssh.PublicKey {
	s, ok := p.nonEmpty(v, path)
	if !ok {
		return nil
	}
	if strings.Contains(s, "PRIVATE KEY") {
		p.errorf(p.pos(v), path, "%s", privateKeyHint)
		return nil
	}
	keys, bad := parseAuthorizedKeys([]byte(s))
	switch {
	case len(bad) > 0:
		p.errorf(p.pos(v), path, "%s (want one authorized_keys line, like ssh-ed25519 AAAA… alice@laptop)", bad[0].msg)
		return nil
	case len(keys) != 1:
		p.errorf(p.pos(v), path, "more than one key: public_key takes one, a public_key_file several")
		return nil
	}
	return []ssh.PublicKey{keys[0].key}
}

func (p *parser) publicKeyFile(v *yaml.Node, path string) []ssh.PublicKey {
	name, ok := p.nonEmpty(v, path)
	if !ok {
		return nil
	}
	file := ExpandHome(name)
	if !filepath.IsAbs(file) {
		file = filepath.Join(filepath.Dir(p.file), file) // beside the config file, wherever it is run from
	}
	data, err := readKeysFile(file, "the public key file")
	if err != nil {
		p.errorf(p.pos(v), path, "%v", err)
		return nil
	}
	lines, bad := parseAuthorizedKeys(data)
	for _, b := range bad {
		msg := b.msg
		if msg == privateKeyHint && !strings.HasSuffix(file, ".pub") {
			msg = fmt.Sprintf("this is a private key, which never leaves its owner: give the public key (%s.pub)", file)
		}
		p.errorf(p.pos(v), path, "%s:%d: %s", file, b.line, msg)
	}
	if len(bad) > 0 {
		return nil
	}
	if len(lines) == 0 {
		p.errorf(p.pos(v), path, "no keys in %s", file)
		return nil
	}
	keys := make([]ssh.PublicKey, len(lines))
	for i, l := range lines {
		keys[i] = l.key
	}
	return keys
}
