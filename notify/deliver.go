package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/history"
)

// SignatureHeader carries the body's HMAC-SHA256 with the target's secret,
// as the Pixee webhooks sign theirs: "sha256=<hex>".
const SignatureHeader = "X-PM-Signature"

// Sign is the value of SignatureHeader for body.
func Sign(secret string, body []byte) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write(body)
	return "sha256=" + hex.EncodeToString(h.Sum(nil))
}

// target is one receiver: its queue and its worker.
type target struct {
	n      *Notifier
	cfg    config.NotifyTarget
	secret string
	route  route
	log    *history.DeliveryLog // nil: not kept

	mu      sync.Mutex
	queue   []queued
	dropped []queued // dropped from the queue, to be logged by the worker
	wake    chan struct{}
	drops   chan struct{} // something was dropped: dropLoop says it (the worker may be stuck in a request)
	closing bool
}

type queued struct {
	m       *message
	account *Account
}

func newTarget(n *Notifier, cfg config.NotifyTarget, secret string) *target {
	return &target{n: n, cfg: cfg, secret: secret, route: routeOf(cfg.Route),
		wake: make(chan struct{}, 1), drops: make(chan struct{}, 1)}
}

// enqueue never blocks: a full queue drops its oldest message (the worker
// says so in the log, the server's log and the events).
func (t *target) enqueue(m *message, a *Account) {
	t.mu.Lock()
	dropped := len(t.queue) >= t.n.opts.Queue
	if dropped {
		t.dropped = append(t.dropped, t.queue[0])
		t.queue = t.queue[1:]
	}
	t.queue = append(t.queue, queued{m, a})
	t.mu.Unlock()
	t.signal()
	if dropped {
		select {
		case t.drops <- struct{}{}:
		default:
		}
	}
}

// dropLoop says what the queue dropped, as it happens.
func (t *target) dropLoop(ctx context.Context, done <-chan struct{}) {
	for {
		select {
		case <-t.drops:
		case <-ctx.Done():
		case <-done:
		}
		t.mu.Lock()
		dropped := t.dropped
		t.dropped = nil
		t.mu.Unlock()
		t.sayDropped(dropped)
		select {
		case <-ctx.Done():
			return
		case <-done:
			return
		default:
		}
	}
}

func (t *target) signal() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

func (t *target) stop() {
	t.mu.Lock()
	t.closing = true
	t.mu.Unlock()
	t.signal()
}

// next is the next message to send; ok is false when the target is
// closing and nothing is left.
func (t *target) next(ctx context.Context) (queued, bool) {
	for {
		t.mu.Lock()
		var q queued
		have := len(t.queue) > 0
		if have {
			q, t.queue = t.queue[0], t.queue[1:]
		}
		closing := t.closing
		t.mu.Unlock()
		if have {
			return q, true
		}
		if closing || ctx.Err() != nil {
			return queued{}, false
		}
		select {
		case <-t.wake:
		case <-ctx.Done():
		}
	}
}

func (t *target) sayDropped(dropped []queued) {
	if len(dropped) == 0 {
		return
	}
	for _, q := range dropped {
		t.record(q.m, Result{Err: "the queue was full: the receiver is behind"}, 0, history.DeliveryDropped)
	}
	why := fmt.Sprintf("%d message(s) dropped: the queue of %d was full (the receiver is slow or down)", len(dropped), t.n.opts.Queue)
	t.n.opts.Logf("notify %s: %s", t.cfg.Name, why)
	seen := map[*Account]bool{}
	for _, q := range dropped {
		if q.account != nil && !seen[q.account] {
			seen[q.account] = true
			q.account.reportFailed(t.cfg.Name, why)
		}
	}
}

// run is the target's worker, and its reporter of drops.
func (t *target) run(ctx context.Context) {
	done := make(chan struct{})
	reported := make(chan struct{})
	go func() { t.dropLoop(ctx, done); close(reported) }()
	defer func() { close(done); <-reported }()
	for {
		q, ok := t.next(ctx)
		if !ok {
			return
		}
		t.deliver(ctx, q)
	}
}

