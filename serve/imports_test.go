package serve

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// uiForADashboard are the only ui identifiers the team server may use: it
// starts a dashboard per session, and what the sessions share (accounts,
// the hub, reads, the monitor driver) is package shared's, not the
// dashboard's.
var uiForADashboard = map[string]bool{"New": true, "Options": true, "Model": true, "Start": true, "AlertOptions": true}

func TestServeUsesUIOnlyToStartADashboard(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		local := ""
		for _, im := range f.Imports {
			if p, _ := strconv.Unquote(im.Path.Value); p == "github.com/pixee/pixee-tui/ui" {
				local = "ui"
				if im.Name != nil {
					local = im.Name.Name
				}
				if local == "." || local == "_" {
					t.Errorf("%s imports ui as %q: its uses cannot be checked", name, local)
				}
			}
		}
		if local == "" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == local && !uiForADashboard[sel.Sel.Name] {
				t.Errorf("%s: serve uses ui.%s; what team mode shares with the dashboard belongs in package shared",
					fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("no file of package serve was checked")
	}
}
