// The counting reverse proxy in front of the sandbox: requests per route and in flight.

package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// ---- the counting proxy ----------------------------------------------------------

// proxy forwards to the sandbox and counts what passes: requests by route,
// and requests in flight at once per target (the list, one connector's
// detail, one connector's sync).
type proxy struct {
	name string
	url  string
	srv  *http.Server
	ln   net.Listener

	mu        sync.Mutex
	phase     string // what the harness is doing, for overlap reports
	total     int
	byRoute   map[string]int
	byURI     map[string]int // method and request URI, for "which requests"
	inFlight  map[string]int
	maxFlight map[string]int           // over the whole run
	overlaps  []string                 // the first few moments a target had two requests out
	trace     func(method, uri string) // each request as it arrives; nil = none
	seen      map[string]bool          // every method and URI ever asked, never reset
	lastNew   time.Time                // when one was asked for the first time
}

type proxyStats struct {
	total   int
	byRoute map[string]int
	byURI   map[string]int
}

func newProxy(name, sandboxURL string) (*proxy, error) {
	u, err := url.Parse(sandboxURL)
	if err != nil {
		return nil, err
	}
	target := &url.URL{Scheme: u.Scheme, Host: u.Host}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second}
	rp.ErrorLog = log.New(io.Discard, "", 0) // a program quitting mid-request is not news
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{name: name, url: "http://" + ln.Addr().String(), ln: ln,
		byRoute: map[string]int{}, byURI: map[string]int{}, inFlight: map[string]int{}, maxFlight: map[string]int{},
		seen: map[string]bool{}}
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, tgt := classify(r.Method, r.URL.Path)
		p.mu.Lock()
		p.total++
		p.byRoute[route]++
		uri := r.Method + " " + r.URL.RequestURI()
		p.byURI[uri]++
		if !p.seen[uri] {
			p.seen[uri] = true
			p.lastNew = time.Now()
		}
		if p.trace != nil {
			p.trace(r.Method, r.URL.RequestURI())
		}
		p.inFlight[tgt]++
		if p.inFlight[tgt] > p.maxFlight[tgt] {
			p.maxFlight[tgt] = p.inFlight[tgt]
		}
		if p.inFlight[tgt] > 1 && len(p.overlaps) < 10 {
			p.overlaps = append(p.overlaps, fmt.Sprintf("%d in flight for %s during %s (%s %s at %s)",
				p.inFlight[tgt], shortTarget(tgt), p.phase, r.Method, r.URL.RequestURI(), time.Now().Format("15:04:05.000")))
		}
		p.mu.Unlock()
		defer func() {
			p.mu.Lock()
			p.inFlight[tgt]--
			p.mu.Unlock()
		}()
		rp.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

func classify(method, path string) (route, target string) {
	p := strings.TrimPrefix(path, basePath)
	switch {
	case p == "/connectors" || p == "/connectors/":
		return method + " /connectors", "list"
	case strings.HasPrefix(p, "/connectors/"):
		rest := strings.TrimPrefix(p, "/connectors/")
		if id, ok := strings.CutSuffix(rest, "/sync"); ok {
			return method + " /connectors/{id}/sync", "sync " + id
		}
		return method + " /connectors/{id}", "detail " + rest
	}
	return method + " (other)", "other"
}

// lastNewRequest is when a method and URI were last asked for the first
// time: a dashboard's start-up crawl asks for new ones, its steady polls
// repeat old ones.
func (p *proxy) lastNewRequest() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastNew
}

func (p *proxy) setPhase(s string) {
	p.mu.Lock()
	p.phase = s
	p.mu.Unlock()
}

func (p *proxy) overlapLog() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.overlaps)
}

func (p *proxy) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = 0
	clear(p.byRoute)
	clear(p.byURI)
}

func (p *proxy) snapshot() proxyStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := proxyStats{total: p.total, byRoute: maps.Clone(p.byRoute), byURI: maps.Clone(p.byURI)}
	return st
}

// maxInFlight is the most requests one target had out at once, and which.
func (p *proxy) maxInFlight() (int, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	best, which := 0, ""
	keys := make([]string, 0, len(p.maxFlight))
	for k := range p.maxFlight {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v := p.maxFlight[k]; v > best {
			best, which = v, k
		}
	}
	return best, which
}

func (p *proxy) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = p.srv.Shutdown(ctx)
}
