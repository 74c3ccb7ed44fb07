package sandbox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// DocsConnectorID is the id of the first connector, "My Shopify Store",
// the example the public docs use.
const DocsConnectorID = "550e8400-e29b-41d4-a716-000000000010"

// Salts keep the hash streams for different decisions apart.
const (
	saltSync uint64 = iota + 1
	saltSyncID
	saltSyncError
	saltAuto
	saltTest
	saltData
)

// splitmix64 is a small, well-mixed hash step (Steele, Lea and Flood).
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hash derives a deterministic number from the seed and vals. Decisions
// made after New (sync failures, ids, auto-sync schedule) use it instead of
// a shared generator, so they do not depend on the order in which
// concurrent requests happen to arrive.
func (s *Server) hash(vals ...uint64) uint64 {
	h := splitmix64(s.seed)
	for _, v := range vals {
		h = splitmix64(h ^ v)
	}
	return h
}

// formatUUID renders two random words as a version-4-shaped UUID.
func formatUUID(a, b uint64) string {
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x",
		a>>32, (a>>16)&0xffff, a&0xfff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff)
}

// platform is a platform id as the API spells it, with the name people use.
type platform struct {
	id, label string
	weight    int
}

var platforms = []platform{
	{"shopify", "Shopify", 20},
	{"woocommerce", "WooCommerce", 16},
	{"prestashop", "PrestaShop", 12},
	{"magento", "Magento", 10},
	{"bigcommerce", "BigCommerce", 6},
	{"amazon", "Amazon", 6},
	{"wix", "Wix", 5},
	{"ebay", "eBay", 5},
	{"shopware", "Shopware", 5},
	{"squarespace", "Squarespace", 4},
	{"etsy", "Etsy", 4},
	{"odoo", "Odoo", 4},
	{"opencart", "OpenCart", 3},
	{"salesforce_commerce", "Salesforce Commerce Cloud", 3},
	{"lightspeed", "Lightspeed", 3},
	{"akeneo", "Akeneo", 3},
}

func platformLabel(id string) string {
	for _, p := range platforms {
		if p.id == id {
			return p.label
		}
	}
	return id
}

// featured are hand-written names placed at fixed positions, most of them
// on the first page so a demo shows them at once: scripts, accents, emoji,
// right-to-left text and one name far too long for any column.
var featured = map[int]struct{ name, platform string }{
	1:   {"Boutique Élégance — Café", "prestashop"},
	2:   {"東京ストア 公式", "shopify"},
	4:   {"🛒 Summer Shop 🌞", "wix"},
	6:   {"서울 라이프스타일 몰", "woocommerce"},
	9:   {"متجر الأناقة العربية", "magento"},
	12:  {"The Extraordinarily Comprehensive Outdoor Adventure, Camping & Mountaineering Equipment Emporium — Official European Wholesale & Retail Distribution Channel", "salesforce_commerce"},
	17:  {"Zürich Uhren & Schmuck AG", "shopware"},
	23:  {"Crème de la Crème — Pâtisserie Fine", "woocommerce"},
	31:  {"Ελληνικά Προϊόντα Μέλι", "opencart"},
	38:  {"北京旗舰店（天猫同步）", "akeneo"},
	44:  {"Ñandú Deportes España", "prestashop"},
	55:  {"Москва Маркет", "bigcommerce"},
	63:  {"👨‍👩‍👧‍👦 Family Outlet", "etsy"},
	72:  {"אופנה ישראלית", "woocommerce"},
	86:  {"नमस्ते बाज़ार", "amazon"},
	97:  {"Łódź Księgarnia Internetowa", "prestashop"},
	108: {`Tom & Jerry's "Toy" Box`, "ebay"},
	121: {"Ça Va Épicerie d'Œuvre", "odoo"},
}

// forcedStatus pins a few statuses so every default data set has each kind,
// including ones no client can know about.
var forcedStatus = map[int]string{
	3:  statusPaused,
	5:  statusError,
	7:  "degraded",
	11: statusError,
	20: statusPaused,
	70: "syncing_v2",
}

