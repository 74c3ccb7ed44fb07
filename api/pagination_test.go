package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

const twoItems = `[{"id":"c1","name":"A","platform":"shopify","status":"active","last_sync_at":null},
 {"id":"c2","name":"B","platform":"wix","status":"error","last_sync_at":null}]`

// Both shapes of the list answer, with and without has_next/has_previous,
// with "pages" or "total_pages", resolve to the same PageMeta.
func TestListDecodesEveryPaginationShape(t *testing.T) {
	tests := []struct {
		name string
		body string
		want PageMeta
	}{
		{"seed meta, complete",
			`{"items":` + twoItems + `,"meta":{"total":137,"page":2,"per_page":50,"total_pages":3,"has_next":true,"has_previous":true}}`,
			PageMeta{Total: 137, Page: 2, PerPage: 50, TotalPages: 3, HasNext: true, HasPrevious: true}},
		{"meta without has_next",
			`{"items":` + twoItems + `,"meta":{"total":137,"page":3,"per_page":50,"total_pages":3}}`,
			PageMeta{Total: 137, Page: 3, PerPage: 50, TotalPages: 3, HasNext: false, HasPrevious: true}},
		{"root level, pages (today's API)",
			`{"items":` + twoItems + `,"total":137,"page":2,"per_page":50,"pages":3}`,
			PageMeta{Total: 137, Page: 2, PerPage: 50, TotalPages: 3, HasNext: true, HasPrevious: true}},
		{"root level, total_pages and flags",
			`{"items":` + twoItems + `,"total":137,"page":1,"per_page":50,"total_pages":3,"has_next":true,"has_previous":false}`,
			PageMeta{Total: 137, Page: 1, PerPage: 50, TotalPages: 3, HasNext: true}},
		{"root level, total only: pages derived",
			`{"items":` + twoItems + `,"total":101}`,
			PageMeta{Total: 101, Page: 2, PerPage: 50, TotalPages: 3, HasNext: true, HasPrevious: true}},
		{"has_next decides over a zero page count",
			`{"items":` + twoItems + `,"meta":{"page":2,"per_page":50,"total_pages":0,"has_next":true}}`,
			PageMeta{Page: 2, PerPage: 50, TotalPages: 3, HasNext: true, HasPrevious: true}},
		{"has_next without any page count",
			`{"items":` + twoItems + `,"has_next":true}`,
			PageMeta{Page: 2, PerPage: 50, TotalPages: 3, HasNext: true, HasPrevious: true}},
		{"empty meta falls back to root fields",
			`{"items":` + twoItems + `,"meta":{},"total":2,"pages":1,"page":1}`,
			PageMeta{Total: 2, Page: 1, PerPage: 50, TotalPages: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc("/connectors/{$}", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tt.body) })
			p, _, err := c.ListConnectors(context.Background(), 2, 50)
			if err != nil {
				t.Fatal(err)
			}
			if p.Meta != tt.want {
				t.Errorf("meta = %+v\nwant   %+v", p.Meta, tt.want)
			}
			if len(p.Items) != 2 || p.Items[1].Status != "error" {
				t.Errorf("items = %+v", p.Items)
			}
		})
	}
}

// An answer with neither shape is an unexpected response, never an empty
// account.
func TestListWithoutPaginationIsUnexpected(t *testing.T) {
	for _, body := range []string{
		`{"items":` + twoItems + `}`,
		`{"data":` + twoItems + `,"count":2}`,
		`[]`,
		`{"items":null,"total":50}`,
	} {
		c, mux := setup(t)
		mux.HandleFunc("/connectors/{$}", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, body) })
		p, _, err := c.ListConnectors(context.Background(), 1, 50)
		var ue *UnexpectedResponseError
		if err == nil || !errorsAs(err, &ue) {
			t.Errorf("%s: page %+v, err %v; want an UnexpectedResponseError", body, p, err)
		}
	}
}

// A server that refuses the page size (422, today's max 100) is asked once
// more at 100, starting at the same connector; the cap is remembered, so
// later pages cost one request, and Response says the size served.
func TestListFallsBackToTheServersPageSizeCap(t *testing.T) {
	c, mux := setup(t)
	var n counter
	var asked []url.Values
	mux.HandleFunc("/connectors/{$}", n.wrap(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		asked = append(asked, q)
		if pp, _ := strconv.Atoi(q.Get("per_page")); pp > 100 {
			writeJSON(w, 422, `{"detail":[{"loc":["query","per_page"],"msg":"ensure this value is less than or equal to 100"}]}`)
			return
		}
		writeJSON(w, 200, `{"items":`+twoItems+`,"total":1200,"page":`+q.Get("page")+`,"per_page":100,"pages":12}`)
	}))
	ctx := context.Background()
	p, resp, err := c.ListConnectors(ctx, 1, 500)
	if err != nil {
		t.Fatal(err)
	}
	if n.get() != 2 || resp.PerPageCap != 100 || p.Meta.PerPage != 100 {
		t.Errorf("%d requests, cap %d, meta %+v; want 2 requests and the page served at 100", n.get(), resp.PerPageCap, p.Meta)
	}
	_, resp, err = c.ListConnectors(ctx, 2, 500)
	if err != nil {
		t.Fatal(err)
	}
	if n.get() != 3 || resp.PerPageCap != 100 {
		t.Errorf("after the cap was learnt: %d requests, cap %d; want one more request", n.get(), resp.PerPageCap)
	}
	// Page 2 of 500 starts at connector 501: page 6 of 100.
	if last := asked[len(asked)-1]; last.Get("page") != "6" || last.Get("skip") != "500" || last.Get("limit") != "100" {
		t.Errorf("page 2 of 500 asked as %v, want page 6, skip 500, limit 100", last)
	}
	// A size within the cap is asked as it is.
	if _, resp, err = c.ListConnectors(ctx, 1, 50); err != nil || resp.PerPageCap != 0 {
		t.Errorf("per page 50: cap %d, err %v; want it asked as is", resp.PerPageCap, err)
	}
}

// A 422 on a page size the newer docs allow is the server's answer, shown
// as it is: no second request.
func TestList422WithinTheCapIsNotRetried(t *testing.T) {
	c, mux := setup(t)
	var n counter
	mux.HandleFunc("/connectors/{$}", n.wrap(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 422, `{"detail":"page: must be >= 1"}`)
	}))
	if _, _, err := c.ListConnectors(context.Background(), 1, 100); err == nil || n.get() != 1 {
		t.Errorf("err %v after %d requests; want the 422 after one", err, n.get())
	}
}

func errorsAs[T error](err error, target *T) bool { return errors.As(err, target) }

// Pagination numbers written as floats or strings are read like counts.
func TestListPaginationNumbersReadLiberally(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/connectors/{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"items":`+twoItems+`,"total":137.0,"page":"2","per_page":50.0,"pages":3.0}`)
	})
	p, _, err := c.ListConnectors(context.Background(), 2, 50)
	if err != nil {
		t.Fatal(err)
	}
	if want := (PageMeta{Total: 137, Page: 2, PerPage: 50, TotalPages: 3, HasNext: true, HasPrevious: true}); p.Meta != want {
		t.Errorf("meta = %+v, want %+v", p.Meta, want)
	}
}
