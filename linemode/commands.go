package linemode

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/ean"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// help is the commands, one a line.
var help = []string{
	"Commands, one a line:",
	"list: the connectors, a page at a time. next, prev, page 3: another page.",
	"find harbor: the connectors whose name, platform, status or id hold every word. find alone: all again.",
	"sort name, sort status, sort platform, sort sync: the order of the list.",
	"show 12, or show Harbor Hardware: one connector in detail, and follow it.",
	"sync 12 EAN EAN: sync those EANs to connector 12. sync 12 catalog: sync its whole catalog. Each asks yes or no first.",
	"test 12: test the connection of connector 12 (syncs nothing). It asks yes or no first.",
	"status: the account, the counts by status and the index again.",
	"events: the latest events. errors: the connectors in error, by cause. history: the latest syncs and tests sent.",
	"help: this. quit: leave.",
}

// greet says what the account is, at once; the counts come with the first
// page (facts).
func (s *session) greet() {
	what := "Account: " + s.title() + "."
	if s.o.Demo {
		what = "Account: the demo sandbox, " + s.o.Host + ". Nothing real is changed."
	}
	out := []string{"pixee-tui, accessible mode: lines only, nothing redrawn. " + what}
	if why := s.writesOff(); why != "" {
		out = append(out, why+": no sync or test will be sent.")
	}
	s.out.say(append(out, "Loading the first page of connectors.")...)
}

func (s *session) title() string {
	if s.o.Name != "" {
		return s.o.Name + " on " + s.o.Host
	}
	return s.o.Host
}

// writesOff is why no write can be sent, as a sentence's start; "" when
// one can.
func (s *session) writesOff() string {
	switch why := s.mon.WritesOff(); why {
	case "":
	case "read-only":
		return "This session is read-only (a read_only profile, --read-only, or the watch role on a team server)"
	default:
		return "Writes are off: " + why
	}
	if s.o.Account.History == nil {
		return "There is no history to record a sync in"
	}
	return ""
}

// facts says the account's state, one line a fact.
func (s *session) facts() {
	c := s.mon.Counts()
	ix := s.mon.Index()
	known := c.Error + c.Paused + c.Active + c.Other
	out := []string{
		"Account: " + s.title() + ".",
		fmt.Sprintf("Connectors known: %d. In error: %d. Paused: %d. Active: %d. Other: %d.", known, c.Error, c.Paused, c.Active, c.Other),
		s.indexLine(ix),
	}
	if h := s.mon.HoldReason(); h != "" && s.mon.HoldOff() > 0 {
		out = append(out, "Reads are held back: "+h+", for "+span(s.mon.HoldOff())+".")
	}
	if err := s.mon.AuthErr(); err != nil {
		out = append(out, "The API refuses the key: "+oneLine(err.Error())+".")
	}
	s.out.say(append(out, "Type list for the connectors, or help for the commands.")...)
}

func (s *session) indexLine(ix monitor.IndexState) string {
	switch {
	case ix.Complete:
		return fmt.Sprintf("Index: complete, %s, last pass %s.", count(ix.Known, "connector"), ago(s.now().Sub(ix.DoneAt)))
	case !ix.On && s.o.Account.Fleet == nil:
		return "Index: off."
	case ix.Total >= 0:
		return fmt.Sprintf("Index: being built, %d of %d connectors known.", ix.Known, ix.Total)
	}
	return fmt.Sprintf("Index: being built, %d connectors known.", ix.Known)
}

// command does one line; it reports whether to quit.
func (s *session) command(line string) bool {
	line = strings.TrimSpace(line)
	if s.ask != nil {
		s.answer(line)
		return false
	}
	if line == "" {
		return false
	}
	verb, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(verb) {
	case "quit", "exit", "q":
		s.out.say("Goodbye.")
		return true
	case "help", "?", "h":
		s.out.say(help...)
	case "list", "l", "ls":
		if !s.first {
			s.listWaits = true
			s.out.say("The connectors are still loading: the list follows when the first page comes.")
			return false
		}
		s.list.query = ""
		s.list.build(s.mon.Store())
		s.tell(1)
	case "next", "n":
		s.turn(s.list.page + 1)
	case "prev", "previous", "p":
		s.turn(s.list.page - 1)
	case "page":
		n, err := strconv.Atoi(rest)
		if err != nil {
			s.out.say("Which page? Type page and a number, for example page 3.")
			return false
		}
		s.turn(n)
	case "find", "f", "/":
		s.list.query = rest
		s.list.build(s.mon.Store())
		s.tell(1)
	case "sort":
		s.sort(rest)
	case "show", "s":
		if c, ok := s.resolve(rest); ok {
			s.show(c)
		}
	case "sync":
		s.askSync(rest)
	case "test":
		if c, ok := s.resolve(rest); ok {
			s.askTest(c)
		}
	case "status":
		s.facts()
	case "events", "e":
		s.tellEvents()
	case "errors":
		s.tellErrors()
	case "history":
		s.tellHistory()
	default:
		s.out.say(quoted(verb) + " is not a command. Type help for the commands.")
	}
	return false
}

