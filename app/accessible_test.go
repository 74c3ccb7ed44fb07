package app

import (
	"bytes"
	"strings"
	"testing"
)

// The line mode is asked for by --accessible, PIXEE_ACCESSIBLE=1 or
// accessible: true in the config file; any of them runs it on the start
// account, in lines (no terminal needed); none of them, and the dashboard
// still refuses an output that is not a terminal.
func TestTheLineModeIsAskedForByFlagEnvironmentOrConfig(t *testing.T) {
	tempState(t)
	plain := writeConfig(t, "theme: auto\n")
	cases := []struct {
		name string
		args []string
		env  string
		line bool
	}{
		{"flag", []string{"--demo", "--demo-connectors", "3", "--config", plain, "--accessible"}, "", true},
		{"environment", []string{"--demo", "--demo-connectors", "3", "--config", plain}, "1", true},
		{"config", []string{"--demo", "--demo-connectors", "3", "--config", writeConfig(t, "accessible: true\n")}, "", true},
		{"none", []string{"--demo", "--demo-connectors", "3", "--config", plain}, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("PIXEE_ACCESSIBLE", c.env)
			var out, errb bytes.Buffer
			code := Run(c.args, strings.NewReader("help\nquit\n"), &out, &errb)
			if !c.line {
				if code != 2 || out.Len() != 0 {
					t.Errorf("without asking: exit %d, stdout %q; want the dashboard's refusal", code, out.String())
				}
				return
			}
			if code != 0 || !strings.Contains(out.String(), "accessible mode") || !strings.Contains(out.String(), "Goodbye.") {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
			}
			if strings.ContainsRune(out.String(), '\x1b') {
				t.Errorf("an escape in %q", out.String())
			}
		})
	}
}
