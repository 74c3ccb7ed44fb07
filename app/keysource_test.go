package app

import (
	"bytes"
	"strings"
	"testing"
)

// A key written where a file name belongs is never echoed, by config check
// or by a command given it through --api-key-file: the message names
// where it was set instead.
func TestMisplacedKeyIsNeverEchoed(t *testing.T) {
	const key = "pm_live_Q7misplacedKEYvalue42"
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	p := writeConfig(t, "profiles:\n  acme:\n    api_key_file: "+key+"\n")
	var out, errb bytes.Buffer
	if code := Run([]string{"--config", p, "config", "check"}, nil, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "config.yaml:3:19: profiles.acme.api_key_file: this looks like an API key itself") {
		t.Errorf("config check: exit %d, stderr %q", code, errb.String())
	}
	if strings.Contains(out.String()+errb.String(), "Q7misplaced") {
		t.Errorf("config check echoed the key: %q", errb.String())
	}
	errb.Reset()
	if code := Run([]string{"--api-key-file", key, "connectors", "list"}, nil, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "--api-key-file: this looks like an API key itself") {
		t.Errorf("--api-key-file: exit %d, stderr %q", code, errb.String())
	}
	if strings.Contains(out.String()+errb.String(), "Q7misplaced") {
		t.Errorf("the command echoed the key: %q", errb.String())
	}
}