// turn tells another page of the list, built again for what changed.
func (s *session) turn(p int) {
	if s.list.rows == nil {
		s.list.build(s.mon.Store())
	}
	n := s.list.pages(s.o.Lines)
	switch {
	case p < 1:
		s.out.say("This is the first page.")
		return
	case p > n && s.list.page == n:
		s.out.say(fmt.Sprintf("This is the last page, page %d.", n))
		return
	case p > n:
		s.out.say(fmt.Sprintf("There are %d pages; here is the last.", n))
	}
	s.list.build(s.mon.Store())
	s.tell(p)
}

func (s *session) sort(by string) {
	k := sortKey(strings.ToLower(strings.TrimSpace(by)))
	if k == "last" || k == "last sync" {
		k = sortLastSync
	}
	if !slices.Contains(sortKeys, k) {
		s.out.say("Sort by what? sort name, sort status, sort platform or sort sync.")
		return
	}
	s.list.sortBy = k
	s.list.build(s.mon.Store())
	s.tell(1)
}

// show tells a connector's detail: at once from what is known when it is
// fresh, else when the detail answers. The connector is followed (the
// monitor's selection) from then on.
func (s *session) show(c api.Connector) {
	s.runsFor = ""
	d, at := s.mon.Cached(c.ID)
	if d != nil && s.now().Sub(at) < 30*time.Second {
		s.detail(d, false)
	} else {
		s.out.say("Reading " + orWord(c.Name, c.ID) + ".")
		s.showing = c.ID
	}
	if f := s.follow; f != nil && f.id != c.ID && !f.done {
		s.out.say("The progress of the sync to " + f.name + " is no longer told: show it again to follow it.")
	}
	s.do(s.mon.Select(c.ID, false))
}

// detail tells d, one fact a line.
func (s *session) detail(d *api.ConnectorDetail, fresh bool) {
	now := s.now()
	st := d.SyncStats
	out := []string{
		"Connector " + orWord(d.Name, "(no name)") + ".",
		"Id: " + d.ID + ". Platform: " + orWord(d.Platform, "none") + ". Status: " + orWord(d.Status, "none") + ".",
		strings.ToUpper(lastSync(d.Connector, now)[:1]) + lastSync(d.Connector, now)[1:] + ".",
		"Products synced: " + num(st.ProductsSynced, st.ProductsSyncedUnknown) + ". Pending: " + num(st.ProductsPending, st.ProductsPendingUnknown) + ".",
	}
	if st.LastError != nil {
		out = append(out, "Last error: "+oneLine(*st.LastError)+".")
	} else {
		out = append(out, "No error.")
	}
	if t, ok := s.mon.LastTest(d.ID); ok {
		out = append(out, "Last connection test, "+ago(now.Sub(t.At))+": "+testWords(t.Result, t.Err)+".")
	}
	past, waiting := s.pastLines(d.ID, now)
	out = append(out, past...)
	if waiting {
		s.runsFor = d.ID
	}
	if !fresh {
		out = append(out, "Read "+ago(now.Sub(mustAt(s.mon.Cached(d.ID))))+"; a fresh reading follows if it changed.")
	}
	s.out.say(out...)
}

func mustAt(_ *api.ConnectorDetail, at time.Time) time.Time { return at }

func num(n int, unknown bool) string {
	if unknown {
		return "unknown"
	}
	return thousands(n)
}

func runWords(r monitor.Run, now time.Time) string {
	w := "Run " + oneLine(r.Status)
	if r.Status == "" {
		w = "Run with no status"
	}
	switch {
	case r.Dated():
		w += ", ended " + ago(now.Sub(r.End))
	case r.Finished():
		w += ", ended at a time the server did not send"
	case !r.Start.IsZero():
		w += ", started " + ago(now.Sub(r.Start))
	default:
		w += ", under way"
	}
	if !r.PushedUnknown {
		w += ", " + count(r.Pushed, "product") + " pushed"
	}
	switch {
	case !r.DurationUnknown && r.Duration > 0:
		w += ", took " + length(r.Duration)
	case r.Finished() && r.DurationUnknown:
		w += ", duration unknown"
	}
	if r.Error != "" {
		w += ": " + oneLine(r.Error)
	}
	return w + "."
}

func testWords(r *api.TestResult, err error) string {
	switch {
	case errors.Is(err, api.ErrNotSupported):
		return "this server does not offer connection tests"
	case err != nil:
		return "failed: " + oneLine(err.Error())
	case r == nil:
		return "no answer"
	case r.OK != nil && !*r.OK:
		return "the connection failed: " + oneLine(r.Message)
	}
	return "the connection works: " + oneLine(orWord(r.Message, "no message"))
}

// question is a write waiting for yes or no.
type question struct {
	c       api.Connector
	eans    []string
	catalog bool
	test    bool
}

