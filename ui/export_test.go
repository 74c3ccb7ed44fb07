package ui

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// x exports the list as shown to the file named (CSV or JSON by its
// extension), and never overwrites without a yes.
func TestExportListAsShown(t *testing.T) {
	dir := t.TempDir()
	f := startOn(t, sandbox.Options{}, nil)
	f.Key("x")
	f.has("Export 50 connectors as shown")
	csvPath := filepath.Join(dir, "out.csv")
	setInput(f, csvPath)
	f.Key("enter")
	f.has("exported 50 connectors to " + csvPath)
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil || len(recs) != 51 || recs[1][0] != f.ids[0] || recs[0][1] != "name" {
		t.Fatalf("csv: %d records, %v", len(recs), err)
	}

	// The same name again: asked, and n keeps the file.
	os.WriteFile(csvPath, []byte("keep me"), 0o644)
	f.Key("x")
	setInput(f, csvPath)
	f.Key("enter")
	f.has("exists. Overwrite it?")
	f.Key("n", "esc")
	if b, _ := os.ReadFile(csvPath); string(b) != "keep me" {
		t.Fatal("the file was overwritten after no")
	}
	f.Key("x")
	setInput(f, csvPath)
	f.Key("enter", "y")
	if b, _ := os.ReadFile(csvPath); string(b) == "keep me" {
		t.Fatal("yes did not overwrite")
	}

	jsonPath := filepath.Join(dir, "out.json")
	f.Key("x")
	setInput(f, jsonPath)
	f.Key("enter")
	var rows []map[string]any
	b, _ = os.ReadFile(jsonPath)
	if err := json.Unmarshal(b, &rows); err != nil || len(rows) != 50 {
		t.Fatalf("json: %d rows, %v", len(rows), err)
	}
	if _, ok := rows[0]["last_sync_at"]; !ok {
		t.Error("last_sync_at missing (null must be kept)")
	}
}

// setInput replaces the export prompt's file name.
func setInput(f *uiFixture, s string) {
	ev := f.m.screens.top().(*exportView)
	ev.input.SetValue("")
	f.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true})
}

// The export writes a name a spreadsheet would evaluate as a formula with
// a leading quote: opened in a spreadsheet, it is text.
func TestExportCSVCellsAreNeverFormulas(t *testing.T) {
	so := sandbox.Options{Connectors: 5}
	f := startOn(t, so, nil)
	names := []string{`=HYPERLINK("http://evil","x")`, "+1+1", "-2+3", "@SUM(A1)", "  =1"}
	for i, n := range names {
		f.sb.SetName(f.ids[i], n)
	}
	f.Key("r") // read the page again: the new names are on screen
	f.Advance(time.Second)
	path := filepath.Join(t.TempDir(), "out.csv")
	f.Key("x")
	setInput(f, path)
	f.Key("enter")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil || len(recs) != 6 {
		t.Fatalf("csv: %d records, %v", len(recs), err)
	}
	got := map[string]string{}
	for _, r := range recs[1:] {
		got[r[0]] = r[1]
	}
	for i, n := range names {
		if got[f.ids[i]] != "'"+n {
			t.Errorf("%s exported as %q, want %q", f.ids[i], got[f.ids[i]], "'"+n)
		}
	}
}
