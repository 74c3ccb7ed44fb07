package app

import (
	"regexp"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X github.com/pixee/pixee-tui/app.version=v1.2.3".
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	bi, _ := debug.ReadBuildInfo()
	return buildVersion(bi)
}

// pseudoVersion matches the versions the go command makes up for an
// untagged commit (v0.0.0-20261203085800-0123456789ab): the revision says
// the same, and more plainly.
var pseudoVersion = regexp.MustCompile(`(^|[.-])[0-9]{14}-[0-9a-f]{12}(\+incompatible)?(\+dirty)?$`)

// buildVersion names the build from its build info: the module's tag when
// it has one, else the VCS revision (12 characters), "-dirty" for
// uncommitted changes, and the commit's time; "dev" when nothing is known
// (go run, or a build without VCS stamping).
func buildVersion(bi *debug.BuildInfo) string {
	if bi == nil {
		return "dev"
	}
	v := bi.Main.Version
	tagged := v != "" && v != "(devel)" && !pseudoVersion.MatchString(v)
	if tagged {
		return v
	}
	var rev, at string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		if v != "" && v != "(devel)" {
			return v // a pseudo-version without its settings: still better than "dev"
		}
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	if at != "" {
		rev += " (" + at + ")"
	}
	return rev
}
