package write

import (
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/internal/gosource"
)

// postMethods are the client's methods that send a POST.
var postMethods = map[string]bool{"SyncEANs": true, "SyncCatalog": true, "TestConnector": true}

// postCallers lists, in the module at root, every call of a POST method
// outside this package, package api, tests, and methods of the same name
// (decorators such as the debug log or the team server's permission
// check, which forward a write the write path makes).
func postCallers(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := gosource.Walk(root, []string{"write", "api"}, func(fset *token.FileSet, f *ast.File) {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || !postMethods[sel.Sel.Name] {
					return true
				}
				if fn.Recv != nil && fn.Name.Name == sel.Sel.Name {
					return true // a decorator forwarding the same write
				}
				out = append(out, fset.Position(call.Pos()).String()+": "+sel.Sel.Name+" in "+fn.Name.Name)
				return true
			})
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOnlyTheWritePathSendsPOSTs(t *testing.T) {
	if got := postCallers(t, ".."); len(got) > 0 {
		t.Errorf("POSTs sent outside package write (send them through write.Writer):\n%s", strings.Join(got, "\n"))
	}
}

// The check itself finds a copy of the send.
func TestTheWritePathCheckFindsACopy(t *testing.T) {
	dir := t.TempDir()
	src := "package x\n\nfunc send(c interface{ SyncCatalog(string) }) { c.SyncCatalog(\"c1\") }\n"
	if err := writeFile(filepath.Join(dir, "x", "x.go"), src); err != nil {
		t.Fatal(err)
	}
	if got := postCallers(t, dir); len(got) != 1 {
		t.Errorf("found %v, want the one call", got)
	}
}

func writeFile(path, text string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(text), 0o600)
}
