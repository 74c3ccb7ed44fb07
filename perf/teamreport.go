// The team mode table: requests, CPU, memory and bytes per session count,
// and first paint over SSH beside a local start.

package main

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Issue 14's targets.
const (
	teamReqTolerance  = 10.0 // % of one session's requests a minute
	teamCPUPerSession = 0.5  // % of one core per extra idle session
	teamRSSPerSession = 5.0  // MB per extra idle session
	teamPaintSlack    = 100 * time.Millisecond
)

func (r teamRound) reqsPerMin() float64 { return r.w.perMin(float64(r.w.reqs)) }
func (r teamRound) cpu() float64        { return r.w.ticksPct() } // utime+stime, as issue 14 asks
func (r teamRound) rssMB() float64      { return float64(r.rssKiB) * 1024 / 1e6 }
func (r teamRound) bytesPerSession() float64 {
	return float64(r.w.bytes) / float64(max(r.n, 1)) / r.w.wall.Seconds()
}

func (h *harness) reportTeam() {
	t := h.team
	if t == nil {
		return
	}
	fmt.Printf("\npixee-tui team mode (issue 14) — %s, `pixee-tui serve` on loopback, one account: the sandbox with %d connectors (current API, no auto-sync, no rate limits) behind a counting proxy; %dx%d xterm-256color pty over SSH; idle windows of %v after settling (see below); sessions stay connected from round to round; CPU = utime+stime of the server process\n\n",
		time.Now().Format("2006-01-02 15:04"), h.cfg.connectors, termCols, termRows, h.cfg.idle)

	var rounds []teamRound
	for _, r := range t.rounds {
		if r.w.ok {
			rounds = append(rounds, r)
		}
	}
	var base *teamRound // one session's figures, or the smallest round's
	for i := range rounds {
		if base == nil || rounds[i].n < base.n {
			base = &rounds[i]
		}
	}
	type verdictRow struct{ what, figure, target, verdict string }
	var verdicts []verdictRow

	if base != nil {
		vs := "vs 1 session"
		if base.n != 1 {
			vs = fmt.Sprintf("vs %d sessions", base.n)
		}
		tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "sessions\trequests/min\t%s\tserver CPU %% core\tper extra session\tRSS MB\tper extra session\tbytes/s per session\trequests joining\t\n", vs)
		for _, r := range rounds {
			ratio, extraCPU, extraRSS := "-", "-", "-"
			if r.n != base.n {
				ratio = fmt.Sprintf("%+.1f %%", pctDiff(r.reqsPerMin(), base.reqsPerMin()))
				extraCPU = fmt.Sprintf("%.3f", perExtra(r.cpu(), base.cpu(), r.n, base.n))
				extraRSS = fmt.Sprintf("%.2f", perExtra(r.rssMB(), base.rssMB(), r.n, base.n))
			}
			fmt.Fprintf(tw, "%d\t%.1f\t%s\t%.3f\t%s\t%.1f\t%s\t%.0f\t%d in %v\t\n", r.n, r.reqsPerMin(), ratio, r.cpu(), extraCPU,
				r.rssMB(), extraRSS, r.bytesPerSession(), r.join.total, r.joinWall.Round(time.Second))
		}
		tw.Flush()
		fmt.Println()

		// One request more or less in a window is this much of the base figure.
		quantum := 100 / math.Max(float64(base.w.reqs), 1)
		for _, r := range rounds {
			if r.n == base.n {
				continue
			}
			// A window counts whole requests: when one request is more
			// than the tolerance, ±1 is all the window can resolve.
			d := pctDiff(r.reqsPerMin(), base.reqsPerMin())
			oneOff := abs(r.w.reqs-base.w.reqs) <= 1
			fig := fmt.Sprintf("%+.1f %% (%d → %d requests; one = %.0f %%)", d, base.w.reqs, r.w.reqs, quantum)
			verdicts = append(verdicts, verdictRow{fmt.Sprintf("requests/min, %s %s", sessionsStr(r.n), vs),
				fig, fmt.Sprintf("within ±%.0f %% or ±1 request", teamReqTolerance), verdict(math.Abs(d) <= teamReqTolerance || oneOff)})
		}
		for _, r := range rounds {
			if r.n <= base.n {
				continue
			}
			c := perExtra(r.cpu(), base.cpu(), r.n, base.n)
			verdicts = append(verdicts, verdictRow{fmt.Sprintf("server CPU per extra session, %d sessions", r.n),
				fmt.Sprintf("%.3f %% of a core", c), fmt.Sprintf("≤ %.1f %%", teamCPUPerSession), verdict(c <= teamCPUPerSession)})
		}
		for _, r := range rounds {
			if r.n <= base.n {
				continue
			}
			m := perExtra(r.rssMB(), base.rssMB(), r.n, base.n)
			verdicts = append(verdicts, verdictRow{fmt.Sprintf("server RSS per extra session, %d sessions", r.n),
				fmt.Sprintf("%.2f MB", m), fmt.Sprintf("≤ %.0f MB", teamRSSPerSession), verdict(m <= teamRSSPerSession)})
		}
	} else {
		fmt.Println("no idle window completed")
	}
	if len(t.localPaint) > 0 && len(t.sshPaint) > 0 {
		l, s := quantile(t.localPaint, 0.5), quantile(t.sshPaint, 0.5)
		verdicts = append(verdicts, verdictRow{"first paint over SSH (median, Shell() → first connector name)",
			fmt.Sprintf("%s ms vs local %s ms: %+.1f ms", ms(s), ms(l), float64(s-l)/1e6),
			fmt.Sprintf("≤ local + %d ms", teamPaintSlack.Milliseconds()), verdict(s-l <= teamPaintSlack)})
	}
	if len(verdicts) > 0 {
		tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "check\tfigure\ttarget\tverdict")
		fmt.Fprintln(tw, "-----\t------\t------\t-------")
		for _, v := range verdicts {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.what, v.figure, v.target, v.verdict)
		}
		tw.Flush()
	}

	fmt.Println("\ndetails:")
	for _, r := range t.rounds {
		per := slices.Clone(r.perSession)
		slices.Sort(per)
		lo, hi := int64(0), int64(0)
		if len(per) > 0 {
			lo, hi = per[0], per[len(per)-1]
		}
		secs := r.w.wall.Seconds()
		fmt.Printf("  %s, %v window (complete %v, %d/%d alive): CPU %.3f%% (utime+stime %d ticks; schedstat %v = %.3f%%), RSS %.1f MiB, bytes/s per session min %.0f max %.0f\n",
			sessionsStr(r.n), r.w.wall.Round(time.Second), r.w.ok, r.alive, len(r.perSession), r.cpu(), r.w.cpuTicks,
			time.Duration(r.w.cpuNs).Round(time.Millisecond), r.w.cpuPct(), float64(r.rssKiB)/1024, float64(lo)/secs, float64(hi)/secs)
		fmt.Printf("    settled %v after the last open", r.settled.Round(100*time.Millisecond))
		if r.settleNote != "" {
			fmt.Printf(": %s", r.settleNote)
		}
		fmt.Printf("; joining and settling (%v) cost %d requests %s; by URI: %s\n", r.joinWall.Round(time.Second),
			r.join.total, routes(r.join.byRoute), topURIs(r.join.byURI, 6))
		fmt.Printf("    requests %d %s; by URI: %s\n", r.w.reqs, routes(r.w.byRoute), topURIs(r.byURI, 8))
		if len(r.paints) > 0 {
			fmt.Printf("    first paint of the %d opened for this round (8 at a time, Shell() → name): median %s ms, max %s ms\n",
				len(r.paints), ms(quantile(r.paints, 0.5)), ms(quantile(r.paints, 1)))
		}
	}
	fmt.Printf("  settling: the first round waits ≥ %v, then until no request new to the run for %v (its start-up: %v); later rounds wait that start-up + %v after their last open (requests joining = from the round's first open to its window)\n",
		h.cfg.settle, settleQuiet, t.startup.Round(100*time.Millisecond), settleQuiet)
	if len(t.localPaint) > 0 {
		fmt.Printf("  local start (exec → first connector name, pty, same profile): n=%d min %s / median %s / max %s ms\n",
			len(t.localPaint), ms(quantile(t.localPaint, 0)), ms(quantile(t.localPaint, 0.5)), ms(quantile(t.localPaint, 1)))
	}
	if len(t.sshPaint) > 0 {
		fmt.Printf("  first session of a fresh server (Shell() → first connector name): n=%d min %s / median %s / max %s ms; from the TCP dial (handshake included) median %s ms\n",
			len(t.sshPaint), ms(quantile(t.sshPaint, 0)), ms(quantile(t.sshPaint, 0.5)), ms(quantile(t.sshPaint, 1)), ms(quantile(t.sshConnect, 0.5)))
	}
	if len(t.serverReady) > 0 {
		fmt.Printf("  pixee-tui serve: exec → port accepting, median %s ms (n=%d); terminal queries seen by the first SSH session: %v (answered: %v)\n",
			ms(quantile(t.serverReady, 0.5)), len(t.serverReady), t.queries, h.cfg.answer)
	}
	if t.measured != nil {
		fmt.Printf("  server log of the rounds: %s\n", summarizeServeLog(t.measured.logText()))
	}
	if t.proxy != nil {
		n, which := t.proxy.maxInFlight()
		fmt.Printf("  max requests in flight per target, whole run: %d (%s)\n", n, shortTarget(which))
		for _, o := range t.proxy.overlapLog() {
			fmt.Printf("  %s\n", o)
		}
	}
	for _, n := range t.notes {
		fmt.Printf("  note: %s\n", n)
	}
	for _, f := range h.failures {
		fmt.Printf("  FAILED %s\n", f)
	}
}

