package linemode

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
)

// The list is the account's connectors as the monitor knows them (the
// index the crawl keeps, or a team server's), sorted and filtered here and
// told a page of numbered lines at a time. The numbers are those of the
// list last told: "show 12" is the twelfth line of it, whatever came since.

// sortKey is what the list is sorted by.
type sortKey string

const (
	sortName     sortKey = "name"
	sortStatus   sortKey = "status"   // errors first, then paused, then the rest
	sortPlatform sortKey = "platform" // then name
	sortLastSync sortKey = "sync"     // oldest last sync first: what is late comes up
)

var sortKeys = []sortKey{sortName, sortStatus, sortPlatform, sortLastSync}

// listing is the list as last told.
type listing struct {
	sortBy sortKey
	query  string // find's words; "" lists all
	rows   []api.Connector
	page   int // 1-based, of the rows
}

// build makes the rows from the store, as sorted and filtered.
func (l *listing) build(st *monitor.Store) {
	q := monitor.ParseQuery(l.query)
	rows := make([]api.Connector, 0, st.Len())
	st.Each(func(c api.Connector) {
		if q.Empty() {
			rows = append(rows, c)
			return
		}
		f := monitor.FoldFieldsForMatch(c.Name, c.Platform, c.Status, c.ID)
		if q.MatchesText(f.Text()) {
			rows = append(rows, c)
		}
	})
	slices.SortFunc(rows, l.compare)
	l.rows = rows
}

func (l *listing) compare(a, b api.Connector) int {
	byName := cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	switch l.sortBy {
	case sortStatus:
		return cmp.Or(cmp.Compare(statusRank(a.Status), statusRank(b.Status)), cmp.Compare(a.Status, b.Status), byName)
	case sortPlatform:
		return cmp.Or(cmp.Compare(a.Platform, b.Platform), byName)
	case sortLastSync:
		return cmp.Or(cmp.Compare(syncedAt(a), syncedAt(b)), byName)
	}
	return byName
}

func statusRank(s string) int {
	switch s {
	case monitor.StatusError:
		return 0
	case "paused":
		return 1
	case "active":
		return 3
	}
	return 2
}

func syncedAt(c api.Connector) int64 {
	if c.LastSyncAt == nil {
		return 0
	}
	return c.LastSyncAt.Unix()
}

// pages is how many pages the rows make of n lines.
func (l *listing) pages(n int) int { return max(1, (len(l.rows)+n-1)/n) }

// at is row number i (1-based) of the list last told.
func (l *listing) at(i int) (api.Connector, bool) {
	if i < 1 || i > len(l.rows) {
		return api.Connector{}, false
	}
	return l.rows[i-1], true
}

// tell says page p of the list, numbered lines after a line that says
// which page of how many.
func (s *session) tell(p int) {
	n := s.o.Lines
	l := &s.list
	if len(l.rows) == 0 {
		if l.query != "" {
			s.out.say(fmt.Sprintf("No connector matches %s%s.", quoted(l.query), s.soFar()))
		} else {
			s.out.say("No connector is known yet" + s.soFar() + ".")
		}
		return
	}
	l.page = min(max(p, 1), l.pages(n))
	from := (l.page - 1) * n
	to := min(from+n, len(l.rows))
	what := count(len(l.rows), "connector")
	if l.query != "" {
		what += " matching " + quoted(l.query)
	}
	out := []string{fmt.Sprintf("Page %d of %d: %d to %d of %s, by %s%s.", l.page, l.pages(n), from+1, to, what, l.sortBy, s.soFar())}
	now := s.now()
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("%d. %s", i+1, s.row(l.rows[i], now)))
	}
	if l.page < l.pages(n) {
		out = append(out, "Type next for more.")
	}
	s.out.say(out...)
}

// row is one connector in words: "Harbor Hardware, shopify, error, last
// sync 2 days ago".
func (s *session) row(c api.Connector, now time.Time) string {
	parts := []string{orWord(c.Name, "(no name)"), orWord(c.Platform, "no platform"), orWord(c.Status, "no status")}
	parts = append(parts, lastSync(c, now))
	if cad := s.mon.Store().Cadence(c.ID, now); cad.State != monitor.OnTime {
		parts = append(parts, cad.State.String())
	}
	return strings.Join(parts, ", ")
}

