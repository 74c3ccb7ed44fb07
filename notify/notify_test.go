package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/monitor"
)

// A connector turning to error is one firing message; its recovery, later,
// one resolved message with the same fingerprint and when it started. What
// is no transition into a bad state (a pause, a sync queued) sends nothing.
func TestOneMessagePerTransitionAndOneOnRecovery(t *testing.T) {
	rx := newReceiver(t, nil)
	f := start(t, nil, config.NotifyTarget{Name: "ops", URL: rx.URL + "/hook", Format: "json"})
	a := f.account("acme")
	a.Notify([]monitor.Event{turned("c1", "My Shop", t0)})
	waitFor(t, "the firing message", func() bool { return len(rx.requests()) == 1 })

	f.clock.Advance(5 * time.Minute)
	a.Notify([]monitor.Event{
		{Time: f.clock.Now(), ConnectorID: "c2", Name: "Other", Kind: monitor.Paused, Before: "active", After: "paused"},
		{Time: f.clock.Now(), ConnectorID: "c2", Name: "Other", Kind: monitor.SyncSent, Before: "alice", After: "2 EANs"},
	})
	a.Notify([]monitor.Event{{Time: f.clock.Now(), ConnectorID: "c1", Name: "My Shop", Platform: "shopify",
		Kind: monitor.Recovered, Before: "error", After: "active"}})
	waitFor(t, "the recovery", func() bool { return len(rx.requests()) >= 2 })
	f.clock.Advance(time.Hour)
	f.n.Close(context.Background())

	got := rx.requests()
	if len(got) != 2 {
		t.Fatalf("%d messages, want 2 (the transition, the recovery)", len(got))
	}
	fire, res := decode(t, got[0].body), decode(t, got[1].body)
	if fire.Status != Firing || len(fire.Alerts) != 1 || res.Status != Resolved || len(res.Alerts) != 1 {
		t.Fatalf("statuses %s (%d alerts), %s (%d alerts)", fire.Status, len(fire.Alerts), res.Status, len(res.Alerts))
	}
	fa, ra := fire.Alerts[0], res.Alerts[0]
	if fa.Fingerprint == "" || fa.Fingerprint != ra.Fingerprint {
		t.Errorf("fingerprints %q and %q: want one, stable", fa.Fingerprint, ra.Fingerprint)
	}
	if fa.Connector == nil || *fa.Connector != (jsonConnector{ID: "c1", Name: "My Shop", Platform: "shopify"}) ||
		fa.Account != "acme" || fa.Kind != "turned_error" || fa.Before != "active" || fa.After != "error" {
		t.Errorf("firing alert = %+v", fa)
	}
	if !fa.StartsAt.Equal(t0) || !fa.EndsAt.IsZero() || !ra.StartsAt.Equal(t0) || !ra.EndsAt.Equal(t0.Add(5*time.Minute)) {
		t.Errorf("times: firing %s–%s, resolved %s–%s", fa.StartsAt, fa.EndsAt, ra.StartsAt, ra.EndsAt)
	}
	if fa.Text != "My Shop turned to error" || fire.Summary != fa.Text || ra.Text != "My Shop recovered (active)" {
		t.Errorf("words: %q, %q, %q", fa.Text, fire.Summary, ra.Text)
	}
	if ct := got[0].header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if d := f.deliveries(t, "ops"); outcomes(d) != "delivered,delivered" {
		t.Errorf("delivery log: %s", outcomes(d))
	}
}

// Forty connectors turning to error in one answer are one message listing
// them, in the terminal alert's words; more within the window wait and go
// together when it ends.
func TestABurstIsCoalescedIntoOneMessage(t *testing.T) {
	rx := newReceiver(t, nil)
	f := start(t, nil, config.NotifyTarget{Name: "ops", URL: rx.URL, Format: "json"})
	a := f.account("acme")
	var burst []monitor.Event
	for i := range 40 {
		burst = append(burst, turned(fmt.Sprintf("c%02d", i), fmt.Sprintf("Shop %d", i), t0))
	}
	a.Notify(burst)
	waitFor(t, "the burst's message", func() bool { return len(rx.requests()) == 1 })
	body := decode(t, rx.requests()[0].body)
	if len(body.Alerts) != 40 || body.Summary != "40 connectors turned to error" {
		t.Fatalf("%d alerts, summary %q", len(body.Alerts), body.Summary)
	}
	f.clock.Advance(10 * time.Second)
	for i := range 3 {
		a.Notify([]monitor.Event{turned(fmt.Sprintf("d%d", i), "Late", f.clock.Now())})
		f.clock.Advance(5 * time.Second)
	}
	if n := len(rx.requests()); n != 1 {
		t.Fatalf("%d messages within the window, want them held", n)
	}
	f.clock.Advance(time.Minute)
	waitFor(t, "the window's message", func() bool { return len(rx.requests()) == 2 })
	if body := decode(t, rx.requests()[1].body); len(body.Alerts) != 3 || body.Summary != "3 connectors turned to error" {
		t.Errorf("%d alerts, summary %q", len(body.Alerts), body.Summary)
	}
}

