package config

import (
	"bytes"
	"crypto/ed25519"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// testKey is a fixed ed25519 key made from seed, and its authorized_keys
// line with comment (none when "").
func testKey(t testing.TB, seed byte, comment string) (ssh.PublicKey, string) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	k, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
	if comment != "" {
		line += " " + comment
	}
	return k, line
}

// testPrivateKey is a private key in OpenSSH's PEM form, what a person
// pastes by mistake.
func testPrivateKey(t testing.TB, seed byte) string {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	b, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(b))
}

func writeFile(t testing.TB, path, body string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func keyNames(t testing.TB, s Serve, keys ...ssh.PublicKey) []string {
	t.Helper()
	var names []string
	for _, k := range keys {
		u, ok := s.Lookup(k)
		if !ok {
			t.Errorf("key %s has no user", ssh.FingerprintSHA256(k))
		}
		names = append(names, u.Name+":"+string(u.Role))
	}
	return names
}

func userNames(us []ServeUser) string {
	var names []string
	for _, u := range us {
		names = append(names, u.Name)
	}
	return strings.Join(names, " ")
}

// Both ways of giving a key work; a relative key file is beside the config
// file, ~/ is the home directory; comments and blank lines in a key file
// are skipped.
func TestServeGood(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	a, lineA := testKey(t, 1, "alice@laptop")
	b1, lineB1 := testKey(t, 2, "bob@work")
	b2, lineB2 := testKey(t, 3, "")
	c, lineC := testKey(t, 4, "carol")
	other, _ := testKey(t, 9, "")
	writeFile(t, filepath.Join(dir, "bob.pub"), "# bob's keys\n\n"+lineB1+"\r\n"+lineB2+"\n")
	writeFile(t, filepath.Join(dir, "carol.pub"), lineC)
	body := `serve:
  listen: 0.0.0.0:2200
  idle_timeout: 1h
  syncs_per_user: 10
  users:
    alice: {public_key: "` + lineA + `", role: operate}
    bob:
      public_key_file: bob.pub
      role: watch
    carol.w_x-1: {public_key_file: ~/carol.pub, role: watch, theme: light}
  reads_per_user: 20
  sessions_per_user: 2
  max_connections: 30
  max_startups: 5
  login_grace: 10s
`
	name := filepath.Join(dir, "config.yaml")
	f, err := Parse(name, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	s := f.Serve
	if s.Listen != "0.0.0.0:2200" || s.IdleTimeout != time.Hour || s.SyncsPerUser != 10 || s.Pos != (Pos{File: name, Line: 1, Col: 1}) {
		t.Errorf("serve = %+v", s)
	}
	if s.ReadsPerUser != 20 || s.SessionsPerUser != 2 || s.MaxConnections != 30 || s.MaxStartups != 5 || s.LoginGrace != 10*time.Second {
		t.Errorf("limits = %+v", s)
	}
	if got := userNames(s.Users); got != "alice bob carol.w_x-1" {
		t.Errorf("users %s, want them in file order", got)
	}
	if got := s.Users[0].Pos; got != (Pos{File: name, Line: 6, Col: 5}) {
		t.Errorf("alice at %+v", got)
	}
	if got := len(s.Users[1].Keys); got != 2 {
		t.Errorf("bob has %d keys, want 2", got)
	}
	if s.Users[2].Theme != "light" || s.Users[0].Theme != "" {
		t.Errorf("themes %q and %q, want light for carol and none said for alice", s.Users[2].Theme, s.Users[0].Theme)
	}
	want := []string{"alice:operate", "bob:watch", "bob:watch", "carol.w_x-1:watch"}
	if got := keyNames(t, s, a, b1, b2, c); !slices.Equal(got, want) {
		t.Errorf("owners %q, want %q", got, want)
	}
	if _, ok := s.Lookup(other); ok {
		t.Error("a key nobody listed has a user")
	}
	if _, ok := s.Lookup(nil); ok {
		t.Error("no key has a user")
	}
	if !RoleOperate.MayWrite() || RoleWatch.MayWrite() || Role("").MayWrite() {
		t.Error("only operate may write")
	}

	// Only some settings: the others keep their defaults.
	f, err = Parse("c.yaml", []byte("serve:\n  idle_timeout: 5m\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s := f.Serve; s.Listen != DefaultListen || s.IdleTimeout != 5*time.Minute || s.SyncsPerUser != DefaultSyncsPerUser || len(s.Users) != 0 {
		t.Errorf("partial serve = %+v", s)
	}
}

// Without a serve: section (or with an empty one, or no file content at
// all) File.Serve holds the defaults: listening on this machine only.
func TestServeDefaults(t *testing.T) {
	want := Serve{Listen: "127.0.0.1:2222", IdleTimeout: 30 * time.Minute, SyncsPerUser: 6}
	for _, body := range []string{"theme: dark\n", "", "# nothing\n", "serve:\n"} {
		f, err := Parse("c.yaml", []byte(body))
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		s := f.Serve
		s.Pos = Pos{}
		if s.Listen != want.Listen || s.IdleTimeout != want.IdleTimeout || s.SyncsPerUser != want.SyncsPerUser || s.Users != nil {
			t.Errorf("%q: serve = %+v, want %+v", body, f.Serve, want)
		}
	}
	if d := DefaultServe(); d.Listen != want.Listen || d.IdleTimeout != want.IdleTimeout || d.SyncsPerUser != want.SyncsPerUser {
		t.Errorf("DefaultServe() = %+v", d)
	}
}

// Every problem names file, line, column, the key at fault and what to do;
// no message quotes a private key.
func TestServeBad(t *testing.T) {
	dir := t.TempDir()
	_, lineA := testKey(t, 1, "alice@laptop")
	_, lineB := testKey(t, 2, "bob")
	private := testPrivateKey(t, 7)
	writeFile(t, filepath.Join(dir, "b.pub"), lineB+"\n")
	writeFile(t, filepath.Join(dir, "bob.pub"), "# bob\n"+lineB+"\nnot a key\n")
	writeFile(t, filepath.Join(dir, "ab.pub"), lineB+"\n"+strings.TrimSuffix(lineA, "alice@laptop")+"alice's other copy\n")
	writeFile(t, filepath.Join(dir, "empty.pub"), "# none yet\n\n")
	writeFile(t, filepath.Join(dir, "id_ed25519"), private)
	indented := "        " + strings.ReplaceAll(strings.TrimSpace(private), "\n", "\n        ")
	r := strings.NewReplacer("KEYA", lineA, "KEYB", lineB, "DIR", dir)

	tests := []struct {
		name, body, want string
	}{
		{"serve not a mapping", "serve: yes\n",
			`config.yaml:1:8: serve: want a mapping of keys, got "yes"`},
		{"listen without a port", "serve:\n  listen: localhost\n",
			`config.yaml:2:11: serve.listen: "localhost" is not host:port (like 127.0.0.1:2222, or :2222 for every interface)`},
		{"listen port out of range", "serve:\n  listen: ':70000'\n",
			`config.yaml:2:11: serve.listen: port 70000 is out of range (1–65535)`},
		{"listen port zero", "serve:\n  listen: 127.0.0.1:0\n",
			`config.yaml:2:11: serve.listen: port 0 is out of range (1–65535)`},
		{"listen port a name", "serve:\n  listen: 127.0.0.1:ssh\n",
			`config.yaml:2:11: serve.listen: port "ssh" is not a number (like 127.0.0.1:2222, or :2222 for every interface)`},
		{"listen not a string", "serve:\n  listen: [a]\n",
			`config.yaml:2:11: serve.listen: want a string, got a list`},
		{"idle timeout too short", "serve:\n  idle_timeout: 30s\n",
			`config.yaml:2:17: serve.idle_timeout: 30s is out of range (1m0s–24h0m0s)`},
		{"idle timeout too long", "serve:\n  idle_timeout: 25h\n",
			`config.yaml:2:17: serve.idle_timeout: 25h0m0s is out of range (1m0s–24h0m0s)`},
		{"idle timeout not a duration", "serve:\n  idle_timeout: forever\n",
			`config.yaml:2:17: serve.idle_timeout: "forever" is not a duration (like 2s, 500ms, 1m)`},
		{"login grace too short", "serve:\n  login_grace: 10ms\n",
			`config.yaml:2:16: serve.login_grace: 10ms is out of range (1s–10m0s)`},
		{"syncs per user zero", "serve:\n  syncs_per_user: 0\n",
			`config.yaml:2:19: serve.syncs_per_user: 0 is out of range (1–100)`},
		{"syncs per user too many", "serve:\n  syncs_per_user: 101\n",
			`config.yaml:2:19: serve.syncs_per_user: 101 is out of range (1–100)`},
		{"unknown key under serve", "serve:\n  listn: x\n",
			`config.yaml:2:3: serve.listn: unknown key (known here: listen, idle_timeout, syncs_per_user, reads_per_user, sessions_per_user, max_connections, max_startups, login_grace, users, metrics, accounts)`},
		{"users not a mapping", "serve:\n  users: [alice]\n",
			`config.yaml:2:10: serve.users: want a mapping of keys, got a list`},
		{"unknown key under a user", "serve:\n  users:\n    alice: {rol: operate, public_key: \"KEYA\", role: watch}\n",
			`config.yaml:3:13: serve.users.alice.rol: unknown key (known here: public_key, public_key_file, role, roles, accounts, theme, accessible)`},
		{"user twice", "serve:\n  users:\n    alice: {role: watch, public_key: \"KEYA\"}\n    alice: {role: watch, public_key: \"KEYB\"}\n",
			`config.yaml:4:5: serve.users.alice: set twice`},
		{"missing role", "serve:\n  users:\n    alice: {public_key: \"KEYA\"}\n",
			`config.yaml:3:12: serve.users.alice: no role: give role: watch (look only) or role: operate (also syncs and connection tests)`},
		{"bad user theme", "serve:\n  users:\n    alice: {role: watch, public_key: \"KEYA\", theme: pink}\n",
			`config.yaml:3:142: serve.users.alice.theme: "pink" is not one of auto, dark, light, none`},
		{"bad role", "serve:\n  users:\n    alice: {role: admin, public_key: \"KEYA\"}\n",
			`config.yaml:3:19: serve.users.alice.role: "admin" is not watch or operate`},
		{"both key forms", "serve:\n  users:\n    alice: {role: watch, public_key: \"KEYA\", public_key_file: DIR/b.pub}\n",
			`config.yaml:3:12: serve.users.alice: both public_key and public_key_file: keep one`},
		{"neither key form", "serve:\n  users:\n    alice: {role: watch}\n",
			`config.yaml:3:12: serve.users.alice: no key: give public_key (one authorized_keys line) or public_key_file`},
		{"empty public key", "serve:\n  users:\n    alice: {role: watch, public_key: \"\"}\n",
			`config.yaml:3:38: serve.users.alice.public_key: is empty`},
		{"unparsable key", "serve:\n  users:\n    alice: {role: watch, public_key: \"ssh-ed25519 AAAAnotbase64 x\"}\n",
			`config.yaml:3:38: serve.users.alice.public_key: not an SSH public key (want one authorized_keys line, like ssh-ed25519 AAAA… alice@laptop)`},
		{"two keys in public_key", "serve:\n  users:\n    alice:\n      role: watch\n      public_key: |\n        KEYA\n        KEYB\n",
			`config.yaml:5:19: serve.users.alice.public_key: more than one key: public_key takes one, a public_key_file several`},
		{"private key pasted", "serve:\n  users:\n    alice:\n      role: operate\n      public_key: |\n" + indented + "\n",
			`config.yaml:5:19: serve.users.alice.public_key: this is a private key, which never leaves its owner: give the public key (the .pub file, like ~/.ssh/id_ed25519.pub)`},
		{"private key file", "serve:\n  users:\n    bob: {role: watch, public_key_file: DIR/id_ed25519}\n",
			`config.yaml:3:41: serve.users.bob.public_key_file: DIR/id_ed25519:1: this is a private key, which never leaves its owner: give the public key (DIR/id_ed25519.pub)`},
		{"key file line", "serve:\n  users:\n    bob: {role: watch, public_key_file: DIR/bob.pub}\n",
			`config.yaml:3:41: serve.users.bob.public_key_file: DIR/bob.pub:3: not an SSH public key`},
		{"key file missing", "serve:\n  users:\n    bob: {role: watch, public_key_file: DIR/nope.pub}\n",
			`config.yaml:3:41: serve.users.bob.public_key_file: reading the public key file: open DIR/nope.pub: no such file or directory`},
		{"key file without keys", "serve:\n  users:\n    bob: {role: watch, public_key_file: DIR/empty.pub}\n",
			`config.yaml:3:41: serve.users.bob.public_key_file: no keys in DIR/empty.pub`},
		{"same key for two users", "serve:\n  users:\n    alice: {role: operate, public_key: \"KEYA\"}\n    bob: {role: watch, public_key_file: DIR/ab.pub}\n",
			`config.yaml:4:5: serve.users.bob: has the same public key as serve.users.alice: a key belongs to one user`},
		{"user name with a space", "serve:\n  users:\n    al ice: {role: watch, public_key: \"KEYA\"}\n",
			`config.yaml:3:5: serve.users.al ice: a user name is letters, digits, '.', '_' or '-' (1–64)`},
		{"user name with @", "serve:\n  users:\n    alice@laptop: {role: watch, public_key: \"KEYA\"}\n",
			`config.yaml:3:5: serve.users.alice@laptop: a user name is letters, digits, '.', '_' or '-' (1–64)`},
		{"user name too long", "serve:\n  users:\n    " + strings.Repeat("a", 65) + ": {role: watch, public_key: \"KEYA\"}\n",
			`config.yaml:3:5: serve.users.` + strings.Repeat("a", 65) + `: a user name is letters, digits, '.', '_' or '-' (1–64)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("config.yaml", []byte(r.Replace(tt.body)))
			if err == nil {
				t.Fatal("accepted")
			}
			if want := r.Replace(tt.want); err.Error() != want {
				t.Fatalf("err = %v\nwant  %s", err, want)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Errorf("err is %T, want a *config.Error", err)
			}
			for _, l := range strings.Split(strings.TrimSpace(private), "\n")[1:] {
				if len(l) > 10 && strings.Contains(err.Error(), l) {
					t.Errorf("the message quotes the private key: %v", err)
				}
			}
		})
	}
}

// profilesAB is a profiles: section with acme and globex.
const profilesAB = "profiles:\n  acme: {base_url: https://acme.example, api_key_env: A}\n  globex: {base_url: https://globex.example, api_key_env: G}\n"

func TestServeUserAccountsAndRoles(t *testing.T) {
	_, lineA := testKey(t, 1, "alice")
	_, lineB := testKey(t, 2, "bob")
	body := profilesAB + "serve:\n  users:\n" +
		"    alice: {public_key: \"" + lineA + "\", role: watch, accounts: [acme, globex], roles: {acme: operate}}\n" +
		"    bob: {public_key: \"" + lineB + "\", accounts: [globex], roles: {globex: operate}}\n"
	f, err := Parse("config.yaml", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := f.Serve.Users[0], f.Serve.Users[1]
	if alice.RoleOn("acme") != RoleOperate || alice.RoleOn("globex") != RoleWatch {
		t.Errorf("alice: acme %s, globex %s; want operate, watch", alice.RoleOn("acme"), alice.RoleOn("globex"))
	}
	if !bob.MaySee("globex") || bob.MaySee("acme") || bob.RoleOn("globex") != RoleOperate {
		t.Errorf("bob sees acme %v, globex %v as %s; want only globex, as operate", bob.MaySee("acme"), bob.MaySee("globex"), bob.RoleOn("globex"))
	}
	if all := (ServeUser{Role: RoleWatch}); !all.MaySee("acme") || !all.MaySee("globex") {
		t.Error("a user without accounts: does not see every account")
	}
}

func TestServeUserAccountsBad(t *testing.T) {
	_, lineA := testKey(t, 1, "alice")
	user := func(rest string) string {
		return profilesAB + "serve:\n  users:\n    alice: {public_key: \"" + lineA + "\"" + rest + "}\n"
	}
	tests := []struct{ name, body, want string }{
		{"unknown profile in accounts", user(", role: watch, accounts: [acme, initech]"),
			`serve.users.alice.accounts: no profile "initech" in the config file (profiles: acme, globex)`},
		{"unknown profile in roles", user(", role: watch, roles: {initech: operate}"),
			`serve.users.alice.roles: no profile "initech" in the config file (profiles: acme, globex)`},
		{"role on an account not seen", user(", role: watch, accounts: [acme], roles: {globex: operate}"),
			`serve.users.alice.roles: "globex" is not among serve.users.alice.accounts: the user cannot see it, so it takes no role`},
		{"bad role in roles", user(", role: watch, roles: {acme: admin}"),
			`serve.users.alice.roles.acme: "admin" is not watch or operate`},
		{"roles leave an account without a role", user(", roles: {acme: operate}"),
			`serve.users.alice: no role for the accounts roles: does not name: give role: watch or role: operate (it applies to every account roles: does not name)`},
		{"accounts not a list", user(", role: watch, accounts: acme"),
			`serve.users.alice.accounts: want a list of profile names, like [acme, globex], got "acme"`},
		{"accounts empty", user(", role: watch, accounts: []"),
			`serve.users.alice.accounts: is empty: list the profiles the user may see, or leave it out for all of them`},
		{"account twice", user(", role: watch, accounts: [acme, acme]"),
			`serve.users.alice.accounts: "acme" is listed twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("config.yaml", []byte(tt.body))
			if err == nil {
				t.Fatal("accepted")
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.Pos.Line != 6 || ce.Pos.File != "config.yaml" {
				t.Errorf("err %v is not a config.Error at config.yaml:6", err)
			}
			if !strings.HasSuffix(err.Error(), tt.want) || strings.Count(err.Error(), "\n") > 0 {
				t.Fatalf("err = %v\nwant  config.yaml:6:…: %s", err, tt.want)
			}
		})
	}
	// A role for each account it may see is enough without role:.
	if _, err := Parse("config.yaml", []byte(user(", accounts: [acme], roles: {acme: operate}"))); err != nil {
		t.Errorf("roles covering accounts: refused: %v", err)
	}
}

func TestReadAuthorizedKeys(t *testing.T) {
	dir := t.TempDir()
	a, lineA := testKey(t, 1, "alice@laptop")
	b, lineB := testKey(t, 2, "")
	c, lineC := testKey(t, 3, "carol work laptop")
	d, lineD := testKey(t, 4, "alice@laptop")
	e, lineE := testKey(t, 5, "renée")
	path := writeFile(t, filepath.Join(dir, "authorized_keys"), "# the team\n"+
		lineA+"\n"+
		lineB+"\n"+
		"\n"+
		lineC+"\n"+
		lineD+"\n"+
		lineE+"\n")
	us, err := ReadAuthorizedKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	fp := strings.TrimPrefix(ssh.FingerprintSHA256(b), "SHA256:")[:8]
	fp = strings.NewReplacer("+", "-", "/", "-").Replace(fp)
	want := "alice-laptop key-" + fp + " carol-work-laptop alice-laptop ren-e"
	if got := userNames(us); got != want {
		t.Errorf("names %q, want %q", got, want)
	}
	for i, k := range []ssh.PublicKey{a, b, c, d, e} {
		u := us[i]
		if u.Role != RoleWatch || len(u.Keys) != 1 || !bytes.Equal(u.Keys[0].Marshal(), k.Marshal()) {
			t.Errorf("user %d = %+v", i, u)
		}
	}
	if p := us[2].Pos; p != (Pos{File: path, Line: 5, Col: 1}) {
		t.Errorf("carol at %+v, want line 5", p)
	}

	for _, tt := range []struct{ name, body, want string }{
		{"a bad line", "# team\n" + lineA + "\nssh-ed25519 AAAAgarbage bob\n", "PATH:3: not an SSH public key"},
		{"two bad lines", "nonsense\n" + lineA + "\nmore nonsense\n", "PATH:1: not an SSH public key\nPATH:3: not an SSH public key"},
		{"no keys", "# nobody yet\n\n", "no keys in PATH"},
		{"empty", "", "no keys in PATH"},
		{"a private key", testPrivateKey(t, 7), "PATH:1: this is a private key, which never leaves its owner: give the public key (the .pub file, like ~/.ssh/id_ed25519.pub)"},
		{"a certificate authority", lineA + "\ncert-authority " + lineB + "\n", "PATH:2: a cert-authority key: team mode takes each person's own key"},
		{"options", `from="10.0.0.0/8" ` + lineA + "\n", "PATH:1: " + optionsRefused},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")), tt.body)
			_, err := ReadAuthorizedKeys(p)
			if want := strings.ReplaceAll(tt.want, "PATH", p); err == nil || err.Error() != want {
				t.Errorf("err = %v\nwant  %s", err, want)
			}
		})
	}

	t.Run("too large", func(t *testing.T) {
		p := writeFile(t, filepath.Join(dir, "huge"), lineA+"\n")
		if err := os.Truncate(p, 2<<20); err != nil {
			t.Fatal(err)
		}
		_, err := ReadAuthorizedKeys(p)
		if want := "the authorized keys file " + p + " is larger than 1 MiB: is it the right file?"; err == nil || err.Error() != want {
			t.Errorf("err = %v\nwant  %s", err, want)
		}
	})
	t.Run("missing", func(t *testing.T) {
		_, err := ReadAuthorizedKeys(filepath.Join(dir, "nope"))
		if err == nil || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("err = %v, want not exist", err)
		}
	})
}

