package monitor

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestQueryMatchesFoldedAndShowsWhere(t *testing.T) {
	tests := []struct {
		query, text string
		match       bool
		marked      string // the text with matches in [brackets]
	}{
		{"granite wix", "Granite Tools — Wix", true, "[Granite] Tools — [Wix]"},
		{"elegance", "Boutique Élégance — Café", true, "Boutique [Élégance] — Café"},
		{"CAFE", "Boutique Élégance — Café", true, "Boutique Élégance — [Café]"},
		{"東京", "東京ストア 公式", true, "[東京]ストア 公式"},
		{"متجر", "متجر الرياض", true, "[متجر] الرياض"},
		{"summer", "🛒 Summer Shop 🌞", true, "🛒 [Summer] Shop 🌞"},
		{"🌞", "🛒 Summer Shop 🌞", true, "🛒 Summer Shop [🌞]"},
		{"strasse", "Große Straße", true, "Große [Straße]"},
		{"gros", "Große Straße", true, "[Groß]e Straße"},
		{"shop", "Shop shop SHOP", true, "[Shop] [shop] [SHOP]"},
		{"wix tools", "Granite Tools — Wix", true, "Granite [Tools] — [Wix]"},
		{"woo", "Granite Tools — Wix", false, ""},
		{"", "anything", true, "anything"},
	}
	for _, tt := range tests {
		q := ParseQuery(tt.query)
		f := Fold(tt.text)
		if got := q.Matches(&f); got != tt.match {
			t.Errorf("%q in %q: match %v, want %v", tt.query, tt.text, got, tt.match)
			continue
		}
		if !tt.match {
			continue
		}
		var b strings.Builder
		last := 0
		for _, r := range q.Ranges(f) {
			b.WriteString(tt.text[last:r[0]] + "[" + tt.text[r[0]:r[1]] + "]")
			last = r[1]
		}
		b.WriteString(tt.text[last:])
		if b.String() != tt.marked {
			t.Errorf("%q in %q: marked %q, want %q", tt.query, tt.text, b.String(), tt.marked)
		}
	}
}