// With a secret, the body is signed as the Pixee webhooks sign theirs, and
// a receiver holding the secret verifies it; custom headers arrive.
func TestTheSignatureVerifiesWithTheSecret(t *testing.T) {
	rx := newReceiver(t, nil)
	f := start(t, func(o *Options) {
		o.Getenv = func(k string) string { return map[string]string{"HOOK_SECRET": "it-is-a-secret"}[k] }
	}, config.NotifyTarget{Name: "ops", URL: rx.URL, Format: "json", Secret: config.SecretSource{Env: "HOOK_SECRET"},
		Headers: [][2]string{{"X-Team", "retail"}}})
	f.account("acme").Notify([]monitor.Event{turned("c1", "My Shop", t0)})
	waitFor(t, "the message", func() bool { return len(rx.requests()) == 1 })
	r := rx.requests()[0]
	sig := r.header.Get("X-PM-Signature")
	if !strings.HasPrefix(sig, "sha256=") || sig != Sign("it-is-a-secret", r.body) {
		t.Errorf("signature %q does not verify", sig)
	}
	if Sign("another", r.body) == sig {
		t.Error("another secret verifies too")
	}
	if r.header.Get("X-Team") != "retail" {
		t.Errorf("custom header lost: %v", r.header)
	}
}

// A 5xx is tried again, after a growing pause, until it is delivered; a
// 4xx is never repeated: it is failed at once, said in the server's log
// and as a notify_failed event, and logged.
func Test5xxIsRetriedAnd4xxIsNot(t *testing.T) {
	flaky := newReceiver(t, func(n int) int { return map[int]int{1: 503, 2: 502}[n] + 200*btoi(n > 2) })
	refusing := newReceiver(t, func(int) int { return http.StatusBadRequest })
	f := start(t, nil, config.NotifyTarget{Name: "flaky", URL: flaky.URL, Format: "json"},
		config.NotifyTarget{Name: "refusing", URL: refusing.URL, Format: "json"})
	f.account("acme").Notify([]monitor.Event{turned("c1", "My Shop", t0)})
	waitFor(t, "the delivery", func() bool { return strings.Contains(outcomes(f.deliveries(t, "flaky")), "delivered") })
	waitFor(t, "the refusal", func() bool { return len(f.deliveries(t, "refusing")) == 1 })
	if n := len(flaky.requests()); n != 3 {
		t.Errorf("the 5xx receiver got %d requests, want 3", n)
	}
	if got := outcomes(f.deliveries(t, "flaky")); got != "retrying,retrying,delivered" {
		t.Errorf("flaky's log: %s", got)
	}
	if s := f.clock.slept(); !slices.Equal(s, []time.Duration{2 * time.Second, 4 * time.Second}) {
		t.Errorf("pauses %v, want 2s then 4s", s)
	}
	if n := len(refusing.requests()); n != 1 {
		t.Errorf("the 4xx receiver got %d requests, want 1", n)
	}
	if d := f.deliveries(t, "refusing"); d[0].Outcome != "failed" || d[0].Status != 400 {
		t.Errorf("refusing's log: %+v", d)
	}
	waitFor(t, "the failure's event", func() bool { return len(f.reports.list()) == 1 })
	if e := f.reports.list()[0]; e.Kind != monitor.NotifyFailed || e.Before != "refusing" || !strings.Contains(e.After, "400 Bad Request") || e.ID == "" {
		t.Errorf("event %+v", e)
	}
	if l := f.logs.all(); !strings.Contains(l, "notify refusing: a message of acme (My Shop turned to error) was not delivered after 1 attempt(s): 400 Bad Request") {
		t.Errorf("server log: %q", l)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A receiver that never answers holds nothing up: Notify returns at once
// however many messages come, the queue stays bounded, and what it drops
// is logged and said.
func TestAHangingReceiverDoesNotBlockNotify(t *testing.T) {
	release := make(chan struct{})
	hang := newReceiver(t, func(int) int { <-release; return 200 })
	defer close(release)
	f := start(t, func(o *Options) { o.Queue = 2; o.Retries = -1 },
		config.NotifyTarget{Name: "dead", URL: hang.URL, Format: "json"})
	a := f.account("acme")
	done := make(chan struct{})
	go func() {
		for i := range 50 {
			a.Notify([]monitor.Event{turned(fmt.Sprint(i), "Shop", f.clock.Now())})
			f.clock.Advance(2 * time.Minute) // each its own message
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Notify blocked behind a receiver that does not answer")
	}
	waitFor(t, "the drops in the log", func() bool { return strings.Count(outcomes(f.deliveries(t, "dead")), "dropped") >= 40 })
	waitFor(t, "the drops said", func() bool { return len(f.reports.list()) > 0 })
	if !strings.Contains(f.logs.all(), "dropped: the queue of 2 was full") {
		t.Errorf("server log: %q", f.logs.all())
	}
}

// A Slack target gets an incoming-webhook message as Slack documents it:
// text, and Block Kit sections of mrkdwn within Slack's limits, server text
// escaped.
func TestSlackPayloadHasTheDocumentedShape(t *testing.T) {
	rx := newReceiver(t, nil)
	f := start(t, nil, config.NotifyTarget{Name: "chat", URL: rx.URL, Format: "slack"})
	var evs []monitor.Event
	for i := range 30 {
		evs = append(evs, turned(fmt.Sprint(i), fmt.Sprintf("<b>Shop & %d</b>", i), t0))
	}
	f.account("acme").Notify(evs)
	waitFor(t, "the message", func() bool { return len(rx.requests()) == 1 })
	var body struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text *struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"text"`
			Fields []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"fields"`
		} `json:"blocks"`
	}
	raw := rx.requests()[0].body
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body.Text, "acme: 30 connectors turned to error") || len(body.Blocks) == 0 || len(body.Blocks) > 50 {
		t.Fatalf("text %q, %d blocks", body.Text, len(body.Blocks))
	}
	fields := 0
	var texts strings.Builder
	for _, b := range body.Blocks {
		if b.Text != nil {
			texts.WriteString(b.Text.Text + "\n")
		}
		if b.Type != "section" || (b.Text == nil && len(b.Fields) == 0) {
			t.Errorf("block %+v: a section has text or fields", b)
		}
		if b.Text != nil && (b.Text.Type != "mrkdwn" || len(b.Text.Text) > 3000 || b.Text.Text == "") {
			t.Errorf("section text %+v", b.Text)
		}
		if len(b.Fields) > 10 {
			t.Errorf("%d fields in a section, Slack takes 10", len(b.Fields))
		}
		for _, fl := range b.Fields {
			if fl.Type != "mrkdwn" || len(fl.Text) > 2000 {
				t.Errorf("field %+v", fl)
			}
			fields++
		}
	}
	if fields == 0 {
		t.Error("no fields")
	}
	if all := texts.String(); strings.Contains(all, "<b>") || !strings.Contains(all, "&lt;b&gt;Shop &amp; 0") {
		t.Errorf("names not escaped for mrkdwn: %s", all)
	}
	if !strings.Contains(texts.String(), "… and 10 more") {
		t.Errorf("the list is not cut at 20 connectors: %s", raw)
	}
}

