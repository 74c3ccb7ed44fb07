package config

import (
	"strings"
	"testing"
)

func TestMetricsSettingsAreReadAndChecked(t *testing.T) {
	f, err := Parse("config.yaml", []byte("metrics:\n  connectors: not_active\nserve:\n  metrics: 127.0.0.1:9464\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Metrics.Connectors != "not_active" || f.Serve.Metrics != "127.0.0.1:9464" {
		t.Errorf("metrics.connectors %q, serve.metrics %q", f.Metrics.Connectors, f.Serve.Metrics)
	}
	if f, _ := Parse("config.yaml", []byte("theme: auto\n")); f.Metrics.Connectors != "all" {
		t.Errorf("without metrics:, connectors is %q; want all", f.Metrics.Connectors)
	}
	for body, want := range map[string]string{
		"metrics:\n  connectors: some\n": `config.yaml:2:15: metrics.connectors: "some" is not one of all, not_active`,
		"serve:\n  metrics: 9464\n":      `config.yaml:2:12: serve.metrics: "9464" is not host:port`,
		"serve:\n  accounts: acme\n":     `config.yaml:2:13: serve.accounts: want a list of profile names`,
	} {
		_, err := Parse("config.yaml", []byte(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v; want %q", body, err, want)
		}
	}
}
