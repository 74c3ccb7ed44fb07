package metrics

import (
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// Requests counts the requests sent to the API, by account, method, route
// and status code (pixee_api_requests_total): every request that leaves,
// the auth header's probe included. Build one with NewRequests and put
// Transport under each account's client (account.Opener.Transport).
type Requests struct {
	vec *prometheus.CounterVec
}

// NewRequests is a counter of the API requests, to register once.
func NewRequests() *Requests {
	return &Requests{vec: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pixee_api_requests_total",
		Help: "Requests sent to the Pixee API, by route (ids as {id}) and status code (\"error\": no answer).",
	}, []string{"account", "method", "route", "code"})}
}

// Collector is the counter, to register.
func (r *Requests) Collector() prometheus.Collector { return r.vec }

// Transport counts the requests of account that go through next.
func (r *Requests) Transport(account string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return countingTransport{account: label(account), next: next, vec: r.vec}
}

type countingTransport struct {
	account string
	next    http.RoundTripper
	vec     *prometheus.CounterVec
}

func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	code := "error"
	if err == nil {
		code = itoa(resp.StatusCode)
	}
	method := req.Method
	if method != http.MethodGet && method != http.MethodPost {
		method = "other"
	}
	t.vec.WithLabelValues(t.account, method, Route(req.URL.Path), code).Inc()
	return resp, err
}

// Route is the API route of a request's path, its ids written {id}, so
// that the routes are few whatever the connectors: /connectors,
// /connectors/{id}, /connectors/{id}/sync, /connectors/{id}/test,
// /connectors/{id}/jobs, /connectors/platforms, or "other".
func Route(path string) string {
	// The first /connectors starts the route (an id may hold the word).
	i := strings.Index(path, "/connectors")
	if i < 0 {
		return "other"
	}
	rest := strings.Trim(path[i+len("/connectors"):], "/")
	parts := strings.Split(rest, "/")
	switch {
	case rest == "":
		return "/connectors"
	case len(parts) == 1 && parts[0] == "platforms":
		return "/connectors/platforms"
	case len(parts) == 1:
		return "/connectors/{id}"
	case len(parts) == 2 && (parts[1] == "sync" || parts[1] == "test" || parts[1] == "jobs"):
		return "/connectors/{id}/" + parts[1]
	}
	return "other"
}

// Sessions is the pixee_ssh_sessions gauge of a team server: how many
// dashboards are connected, read at scrape time.
func Sessions(n func() int) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pixee_ssh_sessions",
		Help: "Dashboards connected to the team server over SSH.",
	}, func() float64 { return float64(n()) })
}