// Routes pick by account, platform, connector name pattern and kind; an
// event of the whole account passes only a route without connectors.
func TestRoutesPickTheEventsOfATarget(t *testing.T) {
	rx := newReceiver(t, nil)
	f := start(t, nil, config.NotifyTarget{Name: "eu", URL: rx.URL, Format: "json",
		Route: config.NotifyRoute{Accounts: []string{"acme"}, Platforms: []string{"Shopify"}, Connectors: []string{"shop*/eu", "c9"}}})
	other := f.account("globex")
	other.Notify([]monitor.Event{turned("c1", "Shop A/EU", t0)})
	a := f.account("acme")
	woo := turned("c2", "Shop B/EU", t0)
	woo.Platform = "woocommerce"
	a.Notify([]monitor.Event{woo, turned("c3", "Outlet", t0), {Time: t0, Kind: monitor.APIDown, After: "timeout"},
		turned("c1", "Shop A/EU", t0), turned("c9", "By id", t0)})
	waitFor(t, "the message", func() bool { return len(rx.requests()) == 1 })
	f.n.Close(context.Background())
	body := decode(t, rx.requests()[0].body)
	var ids []string
	for _, al := range body.Alerts {
		ids = append(ids, al.Connector.ID)
	}
	if strings.Join(ids, ",") != "c1,c9" || len(rx.requests()) != 1 {
		t.Errorf("routed %v in %d messages, want c1,c9 in one", ids, len(rx.requests()))
	}
}

