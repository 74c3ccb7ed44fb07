package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The smallest notify: is a name, a URL and a format; the rest is read
// with its routes, headers and where the secret is.
func TestNotifyTargetsAreRead(t *testing.T) {
	f, err := Parse("config.yaml", []byte(`profiles:
  acme: {api_key_env: K}
notify:
  - {name: ops, url: "https://hooks.example/pixee", format: json}
  - name: chat
    url: https://hooks.slack.com/services/T/B/X
    format: slack
    secret_env: CHAT_SECRET
    headers: {x-team: retail}
    route:
      accounts: [acme]
      platforms: [shopify]
      connectors: ["Shop*"]
      kinds: [turned_error, recovered]
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Notify) != 2 {
		t.Fatalf("%d targets, want 2", len(f.Notify))
	}
	ops, chat := f.Notify[0], f.Notify[1]
	if ops.Name != "ops" || ops.URL != "https://hooks.example/pixee" || ops.Format != "json" || ops.Secret.Set() {
		t.Errorf("ops = %+v", ops)
	}
	if chat.Format != "slack" || chat.Secret.Env != "CHAT_SECRET" || len(chat.Headers) != 1 || chat.Headers[0] != [2]string{"X-Team", "retail"} {
		t.Errorf("chat = %+v", chat)
	}
	r := chat.Route
	if strings.Join(r.Accounts, ",") != "acme" || strings.Join(r.Platforms, ",") != "shopify" ||
		strings.Join(r.Connectors, ",") != "Shop*" || strings.Join(r.Kinds, ",") != "turned_error,recovered" {
		t.Errorf("route = %+v", r)
	}
	if got, ok := f.NotifyTarget("chat"); !ok || got.URL != chat.URL {
		t.Error("NotifyTarget(chat) not found")
	}
}

// Every mistake in notify: is said with its line and key, and a secret
// written in the file is refused without being repeated.
func TestNotifyMistakesAreSaidWithTheirPlace(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`notify: {name: ops}`, `config.yaml:1:9: notify: want a list of targets`},
		{"notify:\n  - {url: \"https://h.example/x\"}", `config.yaml:2:5: notify[0]: a target needs a name`},
		{"notify:\n  - {name: ops, url: \"ftp://h.example/x\"}", `config.yaml:2:22: notify.ops.url: the URL's scheme is "ftp": want http or https`},
		{"notify:\n  - {name: ops, url: \"https://u:p@h.example/x\"}", `notify.ops.url: the URL holds a user name or password`},
		{"notify:\n  - {name: ops}", `config.yaml:2:5: notify.ops.url: missing`},
		{"notify:\n  - {name: ops, url: \"https://h.example/x\", format: xml}", `notify.ops.format: "xml" is not one of json, slack`},
		{"notify:\n  - {name: ops, url: \"https://h.example/x\"}\n  - {name: OPS, url: \"https://h.example/y\"}", `config.yaml:3:5: notify.OPS: two targets are named "OPS"`},
		{"notify:\n  - {name: ops, url: \"https://h.example/x\", secret: hunter2-very-secret}", `notify.ops.secret: a secret never sits in the config file: use secret_file`},
		{"notify:\n  - {name: ops, url: \"https://h.example/x\", secret_env: 1BAD}", `notify.ops.secret_env: not the name of an environment variable`},
		{"notify:\n  - {name: ops, url: \"https://h.example/x\", secret_env: A, secret_file: /f}", `notify.ops.secret_file: a secret is already named`},
		{"notify:\n  - {name: ops, url: \"https://h.example/x\", route: {kinds: [exploded]}}", `notify.ops.route.kinds: "exploded" is not an event kind (known: turned_error,`},
		{"notify:\n  - {name: ops, url: \"https://h.example/x\", route: {connectors: [\"[a\"]}}", `notify.ops.route.connectors: "[a" is not a name pattern`},
		{"notify:\n  - {name: ops, url: \"https://h.example/x\", route: {accounts: [acme]}}", `notify.ops.route.accounts: no profile "acme" under profiles: (have none)`},
		{"notify:\n  - {name: ops, url: \"https://h.example/x\", route: {teams: [a]}}", `notify.ops.route.teams: unknown key (known here: accounts, platforms, connectors, kinds)`},
		{"notify:\n  - {name: ops, url: \"https://h.example/x\", headers: {Content-Type: text/plain}}", `notify.ops.headers.Content-Type: set by the delivery itself`},
		{"notify:\n  - {name: ops, url: \"https://h.example/x\", headers: {\"a b\": c}}", `notify.ops.headers.a b: not a header name`},
		{"notify:\n  - {name: \"a/b\", url: \"https://h.example/x\"}", `notify[0].name: "a/b": a target name is letters, digits`},
	} {
		_, err := Parse("config.yaml", []byte(c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s\n  got  %v\n  want …%s…", c.body, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the secret was repeated in the message: %v", err)
		}
	}
	many := "notify:\n" + strings.Repeat("  - {name: x, url: \"https://h.example/\"}\n", MaxNotifyTargets+1)
	if _, err := Parse("config.yaml", []byte(many)); err == nil || !strings.Contains(err.Error(), "at most 20") {
		t.Errorf("%d targets: %v", MaxNotifyTargets+1, err)
	}
}

// A secret is read from its file or variable, never shown in a message,
// and a file others can read is warned about.
func TestNotifySecretIsReadFromFileOrEnvironment(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hook.secret")
	if err := os.WriteFile(file, []byte("s3cr3t-value\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, warns, err := SecretSource{File: file, Path: "notify.ops.secret_file"}.Read(nil)
	if err != nil || s != "s3cr3t-value" {
		t.Fatalf("Read = %q, %v", s, err)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "chmod 600") {
		t.Errorf("warnings = %q, want one naming chmod 600", warns)
	}
	env := map[string]string{"HOOK": " from-env "}
	if s, _, err := (SecretSource{Env: "HOOK"}).Read(func(k string) string { return env[k] }); err != nil || s != "from-env" {
		t.Errorf("env Read = %q, %v", s, err)
	}
	if _, _, err := (SecretSource{Env: "NOPE", Path: "notify.ops.secret_env"}).Read(func(string) string { return "" }); err == nil ||
		!strings.Contains(err.Error(), "notify.ops.secret_env: the environment variable NOPE is empty or unset") {
		t.Errorf("unset variable: %v", err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte(strings.Repeat("x", MaxSecretFile+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := (SecretSource{File: big}).Read(nil); err == nil || strings.Contains(err.Error(), "xxxx") {
		t.Errorf("an oversized secret file: %v", err)
	}
}

// The example config's notify: block, uncommented, is a valid file.
func TestTheExamplesNotifyBlockParses(t *testing.T) {
	_, block, ok := strings.Cut(Example, "# notify:\n")
	if !ok {
		t.Fatal("the example has no notify: block")
	}
	block, _, _ = strings.Cut(block, "\n\n") // the block ends at the blank line
	body := "notify:\n"
	for _, line := range strings.Split(block, "\n") {
		body += strings.TrimPrefix(line, "#") + "\n"
	}
	f, err := Parse("example.yaml", []byte(body))
	if err != nil || len(f.Notify) != 1 || f.Notify[0].Secret.Env != "OPS_HOOK_SECRET" {
		t.Fatalf("%v\n%s", err, body)
	}
}
