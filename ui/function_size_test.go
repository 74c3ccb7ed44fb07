package ui

import (
	"go/ast"
	"go/token"
	"testing"

	"github.com/pixee/pixee-tui/internal/gosource"
)

// maxFunctionLines is the most lines a function of ui (and of the packages
// under it) may span, from "func" to its closing brace: past it, split it
// into helpers named for what they do. A 600-line Update is the mistake
// this keeps out.
const maxFunctionLines = 60

func TestNoFunctionIsLongerThanSixtyLines(t *testing.T) {
	checked := 0
	err := gosource.Walk(".", []string{"testdata"}, func(fset *token.FileSet, f *ast.File) {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			checked++
			from, to := fset.Position(fd.Pos()), fset.Position(fd.End())
			if n := to.Line - from.Line + 1; n > maxFunctionLines {
				t.Errorf("%s:%d: %s is %d lines, over %d: split it into helpers", from.Filename, from.Line, fd.Name.Name, n, maxFunctionLines)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d functions checked: is the walk in the ui directory?", checked)
	}
}
