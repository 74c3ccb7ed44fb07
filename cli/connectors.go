package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/ui/ean"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/write"
)

func connectorsCmd(o *IO, open Opener) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "connectors",
		Aliases: []string{"connector", "c"},
		Short:   "List, inspect, sync and test connectors (for scripts)",
		Long: `List, inspect, sync and test connectors.

get, sync, test and jobs name a connector by its id, a unique start of its id (4
characters or more), its name or a unique part of its name, case ignored. An
exact id is taken at once; anything else is looked up in the account's list
(every page, within the rate budget), and stderr says which connector it is
("→ Name (id)") before anything is sent. Several matches: exit 2, the first
five listed on stderr; none: exit 1. Nothing is sent in either case.

Tables never cut an id or a time; times are local, with their UTC offset.`,
	}
	cmd.AddCommand(listCmd(o, open), getCmd(o, open), syncCmd(o, open), testCmd(o, open), jobsCmd(o, open))
	return cmd
}

func listCmd(o *IO, open Opener) *cobra.Command {
	var status, platform, output string
	var all bool
	var perPage int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List connectors (one page, or every page with --all)",
		Long: `List the account's connectors.

Without --all one page is fetched; --all (implied by --status and --platform,
which filter the whole account) walks every page, pausing when the rate-limit
budget runs under a quarter until its window resets.

-o json prints an array of objects with every field the API sent, null kept:
id, name, platform, status, last_sync_at, created_at first, then any other
field in name order; it is always valid JSON (bytes that are not UTF-8
become U+FFFD, control and bidi characters are \u escapes). -o csv has a
header row, and a cell starting with = + - or @ gets a leading ' (never a
formula in a spreadsheet). -o table fits the terminal.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := outputFlag(output, "table", "json", "csv"); err != nil {
				return err
			}
			if perPage < 1 || perPage > api.MaxPerPage {
				return usageErr("--per-page must be between 1 and %d, got %d", api.MaxPerPage, perPage)
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			all = all || status != "" || platform != ""
			items, raw, err := walk(cmd.Context(), o, s.Client, perPage, all)
			if err != nil {
				return err
			}
			keep := func(c api.Connector) bool {
				return (status == "" || strings.EqualFold(c.Status, status)) &&
					(platform == "" || strings.EqualFold(c.Platform, platform))
			}
			var cs []api.Connector
			var rs []json.RawMessage
			for i, c := range items {
				if keep(c) {
					cs, rs = append(cs, c), append(rs, raw[i])
				}
			}
			switch output {
			case "json":
				return writeJSONArray(o.Out, rs, connectorFields)
			case "csv":
				return writeCSV(o.Out, cs)
			}
			// The id and the time are never cut; the name gives way first.
			// Where the full times leave the name no room (80 columns), the
			// times lose their year and the header carries their offset.
			keepCol := func(_, col int) bool { return col == 0 || col == 3 }
			header := []string{"ID", "STATUS", "PLATFORM", "LAST SYNC", "NAME"}
			rows := make([][]string, len(cs))
			for i, c := range cs {
				rows[i] = []string{c.ID, c.Status, c.Platform, when(c.LastSyncAt, o.Location), c.Name}
			}
			if _, _, _, fits := layout(o.Width, header, rows, keepCol); !fits {
				now := o.Now()
				header[3] = timeHeader(now, o.Location)
				for i, c := range cs {
					rows[i][3] = whenShort(c.LastSyncAt, now, o.Location)
				}
			}
			return table(o.Out, o.Width, header, rows, keepCol)
		},
	}
	f := cmd.Flags()
	f.StringVar(&status, "status", "", "only connectors with this status (e.g. error, paused); implies --all")
	f.StringVar(&platform, "platform", "", "only connectors on this platform (e.g. shopify); implies --all")
	f.BoolVar(&all, "all", false, "walk every page within the rate budget")
	f.IntVar(&perPage, "per-page", 100, "connectors per request")
	f.StringVarP(&output, "output", "o", "table", "table, json or csv")
	return cmd
}

// walk fetches one page, or all of them, keeping each connector once
// (pages may shift while walking: one added in front repeats the last row).
func walk(ctx context.Context, o *IO, c *api.Client, perPage int, all bool) ([]api.Connector, []json.RawMessage, error) {
	var items []api.Connector
	var raw []json.RawMessage
	seen := map[string]bool{}
	for page := 1; page <= o.MaxListRequest; page++ {
		p, rs, resp, err := listWithWaits(ctx, o, c, page, perPage)
		if err != nil {
			return nil, nil, err
		}
		if resp.PerPageCap > 0 && page == 1 {
			fmt.Fprintf(o.Err, "note: this server serves at most %d per page\n", resp.PerPageCap)
		}
		if resp.PerPageCap > 0 {
			perPage = resp.PerPageCap // pages now count in the server's size
			page = p.Meta.Page
		}
		for i, it := range p.Items {
			if !seen[it.ID] {
				seen[it.ID] = true
				items, raw = append(items, it), append(raw, rs[i])
			}
		}
		if !all && p.Meta.HasNext {
			// One page of several: said where scripts do not read it.
			of := ""
			if p.Meta.Total > 0 {
				of = fmt.Sprintf(" of %d", p.Meta.Total)
			}
			fmt.Fprintf(o.Err, "showing %d%s (page %d); --all for every page\n", len(items), of, p.Meta.Page)
		}
		if !all || !p.Meta.HasNext {
			return items, raw, nil
		}
		if err := pace(ctx, o, resp.Rate); err != nil {
			return nil, nil, err
		}
	}
	return nil, nil, fmt.Errorf("stopped after %d pages: the server keeps saying there is a next page", o.MaxListRequest)
}

// listWithWaits is one page, waiting out a 429 (a GET may be repeated) at
// most three times. A server asking for a wait longer than o.MaxRateWait
// is not waited out: the command ends, rate limited, and says for how long.
func listWithWaits(ctx context.Context, o *IO, c *api.Client, page, perPage int) (*api.ConnectorPage, []json.RawMessage, *api.Response, error) {
	for try := 0; ; try++ {
		p, rs, resp, err := c.ListConnectorsRaw(ctx, page, perPage)
		var rl *api.RateLimitError
		if !errors.As(err, &rl) || try == 3 || rl.RetryAfter > o.MaxRateWait {
			return p, rs, resp, err
		}
		wait := rl.RetryAfter
		if wait <= 0 {
			wait = time.Minute
		}
		fmt.Fprintf(o.Err, "rate limited: waiting %s for the rate-limit window (try %d of 3)\n", wait.Round(time.Second), try+1)
		if err := o.Sleep(ctx, wait); err != nil {
			return nil, nil, nil, err
		}
	}
}

// pace waits for the rate-limit window to reset when under a quarter of
// the budget is left, so a walk of a large account never spends it all.
func pace(ctx context.Context, o *IO, r api.RateLimit) error {
	if !r.Known || r.Limit <= 0 || r.Remaining < 0 || r.Remaining*4 >= r.Limit || r.Reset.IsZero() {
		return nil
	}
	wait := min(r.Reset.Sub(o.Now()), time.Minute)
	if wait <= 0 {
		return nil
	}
	fmt.Fprintf(o.Err, "budget %d/%d: waiting %s for the rate-limit window\n", r.Remaining, r.Limit, wait.Round(time.Second))
	return o.Sleep(ctx, wait)
}

func getCmd(o *IO, open Opener) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "get ID|NAME",
		Short: "Show one connector and its sync stats",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := outputFlag(output, "table", "json"); err != nil {
				return err
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			d, raw, err := lookup(cmd.Context(), o, s.Client, args[0])
			if err != nil {
				return err
			}
			if output == "json" {
				b, err := orderedJSON(raw, detailFields)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(o.Out, "%s\n", b)
				return err
			}
			lastErr := ""
			if d.SyncStats.LastError != nil {
				lastErr = *d.SyncStats.LastError
			}
			rows := [][]string{
				{"id", d.ID}, {"name", d.Name}, {"platform", d.Platform}, {"status", d.Status},
				{"last sync", when(d.LastSyncAt, o.Location)},
				{"synced", strconv.Itoa(d.SyncStats.ProductsSynced)},
				{"pending", strconv.Itoa(d.SyncStats.ProductsPending)},
				{"last error", lastErr},
			}
			return table(o.Out, o.Width, []string{"FIELD", "VALUE"}, rows,
				func(row, col int) bool { return col == 1 && (row == 0 || row == 4) }) // the id and the time whole
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	return cmd
}

func syncCmd(o *IO, open Opener) *cobra.Command {
	var eansFlag, eansFile, output string
	var catalog, yes, wait, skipInvalid bool
	var waitFor time.Duration
	cmd := &cobra.Command{
		Use:   "sync ID|NAME (--eans 1,2,… | --eans-file FILE|- | --catalog)",
		Short: "Queue a sync of EANs, or of the whole catalog; never retried",
		Long: `Queue a sync on a connector. EANs are checked exactly as the dashboard's form
does: rejected tokens are listed on stderr and nothing is sent unless
--skip-invalid. --catalog syncs the whole catalog: it asks y/N on a terminal
and needs --yes when stdin is not one. --eans-file is read up to 8 MiB: a
larger input is refused, nothing sent. --wait follows products_pending to 0;
--wait-timeout bounds the whole wait, rate-limit waits included.
The sync is recorded in the history before it is sent. It is never retried:
exit code 3 means it may have been queued; check before sending it again.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := outputFlag(output, "text", "json"); err != nil {
				return err
			}
			n := 0
			for _, set := range []bool{eansFlag != "", eansFile != "", catalog} {
				if set {
					n++
				}
			}
			if n != 1 {
				return usageErr("say what to sync: exactly one of --eans, --eans-file and --catalog")
			}
			var eans []string
			if !catalog {
				text, err := readEANs(o, eansFlag, eansFile)
				if err != nil {
					return err
				}
				if eans, err = checkEANs(o, text, skipInvalid); err != nil {
					return err
				}
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			if s.ReadOnly {
				return usageErr("read-only: this profile may not trigger syncs; nothing sent")
			}
			return runSync(cmd.Context(), o, s, args[0], eans, catalog, yes, syncWait{on: wait, max: waitFor}, output)
		},
	}
	f := cmd.Flags()
	f.StringVar(&eansFlag, "eans", "", "EANs to sync, separated by commas or spaces")
	f.StringVar(&eansFile, "eans-file", "", "read EANs from FILE (- for stdin), one per line or separated by commas")
	f.BoolVar(&catalog, "catalog", false, "sync the whole catalog")
	f.BoolVar(&yes, "yes", false, "do not ask before a whole-catalog sync")
	f.BoolVar(&skipInvalid, "skip-invalid", false, "send the valid EANs even when some are rejected")
	f.BoolVar(&wait, "wait", false, "follow products_pending to 0 and exit with the outcome")
	f.DurationVar(&waitFor, "wait-timeout", 30*time.Minute, "give up waiting after this long (rate-limit waits included; exit 1)")
	f.StringVarP(&output, "output", "o", "text", "text or json")
	return cmd
}