var brands = []string{
	"Northwind", "Maison Verte", "Atlas Outdoor", "Bluebell Home", "Kiko Kids",
	"Vela Sports", "Orchard & Vine", "Helios Optics", "Copper Kettle", "Fjord Living",
	"Lumen Lighting", "Sable & Stone", "Pampa Leather", "Kaito Ceramics", "Marlowe Books",
	"Terra Garden", "Brightwater Pets", "Alder & Ash", "Solstice Swim", "Granite Tools",
	"Petit Bateau Bleu", "Hanse Kontor", "Ironbark Coffee", "Luna Beauty", "Saffron Spice Co.",
	"Tidewater Surf", "Evergreen Pharmacy", "Quill & Ink", "Rosso Vino", "Polar Bikes",
	"Cobalt Electronics", "Wildflower Tea", "Oak Street Furniture", "Nimbus Audio", "Harbor Hardware",
	"Verdant Botanics", "Mosaic Rugs", "Summit Climbing", "Velvet Lane", "Bramble Baby",
	"Casa Lúcia", "Kantine Berlin", "Le Petit Atelier", "Nordlys Design", "Aurora Jewelry",
	"Pixel Toys", "Ridgeway Running", "Sundial Watches", "Urban Grocer", "Wanderlust Travel Gear",
}

var qualifiers = []string{
	"FR", "DE", "UK", "US", "ES", "IT", "NL", "EU", "B2B", "Wholesale", "Outlet",
	"Marketplace", "Staging", "Pro", "Retail", "Flagship",
}

// generate builds n connectors from the seed, with times relative to now.
func generate(seed uint64, n int, now time.Time) []*connector {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed_5eed_5eed_5eed))
	totalWeight := 0
	for _, p := range platforms {
		totalWeight += p.weight
	}
	pickPlatform := func() string {
		w := rng.IntN(totalWeight)
		for _, p := range platforms {
			if w < p.weight {
				return p.id
			}
			w -= p.weight
		}
		return platforms[0].id
	}

	usedIDs := map[string]bool{DocsConnectorID: true}
	usedNames := map[string]bool{}
	out := make([]*connector, 0, n)
	for i := 0; i < n; i++ {
		c := &connector{serial: uint64(i)}

		// Identity.
		switch f, ok := featured[i]; {
		case i == 0:
			c.id, c.name, c.platform = DocsConnectorID, "My Shopify Store", "shopify"
		case ok:
			c.name, c.platform = f.name, f.platform
		default:
			c.platform = pickPlatform()
			c.name = generatedName(rng, c.platform)
		}
		for c.id == "" || (i > 0 && usedIDs[c.id]) {
			c.id = formatUUID(rng.Uint64(), rng.Uint64())
		}
		usedIDs[c.id] = true
		base := c.name
		for k := 2; usedNames[c.name]; k++ {
			c.name = fmt.Sprintf("%s #%d", base, k)
		}
		usedNames[c.name] = true

		// Status.
		c.status = statusActive
		if st, ok := forcedStatus[i]; ok {
			c.status = st
		} else if i > 0 {
			switch r := rng.Float64(); {
			case r < 0.08:
				c.status = statusPaused
			case r < 0.15:
				c.status = statusError
			}
		}

		// Catalog and speed: a whole-catalog sync takes about a minute,
		// faster for small catalogs, never slower than 20 products/s.
		c.catalog = 500 + rng.IntN(4501)
		if i == 0 {
			c.catalog = 1250
		}
		c.rate = min(80, max(20, float64(c.catalog)/60*(0.8+0.45*rng.Float64())))

		// History.
		age := time.Duration(1+rng.IntN(900*24)) * time.Hour
		if i == 10 {
			age = 3 * time.Hour // created this morning, never synced yet
		}
		c.createdAt = now.Add(-age - time.Duration(rng.IntN(3600))*time.Second).UTC().Truncate(time.Second)
		neverSynced := i == 10 || (i > 0 && rng.Float64() < 0.08)
		if !neverSynced {
			// Minutes to days ago, mostly recent: 2 min × 2^[0,12).
			since := time.Duration(float64(2*time.Minute) * math.Exp2(12*rng.Float64()))
			last := now.Add(-since).UTC().Truncate(time.Second)
			if !last.After(c.createdAt) {
				last = c.createdAt.Add(time.Duration(1+rng.IntN(3600)) * time.Second)
			}
			c.lastSyncAt = last
			c.synced = c.catalog
		}
		if c.status == statusError || (c.status == statusPaused && rng.IntN(5) < 2) {
			msg := syncErrorMessage(c.platform, rng.Uint64())
			c.lastError = &msg
		}
		out = append(out, c)
	}
	return out
}

