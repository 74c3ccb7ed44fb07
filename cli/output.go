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
	return writeJSONLines(w, len(items), func(i int) ([]byte, error) { return orderedJSON(items[i], first) })
}

// writeJSONLines writes n values, the i-th encoded by value(i), one per
// line inside a JSON array.
func writeJSONLines(w io.Writer, n int, value func(i int) ([]byte, error)) error {
	if n == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	for i := range n {
		b, err := value(i)
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

// minCell is the narrowest a column that may be cut gets before the table
// gives up on columns (see table).
const minCell = 10

// table writes rows as aligned columns that fit width (0: no limit). A cell
// keep says is never cut (ids, times: what people and scripts copy); the
// other columns shrink, the widest first, none below minCell, each cut cell
// ending in "…". When even that does not fit, each row becomes a record
// (see records); a table of two columns is already one field per line and
// keeps its shape, its kept cells moved under their label when they do not
// fit beside it. Server text is neutralised: a table is for a terminal.
func table(w io.Writer, width int, header []string, rows [][]string, keep func(row, col int) bool) error {
	cols := len(header)
	clean, widths, gap, fits := layout(width, header, rows, keep)
	if !fits {
		if cols > 2 {
			return records(w, width, header, clean[1:], keep)
		}
		widths[cols-1] = max(width-tableWidth(widths, gap)+widths[cols-1], 1)
	}
	pad := strings.Repeat(" ", gap)
	var b strings.Builder
	for r, row := range clean {
		b.Reset()
		for i, cell := range row {
			kept := r == 0 || keep(r-1, i)
			if !kept {
				cell = termtext.Truncate(cell, widths[i])
			}
			switch {
			case i == cols-1 && i > 0 && kept && termtext.Width(cell) > widths[i]:
				// A kept cell too wide for what is left: under its label.
				line := strings.TrimRight(b.String(), " ")
				b.Reset()
				b.WriteString(line + "\n  " + cell)
			case i == cols-1:
				b.WriteString(cell)
			default:
				b.WriteString(termtext.PadRight(cell, max(widths[i], termtext.Width(cell))))
				b.WriteString(pad)
			}
		}
		if _, err := io.WriteString(w, strings.TrimRight(b.String(), " ")+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// layout is how table draws rows in width (0: no limit): the rows
// neutralised (header first), each column's width and the gap between
// columns, and whether that fits. Columns that may be cut shrink, the
// widest first, none below minCell; when two spaces between columns are
// still too many, one is tried.
func layout(width int, header []string, rows [][]string, keep func(row, col int) bool) (clean [][]string, widths []int, gap int, fits bool) {
	cols := len(header)
	widths = make([]int, cols)
	floor := make([]int, cols) // the narrowest each column may get
	clean = make([][]string, 0, len(rows)+1)
	for r, row := range append([][]string{header}, rows...) {
		cr := make([]string, cols)
		for i := range cols {
			if i < len(row) {
				cr[i] = termtext.Sanitize(row[i])
			}
			cw := termtext.Width(cr[i])
			widths[i] = max(widths[i], cw)
			floor[i] = max(floor[i], min(cw, minCell))
			if r == 0 || keep(r-1, i) {
				floor[i] = max(floor[i], cw) // headers and kept cells whole
			}
		}
		clean = append(clean, cr)
	}
	if width <= 0 {
		return clean, widths, 2, true
	}
	for _, gap = range []int{2, 1} {
		for tableWidth(widths, gap) > width {
			i := -1
			for j := range widths {
				if widths[j] > floor[j] && (i < 0 || widths[j] > widths[i]) {
					i = j
				}
			}
			if i < 0 {
				break
			}
			widths[i]--
		}
		if tableWidth(widths, gap) <= width {
			return clean, widths, gap, true
		}
	}
	return clean, widths, 2, false
}

// tableWidth is the width of a table's line: its columns and the gaps.
func tableWidth(widths []int, gap int) int {
	t := gap * (len(widths) - 1)
	for _, x := range widths {
		t += x
	}
	return t
}

// records writes each row as a record, for a terminal too narrow for the
// table: the first cell alone on a line, then one "label  value" line per
// other field, indented, and a blank line between records. Kept cells are
// never cut: one too wide for its line goes on the next line, alone.
func records(w io.Writer, width int, header []string, rows [][]string, keep func(row, col int) bool) error {
	const indent = "  "
	labelW := 0
	for _, h := range header[1:] {
		labelW = max(labelW, termtext.Width(h))
	}
	room := max(width-len(indent)-labelW-2, minCell)
	var b strings.Builder
	for r, row := range rows {
		b.Reset()
		if r > 0 {
			b.WriteString("\n")
		}
		first := row[0]
		if !keep(r, 0) {
			first = termtext.Truncate(first, width)
		}
		b.WriteString(first + "\n")
		for i := 1; i < len(row); i++ {
			label := indent + strings.ToLower(header[i])
			v := row[i]
			switch {
			case !keep(r, i):
				v = termtext.Truncate(v, room)
			case termtext.Width(v) > room:
				b.WriteString(label + "\n" + indent + indent + v + "\n")
				continue
			}
			line := termtext.PadRight(label, len(indent)+labelW) + "  " + v
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// Time layouts of the tables: local time (IO.Location) with its offset,
// never a bare clock time.
const (
	minuteLayout = "2006-01-02 15:04 -07:00"
	secondLayout = "2006-01-02 15:04:05 -07:00"
)

// shortLayout is a table's time where the full one leaves no room: the
// offset goes to the column's header (see timeHeader).
const shortLayout = "01-02 15:04"

// when is t for a table, in loc with its offset; "never" for no time.
func when(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "never"
	}
	return t.In(loc).Format(minuteLayout)
}

// whenShort is t in loc without year or offset, for a narrow table whose
// header says the offset (timeHeader, of now). A time of another offset
// (the other side of a change of summer time) or another year is written
// whole: it is never shown in a zone it is not in.
func whenShort(t *time.Time, now time.Time, loc *time.Location) string {
	if t == nil {
		return "never"
	}
	at, ref := t.In(loc), now.In(loc)
	if at.Format("-07:00") != ref.Format("-07:00") || at.Year() != ref.Year() {
		return at.Format(minuteLayout)
	}
	return at.Format(shortLayout)
}

// timeHeader is a narrow table's time column header: the offset its short
// times are in (now's, in loc), so a time is never shown without its zone.
func timeHeader(now time.Time, loc *time.Location) string {
	return "SYNC " + now.In(loc).Format("-07:00")
}