// The kinds a route may name are the monitor's, but notify_failed.
func TestRouteKindsAreTheMonitorsKinds(t *testing.T) {
	var want []string
	for _, k := range monitor.EventKinds() {
		if k != monitor.NotifyFailed {
			want = append(want, string(k))
		}
	}
	got := slices.Clone(config.NotifyKinds)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("config.NotifyKinds = %v\nmonitor kinds     = %v", got, want)
	}
}

// A failed delivery's log lines, in the server's log and the delivery log,
// never hold the secret, the URL's path (a Slack webhook's secret) or a
// header's value; Test says the outcome and logs it.
func TestSecretsNeverReachALog(t *testing.T) {
	rx := newReceiver(t, func(int) int { return http.StatusNotFound })
	url := rx.URL + "/services/T000/B000/TOKENXYZ123?key=QUERYSECRET"
	f := start(t, func(o *Options) { o.Getenv = func(string) string { return "hmac-secret-1" } },
		config.NotifyTarget{Name: "chat", URL: url, Format: "slack", Secret: config.SecretSource{Env: "S"},
			Headers: [][2]string{{"Authorization", "Bearer HEADERTOKEN"}}})
	r, err := f.n.Test(context.Background(), "chat")
	if err != nil || r.OK() || r.Status != 404 {
		t.Fatalf("Test = %+v, %v", r, err)
	}
	f.account("acme").Notify([]monitor.Event{turned("c1", "My Shop", t0)})
	waitFor(t, "the failure", func() bool { return len(f.deliveries(t, "chat")) == 2 })
	dead := start(t, nil, config.NotifyTarget{Name: "gone", URL: "http://127.0.0.1:1/hook/TOKENXYZ123", Format: "json"})
	if r, _ := dead.n.Test(context.Background(), "gone"); r.OK() || !strings.Contains(r.Err, "no answer") {
		t.Errorf("a closed port: %+v", r)
	}
	var logs strings.Builder
	for _, fx := range []*fixture{f, dead} {
		logs.WriteString(fx.logs.all())
		for _, name := range []string{"chat", "gone"} {
			if fx == dead && name == "chat" || fx == f && name == "gone" {
				continue
			}
			for _, d := range fx.deliveries(t, name) {
				fmt.Fprintf(&logs, "%+v\n", d)
			}
		}
	}
	for _, secret := range []string{"TOKENXYZ123", "QUERYSECRET", "hmac-secret-1", "HEADERTOKEN"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("%s is in a log:\n%s", secret, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "404") {
		t.Errorf("the logs do not say the 404:\n%s", logs.String())
	}
	if _, err := f.n.Test(context.Background(), "nope"); err == nil || !strings.Contains(err.Error(), `no notify target "nope" (have chat)`) {
		t.Errorf("an unknown target: %v", err)
	}
}

// A receiver that redirects is not followed (the signature and headers
// would go wherever it points): the 3xx is a refusal, tried once.
func TestARedirectIsNotFollowed(t *testing.T) {
	elsewhere := newReceiver(t, nil)
	redirecting := newReceiver(t, nil)
	redirecting.Config.Handler = http.RedirectHandler(elsewhere.URL, http.StatusTemporaryRedirect)
	f := start(t, nil, config.NotifyTarget{Name: "ops", URL: redirecting.URL, Format: "json", Headers: [][2]string{{"X-Token", "abc123"}}})
	r, err := f.n.Test(context.Background(), "ops")
	if err != nil || r.OK() || r.Status != http.StatusTemporaryRedirect {
		t.Errorf("Test = %+v, %v; want the 307, not delivered", r, err)
	}
	if n := len(elsewhere.requests()); n != 0 {
		t.Errorf("the redirect was followed: %d requests elsewhere", n)
	}
}
