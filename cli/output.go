package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

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
// the server sent null, absent where it sent nothing) and the rest sorted,
// every value made safe by safeJSON.
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
	b := []byte{'{'}
	n := 0
	for _, k := range append(slices.Clone(first), rest...) {
		v, ok := m[k]
		if !ok {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendJSONString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendSafeJSON(b, v); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// safeJSON is v as compact JSON that is valid and inert on a terminal (see
// appendSafeJSON).
func safeJSON(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return appendSafeJSON(nil, raw)
}

// appendSafeJSON appends the JSON value raw, compacted with its key order
// kept, so that the output is valid JSON a terminal can print: bytes that
// are not UTF-8 become U+FFFD (encoding/json passes them through in a
// RawMessage, making the document invalid), and every character that
// could drive or deceive a terminal — C0 and C1 controls, DEL, bidi and
// other invisible format characters, U+2028 and U+2029 — is written as a
// \u escape. The value is unchanged for a JSON reader.
func appendSafeJSON(dst []byte, raw []byte) ([]byte, error) {
	if !needsEscapes(raw) {
		// The common case, and a fast one: nothing to replace, compact it.
		b := bytes.NewBuffer(dst)
		if err := json.Compact(b, raw); err != nil {
			return nil, fmt.Errorf("the server sent JSON that cannot be read: %w", err)
		}
		return b.Bytes(), nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	type frame struct {
		object bool
		n      int // tokens so far: keys and values alike in an object
	}
	var stack []frame
	for values := 0; ; {
		done := values == 1 && len(stack) == 0
		tok, err := dec.Token()
		if err == io.EOF && done {
			break
		}
		if err == nil && done {
			err = errors.New("more than one value")
		}
		if err != nil {
			return nil, fmt.Errorf("the server sent JSON that cannot be read: %w", err)
		}
		if d, ok := tok.(json.Delim); !ok || d == '{' || d == '[' {
			if len(stack) == 0 {
				values++ // a scalar or a container begins at the top
			}
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			dst = append(dst, byte(d))
			continue
		}
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			switch {
			case top.object && top.n%2 == 1:
				dst = append(dst, ':')
			case top.n > 0:
				dst = append(dst, ',')
			}
			top.n++
		}
		switch v := tok.(type) {
		case json.Delim:
			stack = append(stack, frame{object: v == '{'})
			dst = append(dst, byte(v))
		case string:
			dst = appendJSONString(dst, v)
		case json.Number:
			dst = append(dst, v...)
		case bool:
			dst = strconv.AppendBool(dst, v)
		case nil:
			dst = append(dst, "null"...)
		}
	}
	return dst, nil
}

// escaped says whether r, printable to JSON, is written as a \u escape
// because a terminal would act on it (C0 controls are always escaped).
func escaped(r rune) bool {
	return r >= 0x7f && r < 0xa0 || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r)
}

// needsEscapes says whether raw holds a byte that is not UTF-8 or a
// character escaped would escape. (A raw C0 control inside a string is
// invalid JSON, refused either way.)
func needsEscapes(raw []byte) bool {
	for i := 0; i < len(raw); {
		if c := raw[i]; c < utf8.RuneSelf {
			if c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 || escaped(r) {
			return true
		}
		i += size
	}
	return false
}

// appendJSONString appends s quoted as a JSON string, with the characters a
// terminal would act on escaped (see appendSafeJSON).
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	escape := func(r rune) {
		dst = append(dst, '\\', 'u', hex[r>>12&0xF], hex[r>>8&0xF], hex[r>>4&0xF], hex[r&0xF])
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			dst = utf8.AppendRune(dst, utf8.RuneError)
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r == '\n':
			dst = append(dst, '\\', 'n')
		case r == '\t':
			dst = append(dst, '\\', 't')
		case r < 0x20, escaped(r):
			if r > 0xFFFF {
				hi, lo := utf16.EncodeRune(r)
				escape(hi)
				escape(lo)
			} else {
				escape(r)
			}
		default:
			dst = utf8.AppendRune(dst, r)
		}
	}
	return append(dst, '"')
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

func csvRow(cells ...string) []string {
	for i, c := range cells {
		cells[i] = termtext.CSVCell(c)
	}
	return cells
}

func timeCell(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// writeCSV writes the connectors with a header row; encoding/csv quotes
// what must be quoted (commas, quotes, newlines), and every cell is
// neutralised for terminals and spreadsheets (termtext.CSVCell).
func writeCSV(w io.Writer, cs []api.Connector) error {
	cw := csv.NewWriter(w)
	cw.Write(connectorFields)
	for _, c := range cs {
		cw.Write(csvRow(c.ID, c.Name, c.Platform, c.Status, timeCell(c.LastSyncAt), timeCell(c.CreatedAt)))
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