// deliver posts a message until it is delivered, refused (a 4xx other
// than 429) or the retries run out, pausing with exponential backoff.
func (t *target) deliver(ctx context.Context, q queued) {
	for attempt := 1; ; attempt++ {
		r := t.attempt(ctx, q.m, attempt)
		switch {
		case r.OK():
			t.record(q.m, r, attempt, history.DeliveryDelivered)
			return
		case ctx.Err() != nil:
			r.Err = "not delivered: pixee-tui stopped"
		case r.Retryable() && attempt <= t.n.opts.Retries:
			t.record(q.m, r, attempt, history.DeliveryRetrying)
			if t.n.opts.Clock.Sleep(ctx, t.pause(attempt, r)) == nil {
				continue
			}
			r.Err = "not delivered: pixee-tui stopped"
		}
		t.record(q.m, r, attempt, history.DeliveryFailed)
		why := r.String()
		t.n.opts.Logf("notify %s: a message of %s (%s) was not delivered after %d attempt(s): %s", t.cfg.Name, q.m.Account, q.m.Summary, attempt, why)
		if q.account != nil {
			q.account.reportFailed(t.cfg.Name, why)
		}
		return
	}
}

// pause is the wait before attempt+1: the backoff doubled each time, or
// what a 429's Retry-After asks when it is within MaxBackoff.
func (t *target) pause(attempt int, r Result) time.Duration {
	if r.RetryAfter > 0 && r.RetryAfter <= MaxBackoff {
		return r.RetryAfter
	}
	d := t.n.opts.Backoff
	for i := 1; i < attempt && d < MaxBackoff; i++ {
		d *= 2
	}
	return min(d, MaxBackoff)
}

// Result is what one attempt got.
type Result struct {
	Status     int // the HTTP status; 0: no answer
	Err        string
	Timeout    bool
	RetryAfter time.Duration
	Took       time.Duration
}

// OK says the receiver took the message.
func (r Result) OK() bool { return r.Err == "" && r.Status >= 200 && r.Status < 300 }

// Retryable says another attempt may do better: a 5xx, a 429, a timeout
// or no connection. Another 4xx is the message refused: never repeated.
func (r Result) Retryable() bool {
	return r.Status == 0 || r.Status == http.StatusTooManyRequests || r.Status >= 500
}

func (r Result) String() string {
	switch {
	case r.Err != "" && r.Status != 0:
		return fmt.Sprintf("%d %s: %s", r.Status, http.StatusText(r.Status), r.Err)
	case r.Err != "":
		return r.Err
	}
	return fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status))
}

// attempt posts m once.
func (t *target) attempt(ctx context.Context, m *message, n int) Result {
	body := m.json()
	if t.cfg.Format == "slack" {
		body = m.slack()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return Result{Err: t.redact(err.Error())}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", t.n.opts.UserAgent)
	for _, h := range t.cfg.Headers {
		req.Header.Set(h[0], h[1])
	}
	if t.secret != "" {
		req.Header.Set(SignatureHeader, Sign(t.secret, body))
	}
	start := time.Now()
	resp, err := t.n.opts.Client.Do(req)
	took := time.Since(start)
	if err != nil {
		var ue *url.Error
		timeout := errors.As(err, &ue) && ue.Timeout()
		if ue != nil {
			err = ue.Err // its message repeats the URL
		}
		what := "no answer: " + t.redact(err.Error())
		if timeout {
			what = "no answer within the timeout"
		}
		return Result{Err: what, Timeout: timeout, Took: took}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseReader))
	r := Result{Status: resp.StatusCode, Took: took}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		r.RetryAfter = time.Duration(s) * time.Second
	}
	return r
}

// record writes one line of the delivery log.
func (t *target) record(m *message, r Result, attempt int, outcome string) {
	if t.log == nil {
		return
	}
	d := history.Delivery{Time: t.n.opts.Clock.Now(), Target: t.cfg.Name, Account: m.Account, Message: m.ID, Outcome: outcome,
		Attempt: attempt, Status: r.Status, Error: t.redact(r.Err), Summary: t.redact(m.Summary), Events: len(m.Alerts)}
	if err := t.log.Append(d); err != nil {
		t.n.opts.Logf("notify %s: the delivery log: %v", t.cfg.Name, err)
	}
}

// Where is the target's URL as a log may say it: its scheme and host
// (a webhook's path is often its secret: Slack's is).
func Where(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(the URL)"
	}
	return u.Scheme + "://" + u.Host
}

// redact takes the target's URL (but its host), secret and header values
// out of s.
func (t *target) redact(s string) string {
	if s == "" {
		return s
	}
	secrets := []string{t.cfg.URL, t.secret}
	if u, err := url.Parse(t.cfg.URL); err == nil && len(u.Path) > 1 {
		secrets = append(secrets, strings.TrimPrefix(u.RequestURI(), "/"), u.RawQuery)
	}
	for _, h := range t.cfg.Headers {
		secrets = append(secrets, h[1])
	}
	for _, x := range secrets {
		if len(x) >= 4 {
			s = strings.ReplaceAll(s, x, "…")
		}
	}
	return s
}
