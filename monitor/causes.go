package monitor

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The parts of a platform's error text that differ between connectors
// failing for the same reason, in the order they are replaced: quoted
// values first (they may hold anything), then what follows "SKU", request ids, UUIDs, URLs,
// e-mail addresses, long hex ids, SKU-like codes and numbers.
var causeRules = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`"[^"]*"|'[^']*'|` + "`[^`]*`" + `|«[^»]*»|“[^”]*”`), `"…"`},
	// What follows "SKU" is one when it has a digit or a dash ("SKU data
	// conflicts" keeps its words).
	{regexp.MustCompile(`(?i)\b(SKU|EAN|GTIN|product[ _-]?id)\s*[:#=]?\s*[^\s,;:)"…]*[0-9-][^\s,;:)"…]*`), `$1 <sku>`},
	{regexp.MustCompile(`(?i)\b(request[ _-]?id|req(?:uest)?|trace[ _-]?id|correlation[ _-]?id|x-request-id)\b\s*[:=#]?\s*[A-Za-z0-9._-]*\d[A-Za-z0-9._-]*`), `$1 <id>`},
	{regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`), `<id>`},
	{regexp.MustCompile(`(?i)\bhttps?://[^\s,;)]+`), `<url>`},
	{regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`), `<email>`},
	{regexp.MustCompile(`(?i)\b(?:[a-z]+_)?[0-9a-f]{16,}\b`), `<id>`},
	{regexp.MustCompile(`\b[A-Za-z]*\d[A-Za-z0-9]*(?:[-_/][A-Za-z0-9]+)+\b|\b[A-Za-z]+[-_]\d[A-Za-z0-9-_]*\b`), `<sku>`},
	{regexp.MustCompile(`[-+]?\d+(?:[.,]\d+)*`), `<n>`},
	{regexp.MustCompile(`\s+`), ` `},
}

// Cause is a last_error with what varies from one connector to the next
// stripped out, so that connectors failing for the same reason group:
// `Product 4029141777639 rejected: SKU "AB-12" exists (request id req_8f2a)`
// and the same text for another product and request read alike.
func Cause(lastError string) string {
	s := lastError
	for _, r := range causeRules {
		s = r.re.ReplaceAllString(s, r.with)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "(empty error)"
	}
	return s
}

// Failing is one connector in error, as the errors view groups it.
type Failing struct {
	ID, Name, Platform string
	LastError          string
	FirstSeen          time.Time // when the monitor first saw this error
	LastSeen           time.Time // when it last saw it still there
}

// CauseGroup is the connectors failing for one cause, on whichever
// platforms: "missing price" on five platforms is one cause, not five.
type CauseGroup struct {
	Cause      string
	Platforms  []string // the platforms of its connectors, sorted, each once ("" for none)
	Example    string   // one full last_error of the group, as the server wrote it
	Connectors []Failing
	FirstSeen  time.Time
	LastSeen   time.Time
}

// GroupByCause groups failing connectors by Cause, the largest group first
// (then by cause, so the order is stable), the connectors of a group by
// name, its platforms listed.
func GroupByCause(fs []Failing) []CauseGroup {
	idx := map[string]int{}
	var out []CauseGroup
	for _, f := range fs {
		cause := Cause(f.LastError)
		i, ok := idx[cause]
		if !ok {
			i = len(out)
			idx[cause] = i
			out = append(out, CauseGroup{Cause: cause, Example: f.LastError,
				FirstSeen: f.FirstSeen, LastSeen: f.LastSeen})
		}
		g := &out[i]
		g.Connectors = append(g.Connectors, f)
		if !slices.Contains(g.Platforms, f.Platform) {
			g.Platforms = append(g.Platforms, f.Platform)
		}
		if f.FirstSeen.Before(g.FirstSeen) {
			g.FirstSeen = f.FirstSeen
		}
		if f.LastSeen.After(g.LastSeen) {
			g.LastSeen = f.LastSeen
		}
	}
	for i := range out {
		slices.Sort(out[i].Platforms)
		slices.SortFunc(out[i].Connectors, func(a, b Failing) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
		})
	}
	slices.SortFunc(out, func(a, b CauseGroup) int {
		return cmp.Or(cmp.Compare(len(b.Connectors), len(a.Connectors)), cmp.Compare(a.Cause, b.Cause))
	})
	return out
}