// askSync reads "12 EAN EAN…" or "12 catalog" and asks before sending.
func (s *session) askSync(rest string) {
	if why := s.writesOff(); why != "" {
		s.out.say(why + ". Nothing sent.")
		return
	}
	fields := strings.Fields(rest)
	if len(fields) < 2 {
		s.out.say("Sync what? Type sync, the connector's number, then EANs, or the word catalog. For example: sync 12 4006381333931.")
		return
	}
	// The connector is the first word, or the words before the EANs.
	cut := 1
	for cut < len(fields)-1 && !looksLikeCode(fields[cut]) && !strings.EqualFold(fields[cut], "catalog") {
		cut++
	}
	c, ok := s.resolve(strings.Join(fields[:cut], " "))
	if !ok {
		return
	}
	what := fields[cut:]
	if len(what) == 1 && strings.EqualFold(what[0], "catalog") {
		s.ask = &question{c: c, catalog: true}
		s.out.say(append(s.recently(c, nil, true), "Sync the whole catalog of "+name(c)+"? This queues every product. yes or no.")...)
		return
	}
	p := ean.Parse(strings.Join(what, " "))
	if len(p.Rejected) > 0 {
		var bad []string
		for _, r := range p.Rejected[:min(len(p.Rejected), maxRejectedTold)] {
			bad = append(bad, quoted(r.Token)+" "+r.Reason)
		}
		if more := len(p.Rejected) - maxRejectedTold; more > 0 {
			bad = append(bad, fmt.Sprintf("and %d more", more))
		}
		s.out.say("Nothing asked: " + strings.Join(bad, "; ") + ". Give EANs of 8, 12, 13 or 14 digits, or the word catalog.")
		return
	}
	var warn []string
	for _, w := range p.Warnings {
		warn = append(warn, "Note: "+w.EAN+": "+w.Reason+"; it is sent as typed.")
	}
	s.ask = &question{c: c, eans: p.Valid}
	warn = append(warn, s.recently(c, p.Valid, false)...)
	s.out.say(append(warn, "Sync "+count(len(p.Valid), "EAN")+" to "+name(c)+"? yes or no.")...)
}

// recently warns, as the dashboard's question does, of the same sync
// queued on c in the last half hour (the history says it).
func (s *session) recently(c api.Connector, eans []string, catalog bool) []string {
	h := s.o.Account.History
	if h == nil {
		return nil
	}
	acts, err := h.Recent(c.ID, 30*time.Minute)
	if err != nil {
		return nil
	}
	for _, a := range acts {
		if a.Outcome == history.OutcomeFailed || a.Outcome == history.OutcomeRejected {
			continue
		}
		same := catalog && a.Kind == history.SyncCatalog
		if !catalog && a.Kind == history.SyncEANs && len(a.EANs) == len(eans) {
			same = true
			for _, e := range eans {
				same = same && slices.Contains(a.EANs, e)
			}
		}
		if same {
			by := ""
			if a.User != "" {
				by = " by " + termtext.Sanitize(a.User)
			}
			return []string{"Note: the same sync was queued" + by + " " + ago(s.now().Sub(a.Time)) + "."}
		}
	}
	return nil
}

// maxRejectedTold is how many rejected EANs a line names; the rest are
// counted.
const maxRejectedTold = 5

func looksLikeCode(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return len(w) >= 6
}

func name(c api.Connector) string { return orWord(c.Name, c.ID) }

func (s *session) askTest(c api.Connector) {
	if why := s.writesOff(); why != "" {
		s.out.say(why + ". Nothing sent.")
		return
	}
	s.ask = &question{c: c, test: true}
	s.out.say("Test the connection of " + name(c) + "? It syncs nothing. yes or no.")
}

// answer takes the line after a question: yes sends, anything else does not.
func (s *session) answer(line string) {
	q := s.ask
	s.ask = nil
	switch strings.ToLower(line) {
	case "yes", "y":
	default:
		s.out.say("Nothing sent.")
		return
	}
	var req monitor.Request
	var err error
	if q.test {
		req, err = s.mon.Test(q.c.ID)
	} else {
		req, err = s.mon.Sync(q.c.ID, q.eans, q.catalog)
	}
	var held *monitor.HoldError
	switch {
	case errors.As(err, &held):
		s.out.say("Nothing sent: the API asks us to wait; try again in " + span(held.Wait) + ".")
		return
	case errors.Is(err, monitor.ErrReadOnly):
		s.out.say(s.writesOff() + ". Nothing sent.")
		return
	case errors.Is(err, monitor.ErrWriteBusy):
		s.out.say("Nothing sent: another sync or test is still being sent; wait for its answer.")
		return
	case err != nil:
		s.out.say("Nothing sent: " + oneLine(err.Error()) + ".")
		return
	}
	if q.test {
		s.out.say("Testing the connection of " + name(q.c) + ".")
	} else {
		s.out.say("Sending the sync to " + name(q.c) + ".")
	}
	s.do(monitor.Plan{{Request: req}})
}
