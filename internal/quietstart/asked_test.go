package quietstart

import "testing"

// The line mode is recognised on the command line and in the environment
// as the program's own flag parsing takes it, and nowhere else.
func TestAskedTakesTheFlagAndTheEnvironment(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  string
		want bool
	}{
		{[]string{"--accessible"}, "", true},
		{[]string{"--profile", "acme", "--accessible=true"}, "", true},
		{nil, "1", true},
		{nil, "yes", true},
		{nil, "0", false},
		{[]string{"--accessible=false"}, "", false},
		{[]string{"connectors", "list"}, "", false},
		{[]string{"--", "--accessible"}, "", false},
	} {
		if got := Asked(tc.args, tc.env); got != tc.want {
			t.Errorf("Asked(%q, %q) = %v, want %v", tc.args, tc.env, got, tc.want)
		}
	}
}
