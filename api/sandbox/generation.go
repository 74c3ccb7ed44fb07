package sandbox

import (
	"fmt"
	"strings"
)

// Generation is which public generation of the Pixee API the sandbox
// speaks (API.md, "The generations, side by side"). Both serve the same
// connectors, the same living syncs, the same errors and rate limits; they
// differ in the key's header, the list path, the page parameters' defaults
// and limits, and where the answer carries its pagination.
type Generation int

const (
	// Current is the API after the June 2026 changelog, and the default:
	// the key only in X-API-Key (a Bearer key is refused), the list only at
	// "/connectors/", page/per_page (default 20, at most 100) with
	// skip/limit as aliases, and total/page/per_page/pages at the root of
	// the list answer.
	Current Generation = iota
	// Seed is the API of the seed's page and the older docs: the key as
	// "Authorization: Bearer", the list at "/connectors" (and "/connectors/"),
	// skip/limit (default 50, at most 500) with page/per_page understood too,
	// and the pagination in "meta".
	Seed
)

// String is the flag spelling: current or seed.
func (g Generation) String() string {
	if g == Seed {
		return "seed"
	}
	return "current"
}

// ParseGeneration reads the flag spelling of a Generation.
func ParseGeneration(s string) (Generation, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "current":
		return Current, nil
	case "seed":
		return Seed, nil
	}
	return Current, fmt.Errorf("the API generation must be current or seed, got %.20q", s)
}

// perPage is the generation's default and largest page size.
func (g Generation) perPage() (def, most int) {
	if g == Seed {
		return 50, 500
	}
	return 20, 100
}

// CurlHeader is the header line that authenticates key, for a curl example.
func (g Generation) CurlHeader(key string) string {
	if g == Seed {
		return "Authorization: Bearer " + key
	}
	return "X-API-Key: " + key
}

// ListPath is the list's path below the base URL.
func (g Generation) ListPath() string {
	if g == Seed {
		return "/connectors"
	}
	return "/connectors/"
}
