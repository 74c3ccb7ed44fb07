package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// betaRead is Beta's row once its watch read it: reachable, its 7
// connectors counted by status (error, paused, active).
var betaRead = regexp.MustCompile(`Beta\s+reachable\s+\d+\s+\d+\s+\d+\s`)

// A config of two profiles on two servers, with different keys and API
// generations: the dashboard opens on the home screen of accounts, the
// account not on screen read by its own watch (its row says it is
// reachable, with its counts), and q quits with the terminal restored.
func TestE2EHomeScreenOfTwoProfiles(t *testing.T) {
	d := startTwoProfiles(t, "--profile", "alpha")
	if _, err := d.tty.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if werr := d.wait("q"); werr != nil {
		t.Fatalf("exit: %v (want status 0); output tail:\n%q", werr, tail(d.out.String(), 600))
	}
	d.assertRestored()
}

// Two profiles and none chosen (no default_profile, no --profile, no
// PIXEE_API_KEY): the home screen of both accounts is the first screen,
// standing on the first profile of the file, instead of "no API key".
func TestE2ETwoProfilesAndNoneChosenOpenTheHomeScreen(t *testing.T) {
	d := startTwoProfiles(t)
	if _, err := d.tty.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if werr := d.wait("q"); werr != nil {
		t.Fatalf("exit: %v (want status 0); output tail:\n%q", werr, tail(d.out.String(), 600))
	}
}

// startTwoProfiles starts the dashboard with args on a config of two
// profiles, Alpha and Beta, on two sandboxes, and waits for the home
// screen with Alpha under it and Beta read by its watch.
func startTwoProfiles(t *testing.T, args ...string) *demoRun {
	t.Helper()
	return startProfilesUntil(t, args, "the home screen, beta read", func(s string) bool {
		return strings.Contains(s, "REACH") && strings.Contains(s, "Alpha (shown)") && betaRead.MatchString(s)
	}, "ALPHA_KEY=pm_test_alpha", "BETA_KEY=pm_test_beta")
}

// A profile whose key cannot be read does not keep the home screen away:
// with none chosen, the dashboard stands on the next profile that opens,
// and the first one's row says why it could not be opened.
func TestE2EAProfileThatCannotOpenLeavesTheOthersOnScreen(t *testing.T) {
	d := startProfilesUntil(t, nil, "the home screen on Beta, Alpha not opened", func(s string) bool {
		return strings.Contains(s, "REACH") && strings.Contains(s, "Beta (shown)") && regexp.MustCompile(`Alpha\s+cannot open:`).MatchString(s)
	}, "BETA_KEY=pm_test_beta")
	if _, err := d.tty.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if werr := d.wait("q"); werr != nil {
		t.Fatalf("exit: %v (want status 0); output tail:\n%q", werr, tail(d.out.String(), 600))
	}
}

// startProfilesUntil starts the dashboard with args and keys (ALPHA_KEY=…,
// BETA_KEY=…) on a config of two profiles, Alpha and Beta, on two
// sandboxes, and waits until its output says what first.
func startProfilesUntil(t *testing.T, args []string, what string, first func(string) bool, keys ...string) *demoRun {
	t.Helper()
	alpha := sandbox.New(sandbox.Options{APIKey: "pm_test_alpha", Connectors: 4})
	beta := sandbox.New(sandbox.Options{APIKey: "pm_test_beta", Connectors: 7, API: sandbox.Seed})
	var urls []string
	for _, sb := range []*sandbox.Server{alpha, beta} {
		u, stop, err := sb.Start("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		urls = append(urls, u)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	conf := "profiles:\n  alpha:\n    name: Alpha\n    base_url: " + urls[0] + "\n    api_key_env: ALPHA_KEY\n" +
		"  beta:\n    name: Beta\n    base_url: " + urls[1] + "\n    api_key_env: BETA_KEY\n"
	if err := os.WriteFile(p, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append([]string{"TERM=xterm-256color", "XDG_CONFIG_HOME=" + dir, "XDG_STATE_HOME=" + dir, "HOME=" + dir}, keys...)
	return startRunUntil(t, append([]string{"--config", p}, args...), what, first, env...)
}
