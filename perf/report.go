// The table of metrics, targets and verdicts.

package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// ---- the report ----------------------------------------------------------------

func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	// Nearest rank.
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) }

type row struct {
	metric, floor, pixee, ratio, target, verdict string
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func (w window) perMin(n float64) float64 { return n / w.wall.Minutes() }

// cpuPct is CPU time as a percentage of one core over the window.
func (w window) cpuPct() float64 { return float64(w.cpuNs) / float64(w.wall) * 100 }

func (w window) ticksPct() float64 {
	return float64(w.cpuTicks) * 10e6 / float64(w.wall) * 100 // 100 ticks a second
}

func ratioStr(a, b float64) (string, float64) {
	if b <= 0 || math.IsNaN(a) || math.IsNaN(b) {
		return "n/a", math.NaN()
	}
	r := a / b
	return strconv.FormatFloat(r, 'f', 2, 64) + "x", r
}

func (h *harness) report() {
	f, px := h.prog(floorName), h.prog(pixeeName)
	na := "n/a"
	var rows []row
	add := func(r row) { rows = append(rows, r) }

	if px != nil && len(px.res.launch) > 0 {
		r := row{metric: "launch → first connector name (median ms)", pixee: ms(quantile(px.res.launch, 0.5)),
			floor: na, ratio: na, target: "≤ 1.5x floor", verdict: "?"}
		if f != nil && len(f.res.launch) > 0 {
			r.floor = ms(quantile(f.res.launch, 0.5))
			var x float64
			r.ratio, x = ratioStr(float64(quantile(px.res.launch, 0.5)), float64(quantile(f.res.launch, 0.5)))
			r.verdict = verdict(x <= 1.5)
		}
		add(r)
	}
	keyRow := func(label, name string) {
		if px == nil || len(px.res.keys[label]) == 0 {
			return
		}
		p50, p95 := quantile(px.res.keys[label], 0.5), quantile(px.res.keys[label], 0.95)
		r := row{metric: "key " + name + ", 500 rows (p50 / p95 ms)", pixee: ms(p50) + " / " + ms(p95),
			floor: na, ratio: "-", target: "p95 ≤ 25 ms", verdict: verdict(p95 <= 25*time.Millisecond && px.res.keyMiss[label] == 0)}
		if f != nil && len(f.res.keys[label]) > 0 {
			r.floor = ms(quantile(f.res.keys[label], 0.5)) + " / " + ms(quantile(f.res.keys[label], 0.95))
		}
		add(r)
	}
	keyRow("j", "j")
	keyRow("]", "] next page")
	keyRow("s", "s open form")

	if px != nil && px.res.idle.ok {
		r := row{metric: "CPU idle, defaults (% of a core)", pixee: fmt.Sprintf("%.3f", px.res.idle.cpuPct()),
			floor: na, ratio: na, target: "≤ 1.25x floor", verdict: "?"}
		if f != nil && f.res.idle.ok {
			r.floor = fmt.Sprintf("%.3f", f.res.idle.cpuPct())
			var x float64
			r.ratio, x = ratioStr(px.res.idle.cpuPct(), f.res.idle.cpuPct())
			r.verdict = verdict(x <= 1.25)
		}
		add(r)
	}
	if px != nil && px.res.sync.ok {
		r := row{metric: "CPU while a sync runs (% of a core; floor: idle)", pixee: fmt.Sprintf("%.3f", px.res.sync.cpuPct()),
			floor: na, ratio: na, target: "≤ 2x floor idle", verdict: "?"}
		if f != nil && f.res.idle.ok {
			r.floor = fmt.Sprintf("%.3f", f.res.idle.cpuPct())
			var x float64
			r.ratio, x = ratioStr(px.res.sync.cpuPct(), f.res.idle.cpuPct())
			r.verdict = verdict(x <= 2)
		}
		add(r)
	}
	if px != nil && px.res.idle.ok {
		r := row{metric: "bytes to the terminal per idle minute", pixee: fmt.Sprintf("%.0f", px.res.idle.perMin(float64(px.res.idle.bytes))),
			floor: na, ratio: na, target: "≤ 2x floor", verdict: "?"}
		if f != nil && f.res.idle.ok {
			r.floor = fmt.Sprintf("%.0f", f.res.idle.perMin(float64(f.res.idle.bytes)))
			var x float64
			r.ratio, x = ratioStr(px.res.idle.perMin(float64(px.res.idle.bytes)), f.res.idle.perMin(float64(f.res.idle.bytes)))
			r.verdict = verdict(x <= 2)
		}
		add(r)
	}
	rssOf := func(p *program) (first, last, peak int64, growth float64, ok bool) {
		if p == nil || len(p.res.rssSamples) < 2 {
			return 0, 0, 0, 0, false
		}
		s := p.res.rssSamples
		first, last = s[0].kib, s[len(s)-1].kib
		for _, x := range s {
			peak = max(peak, x.kib)
		}
		return first, last, peak, float64(last-first) / float64(first) * 100, true
	}
	if pf, pl, _, pg, ok := rssOf(px); ok {
		r := row{metric: "RSS, 500-row page (MiB, last sample)", pixee: fmt.Sprintf("%.1f", float64(pl)/1024),
			floor: na, ratio: na, target: "≤ 2.5x floor", verdict: "?"}
		ff, fl, _, fg, fok := rssOf(f)
		if fok {
			r.floor = fmt.Sprintf("%.1f", float64(fl)/1024)
			var x float64
			r.ratio, x = ratioStr(float64(pl), float64(fl))
			r.verdict = verdict(x <= 2.5)
		}
		add(r)
		g := row{metric: fmt.Sprintf("RSS growth over %v (first → last)", px.res.rss.wall.Round(time.Second)),
			pixee: fmt.Sprintf("%+.1f%% (%.1f→%.1f)", pg, float64(pf)/1024, float64(pl)/1024), floor: na, ratio: "-",
			target: "≤ 5 %", verdict: verdict(pg <= 5)}
		if fok {
			g.floor = fmt.Sprintf("%+.1f%% (%.1f→%.1f)", fg, float64(ff)/1024, float64(fl)/1024)
		}
		add(g)
		// A Go heap grows to its GC target in the first minute: the same
		// figure from the sample at one minute (or mid-run, if shorter) says
		// whether it is flat afterwards.
		warm := func(p *program) (from, to rssSample, ok bool) {
			if p == nil || len(p.res.rssSamples) < 3 {
				return from, to, false
			}
			s := p.res.rssSamples
			i := len(s) / 2
			for j, x := range s {
				if x.at >= time.Minute && j < len(s)-1 {
					i = min(i, j)
					break
				}
			}
			return s[i], s[len(s)-1], true
		}
		if a, z, ok := warm(px); ok {
			pg := float64(z.kib-a.kib) / float64(a.kib) * 100
			w := row{metric: fmt.Sprintf("RSS growth after warm-up (%v → %v)", a.at.Round(time.Second), z.at.Round(time.Second)),
				pixee: fmt.Sprintf("%+.1f%% (%.1f→%.1f)", pg, float64(a.kib)/1024, float64(z.kib)/1024), floor: na, ratio: "-",
				target: "≤ 5 %", verdict: verdict(pg <= 5)}
			if fa, fz, ok := warm(f); ok {
				w.floor = fmt.Sprintf("%+.1f%% (%.1f→%.1f)", float64(fz.kib-fa.kib)/float64(fa.kib)*100, float64(fa.kib)/1024, float64(fz.kib)/1024)
			}
			add(w)
		}
	}
	if px != nil && px.res.idle.ok {
		r := row{metric: "API requests per minute, idle", pixee: fmt.Sprintf("%.1f", px.res.idle.perMin(float64(px.res.idle.reqs))),
			floor: na, ratio: "-", target: "≤ 10", verdict: verdict(px.res.idle.perMin(float64(px.res.idle.reqs)) <= 10)}
		if f != nil && f.res.idle.ok {
			r.floor = fmt.Sprintf("%.1f", f.res.idle.perMin(float64(f.res.idle.reqs)))
		}
		add(r)
	}
	if px != nil && px.res.sync.ok {
		add(row{metric: "API requests per minute, sync running", pixee: fmt.Sprintf("%.1f", px.res.sync.perMin(float64(px.res.sync.reqs))),
			floor: na, ratio: "-", target: "≤ 35", verdict: verdict(px.res.sync.perMin(float64(px.res.sync.reqs)) <= 35)})
	}
	if px != nil && px.proxy != nil {
		n, which := px.proxy.maxInFlight()
		r := row{metric: "max requests in flight per target (whole run)", pixee: fmt.Sprintf("%d (%s)", n, shortTarget(which)),
			floor: na, ratio: "-", target: "≤ 1", verdict: verdict(n <= 1)}
		if f != nil && f.proxy != nil {
			fn, fw := f.proxy.maxInFlight()
			r.floor = fmt.Sprintf("%d (%s)", fn, shortTarget(fw))
		}
		add(r)
	}

	fmt.Printf("\npixee-tui beside the floor — %s, %dx%d pty, TERM=xterm-256color, %d connectors, terminal queries answered: %v\n",
		time.Now().Format("2006-01-02 15:04"), termCols, termRows, h.cfg.connectors, h.cfg.answer)
	if h.floorErr != "" {
		fmt.Printf("floor: %s\n", h.floorErr)
	}
	fmt.Println()
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tfloor\tpixee-tui\tratio\ttarget\tverdict")
	fmt.Fprintln(tw, "------\t-----\t---------\t-----\t------\t-------")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.metric, r.floor, r.pixee, r.ratio, r.target, r.verdict)
	}
	tw.Flush()

	fmt.Println("\ndetails:")
	if len(h.baseline) > 0 {
		fmt.Printf("  bare GET of the first page (50 items, fresh connection, via proxy): median %s ms, min %s ms\n",
			ms(quantile(h.baseline, 0.5)), ms(quantile(h.baseline, 0)))
	}
	for _, p := range h.progs {
		r := &p.res
		if len(r.launch) > 0 {
			fmt.Printf("  %s launch: n=%d min %s / median %s / max %s ms; first byte median %s ms",
				p.name, len(r.launch), ms(quantile(r.launch, 0)), ms(quantile(r.launch, 0.5)), ms(quantile(r.launch, 1)), ms(quantile(r.firstByte, 0.5)))
			if len(r.launchQuery) > 0 {
				fmt.Printf("; terminal query at median %s ms", ms(quantile(r.launchQuery, 0.5)))
			}
			fmt.Println()
		}
		for _, k := range []string{"j", "]", "s"} {
			if len(r.keys[k]) == 0 && r.keyMiss[k] == 0 {
				continue
			}
			fmt.Printf("  %s key %q: n=%d missed=%d; frame complete p50 %s p95 %s max %s ms; change first seen p50 %s p95 %s ms\n",
				p.name, k, len(r.keys[k]), r.keyMiss[k], ms(quantile(r.keys[k], 0.5)), ms(quantile(r.keys[k], 0.95)), ms(quantile(r.keys[k], 1)),
				ms(quantile(r.keyMatch[k], 0.5)), ms(quantile(r.keyMatch[k], 0.95)))
		}
		for _, w := range []struct {
			name string
			w    window
		}{{"idle", r.idle}, {"sync", r.sync}, {"rss run", r.rss}} {
			if !w.w.ok {
				continue
			}
			fmt.Printf("  %s %s window %v: CPU %.3f%% (schedstat %v; /proc stat %d ticks = %.3f%%), %.0f bytes/min, %.1f req/min %v\n",
				p.name, w.name, w.w.wall.Round(time.Second), w.w.cpuPct(), time.Duration(w.w.cpuNs).Round(time.Millisecond),
				w.w.cpuTicks, w.w.ticksPct(), w.w.perMin(float64(w.w.bytes)), w.w.perMin(float64(w.w.reqs)), routes(w.w.byRoute))
		}
		if len(r.rssSamples) > 0 {
			var parts []string
			for _, s := range r.rssSamples {
				parts = append(parts, fmt.Sprintf("%.1f", float64(s.kib)/1024))
			}
			_, _, peak, _, _ := rssOf(p)
			mid := r.rssSamples[len(r.rssSamples)/2]
			last := r.rssSamples[len(r.rssSamples)-1]
			fmt.Printf("  %s RSS MiB every %v: %s (peak %.1f; second half %+.1f%%, %v → %v)\n", p.name, h.cfg.rssEvery,
				strings.Join(parts, " "), float64(peak)/1024, float64(last.kib-mid.kib)/float64(mid.kib)*100,
				mid.at.Round(time.Second), last.at.Round(time.Second))
		}
		for _, n := range r.notes {
			fmt.Printf("  %s: %s\n", p.name, n)
		}
		if p.proxy != nil {
			for _, o := range p.proxy.overlapLog() {
				fmt.Printf("  %s: %s\n", p.name, o)
			}
		}
	}
	if h.syncNote != "" {
		fmt.Printf("  sync window: %s\n", h.syncNote)
	}
	for _, f := range h.failures {
		fmt.Printf("  FAILED %s\n", f)
	}
	fmt.Println("  CPU is the scheduler's per-thread run time (ns) summed over the process; /proc/PID/stat utime+stime is shown beside it (10 ms ticks).")
	fmt.Println("  View() ≤ 1 ms and parsing 10 000 EANs ≤ 10 ms are Go benchmarks: go test -run '^$' -bench . -benchmem ./ui/ ./api/")
}

func shortTarget(t string) string {
	if strings.HasPrefix(t, "detail ") {
		return "detail"
	}
	if strings.HasPrefix(t, "sync ") {
		return "sync"
	}
	if t == "" {
		return "none"
	}
	return t
}

func routes(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
