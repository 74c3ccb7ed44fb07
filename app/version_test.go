package app

import (
	"runtime/debug"
	"testing"
)

// A built binary names its build: the tag, or the commit it was built from.
func TestBuildVersion(t *testing.T) {
	vcs := func(rev, at, modified string) []debug.BuildSetting {
		s := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}}
		if at != "" {
			s = append(s, debug.BuildSetting{Key: "vcs.time", Value: at})
		}
		if modified != "" {
			s = append(s, debug.BuildSetting{Key: "vcs.modified", Value: modified})
		}
		return s
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name     string
		version  string
		settings []debug.BuildSetting
		want     string
	}{
		{"tagged", "v1.4.0", vcs(rev, "2026-12-01T10:00:00Z", "false"), "v1.4.0"},
		{"tagged, dirty", "v1.4.0+dirty", vcs(rev, "2026-12-01T10:00:00Z", "true"), "v1.4.0+dirty"},
		{"devel, clean", "(devel)", vcs(rev, "2026-12-01T10:00:00Z", "false"), "0123456789ab (2026-12-01T10:00:00Z)"},
		{"devel, dirty", "(devel)", vcs(rev, "2026-12-01T10:00:00Z", "true"), "0123456789ab-dirty (2026-12-01T10:00:00Z)"},
		{"pseudo-version", "v0.0.0-20261201100000-0123456789ab+dirty", vcs(rev, "2026-12-01T10:00:00Z", "true"), "0123456789ab-dirty (2026-12-01T10:00:00Z)"},
		{"pre-release pseudo-version", "v1.4.1-0.20261201100000-0123456789ab", vcs(rev, "", ""), "0123456789ab"},
		{"no VCS stamp", "(devel)", nil, "dev"},
		{"empty", "", nil, "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/pixee/pixee-tui", Version: tt.version}, Settings: tt.settings}
			if got := buildVersion(bi); got != tt.want {
				t.Errorf("buildVersion = %q, want %q", got, tt.want)
			}
		})
	}
	if got := buildVersion(nil); got != "dev" {
		t.Errorf("buildVersion(nil) = %q, want dev", got)
	}
}
