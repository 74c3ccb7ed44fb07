package linemode

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/pixee/pixee-tui/"

// The line mode draws nothing: neither it nor what it imports from the
// module imports Bubble Tea, bubbles, lipgloss or the dashboard (package ui, but
// for its text sanitiser and EAN reader), nor the team server.
func TestLineModeImportsNoDrawing(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{module + "ui/termtext": true, module + "ui/ean": true}
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
			case allowed[im]:
				walk(im)
			case im == module+"ui" || strings.HasPrefix(im, module+"ui/") || im == module+"serve":
				t.Errorf("%s imports %s: the line mode sits beside the dashboard, not on it", path, im)
			case strings.HasPrefix(im, "github.com/charmbracelet/bubbletea"), strings.HasPrefix(im, "github.com/charmbracelet/lipgloss"),
				strings.HasPrefix(im, "github.com/charmbracelet/bubbles"):
				t.Errorf("%s imports %s: the line mode draws nothing", path, im)
			case strings.HasPrefix(im, module):
				walk(im)
			}
		}
	}
	walk(module + "linemode")
	if !seen[module+"write"] || !seen[module+"monitor"] {
		t.Fatal("the walk did not reach write and monitor: it checked nothing")
	}
}