// readEANs reads the EANs of --eans or --eans-file. The file (or stdin) is
// read up to o.MaxEANInput: a larger one is refused whole, never cut.
func readEANs(o *IO, list, file string) (string, error) {
	if list != "" {
		return list, nil
	}
	limit := o.MaxEANInput
	tooLarge := func(what string) error {
		return usageErr("--eans-file: %s is larger than %s, the most read at once; nothing sent (split it into several syncs)", what, size(limit))
	}
	var r io.Reader = o.In
	what := "stdin"
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return "", usageErr("--eans-file: %v", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
			return "", tooLarge(fmt.Sprintf("%s (%s)", file, size(st.Size())))
		}
		r, what = f, file
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return "", usageErr("--eans-file: %v", err)
	}
	if int64(len(b)) > limit {
		return "", tooLarge(what)
	}
	return string(b), nil
}

// size is n bytes in words, e.g. "8 MiB".
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// maxListed is how many rejected tokens (and as many warnings) are listed
// on stderr: a file of garbage must not flood the terminal.
const maxListed = 50

// checkEANs validates as the form does; rejects go to stderr.
func checkEANs(o *IO, text string, skipInvalid bool) ([]string, error) {
	res := ean.Parse(text)
	for i, r := range res.Rejected {
		if i == maxListed {
			fmt.Fprintf(o.Err, "rejected: … and %d more\n", len(res.Rejected)-maxListed)
			break
		}
		fmt.Fprintf(o.Err, "rejected: %q: %s\n", r.Token, r.Reason)
	}
	for i, w := range res.Warnings {
		if i == maxListed {
			fmt.Fprintf(o.Err, "warning: … and %d more (sent anyway)\n", len(res.Warnings)-maxListed)
			break
		}
		fmt.Fprintf(o.Err, "warning: %s: %s (sent anyway)\n", w.EAN, w.Reason)
	}
	if len(res.Rejected) > 0 && !skipInvalid {
		return nil, usageErr("%d rejected, nothing sent (--skip-invalid sends the %d valid ones)", len(res.Rejected), len(res.Valid))
	}
	if len(res.Valid) == 0 {
		return nil, usageErr("no valid EAN to sync")
	}
	return res.Valid, nil
}

