// Command accounts measures a dashboard of many accounts (issue 24, "all
// accounts at once") next to a dashboard of one: every account's index
// complete within the time one account's takes alone, requests per account
// within 10 % of a single-account dashboard's, resident memory within
// +25 MB per 10 000 connectors. A measurement tool like its parent perf/:
// not product code, nothing imports it, no tests.
//
//	go run ./perf/accounts -window 10m              # 10 accounts × 10 000 connectors (the default window is 8 minutes)
//	go run ./perf/accounts -accounts 3 -connectors 1000 -window 2m
//
// It builds pixee-tui and serves, in this process, one sandbox per account
// of the many-account dashboard (each its own key, its default read budget
// of 100 a minute), one for the single-account dashboard (as large), and
// one of 137 connectors for a baseline dashboard. Every request is counted
// per sandbox; an account's index is complete when the last page of its
// crawl (100 a page) has been answered. Each dashboard runs in a 160x48
// pseudo-terminal (script(1)), nobody typing; VmRSS is read from /proc at
// the end of the window.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// counted is a sandbox and what it was asked.
type counted struct {
	name     string
	sb       *sandbox.Server
	url      string
	lastPage int

	mu       sync.Mutex
	start    time.Time
	requests int
	byRoute  map[string]int
	first    int           // the first page of the list at a dashboard's page size (not the crawl's 100)
	complete time.Duration // when the crawl's last page was first answered; 0: not yet
}

func serve(name string, n int, seed int64, start time.Time) *counted {
	c := &counted{name: name, byRoute: map[string]int{}, start: start, lastPage: (n + 99) / 100,
		sb: sandbox.New(sandbox.Options{Seed: seed, APIKey: "pm_test_" + name, Connectors: n, ReadLimit: 100})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.sb.ServeHTTP(w, r)
		q := r.URL.Query()
		route := "GET /connectors/{id}"
		if strings.TrimSuffix(r.URL.Path, "/") == sandbox.BasePath+"/connectors" {
			route = "GET /connectors"
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		c.requests++
		c.byRoute[route]++
		if route == "GET /connectors" && q.Get("page") == "1" && q.Get("per_page") != "100" {
			c.first++
		}
		if c.complete == 0 && q.Get("per_page") == "100" && q.Get("page") == strconv.Itoa(c.lastPage) {
			c.complete = time.Since(c.start)
		}
	}))
	c.url = srv.URL + sandbox.BasePath
	return c
}

// firstPages is how many times the first page was asked at a
// dashboard's page size.
func (c *counted) firstPages() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.first
}

func (c *counted) figures() (int, map[string]int, time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := map[string]int{}
	for k, v := range c.byRoute {
		m[k] = v
	}
	return c.requests, m, c.complete
}

// dashboard is pixee-tui in a pseudo-terminal; its pid is pixee-tui's own.
type dashboard struct {
	name string
	cmd  *exec.Cmd
	in   *os.File // held open: no input, ever
}

func run(bin, name string, args, env []string) *dashboard {
	r, w, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	line := "stty cols 160 rows 48; exec " + bin + " " + strings.Join(args, " ")
	cmd := exec.Command("script", "-qfc", line, "/dev/null")
	cmd.Stdin, cmd.Env = r, append([]string{"TERM=xterm-256color", "PATH=" + os.Getenv("PATH")}, env...)
	if err := cmd.Start(); err != nil {
		panic(err)
	}
	return &dashboard{name: name, cmd: cmd, in: w}
}

// rss is the VmRSS of the process whose parent is script (pixee-tui), in MiB.
func (d *dashboard) rss() float64 {
	pids, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range pids {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) < 2 || f[1] != strconv.Itoa(d.cmd.Process.Pid) {
			continue
		}
		st, _ := os.ReadFile(filepath.Join(filepath.Dir(p), "status"))
		for _, l := range strings.Split(string(st), "\n") {
			if kb, ok := strings.CutPrefix(l, "VmRSS:"); ok {
				v, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 64)
				return v / 1024
			}
		}
	}
	return 0
}

