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
// arguments, and never the key.
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
	code := Run([]string{"--config", p}, strings.NewReader(""), &out, &errb)
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	if code != 2 || len(lines) < 2 || lines[0] != "pixee-tui: reading the API key (api_key_command: vault-cli)…" ||
		!strings.Contains(lines[len(lines)-1], "stdout is not a terminal") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	if s := out.String() + errb.String(); strings.Contains(s, "Q7fromTheCommand") || strings.Contains(s, "secret-acme") || strings.Contains(s, dir) {
		t.Errorf("the output names the key or the command's arguments: %q", s)
	}

	// A key file needs no word: it is read at once.
	errb.Reset()
	p = writeConfig(t, "profiles:\n  acme: {api_key_file: DIR/acme.key, base_url: https://pim.invalid/api/v1}\n")
	Run([]string{"--config", p}, strings.NewReader(""), &out, &errb)
	if strings.Contains(errb.String(), "reading the API key") {
		t.Errorf("a key file was announced: %q", errb.String())
	}
}