type syncWait struct {
	on  bool
	max time.Duration
}

func runSync(ctx context.Context, o *IO, s *Session, ref string, eans []string, catalog, yes bool, w syncWait, output string) error {
	before, _, err := lookup(ctx, o, s.Client, ref)
	if err != nil {
		return err
	}
	id := before.ID
	if catalog && !yes {
		if err := confirmCatalog(o, before); err != nil {
			return err
		}
	}
	o2 := s.writer().Sync(ctx, write.Sync{ConnectorID: id, ConnectorName: before.Name, EANs: eans, Catalog: catalog})
	if !o2.Sent {
		return &Error{Code: ExitUsage, Err: o2.Err}
	}
	if o2.Unrecorded != nil {
		fmt.Fprintln(o.Err, "warning:", o2.Unrecorded)
	}
	if err := o2.Err; err != nil {
		if api.OutcomeUnknown(err) {
			return &Error{Code: ExitOutcomeUnknown, Err: fmt.Errorf("outcome unknown: %v; check products_pending (connectors get %s) before sending it again", err, id)}
		}
		return err
	}
	res := o2.Synced
	if output == "json" {
		b, _ := safeJSON(res)
		fmt.Fprintf(o.Out, "%s\n", b)
	} else {
		queued := "?" // the server did not say: not 0
		if !res.ProductsQueuedUnknown {
			queued = strconv.Itoa(res.ProductsQueued)
		}
		fmt.Fprintf(o.Out, "%s\t%s\t%s\n", termtext.Sanitize(res.SyncID), termtext.Sanitize(res.Status), queued)
	}
	if !w.on {
		return nil
	}
	r, err := waitDrained(ctx, o, s.Client, id, write.AwaitedFrom(before, history.Result{Queued: o2.Action.Queued}), w.max)
	if r.Outcome != "" && s.History != nil {
		if ferr := s.History.Finish(o2.Action.ID, r); ferr != nil {
			fmt.Fprintln(o.Err, "warning:", ferr)
		}
	}
	return err
}

