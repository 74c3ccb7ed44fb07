package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// doHeader sends one request to s with the given headers.
func doHeader(t *testing.T, s *Server, method, target, body string, h http.Header) result {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	for k, v := range h {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	res := rec.Result()
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return result{status: res.StatusCode, header: res.Header, raw: raw}
}

func xKey(key string) http.Header { return http.Header{"X-Api-Key": {key}} }

// Today's API takes the key only in X-API-Key; a Bearer key gets the same
// 401 as none at all, as the June 2026 changelog says.
func TestCurrentAuth(t *testing.T) {
	s := New(Options{ReadLimit: -1})
	tests := []struct {
		name   string
		h      http.Header
		status int
		code   string
	}{
		{"X-API-Key", xKey(DefaultAPIKey), 200, ""},
		{"Bearer", http.Header{"Authorization": {"Bearer " + DefaultAPIKey}}, 401, "AUTHENTICATION_REQUIRED"},
		{"none", nil, 401, "AUTHENTICATION_REQUIRED"},
		{"wrong key", xKey("pm_live_not_this_one"), 401, "INVALID_API_KEY"},
	}
	for _, tt := range tests {
		r := doHeader(t, s, "GET", BasePath+"/connectors/", "", tt.h)
		if r.status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, r.status, tt.status)
			continue
		}
		if tt.code != "" {
			if e := r.errorBody(t); e.ErrorCode != tt.code {
				t.Errorf("%s: code %s, want %s", tt.name, e.ErrorCode, tt.code)
			}
		}
	}
}

// rootList is today's list answer.
type rootList struct {
	Items   []connectorItem `json:"items"`
	Total   *int            `json:"total"`
	Page    *int            `json:"page"`
	PerPage *int            `json:"per_page"`
	Pages   *int            `json:"pages"`
	Meta    json.RawMessage `json:"meta"`
}

// Today's list: only at /connectors/, page/per_page (default 20, at most
// 100) with skip/limit as aliases, pagination at the root and no meta.
func TestCurrentList(t *testing.T) {
	s := New(Options{ReadLimit: -1})
	get := func(query string) (result, rootList) {
		r := doHeader(t, s, "GET", BasePath+"/connectors/"+query, "", xKey(DefaultAPIKey))
		var l rootList
		if r.status == 200 {
			r.decode(t, &l)
		}
		return r, l
	}
	if r := doHeader(t, s, "GET", BasePath+"/connectors", "", xKey(DefaultAPIKey)); r.status != 404 {
		t.Errorf("/connectors without the slash: status %d, want 404 (no redirect)", r.status)
	}
	r, l := get("")
	if r.status != 200 || len(l.Items) != 20 || l.Meta != nil || l.Total == nil || *l.Total != 137 ||
		*l.Page != 1 || *l.PerPage != 20 || *l.Pages != 7 {
		t.Errorf("default page: status %d, %d items, %+v", r.status, len(l.Items), l)
	}
	_, byPage := get("?page=3&per_page=30")
	_, bySkip := get("?skip=60&limit=30")
	if len(byPage.Items) != 30 || byPage.Items[0].ID != bySkip.Items[0].ID || *bySkip.Page != 3 {
		t.Errorf("page 3 of 30 and skip 60 limit 30 differ: %v vs %v", byPage.Items[0].ID, bySkip.Items[0].ID)
	}
	for _, q := range []string{"?per_page=101", "?limit=500", "?per_page=0"} {
		if r, _ := get(q); r.status != 422 {
			t.Errorf("%s: status %d, want 422", q, r.status)
		}
	}
	if r, l := get("?per_page=100&page=2"); r.status != 200 || len(l.Items) != 37 {
		t.Errorf("per_page 100, page 2: status %d, %d items, want 37", r.status, len(l.Items))
	}
}

// A key without MANAGE_SETTINGS reads everything and triggers nothing.
func TestNoManageSettingsRefusesWrites(t *testing.T) {
	for _, gen := range []Generation{Current, Seed} {
		s := New(Options{API: gen, NoManageSettings: true, ReadLimit: -1, WriteLimit: -1})
		h := xKey(DefaultAPIKey)
		if gen == Seed {
			h = http.Header{"Authorization": {"Bearer " + DefaultAPIKey}}
		}
		id := s.IDs()[0]
		if r := doHeader(t, s, "GET", BasePath+"/connectors/"+id, "", h); r.status != 200 {
			t.Errorf("%v: GET status %d", gen, r.status)
		}
		for _, action := range []string{"sync", "test"} {
			r := doHeader(t, s, "POST", BasePath+"/connectors/"+id+"/"+action, "", h)
			if r.status != 403 || r.errorBody(t).ErrorCode != "PERMISSION_DENIED" {
				t.Errorf("%v: POST %s: status %d %s, want 403 PERMISSION_DENIED", gen, action, r.status, r.raw)
			}
		}
	}
}

func TestParseGeneration(t *testing.T) {
	for in, want := range map[string]Generation{"": Current, "current": Current, "SEED": Seed} {
		if got, err := ParseGeneration(in); err != nil || got != want {
			t.Errorf("ParseGeneration(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseGeneration("v2"); err == nil {
		t.Error("an unknown generation was accepted")
	}
}
