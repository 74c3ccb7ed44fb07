package app

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/pixee/pixee-tui/config"
)

const threeProfiles = `default_profile: acme
profiles:
  acme:    {api_key_file: DIR/acme.key, base_url: "http://127.0.0.1:1/api/v1"}
  globex:  {api_key_file: DIR/acme.key, base_url: "http://127.0.0.1:2/api/v1"}
  initech: {api_key_file: DIR/acme.key, base_url: "http://127.0.0.1:3/api/v1"}
`

func TestShardingServesOnlyTheNamedProfiles(t *testing.T) {
	p := writeConfig(t, threeProfiles)
	file, err := config.Load(p, true)
	if err != nil {
		t.Fatal(err)
	}
	start := config.ProfileSettings(file.Profiles["globex"])
	all, current := serveAccounts(opener(false), file, start)
	kept, cur, err := shard(file, all, current, []string{"initech", "globex"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range kept {
		ids = append(ids, a.ID)
	}
	if strings.Join(ids, ",") != "globex,initech" || kept[cur].ID != "globex" {
		t.Errorf("served %v starting at %d; want globex,initech (file order) starting on globex", ids, cur)
	}
	// Without names, every profile.
	if kept, _, _ := shard(file, all, current, nil); len(kept) != 3 {
		t.Errorf("no --accounts served %d accounts, want the 3 profiles", len(kept))
	}
}

func TestShardingRefusesAnUnknownProfile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sk, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	keys := filepath.Join(dir, "team.pub")
	if err := os.WriteFile(keys, ssh.MarshalAuthorizedKey(sk), 0o600); err != nil {
		t.Fatal(err)
	}
	p := writeConfig(t, threeProfiles)
	var out, errb bytes.Buffer
	code := Run([]string{"--config", p, "serve", "--authorized-keys", keys, "--listen", "127.0.0.1:0",
		"--accounts", "acme,hooli"}, strings.NewReader(""), &out, &errb)
	want := `--accounts: no profile "hooli" in the config file (profiles: acme, globex, initech)`
	if code != 2 || !strings.Contains(errb.String(), want) {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, errb.String(), want)
	}

	// Without default_profile, every profile is still served: the start
	// gets as far as the names to serve.
	p = writeConfig(t, strings.TrimPrefix(threeProfiles, "default_profile: acme\n"))
	errb.Reset()
	code = Run([]string{"--config", p, "serve", "--authorized-keys", keys, "--listen", "127.0.0.1:0",
		"--accounts", "acme,hooli"}, strings.NewReader(""), &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), want) {
		t.Errorf("no default_profile: exit %d, stderr %q; want 2 and %q", code, errb.String(), want)
	}

	// The same in the file is the file's error, at its line.
	p = writeConfig(t, threeProfiles+"serve:\n  accounts: [acme, hooli]\n")
	errb.Reset()
	code = Run([]string{"--config", p, "serve", "--authorized-keys", keys}, strings.NewReader(""), &out, &errb)
	want = `config.yaml:7:13: serve.accounts: no profile "hooli" in the config file (profiles: acme, globex, initech)`
	if code != 2 || !strings.Contains(errb.String(), want) {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, errb.String(), want)
	}
}

// An unknown profile in --accounts is said before anything else is found
// wrong with the serve: with no one allowed to connect yet, the error
// names the profile typed and the profiles that exist.
func TestShardingUnknownProfileIsSaidBeforeNoUsers(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	p := writeConfig(t, threeProfiles)
	var out, errb bytes.Buffer
	code := Run([]string{"--config", p, "serve", "--listen", "127.0.0.1:0", "--accounts", "nope"}, strings.NewReader(""), &out, &errb)
	want := `--accounts: no profile "nope" in the config file (profiles: acme, globex, initech)`
	if code != 2 || !strings.Contains(errb.String(), want) || strings.Contains(errb.String(), "no one may connect") {
		t.Errorf("exit %d, stderr %q; want 2 and only %q", code, errb.String(), want)
	}
	// With --demo, which serves no profile, --accounts is said first too.
	errb.Reset()
	code = Run([]string{"--config", p, "serve", "--demo", "--accounts", "acme"}, strings.NewReader(""), &out, &errb)
	want = "--accounts names profiles of the config file; --demo serves the sandbox alone"
	if code != 2 || !strings.Contains(errb.String(), want) || strings.Contains(errb.String(), "no one may connect") {
		t.Errorf("--demo: exit %d, stderr %q; want 2 and only %q", code, errb.String(), want)
	}
}
