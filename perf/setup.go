// Building the programs, serving the sandbox and loading its catalog.

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// findRepo sets repo to the module of the working directory unless given.
func (c *config) findRepo() error {
	if c.repo != "" {
		return nil
	}
	out, err := exec.Command("go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return errors.New("not inside the pixee-tui module: run from the repository or pass -repo")
	}
	c.repo = filepath.Dir(gomod)
	return nil
}

func (h *harness) setup() error {
	c := &h.cfg
	if err := c.findRepo(); err != nil {
		return err
	}
	if c.floorDir == "" {
		c.floorDir = filepath.Join(c.repo, "..", "shared", "bench", "floor")
	}
	tmp, err := os.MkdirTemp("", "pixee-perf-")
	if err != nil {
		return err
	}
	h.tmp = tmp

	h.logf("building pixee-tui (%s)", c.repo)
	pixeeBin := filepath.Join(tmp, "pixee-tui")
	if err := goBuild(h.ctx, c.repo, pixeeBin); err != nil {
		return fmt.Errorf("building pixee-tui: %w", err)
	}
	var floorBin string
	switch {
	case c.noFloor:
		h.floorErr = "not run (-no-floor)"
	default:
		h.logf("building the floor (%s)", c.floorDir)
		floorBin = filepath.Join(tmp, "floor")
		if _, err := os.Stat(filepath.Join(c.floorDir, "main.go")); err != nil {
			h.floorErr = "no floor source at " + c.floorDir
			floorBin = ""
		} else if err := goBuild(h.ctx, c.floorDir, floorBin); err != nil {
			h.floorErr = "floor did not build: " + firstLine(err.Error())
			floorBin = ""
		}
	}
	if h.floorErr != "" {
		h.logf("floor columns will be n/a: %s", h.floorErr)
	}

	// The seed's API: pages of 500 (the key phases need them) and the
	// Bearer header the floor program sends; pixee-tui finds the header
	// itself with one refused GET at start.
	if err := h.startSandbox(pixeeBin, h.cfg.connectors, "seed"); err != nil {
		return err
	}
	if floorBin != "" {
		h.progs = append(h.progs, &program{name: floorName, bin: floorBin, perPageFlag: "-per-page"})
	}
	h.progs = append(h.progs, &program{name: pixeeName, bin: pixeeBin, perPageFlag: "--per-page"})
	for _, p := range h.progs {
		px, err := newProxy(p.name, h.sandboxURL)
		if err != nil {
			return err
		}
		p.proxy = px
		p.res.keys = map[string][]time.Duration{}
		p.res.keyMatch = map[string][]time.Duration{}
		p.res.keyMiss = map[string]int{}
	}
	return h.loadCatalog()
}

func goBuild(ctx context.Context, dir, out string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, ".")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(b)))
	}
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// startSandbox serves `pixee-tui sandbox --api gen` on a free loopback
// port, with no auto-syncs (nothing pending unless the harness queues a
// sync) and no rate limits (nothing measured is throttled). It keeps the
// URL and the key the sandbox prints.
func (h *harness) startSandbox(bin string, connectors int, gen string) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, "sandbox", "--addr", addr, "--connectors", strconv.Itoa(connectors),
		"--no-autosync", "--read-limit", "-1", "--write-limit", "-1", "--api", gen)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the sandbox: %w", err)
	}
	h.sandboxCmd = cmd
	h.sandboxDone = make(chan struct{})
	type served struct{ url, key string }
	urlCh := make(chan served, 1)
	go func() {
		sc := bufio.NewScanner(out)
		var got served
		sent := false
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if u, ok := strings.CutPrefix(line, "PIXEE_BASE_URL="); ok {
				got.url = u
			}
			if k, ok := strings.CutPrefix(line, "PIXEE_API_KEY="); ok {
				got.key = k
			}
			if got.url != "" && got.key != "" && !sent { // the key is printed after the URL
				urlCh <- got
				sent = true
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(h.sandboxDone) }()
	select {
	case u := <-urlCh:
		h.sandboxURL, h.sandboxKey = u.url, u.key
	case <-h.sandboxDone:
		return errors.New("the sandbox exited before serving")
	case <-time.After(15 * time.Second):
		return errors.New("the sandbox did not start in 15s")
	}
	h.logf("sandbox on %s (%s API, %d connectors, no auto-sync, no rate limits)", h.sandboxURL, gen, connectors)
	return nil
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, nil
}

// loadCatalog reads every connector name in list order straight from the
// sandbox (not through a proxy), to know what each screen must show, and
// times bare GETs of the first page through a proxy as a baseline.
func (h *harness) loadCatalog() error {
	client := &http.Client{Timeout: 10 * time.Second}
	for skip := 0; skip < h.cfg.connectors; skip += 500 {
		var page struct {
			Items []struct{ ID, Name string }
		}
		if err := getJSON(client, fmt.Sprintf("%s/connectors?skip=%d&limit=500", h.sandboxURL, skip), &page); err != nil {
			return fmt.Errorf("reading the catalog: %w", err)
		}
		for _, it := range page.Items {
			h.ids = append(h.ids, it.ID)
			h.names = append(h.names, it.Name)
		}
	}
	if len(h.names) < 501 {
		return fmt.Errorf("the sandbox has %d connectors; the key phases need more than 500 (-connectors)", len(h.names))
	}
	// A fresh connection each time, as a program that just started has,
	// through a proxy of its own so the programs' counts stay theirs.
	px, err := newProxy("baseline", h.sandboxURL)
	if err != nil {
		return err
	}
	defer px.close()
	for range 10 {
		tr := &http.Transport{}
		c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
		t0 := time.Now()
		var page struct{ Items []json.RawMessage }
		err := getJSON(c, px.url+basePath+"/connectors?skip=0&limit=50", &page)
		d := time.Since(t0)
		tr.CloseIdleConnections()
		if err != nil {
			return fmt.Errorf("baseline GET: %w", err)
		}
		h.baseline = append(h.baseline, d)
	}
	return nil
}

func getJSON(c *http.Client, u string, out any) error {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body) // to the end, so the answer is complete when we return
	return err
}

func (h *harness) cleanup() {
	h.mu.Lock()
	ss := slices.Clone(h.sessions)
	h.mu.Unlock()
	// At once: fifty SSH sessions one after another would take a while.
	var wg sync.WaitGroup
	for _, s := range ss {
		wg.Add(1)
		go func() { defer wg.Done(); s.stop() }()
	}
	wg.Wait()
	h.mu.Lock()
	srvs := slices.Clone(h.servers)
	h.mu.Unlock()
	for _, t := range srvs {
		t.stop()
	}
	for _, p := range h.progs {
		if p.proxy != nil {
			p.proxy.close()
		}
	}
	if h.sandboxCmd != nil && h.sandboxCmd.Process != nil {
		_ = h.sandboxCmd.Process.Signal(os.Interrupt)
		select {
		case <-h.sandboxDone:
		case <-time.After(8 * time.Second):
			_ = h.sandboxCmd.Process.Kill()
			<-h.sandboxDone
		}
	}
	if h.tmp != "" {
		if h.cfg.keep {
			h.logf("kept %s", h.tmp)
		} else {
			os.RemoveAll(h.tmp)
		}
	}
}

func (h *harness) prog(name string) *program {
	for _, p := range h.progs {
		if p.name == name {
			return p
		}
	}
	return nil
}
