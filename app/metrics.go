package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/metrics"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/serve"
)

// metricsCmd serves one account's /metrics without a team server: the
// account opened as every command opens it, its monitor run headless.
func metricsCmd(f *flags, stderr io.Writer) *cobra.Command {
	var listen string
	cmd := &cobra.Command{
		Use:   "metrics",
		Short: "Expose one account's connectors to Prometheus at /metrics, without serve",
		Long: `Expose one account (--profile, or the environment) to Prometheus: the
account is indexed in the background as the dashboard does (within a fifth
of its API budget, nothing ever written), and /metrics says what is known
at each scrape. metrics.connectors: not_active in the config file keeps
per-connector series to the connectors that are not active.

  pixee-tui metrics --profile acme --listen 127.0.0.1:9464
  curl -s 127.0.0.1:9464/metrics | grep pixee_connector_status`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runMetrics(cmd, f, listen, stderr) },
	}
	cmd.Flags().StringVar(&listen, "listen", config.DefaultMetricsListen, "address to serve /metrics on (host:port)")
	return cmd
}

func runMetrics(cmd *cobra.Command, f *flags, listen string, stderr io.Writer) error {
	file, s, err := loadConfig(cmd, f)
	if err != nil {
		return err
	}
	req := metrics.NewRequests()
	op := opener(false)
	op.Transport = req.Transport
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer cancel()
	a, err := op.Open(ctx, s)
	if err != nil {
		return usage("%v", err)
	}
	defer a.Close()
	for _, w := range a.Warnings {
		fmt.Fprintln(stderr, "pixee-tui:", w)
	}
	h := metrics.NewHeadless(monitor.Options{API: a.Session.API, PerPage: s.PerPage})
	reg, err := metrics.Registry(req.Collector())
	if err != nil {
		return err
	}
	exp := metrics.NewExporter(metrics.Options{Connectors: metricsConnectors(file)},
		func() []metrics.Source { return []metrics.Source{h.Source(a.ID)} }, reg)
	srv, err := metrics.Listen(listen, metrics.Handler(exp))
	if err != nil {
		return usage("--listen: %v", err)
	}
	fmt.Fprintf(stderr, "pixee-tui: metrics of %s on http://%s/metrics; Ctrl+C stops it\n", a.Title(), srv.Addr())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	<-ctx.Done()
	<-done
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	return srv.Shutdown(sctx)
}

func metricsConnectors(file *config.File) string {
	if file == nil {
		return config.MetricsConnectors[0]
	}
	return file.Metrics.Connectors
}

// shard keeps the accounts named (serve --accounts, or serve.accounts:),
// in the order served; every name must be a profile of the file.
func shard(file *config.File, accounts []serve.Account, current int, names []string) ([]serve.Account, int, error) {
	if len(names) == 0 {
		return accounts, current, nil
	}
	if msg := file.UnknownAccounts(names); msg != "" {
		return nil, 0, usage("--accounts: %s", msg)
	}
	var kept []serve.Account
	start := 0
	for i, a := range accounts {
		if !slices.Contains(names, a.ID) {
			continue
		}
		if i == current {
			start = len(kept)
		}
		kept = append(kept, a)
	}
	return kept, start, nil
}

// accountNames splits --accounts a,b.
func accountNames(s string) []string {
	var out []string
	for n := range strings.SplitSeq(s, ",") {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// serveMetrics starts serve's /metrics on addr: every account's watch,
// the requests counted by op's transport (req) and the sessions.
func serveMetrics(srv *serve.Server, addr, connectors string, req *metrics.Requests) (*metrics.Server, error) {
	reg, err := metrics.Registry(req.Collector(), metrics.Sessions(srv.Sessions))
	if err != nil {
		return nil, err
	}
	srv.OpenAll() // every account watched (and exposed) from the start
	exp := metrics.NewExporter(metrics.Options{Connectors: connectors}, srv.MetricsSources, reg)
	return metrics.Listen(addr, metrics.Handler(exp))
}

// withRequests is op counting its requests in req.
func withRequests(op account.Opener, req *metrics.Requests) account.Opener {
	op.Transport = req.Transport
	return op
}

// serveMetricsFlags puts serve.metrics and serve.accounts under the flags:
// a flag wins.
func serveMetricsFlags(sf *serveFlags, team config.Serve) error {
	if sf.metrics == "" {
		sf.metrics = team.Metrics
	}
	if sf.demo {
		if len(sf.accounts) > 0 {
			return usage("--accounts names profiles of the config file; --demo serves the sandbox alone")
		}
		return nil // serve.accounts names profiles, which --demo does not serve
	}
	if len(sf.accounts) == 0 {
		sf.accounts = team.Accounts
	}
	return nil
}