// soFar says the list is what the index knows so far, while it is not
// complete.
func (s *session) soFar() string {
	ix := s.mon.Index()
	if ix.Complete || !ix.On && s.o.Account.Fleet == nil {
		return ""
	}
	if ix.Total > 0 {
		return fmt.Sprintf(", of the %s known so far of %s", thousands(ix.Known), thousands(ix.Total))
	}
	return ", of those known so far"
}

// resolve is the connector a command names: a number of the list last
// told, else a name (whole, or the only one whose words match). When
// several match, they become the list, told, and none is returned.
func (s *session) resolve(arg string) (api.Connector, bool) {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		s.out.say("Which connector? Give its number in the list, or its name.")
		return api.Connector{}, false
	}
	var n int
	if _, err := fmt.Sscanf(arg, "%d", &n); err == nil && fmt.Sprint(n) == arg {
		c, ok := s.list.at(n)
		if !ok {
			if len(s.list.rows) == 0 {
				if s.list.query != "" {
					s.out.say(fmt.Sprintf("There is no number %d: no connector matches %s. Type list for them all.", n, quoted(s.list.query)))
				} else {
					s.out.say(fmt.Sprintf("There is no number %d: no list has been told yet. Type list first.", n))
				}
			} else {
				s.out.say(fmt.Sprintf("There is no number %d: the list holds 1 to %d.", n, len(s.list.rows)))
			}
			return api.Connector{}, false
		}
		return c, true
	}
	want := monitor.Fold(arg).Text()
	var exact, near []api.Connector
	q := monitor.ParseQuery(arg)
	s.mon.Store().Each(func(c api.Connector) {
		switch {
		case monitor.Fold(c.Name).Text() == want || c.ID == arg:
			exact = append(exact, c)
		case q.MatchesText(monitor.FoldFieldsForMatch(c.Name).Text()):
			near = append(near, c)
		}
	})
	switch {
	case len(exact) == 1:
		return exact[0], true
	case len(exact) == 0 && len(near) == 1:
		return near[0], true
	case len(exact)+len(near) == 0:
		s.out.say(fmt.Sprintf("No connector is named %s%s.", quoted(arg), s.soFar()))
		return api.Connector{}, false
	}
	s.list.query = arg
	s.list.build(s.mon.Store())
	s.out.say(fmt.Sprintf("%s match %s: give the number.", count(len(s.list.rows), "connector"), quoted(arg)))
	s.tell(1)
	return api.Connector{}, false
}

// lastSync is "last sync 2 days ago", "never synced" or "last sync unknown".
func lastSync(c api.Connector, now time.Time) string {
	switch {
	case c.LastSyncAtUnknown:
		return "last sync unknown"
	case c.LastSyncAt == nil:
		return "never synced"
	}
	return "last sync " + ago(now.Sub(*c.LastSyncAt))
}

// ago is a span in words: "just now", "5 minutes ago", "2 days ago".
func ago(d time.Duration) string {
	switch {
	case d < 0:
		return "in the future"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return count(int(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return count(int(d/time.Hour), "hour") + " ago"
	}
	return count(int(d/(24*time.Hour)), "day") + " ago"
}

// span is a duration in words: "about 2 minutes", "less than a minute".
func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return "about " + count(int((d+30*time.Second)/time.Minute), "minute")
	}
	return "about " + count(int((d+30*time.Minute)/time.Hour), "hour")
}

// count is "1 connector", "2 connectors", "10 000 connectors".
func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return thousands(n) + " " + word + "s"
}

// thousands writes n as digits alone: a screen reader reads "10000" as
// ten thousand, and "10 000" as ten, then zero.
func thousands(n int) string { return fmt.Sprint(n) }

// maxQuoted is how many characters of what was typed a line quotes back.
const maxQuoted = 80

// quoted is what a person typed, quoted back in a line: cut after
// maxQuoted characters ("…"), so a paste of a page is not read back whole.
func quoted(s string) string {
	if r := []rune(s); len(r) > maxQuoted {
		return fmt.Sprintf("%q…", string(r[:maxQuoted]))
	}
	return fmt.Sprintf("%q", s)
}

func orWord(s, none string) string {
	if strings.TrimSpace(s) == "" {
		return none
	}
	return s
}
