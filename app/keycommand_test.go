package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A start on an api_key_command says so on stderr before the command runs
// (a password manager may take seconds): the command's name, not its
// arguments, and never the key. (The line mode: it needs no terminal.)
func TestAKeyCommandIsNamedBeforeTheStart(t *testing.T) {
	tempState(t)
	t.Setenv("PIXEE_API_KEY", "")
	t.Setenv("PIXEE_BASE_URL", "")
	dir := t.TempDir()
	script := filepath.Join(dir, "vault-cli")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf pm_test_Q7fromTheCommand42\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	p := writeConfig(t, "profiles:\n  acme:\n    base_url: https://pim.invalid/api/v1\n    api_key_command: VAULT=team "+script+" read secret-acme-item\n")
	var out, errb bytes.Buffer
	code := Run([]string{"--config", p, "--accessible"}, strings.NewReader("quit\n"), &out, &errb)
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	if code != 0 || lines[0] != "pixee-tui: reading the API key (api_key_command: vault-cli)…" || !strings.Contains(out.String(), "Goodbye.") {
		t.Errorf("exit %d, stderr %q, stdout %q", code, errb.String(), out.String())
	}
	if s := out.String() + errb.String(); strings.Contains(s, "Q7fromTheCommand") || strings.Contains(s, "secret-acme") || strings.Contains(s, dir) {
		t.Errorf("the output names the key or the command's arguments: %q", s)
	}

	// A key file needs no word: it is read at once.
	errb.Reset()
	p = writeConfig(t, "profiles:\n  acme: {api_key_file: DIR/acme.key, base_url: https://pim.invalid/api/v1}\n")
	Run([]string{"--config", p, "--accessible"}, strings.NewReader("quit\n"), &out, &errb)
	if strings.Contains(errb.String(), "reading the API key") {
		t.Errorf("a key file was announced: %q", errb.String())
	}
}

// A dashboard start whose stdout is not a terminal is refused before the
// account is opened: the api_key_command (a password manager, perhaps
// asking for a passphrase) never runs for a start that cannot draw.
func TestNoTerminalIsRefusedBeforeTheKeyCommandRuns(t *testing.T) {
	tempState(t)
	t.Setenv("PIXEE_API_KEY", "")
	t.Setenv("PIXEE_BASE_URL", "")
	t.Setenv("PIXEE_ACCESSIBLE", "")
	dir := t.TempDir()
	ran := filepath.Join(dir, "ran")
	script := filepath.Join(dir, "vault-cli")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ntouch "+ran+"\nprintf pm_test_Q7fromTheCommand42\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	p := writeConfig(t, "profiles:\n  acme:\n    base_url: https://pim.invalid/api/v1\n    api_key_command: "+script+"\n")
	var out, errb bytes.Buffer
	code := Run([]string{"--config", p}, strings.NewReader(""), &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "stdout is not a terminal") || strings.Contains(errb.String(), "reading the API key") {
		t.Errorf("exit %d, stderr %q; want 2 and the refusal alone", code, errb.String())
	}
	if _, err := os.Stat(ran); err == nil {
		t.Error("the api_key_command ran for a start refused for want of a terminal")
	}
	// The demo too is refused before its sandbox starts.
	errb.Reset()
	if code := Run([]string{"--demo", "--config", p}, strings.NewReader(""), &out, &errb); code != 2 || !strings.Contains(errb.String(), "stdout is not a terminal") {
		t.Errorf("demo: exit %d, stderr %q", code, errb.String())
	}
}