func confirmCatalog(o *IO, d *api.ConnectorDetail) error {
	if !o.InTTY {
		return usageErr("a whole-catalog sync needs --yes when stdin is not a terminal; nothing sent")
	}
	fmt.Fprintf(o.Err, "Sync the whole catalog of %s (%s, %d pending now)? [y/N] ", d.Name, d.ID, d.SyncStats.ProductsPending)
	line, _ := bufio.NewReader(io.LimitReader(o.In, 1024)).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return usageErr("not confirmed; nothing sent")
}

// waitDrained follows products_pending to 0, with a progress line on
// stderr (redrawn in place on a terminal), until write.Judge says the sync
// ended; it returns what the history is to record of it. limit bounds the
// whole wait: every poll, every request and every rate-limit wait ends by
// answerCap is how much of a server's answer an error message quotes.
const answerCap = 300

// it, and a rate-limit wait is said on stderr.
func waitDrained(ctx context.Context, o *IO, c *api.Client, id string, before write.Awaited, limit time.Duration) (history.Result, error) {
	deadline := o.Now().Add(limit)
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	first, pending := -1, -1
	rateLimited := false // the last answer was a 429
	timedOut := func() error {
		if o.ErrTTY && first >= 0 {
			fmt.Fprintln(o.Err) // end the progress line
		}
		why := "no answer yet"
		switch {
		case rateLimited:
			why = "rate limited by the API"
		case pending >= 0:
			why = fmt.Sprintf("still %d pending", pending)
		}
		return &Error{Code: ExitAPI, Err: fmt.Errorf("timed out after %s (--wait-timeout): %s; the sync stays queued, do not send it again", limit, why)}
	}
	// sleep waits d, cut short by the deadline; an error is the command's
	// end (interrupted, or timed out).
	sleep := func(d time.Duration) error {
		left := deadline.Sub(o.Now())
		if left <= 0 {
			return timedOut()
		}
		if err := o.Sleep(ctx, min(d, left)); err != nil {
			if parent.Err() != nil {
				return err
			}
			return timedOut()
		}
		return nil
	}
	for {
		if err := sleep(o.PollEvery); err != nil {
			return history.Result{}, err
		}
		d, _, err := c.GetConnector(ctx, id)
		var rl *api.RateLimitError
		switch {
		case errors.As(err, &rl):
			if !rateLimited && o.ErrTTY && first >= 0 {
				fmt.Fprintln(o.Err) // below the progress line, not over it
			}
			rateLimited = true
			wait := max(rl.RetryAfter, time.Second)
			left := deadline.Sub(o.Now())
			if wait < left {
				fmt.Fprintf(o.Err, "rate limited: waiting %s for the rate-limit window\n", wait.Round(time.Second))
			} else {
				fmt.Fprintf(o.Err, "rate limited: the window resets in %s, after --wait-timeout; waiting %s\n", wait.Round(time.Second), max(left, 0).Round(time.Second))
			}
			if err := sleep(wait); err != nil {
				return history.Result{}, err
			}
			continue
		case err != nil && ctx.Err() != nil && parent.Err() == nil:
			return history.Result{}, timedOut()
		case err != nil:
			return history.Result{}, fmt.Errorf("following the sync: %w", err)
		}
		rateLimited = false
		pending = d.SyncStats.ProductsPending
		if first < 0 {
			first = max(pending, 1)
		}
		if !d.SyncStats.ProductsPendingUnknown {
			progress(o, pending, first)
		}
		v, r := write.Judge(before, d)
		if v != write.Waiting && o.ErrTTY {
			fmt.Fprintln(o.Err)
		}
		switch v {
		case write.Drained:
			return r, nil
		case write.Failed:
			return r, &Error{Code: ExitSyncFailed, Err: fmt.Errorf("the sync ended with an error: %s", termtext.OneLine(r.Answer, answerCap))}
		case write.Lost:
			return r, &Error{Code: ExitOutcomeUnknown, Err: fmt.Errorf("outcome unknown: %s; check the connector (connectors get %s) before sending it again", r.Answer, id)}
		}
		if !o.Now().Before(deadline) {
			return history.Result{}, timedOut()
		}
	}
}

