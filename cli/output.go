package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// The documented fields, first and in this order, in JSON output; any other
// field the API sent follows, sorted by name, as it came.
var (
	connectorFields = []string{"id", "name", "platform", "status", "last_sync_at", "created_at"}
	detailFields    = append(slices.Clone(connectorFields), "sync_stats")
)

// orderedJSON re-emits a raw object with the given keys first (null where
// the server sent null, absent where it sent nothing) and the rest sorted.
func orderedJSON(raw json.RawMessage, first []string) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, fmt.Errorf("an item is not a JSON object")
	}
	var rest []string
	for k := range m {
		if !slices.Contains(first, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	for _, k := range append(slices.Clone(first), rest...) {
		v, ok := m[k]
		if !ok {
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		var c bytes.Buffer
		if json.Compact(&c, v) == nil {
			b.Write(c.Bytes())
		} else {
			b.Write(v)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeJSONArray writes items one per line inside a JSON array, so that
// large lists stream and diff well.
func writeJSONArray(w io.Writer, items []json.RawMessage, first []string) error {
	if len(items) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	for i, it := range items {
		b, err := orderedJSON(it, first)
		if err != nil {
			return err
		}
		sep := ",\n  "
		if i == 0 {
			sep = "[\n  "
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\n]\n")
	return err
}

func timeCell(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// writeCSV writes the connectors with a header row; encoding/csv quotes
// what must be quoted (commas, quotes, newlines).
func writeCSV(w io.Writer, cs []api.Connector) error {
	cw := csv.NewWriter(w)
	cw.Write(connectorFields)
	for _, c := range cs {
		cw.Write([]string{c.ID, c.Name, c.Platform, c.Status, timeCell(c.LastSyncAt), timeCell(c.CreatedAt)})
	}
	cw.Flush()
	return cw.Error()
}

// table writes rows as aligned columns, the last column taking what is left
// of width (0: no limit). Server text is neutralised: a table is for a
// terminal.
func table(w io.Writer, width int, header []string, rows [][]string) error {
	cols := len(header)
	widths := make([]int, cols)
	clean := make([][]string, 0, len(rows)+1)
	for _, r := range append([][]string{header}, rows...) {
		cr := make([]string, cols)
		for i := range cols {
			if i < len(r) {
				cr[i] = termtext.Sanitize(r[i])
			}
			widths[i] = max(widths[i], termtext.Width(cr[i]))
		}
		clean = append(clean, cr)
	}
	if width > 0 {
		// Shrink the widest columns until the line fits, none below 8.
		total := func() int {
			t := 2 * (cols - 1)
			for _, x := range widths {
				t += x
			}
			return t
		}
		for total() > width {
			i := 0
			for j := range widths {
				if widths[j] > widths[i] {
					i = j
				}
			}
			if widths[i] <= 8 {
				break
			}
			widths[i]--
		}
	}
	var b strings.Builder
	for _, r := range clean {
		b.Reset()
		for i, cell := range r {
			cell = termtext.Truncate(cell, widths[i])
			if i == cols-1 {
				b.WriteString(cell)
			} else {
				b.WriteString(termtext.PadRight(cell, widths[i]))
				b.WriteString("  ")
			}
		}
		if _, err := io.WriteString(w, strings.TrimRight(b.String(), " ")+"\n"); err != nil {
			return err
		}
	}
	return nil
}

func when(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.Local().Format("2006-01-02 15:04")
}
