package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// page500 is a canned answer of GET /connectors with 500 items, shaped like
// the sandbox's: UUID ids, shop-like names, RFC 3339 times, some nulls.
func page500(tb testing.TB) []byte {
	tb.Helper()
	type item struct {
		ID         string  `json:"id"`
		Name       string  `json:"name"`
		Platform   string  `json:"platform"`
		Status     string  `json:"status"`
		LastSyncAt *string `json:"last_sync_at"`
		CreatedAt  string  `json:"created_at"`
	}
	platforms := []string{"shopify", "woocommerce", "prestashop", "magento", "bigcommerce"}
	statuses := []string{"active", "active", "active", "paused", "error"}
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	items := make([]item, 500)
	for i := range items {
		it := item{
			ID:        fmt.Sprintf("%08x-e29b-41d4-a716-%012x", 0x550e8400+i, i*7919),
			Name:      fmt.Sprintf("Maison Lumière %s store #%d", strings.ToUpper(platforms[i%5][:2]), i),
			Platform:  platforms[i%5],
			Status:    statuses[i%5],
			CreatedAt: t0.Add(-time.Duration(i) * 37 * time.Hour).Format(time.RFC3339),
		}
		if i%12 != 0 {
			s := t0.Add(-time.Duration(i) * 3 * time.Minute).Format(time.RFC3339)
			it.LastSyncAt = &s
		}
		items[i] = it
	}
	body, err := json.Marshal(map[string]any{
		"items": items,
		"meta": map[string]any{"total": 1200, "page": 1, "per_page": 500,
			"total_pages": 3, "has_next": true, "has_previous": false},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// BenchmarkListConnectors500 is one 500-item page through the client: the
// request, the body read through its size limit, and the JSON decode,
// against a loopback server that answers with a canned body.
func BenchmarkListConnectors500(b *testing.B) {
	body := page500(b)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != basePath+"/connectors" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	c, err := New(srv.URL+basePath, WithAPIKey(testKey), WithHTTPClient(srv.Client()))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	p, _, err := c.ListConnectors(ctx, 1, 500)
	if err != nil || len(p.Items) != 500 {
		b.Fatalf("ListConnectors: %d items, %v", len(p.Items), err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.ListConnectors(ctx, 1, 500); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePage500 is the JSON decode of the same body alone: what
// the client adds on top of it is HTTP.
func BenchmarkDecodePage500(b *testing.B) {
	body := page500(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var w pageWire // what ListConnectors decodes into
		if err := decodeJSON(body, &w); err != nil {
			b.Fatal(err)
		}
		if p, err := w.page(1, 500); err != nil || len(p.Items) != 500 {
			b.Fatalf("decode: %v", err)
		}
	}
}