func generatedName(rng *rand.Rand, platform string) string {
	brand := brands[rng.IntN(len(brands))]
	q := qualifiers[rng.IntN(len(qualifiers))]
	switch rng.IntN(5) {
	case 0:
		return brand
	case 1:
		return brand + " " + q
	case 2:
		return brand + " — " + platformLabel(platform)
	case 3:
		return brand + " " + platformLabel(platform) + " " + q
	default:
		return brand + " (" + q + ")"
	}
}

// dashboardPage is the dashboard's default page size: its first page is
// where a demo looks first.
const dashboardPage = 50

// pickAutoSyncers chooses the connectors that sync on their own: three on
// the first page, where a demo looks first, and two further on. The first
// fires within seconds.
func pickAutoSyncers(seed uint64, cs []*connector, now time.Time) []*connector {
	rng := rand.New(rand.NewPCG(seed^saltAuto, seed))
	var firstPage, rest []*connector
	for i, c := range cs {
		if c.status != statusActive {
			continue
		}
		if i < dashboardPage {
			firstPage = append(firstPage, c)
		} else {
			rest = append(rest, c)
		}
	}
	var out []*connector
	take := func(from []*connector, k int) {
		rng.Shuffle(len(from), func(i, j int) { from[i], from[j] = from[j], from[i] })
		out = append(out, from[:min(k, len(from))]...)
	}
	take(firstPage, 3)
	take(rest, 2)
	for i, c := range out {
		delay := time.Duration(3+rng.IntN(40)) * time.Second
		if i == 0 {
			delay = time.Duration(2+rng.IntN(4)) * time.Second
		}
		c.nextAuto = now.Add(delay)
	}
	return out
}

// syncErrorMessage is a last_error as a platform would word it.
func syncErrorMessage(platform string, h uint64) string {
	ref := 1000 + int(h%9000)
	var msgs []string
	switch platform {
	case "shopify":
		msgs = []string{
			"Shopify API: 429 Too Many Requests while updating variant %[1]d",
			"Shopify API: 422 Unprocessable Entity: handle 'sku-%[1]d' has already been taken",
		}
	case "woocommerce":
		msgs = []string{
			"WooCommerce: product SKU-%[1]d rejected: invalid price",
			"WooCommerce REST API: 500 Internal Server Error on /wp-json/wc/v3/products/%[1]d",
		}
	case "prestashop":
		msgs = []string{
			"PrestaShop webservice: 500 Internal Server Error on /api/products/%[1]d",
			"PrestaShop: product %[1]d: field 'link_rewrite' is invalid",
		}
	case "magento":
		msgs = []string{
			"Magento: URL key for specified store already exists (SKU %[1]d)",
			"Magento REST: 401 Consumer is not authorized to access Magento_Catalog::products (SKU %[1]d)",
		}
	case "amazon":
		msgs = []string{
			"Amazon SP-API: feed %[1]d: error 8541, SKU data conflicts with the Amazon catalog",
		}
	case "ebay":
		msgs = []string{"eBay Inventory API: error 25002 on item %[1]d: listing policy violation"}
	case "etsy":
		msgs = []string{"Etsy API: listing %[1]d: 400 Bad Request: taxonomy_id is required"}
	case "bigcommerce":
		msgs = []string{"BigCommerce: 409 Conflict: SKU %[1]d is a duplicate"}
	default:
		msgs = []string{
			"%[2]s: connection reset by peer while uploading batch %[1]d",
			"%[2]s: 503 Service Unavailable (request %[1]d), will retry on next sync",
		}
	}
	// Explicit argument indexes let every message use the label or not.
	return fmt.Sprintf(msgs[int(h>>32)%len(msgs)], ref, platformLabel(platform))
}

// connectionErrorMessage is what a failed connection test reports.
func connectionErrorMessage(platform string, h uint64) string {
	label := platformLabel(platform)
	msgs := []string{
		"%s: 401 Unauthorized: the access token was revoked or has expired",
		"%s: could not reach the store: TLS handshake timeout",
		"%s: 403 Forbidden: the app is missing the write_products scope",
	}
	return fmt.Sprintf(msgs[int(h>>40)%len(msgs)], label)
}