func progress(o *IO, pending, first int) {
	if !o.ErrTTY {
		fmt.Fprintf(o.Err, "pending %d\n", pending)
		return
	}
	done := min(max(first-pending, 0), first)
	const width = 30
	fill := done * width / first
	io.WriteString(o.rawErr, "\r") // the one control character written raw
	fmt.Fprintf(o.Err, "[%s%s] %3d%%  %d pending ", strings.Repeat("█", fill), strings.Repeat("░", width-fill), done*100/first, pending)
}

func testCmd(o *IO, open Opener) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "test ID|NAME",
		Short: "Test a connector's platform connection (syncs nothing; never retried)",
		Long: `Test a connector's platform connection: nothing is synced, and the test is
never retried. Prints one line, "✓ connected · <message> · 243 ms" or
"✗ failed · <message>" (exit 1); -o json prints the server's answer as JSON
(valid and neutralised, as the other JSON outputs), a failed test too.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := outputFlag(output, "text", "json"); err != nil {
				return err
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			if s.ReadOnly {
				return usageErr("read-only: this profile may not send connection tests; nothing sent")
			}
			d, _, err := lookup(cmd.Context(), o, s.Client, args[0])
			if err != nil {
				return err
			}
			out := s.writer().Test(cmd.Context(), d.ID, d.Name)
			if !out.Sent {
				return &Error{Code: ExitUsage, Err: out.Err}
			}
			if out.Unrecorded != nil {
				fmt.Fprintln(o.Err, "warning:", out.Unrecorded)
			}
			res, err := out.Tested, out.Err
			switch {
			case errors.Is(err, api.ErrNotSupported):
				return &Error{Code: ExitAPI, Err: errors.New("this server does not support connection tests")}
			case err != nil:
				return err
			}
			ok := res.OK
			if output == "json" {
				b, err := safeJSON(res.Fields)
				if err != nil {
					return err
				}
				fmt.Fprintf(o.Out, "%s\n", b)
			} else {
				fmt.Fprintln(o.Out, testLine(res, ok))
			}
			if ok != nil && !*ok {
				return &Error{Code: ExitAPI, Err: errors.New("the connection test failed")}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	return cmd
}

// testLine is a test's answer for a person: "✓ connected · message ·
// 243 ms", "✗ failed · message", or "? no verdict · message" when the
// server said neither.
func testLine(res *api.TestResult, ok *bool) string {
	parts := []string{"? no verdict"}
	switch {
	case ok != nil && *ok:
		parts[0] = "✓ connected"
	case ok != nil:
		parts[0] = "✗ failed"
	}
	if m := termtext.OneLine(termtext.Sanitize(res.Message), answerCap); m != "" {
		parts = append(parts, m)
	}
	if ms, isNum := res.Fields["latency_ms"].(float64); isNum && ms >= 0 && ms < 1e9 {
		parts = append(parts, strconv.FormatFloat(ms, 'f', -1, 64)+" ms")
	}
	return strings.Join(parts, " · ")
}
