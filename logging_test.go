package main

import (
	"bytes"
	"context"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
)

// The debug log has a line per call with its status, and never the key.
func TestDebugLogLinesAndNoKey(t *testing.T) {
	sb := sandbox.New(sandbox.Options{Seed: 1, ReadLimit: -1, WriteLimit: -1, SyncFailureRate: -1})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	c, err := api.New(srv.URL+sandbox.BasePath, api.WithAPIKey(sb.APIKey()), api.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	old, flags := log.Writer(), log.Flags()
	log.SetOutput(&buf)
	log.SetFlags(0)
	defer func() { log.SetOutput(old); log.SetFlags(flags) }()

	l := loggingAPI{next: c}
	ctx := context.Background()
	l.ListConnectors(ctx, 1, 50)
	l.GetConnector(ctx, "no-such-id")
	l.SyncEANs(ctx, sb.IDs()[0], []string{"4006381333931"})
	out := buf.String()
	for _, want := range []string{
		"GET /connectors page=1 per_page=50 → 200",
		"GET /connectors/no-such-id → 404",
		"Connector not found",
		"/sync eans=1 → 202",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, sb.APIKey()) {
		t.Fatalf("the key is in the log:\n%s", out)
	}
}
