package api

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// MaxCount is the largest product count kept: larger values are clamped to
// it (and marked unknown), so that synced + pending, and the arithmetic a
// caller does with them, cannot overflow an int.
const MaxCount = min(math.MaxInt/4, 1_000_000_000_000)

// parseCount reads a product count liberally: an integer, an integral float
// ("1250.0", "1.25e3"), or either as a string. ok is false for what is not
// a count: null, a negative or fractional number, text, a bool. A count
// above MaxCount is clamped and reported not ok, so a caller that ignores
// ok still gets a number that is safe to add.
func parseCount(b []byte) (n int, ok bool) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) != nil {
			return 0, false
		}
		b = bytes.TrimSpace([]byte(s))
	}
	if len(b) == 0 || !(b[0] == '-' || (b[0] >= '0' && b[0] <= '9')) {
		return 0, false
	}
	if i, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		switch {
		case i < 0:
			return 0, false
		case i > MaxCount:
			return MaxCount, false
		}
		return int(i), true
	}
	v, err := strconv.ParseFloat(string(b), 64)
	switch {
	case err != nil && math.IsInf(v, 1): // "1e400": out of range, huge
		return MaxCount, false
	case err != nil, math.IsNaN(v), v < 0, v != math.Trunc(v):
		return 0, false
	case v > MaxCount:
		return MaxCount, false
	}
	return int(v), true
}

// syncStatsWire is SyncStats as it travels: each field decoded on its own.
type syncStatsWire struct {
	ProductsSynced  json.RawMessage `json:"products_synced"`
	ProductsPending json.RawMessage `json:"products_pending"`
	LastError       json.RawMessage `json:"last_error"`
}

// UnmarshalJSON reads each count liberally (see parseCount): a count that
// is absent, null or nonsense is marked unknown instead of refusing the
// whole answer. A last_error that is not a string is kept as its JSON text.
func (s *SyncStats) UnmarshalJSON(b []byte) error {
	*s = SyncStats{ProductsSyncedUnknown: true, ProductsPendingUnknown: true}
	var w syncStatsWire
	if json.Unmarshal(b, &w) != nil {
		return nil // null, or not an object: nothing known
	}
	var ok bool
	s.ProductsSynced, ok = parseCount(w.ProductsSynced)
	s.ProductsSyncedUnknown = !ok
	s.ProductsPending, ok = parseCount(w.ProductsPending)
	s.ProductsPendingUnknown = !ok
	s.LastError = lastErrorText(w.LastError)
	return nil
}

func lastErrorText(raw json.RawMessage) *string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = clip(string(raw))
	}
	return &s
}
