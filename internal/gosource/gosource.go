// Package gosource reads the module's own Go files for the tests that keep
// its architecture honest (one write path, one account opener, serve's use
// of ui): each parses the files and looks for calls that must not be there.
package gosource

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
)

// Walk parses every Go file below root that is not a test, skipping .git
// and the folders named in skip (paths relative to root), and hands each
// to visit with the file set that places its nodes.
func Walk(root string, skip []string, visit func(fset *token.FileSet, f *ast.File)) error {
	fset := token.NewFileSet()
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel == ".git" || slices.Contains(skip, rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		visit(fset, f)
		return nil
	})
}
