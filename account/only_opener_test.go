package account

import (
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/internal/gosource"
)

// opening lists the calls that make an account's parts: the client, the
// history, the events log.
var opening = map[string]map[string]bool{
	"api":     {"New": true},
	"history": {"Open": true, "OpenEvents": true},
}

// openers lists, in the module at root, every call that makes an account's
// parts outside this package and the packages that define them, tests
// aside.
func openers(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := gosource.Walk(root, []string{"account", "api", "history"}, func(fset *token.FileSet, f *ast.File) {
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && opening[pkg.Name][sel.Sel.Name] {
				out = append(out, fset.Position(sel.Pos()).String()+": "+pkg.Name+"."+sel.Sel.Name)
			}
			return true
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The dashboard's start, its switcher, the commands and the team server
// open accounts only through the Opener: nothing else makes a client, a
// history or an events log, so an account is the same account whoever
// opens it.
func TestAccountsOpenOnlyThroughTheOpener(t *testing.T) {
	if got := openers(t, ".."); len(got) > 0 {
		t.Errorf("accounts opened outside package account (use account.Opener):\n%s", strings.Join(got, "\n"))
	}
}

// The check itself finds a client made elsewhere.
func TestTheOpenerCheckFindsAClientMadeElsewhere(t *testing.T) {
	dir := t.TempDir()
	src := "package x\n\nimport \"github.com/pixee/pixee-tui/api\"\n\nfunc open() { api.New(\"https://x\") }\n"
	if err := os.MkdirAll(filepath.Join(dir, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x", "x.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := openers(t, dir); len(got) != 1 {
		t.Errorf("found %v, want the one call", got)
	}
}
