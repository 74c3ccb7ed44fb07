package shared

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/pixee/pixee-tui/"

// TestSharedDependsOnNeitherTheDashboardNorBubbleTea walks the module's
// packages that shared imports, directly or not: none is the dashboard
// (ui) or the team server (serve), and none imports Bubble Tea, so that
// dependencies point one way (serve → ui → shared → monitor → api).
func TestSharedDependsOnNeitherTheDashboardNorBubbleTea(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var walk func(path string)
	walk = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		p, err := build.ImportDir(filepath.Join(root, strings.TrimPrefix(path, module)), 0)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, im := range p.Imports {
			switch {
			case im == module+"ui" || im == module+"serve":
				t.Errorf("%s imports %s: shared sits below the dashboard and the team server", path, im)
			case strings.HasPrefix(im, "github.com/charmbracelet/bubbletea"):
				t.Errorf("%s imports %s: shared draws nothing", path, im)
			case strings.HasPrefix(im, module):
				walk(im)
			}
		}
	}
	walk(module + "shared")
	if !seen[module+"monitor"] {
		t.Fatal("the walk did not reach monitor: it checked nothing")
	}
}