func pctDiff(a, b float64) float64 {
	if b == 0 {
		if a == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return (a - b) / b * 100
}

func abs(n int) int { return max(n, -n) }

func perExtra(x, base float64, n, baseN int) float64 {
	if n == baseN {
		return 0
	}
	return (x - base) / float64(n-baseN)
}

// topURIs is the k most requested URIs, most first.
func topURIs(m map[string]int, k int) string {
	type kv struct {
		uri string
		n   int
	}
	var all []kv
	for u, n := range m {
		all = append(all, kv{u, n})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].n != all[j].n {
			return all[i].n > all[j].n
		}
		return all[i].uri < all[j].uri
	})
	var parts []string
	for i, x := range all {
		if i == k {
			parts = append(parts, fmt.Sprintf("… %d more", len(all)-k))
			break
		}
		parts = append(parts, fmt.Sprintf("%s=%d", strings.TrimPrefix(x.uri, "GET "+basePath), x.n))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

var logStamp = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d `)

// summarizeServeLog counts the server's connection lines and quotes any
// other line (an error, a refusal), without its time stamp.
func summarizeServeLog(s string) string {
	var connected, disconnected int
	var other []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		l = logStamp.ReplaceAllString(strings.TrimSpace(l), "")
		switch {
		case l == "":
		case strings.Contains(l, ") connected from "):
			connected++
		case strings.Contains(l, " disconnected after "):
			disconnected++
		case strings.HasPrefix(l, "pixee-tui: team mode on "), strings.HasPrefix(l, "pixee-tui: stopping: "):
		default:
			other = append(other, l)
		}
	}
	out := fmt.Sprintf("%d connected, %d disconnected", connected, disconnected)
	if len(other) == 0 {
		return out + ", no other lines"
	}
	if len(other) > 5 {
		other = append(other[:5], fmt.Sprintf("… %d more", len(other)-5))
	}
	return out + "; other lines: " + strings.Join(other, " | ")
}
