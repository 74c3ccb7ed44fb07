package config

import "testing"

// A start names the program an api_key_command runs, and nothing else of
// it: no argument, no variable, and nothing when the command is a key.
func TestAKeyCommandIsNamedByItsProgramOnly(t *testing.T) {
	tests := []struct {
		src  KeySource
		want string
	}{
		{KeySource{Kind: KeyCommand, Value: "pass show pixee/acme"}, "pass"},
		{KeySource{Kind: KeyCommand, Value: "PASSWORD_STORE_DIR=/home/a/.s /usr/bin/pass show pixee/acme"}, "pass"},
		{KeySource{Kind: KeyCommand, Value: "'op' read op://team/acme/key"}, "op"},
		{KeySource{Kind: KeyCommand, Value: "  security  find-generic-password -w -s pixee"}, "security"},
		{KeySource{Kind: KeyCommand, Value: "pm_live_Q7aKeyWrittenAsTheCommand42"}, ""},
		{KeySource{Kind: KeyCommand, Value: "pm_test_Q7aKey | cat"}, ""},
		{KeySource{Kind: KeyCommand, Value: "X=1"}, ""},
		{KeySource{Kind: KeyFile, Value: "/home/a/acme.key"}, ""},
		{KeySource{Kind: KeyEnv, Value: "ACME_KEY"}, ""},
	}
	for _, tt := range tests {
		if got := tt.src.CommandName(); got != tt.want {
			t.Errorf("%q: named %q, want %q", tt.src.Value, got, tt.want)
		}
	}
}