// The config's users and roles win over an authorized_keys file; a name
// taken is suffixed, never merged.
func TestWithAuthorizedKeys(t *testing.T) {
	dir := t.TempDir()
	a, lineA := testKey(t, 1, "")
	b, lineB := testKey(t, 2, "")
	c, lineC := testKey(t, 3, "alice")
	dk, lineD := testKey(t, 4, "bob")
	e, lineE := testKey(t, 5, "alice")
	f, lineF := testKey(t, 6, "alice-2")
	body := "serve:\n  users:\n    alice: {role: operate, public_key: \"" + lineA + "\"}\n    bob: {role: watch, public_key: \"" + lineB + "\"}\n"
	file, err := Parse("config.yaml", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	s := file.Serve
	// alice@laptop's key A is alice's (operate) in the config: the
	// authorized_keys line does not make it a watcher.
	path := writeFile(t, filepath.Join(dir, "authorized_keys"),
		lineA+" alice@laptop\n"+lineC+"\n"+lineB+" bob\n"+lineD+"\n"+lineE+"\n"+lineF+"\n"+lineC+" again\n")
	extra, err := ReadAuthorizedKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.WithAuthorizedKeys(extra)
	if err != nil {
		t.Fatal(err)
	}
	if names := userNames(got.Users); names != "alice bob alice-2 bob-2 alice-3 alice-2-2" {
		t.Errorf("users %q", names)
	}
	want := []string{"alice:operate", "bob:watch", "alice-2:watch", "bob-2:watch", "alice-3:watch", "alice-2-2:watch"}
	if owners := keyNames(t, got, a, b, c, dk, e, f); !slices.Equal(owners, want) {
		t.Errorf("owners %q\nwant   %q", owners, want)
	}
	if len(s.Users) != 2 || userNames(s.Users) != "alice bob" {
		t.Errorf("the config's serve changed: %s", userNames(s.Users))
	}
	if got.Listen != s.Listen || got.IdleTimeout != s.IdleTimeout {
		t.Errorf("settings changed: %+v", got)
	}

	// A file whose every key the config lists adds nobody.
	only, err := s.WithAuthorizedKeys([]ServeUser{{Name: "x", Role: RoleWatch, Keys: []ssh.PublicKey{a, b}}})
	if err != nil || userNames(only.Users) != "alice bob" {
		t.Errorf("nothing new: %s, %v", userNames(only.Users), err)
	}
	for _, u := range []ServeUser{
		{Name: "x", Role: "admin", Keys: []ssh.PublicKey{c}},
		{Name: "a b", Role: RoleWatch, Keys: []ssh.PublicKey{c}},
	} {
		if _, err := s.WithAuthorizedKeys([]ServeUser{u}); err == nil {
			t.Errorf("%+v accepted", u)
		}
	}
}

// The commented serve: section of the example, uncommented with real keys,
// is a valid configuration: the example shows what the parser takes.
func TestExampleServeSection(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	_, lineA := testKey(t, 1, "alice@laptop")
	_, lineB := testKey(t, 2, "bob")
	if err := os.Mkdir(filepath.Join(dir, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, ".ssh", "bob.pub"), lineB+"\n")
	_, section, ok := strings.Cut(Example, "\n# serve:\n")
	if !ok {
		t.Fatal("the example has no serve: section")
	}
	var b strings.Builder
	b.WriteString("serve:\n")
	for _, l := range strings.Split(section, "\n") {
		b.WriteString(strings.TrimPrefix(l, "# ") + "\n")
	}
	body := strings.ReplaceAll(b.String(), "ssh-ed25519 AAAA… alice@laptop", lineA)
	f, err := Parse("config.yaml", []byte(body))
	if err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if s := f.Serve; userNames(s.Users) != "alice bob" || s.Users[0].Role != RoleOperate || s.Users[1].Role != RoleWatch {
		t.Errorf("serve = %+v", s)
	}
}

// Whatever a key file holds, parsing never panics and no message carries
// its text.
func FuzzParseAuthorizedKeys(f *testing.F) {
	_, line := testKey(f, 1, "alice@laptop")
	f.Add([]byte(line + "\n# c\n\n"))
	f.Add([]byte(`restrict,command="x y" ` + line))
	f.Add([]byte("ssh-ed25519 AAAA\n\x00\xff"))
	f.Add([]byte(testPrivateKey(f, 2)))
	f.Add([]byte("cert-authority " + line))
	known := []string{"not an SSH public key", privateKeyHint, "a cert-authority key: team mode takes each person's own key", optionsRefused}
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, bad := parseAuthorizedKeys(data)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, b := range bad {
			if !slices.Contains(known, b.msg) || b.line < 1 || b.line > lines {
				t.Errorf("bad line %+v", b)
			}
		}
		for _, k := range keys {
			if k.key == nil || k.line < 1 || k.line > lines {
				t.Errorf("key line %+v", k)
			}
		}
	})
}