// Every word must be found, each in any field, never across two.
func TestQueryAcrossFields(t *testing.T) {
	row := FoldFields("Granite Tools", "wix", "error", "550e8400-e29b")
	for q, want := range map[string]bool{"granite error": true, "wix 550e": true, "granite shopify": false, "toolswix": false, "tools wix": true} {
		if got := ParseQuery(q).Matches(&row); got != want {
			t.Errorf("FoldFields %q: %v, want %v", q, got, want)
		}
	}
	name, platform, status, id := Fold("Granite Tools"), Fold("wix"), Fold("error"), Fold("550e8400-e29b")
	for q, want := range map[string]bool{"granite error": true, "wix 550e": true, "granite shopify": false, "ERROR": true} {
		if got := ParseQuery(q).Matches(&name, &platform, &status, &id); got != want {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
}

func TestCauseNormalisesWhatVaries(t *testing.T) {
	same := [][]string{
		{
			`Product 4029141777639 rejected by Shopify: SKU "AB-12-X" already exists (request id req_8f2a91)`,
			`Product 3760000000001 rejected by Shopify: SKU "ZZ-9" already exists (request id req_0001ff)`,
		},
		{
			`WooCommerce REST API returned 401: consumer key ck_7d1e5c0a9b8f7e6d5c4b invalid`,
			`WooCommerce REST API returned 401: consumer key ck_0000000000000000aaaa invalid`,
		},
		{
			`Timeout after 30000ms calling https://shop-a.myshopify.com/admin/api/2024-01/products.json`,
			`Timeout after 15000ms calling https://other.myshopify.com/admin/api/2024-04/products.json`,
		},
		{
			`Magento: attribute 'color' has invalid value 'Bleu marine' for product 550e8400-e29b-41d4-a716-446655440000`,
			`Magento: attribute 'size' has invalid value 'XXL' for product 123e4567-e89b-12d3-a456-426614174000`,
		},
		{
			`PrestaShop webservice: 3 products skipped, stock quantity -4 out of range`,
			`PrestaShop webservice:  12 products skipped, stock quantity 1,250 out of range`,
		},
		{
			`Image upload failed for SKU TSHIRT-RED-L: 413 Payload Too Large`,
			`Image upload failed for SKU MUG_2024-BLUE: 413 Payload Too Large`,
		},
	}
	var causes []string
	for _, pair := range same {
		a, b := Cause(pair[0]), Cause(pair[1])
		if a != b {
			t.Errorf("not grouped:\n  %s\n  %s", a, b)
		}
		causes = append(causes, a)
	}
	for i := range causes {
		for j := i + 1; j < len(causes); j++ {
			if causes[i] == causes[j] {
				t.Errorf("different errors grouped as one: %s", causes[i])
			}
		}
	}
	if got := Cause(same[0][0]); got != `Product <n> rejected by Shopify: SKU "…" already exists (request id <id>)` {
		t.Errorf("cause reads %q", got)
	}
	if got := Cause("Amazon SP-API: feed 9921: error 8541, SKU data conflicts with the Amazon catalog"); got != "Amazon SP-API: feed <n>: error <n>, SKU data conflicts with the Amazon catalog" {
		t.Errorf("a word after SKU was taken for one: %q", got)
	}
	if Cause("   ") != "(empty error)" {
		t.Error("an empty error has no cause text")
	}
}

func TestGroupByCause(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	var fs []Failing
	for i := range 5 {
		fs = append(fs, Failing{ID: fmt.Sprint("s", i), Name: fmt.Sprint("Shop ", 4-i), Platform: "shopify",
			LastError: fmt.Sprintf("Product %d rejected: SKU \"X-%d\" exists", 1000+i, i),
			FirstSeen: t0.Add(time.Duration(i) * time.Minute), LastSeen: t0.Add(time.Hour)})
	}
	fs = append(fs,
		Failing{ID: "w1", Name: "Woo", Platform: "woocommerce", LastError: "Product 9 rejected: SKU \"Q-1\" exists", FirstSeen: t0, LastSeen: t0},
		Failing{ID: "m1", Name: "Mag", Platform: "magento", LastError: "Connection refused", FirstSeen: t0, LastSeen: t0},
		Failing{ID: "m2", Name: "Mag 2", Platform: "magento", LastError: "Connection refused", FirstSeen: t0.Add(-time.Hour), LastSeen: t0.Add(2 * time.Hour)},
	)
	gs := GroupByCause(fs)
	if len(gs) != 2 {
		t.Fatalf("%d groups, want 2 (one cause on two platforms is one group): %+v", len(gs), gs)
	}
	g := gs[0]
	if len(g.Connectors) != 6 || !slices.Equal(g.Platforms, []string{"shopify", "woocommerce"}) || g.Connectors[0].Name != "Shop 0" ||
		!g.FirstSeen.Equal(t0) || !g.LastSeen.Equal(t0.Add(time.Hour)) {
		t.Errorf("largest group: %+v", g)
	}
	if !slices.Equal(gs[1].Platforms, []string{"magento"}) || len(gs[1].Connectors) != 2 || !gs[1].FirstSeen.Equal(t0.Add(-time.Hour)) || !gs[1].LastSeen.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("second group: %+v", gs[1])
	}
}

// Five connectors rejected for the same reason on five platforms are one
// group of five, listing the five platforms: not five groups of one.
func TestOneCauseOnFivePlatformsIsOneGroup(t *testing.T) {
	var fs []Failing
	platforms := []string{"shopify", "magento", "woocommerce", "etsy", "shopware"}
	for i, p := range platforms {
		fs = append(fs, Failing{ID: fmt.Sprint("c", i), Name: fmt.Sprint("Shop ", i), Platform: p,
			LastError: fmt.Sprintf("Product %d rejected: missing price", 4000+i)})
	}
	gs := GroupByCause(fs)
	if len(gs) != 1 || len(gs[0].Connectors) != 5 {
		t.Fatalf("%d groups, want one of 5: %+v", len(gs), gs)
	}
	want := slices.Clone(platforms)
	slices.Sort(want)
	if !slices.Equal(gs[0].Platforms, want) {
		t.Errorf("platforms %v, want %v", gs[0].Platforms, want)
	}
}

// One filter keystroke over 10 000 indexed connectors (the aim: at most 2 ms).
func BenchmarkFilter10000(b *testing.B) {
	rows := make([]Folded, 10000)
	for i := range rows {
		rows[i] = FoldFields(fmt.Sprintf("Boutique Élégance %d — Café Nº%d", i, i*7), "woocommerce", "active",
			fmt.Sprintf("550e8400-e29b-41d4-a716-%012d", i))
	}
	b.ReportAllocs()
	for b.Loop() {
		q := ParseQuery("élég 99")
		n := 0
		for i := range rows {
			if q.Matches(&rows[i]) {
				n++
			}
		}
		if n == 0 {
			b.Fatal("no match")
		}
	}
}

// "Bad Request: taxonomy_id is required" names no request id: words that
// merely begin like "req" are kept.
func TestCauseKeepsWordsThatLookLikeRequestIDs(t *testing.T) {
	for in, want := range map[string]string{
		"Etsy API: listing 4060: 400 Bad Request: taxonomy_id is required": "Etsy API: listing <n>: <n> Bad Request: taxonomy_id is required",
		"Shopware: 503 Service Unavailable (request 5366)":                 "Shopware: <n> Service Unavailable (request <id>)",
		"failed (request id req_8f2a)":                                     "failed (request id <id>)",
	} {
		if got := Cause(in); got != want {
			t.Errorf("Cause(%q) = %q, want %q", in, got, want)
		}
	}
}