func main() {
	accounts := flag.Int("accounts", 10, "accounts of the many-account dashboard")
	n := flag.Int("connectors", 10000, "connectors in each account")
	window := flag.Duration("window", 8*time.Minute, "how long the dashboards run")
	flag.Parse()

	tmp, err := os.MkdirTemp("", "pixee-accounts-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "pixee-tui")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	start := time.Now()
	var many []*counted
	conf := "profiles:\n"
	var env []string
	for i := range *accounts {
		c := serve(fmt.Sprintf("a%02d", i), *n, int64(i+1), start)
		many = append(many, c)
		conf += fmt.Sprintf("  %s:\n    name: %s\n    base_url: %s\n    api_key_env: KEY_%s\n", c.name, c.name, c.url, strings.ToUpper(c.name))
		env = append(env, "KEY_"+strings.ToUpper(c.name)+"="+c.sb.APIKey())
	}
	one := serve("one", *n, 1, start)
	small := serve("small", 137, 1, start)
	dirs := map[string]string{}
	for _, d := range []string{"many", "one", "small"} {
		dirs[d] = filepath.Join(tmp, d)
		if err := os.MkdirAll(dirs[d], 0o700); err != nil {
			panic(err)
		}
	}
	cfg := filepath.Join(dirs["many"], "config.yaml")
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		panic(err)
	}
	home := func(d string) []string { return []string{"HOME=" + d, "XDG_CONFIG_HOME=" + d, "XDG_STATE_HOME=" + d} }
	dashboards := []*dashboard{
		run(bin, "many", []string{"--config", cfg, "--profile", "a00"}, append(home(dirs["many"]), env...)),
		run(bin, "one", nil, append(home(dirs["one"]), "PIXEE_BASE_URL="+one.url, "PIXEE_API_KEY="+one.sb.APIKey())),
		run(bin, "small", nil, append(home(dirs["small"]), "PIXEE_BASE_URL="+small.url, "PIXEE_API_KEY="+small.sb.APIKey())),
	}
	defer func() {
		for _, d := range dashboards {
			_ = d.cmd.Process.Kill()
			_ = d.cmd.Wait()
		}
	}()
	fmt.Fprintf(os.Stderr, "running %d accounts × %d connectors, one account × %d, one × 137, for %s\n", *accounts, *n, *n, *window)
	for t := time.Duration(0); t < *window; t += 30 * time.Second {
		time.Sleep(30 * time.Second)
		_, _, c := one.figures()
		done := 0
		for _, m := range many {
			if _, _, mc := m.figures(); mc > 0 {
				done++
			}
		}
		fmt.Fprintf(os.Stderr, "t=%s: single indexed %v, many indexed %d/%d, RSS many %.1f one %.1f small %.1f MiB\n",
			t+30*time.Second, c > 0, done, len(many), dashboards[0].rss(), dashboards[1].rss(), dashboards[2].rss())
	}
	rss := []float64{dashboards[0].rss(), dashboards[1].rss(), dashboards[2].rss()}
	report(*accounts, *n, *window, many, one, small, rss)
}

func report(accounts, n int, window time.Duration, many []*counted, one, small *counted, rss []float64) {
	fmt.Printf("pixee-tui, %d accounts × %d connectors (issue 24) — %s, each account its own sandbox and key, read budget 100/min; %s window, nobody typing; a00 on screen (the home screen first)\n\n",
		accounts, n, time.Now().UTC().Format("2006-01-02 15:04"), window)
	fmt.Printf("  %-8s %-14s %9s  %10s  %s\n", "account", "index done", "requests", "first page", "by route")
	oneReq, oneRoutes, oneDone := one.figures()
	fmt.Printf("  %-8s %-14s %9d  %10d  %v   (single-account dashboard)\n", "one", dur(oneDone), oneReq, one.firstPages(), oneRoutes)
	var slowest time.Duration
	var reqs []int
	allDone := true
	for _, c := range many {
		r, routes, d := c.figures()
		reqs = append(reqs, r)
		allDone = allDone && d > 0
		slowest = max(slowest, d)
		fmt.Printf("  %-8s %-14s %9d  %10d  %v\n", c.name, dur(d), r, c.firstPages(), routes)
	}
	smallReq, _, _ := small.figures()
	sort.Ints(reqs)
	fmt.Printf("  %-8s %-14s %9d   (baseline dashboard, 137 connectors)\n\n", "small", "", smallReq)
	verdict := func(ok bool) string {
		if ok {
			return "PASS"
		}
		return "FAIL"
	}
	fmt.Printf("  check                                                  figure                                   target          verdict\n")
	fmt.Printf("  every account's index vs one account's alone           slowest %s vs %s                        ≤ alone         %s\n",
		dur(slowest), dur(oneDone), verdict(allDone && oneDone > 0 && slowest <= oneDone+oneDone/10))
	for _, r := range []int{reqs[0], reqs[len(reqs)-1]} {
		pct := 100 * float64(r-oneReq) / float64(oneReq)
		fmt.Printf("  requests of an account vs a single-account dashboard  %d vs %d: %+.1f %%                      ≤ +10 %%         %s\n", r, oneReq, pct, verdict(pct <= 10))
	}
	per := (rss[0] - rss[2]) / float64(accounts) * 10000 / float64(n)
	fmt.Printf("  RSS per 10 000 connectors, %d accounts                 (%.1f − %.1f) / %d = %.1f MiB              ≤ 25 MB         %s\n",
		accounts, rss[0], rss[2], accounts, per, verdict(per*1.048576 <= 25))
	fmt.Printf("  RSS per 10 000 connectors, one account                 %.1f − %.1f = %.1f MiB                         ≤ 25 MB         %s\n",
		rss[1], rss[2], (rss[1]-rss[2])*10000/float64(n), verdict((rss[1]-rss[2])*10000/float64(n)*1.048576 <= 25))
}

func dur(d time.Duration) string {
	if d == 0 {
		return "not done"
	}
	return d.Round(time.Second).String()
}
