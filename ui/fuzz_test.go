package ui

// Fuzz targets for everything the server sends that reaches the screen:
// list, detail and error bodies, status codes, content types and
// Retry-After values go through the real api.Client over loopback HTTP, the
// model, and View(). Whatever arrives, View() must not panic, must hold no
// escape, C1 or control character, and must fit the terminal.
//
//	go test -run XXX -fuzz FuzzViewFromBodies -fuzztime 20s ./ui/
//	go test -run XXX -fuzz FuzzViewFromErrorAnswer -fuzztime 20s ./ui/

import (
	"net/http"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
)

// fuzzAnswer is what the fuzz server answers one route with.
type fuzzAnswer struct {
	status      int
	contentType string
	retryAfter  string
	body        []byte
}

// fuzzServer is the test server answering the list and the detail routes
// with whatever the current fuzz input says. One serves a whole fuzz run;
// inputs run one at a time per process.
type fuzzServer struct{ *testServer }

func newFuzzServer(f *testing.F) *fuzzServer {
	return &fuzzServer{newTestServer(f, newFakeClock(), sandbox.Options{})}
}

func (fs *fuzzServer) set(list, detail fuzzAnswer) {
	fs.testServer.set(func(route string, w http.ResponseWriter, _ *http.Request) bool {
		a := detail
		if route == "list" {
			a = list
		}
		if a.contentType != "" {
			w.Header().Set("Content-Type", a.contentType)
		}
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
		return true
	})
}

// client is a client on this input's clock.
func (fs *fuzzServer) client(t *testing.T, clock *fakeClock) *api.Client {
	return fs.newClient(t, clock, api.WithMaxBodySize(256<<10))
}

// fuzzStatuses are the answers worth telling apart; a fuzzed byte picks one.
var fuzzStatuses = []int{200, 200, 200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 422, 423, 429, 500, 502, 503, 504}

var fuzzContentTypes = []string{"application/json", "application/json; charset=utf-8", "", "text/html",
	"text/plain", "application/problem+json", "application/json\x1b[2J"}

// validList is one page with one connector, so the detail gets fetched.
const validList = `{"items":[{"id":"c-1","name":"Fuzz Store","platform":"shopify","status":"active",` +
	`"last_sync_at":"2026-11-26T11:00:00Z","created_at":"2025-01-01T00:00:00Z"}],` +
	`"meta":{"total":1,"page":1,"per_page":50,"total_pages":1,"has_next":false,"has_previous":false}}`

// fuzzSizes are the terminals every input is drawn on.
var fuzzSizes = [][2]int{{160, 48}, {80, 24}, {20, 5}}

// driveAndCheck starts a dashboard on the fuzz server, lets the list and
// the detail arrive, moves around a little, and looks at the screens on
// the way: the main ones at every fuzz size, the others at 80x24.
func driveAndCheck(t *testing.T, fs *fuzzServer) {
	clock := newFakeClock()
	d := newDriver(t, testOptions(fs.client(t, clock), clock), clock, 80, 24)
	look := func(sizes ...[2]int) {
		t.Helper()
		for _, sz := range sizes {
			d.Send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			assertScreenSafe(t, d.View(), sz[0], sz[1])
		}
		d.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	}
	assertScreenSafe(t, d.View(), 80, 24)
	d.Advance(time.Second) // the list, then the detail
	look(fuzzSizes...)
	d.Key("tab")
	assertScreenSafe(t, d.View(), 80, 24)
	d.Key("tab", "j", "S")
	look(fuzzSizes...)
	d.Key("n", "s")
	assertScreenSafe(t, d.View(), 80, 24)
	d.Key("esc")
	d.Advance(20 * time.Second) // refreshes, backoff, rate-limit waits
	look(fuzzSizes...)
}

func FuzzViewFromBodies(f *testing.F) {
	detail := `{"id":"c-1","name":"Fuzz Store","platform":"shopify","status":"active","last_sync_at":null,` +
		`"sync_stats":{"products_synced":10,"products_pending":5,"last_error":"boom\nline 2"}}`
	f.Add(uint8(0), []byte(validList), uint8(0), []byte(detail))
	f.Add(uint8(0), []byte(`{"items":[{"id":"\u001b[2J","name":"\u009b\u202e\r","platform":"`+strings.Repeat("東", 300)+`","status":"\u001b]0;x\u0007"}],"meta":{"page":-1,"total_pages":-5,"total":-1}}`), uint8(0), []byte(detail))
	f.Add(uint8(0), []byte(`{"items":null,"meta":null}`), uint8(0), []byte(`{}`))
	f.Add(uint8(0), []byte(`{"items":[{}],"meta":{"page":99999999999,"total_pages":2147483647}}`), uint8(0), []byte(`{"sync_stats":{"products_synced":-1,"products_pending":-9223372036854775808,"last_error":""}}`))
	f.Add(uint8(0), []byte(`{"items":[{"id":"a"},{"id":"a"}],"meta":{}}`), uint8(0), []byte(`{"sync_stats":{"products_synced":9223372036854775807,"products_pending":9223372036854775807}}`))
	f.Add(uint8(0), []byte(`{"items":[{"id":"a","last_sync_at":"0001-01-01T00:00:00Z","created_at":"9999-12-31T23:59:59Z"}]}`), uint8(0), []byte(`[]`))
	f.Add(uint8(0), []byte(`{"items":[{"id":"a"`), uint8(0), []byte(`{"id":"c-1"`))
	f.Add(uint8(15), []byte(`{"detail":"\u001b]52;c;ZXZpbA==\u0007 down","error_code":"X"}`), uint8(14), []byte(`{"detail":"slow down","retry_after_seconds":1e308}`))
	f.Add(uint8(7), []byte(`{"detail":[{"loc":["body","eans",0],"msg":"bad \u001b[31m"}]}`), uint8(16), []byte("<html>\x1b[2J</html>"))
	f.Add(uint8(0), []byte("\xff\xfe\x00"), uint8(0), []byte("{\"name\":\"\xff\xc3\"}"))
	fs := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, listStatus uint8, listBody []byte, detailStatus uint8, detailBody []byte) {
		list := fuzzAnswer{status: fuzzStatuses[int(listStatus)%len(fuzzStatuses)], contentType: "application/json", body: listBody}
		det := fuzzAnswer{status: fuzzStatuses[int(detailStatus)%len(fuzzStatuses)], contentType: "application/json", body: detailBody}
		// The fuzzed list with the fuzzed detail, then a valid list so the
		// fuzzed detail is always fetched.
		fs.set(list, det)
		driveAndCheck(t, fs)
		fs.set(fuzzAnswer{status: 200, contentType: "application/json", body: []byte(validList)}, det)
		driveAndCheck(t, fs)
	})
}

func FuzzViewFromErrorAnswer(f *testing.F) {
	f.Add(uint8(15), uint8(0), "", []byte(`{"detail":"Database down","error_code":"INTERNAL_ERROR","timestamp":"now"}`))
	f.Add(uint8(14), uint8(0), "30", []byte(`{"detail":"Rate limit exceeded","retry_after_seconds":30}`))
	f.Add(uint8(14), uint8(2), "Wed, 21 Oct 2015 07:28:00 GMT", []byte(``))
	f.Add(uint8(14), uint8(0), "99999999999999999999", []byte(`{"detail":"x","retry_after_seconds":-1}`))
	f.Add(uint8(7), uint8(0), "", []byte(`{"detail":"API key revoked \u001b[2J","error_code":"INVALID_API_KEY"}`))
	f.Add(uint8(16), uint8(3), "", []byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
	f.Add(uint8(17), uint8(6), "\x1b]0;t\x07", []byte("\x9b\xff"))
	f.Add(uint8(9), uint8(0), "", []byte(`{"detail":{"nested":["\u202e"]}}`))
	fs := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, status, contentType uint8, retryAfter string, body []byte) {
		a := fuzzAnswer{
			status:      fuzzStatuses[int(status)%len(fuzzStatuses)],
			contentType: fuzzContentTypes[int(contentType)%len(fuzzContentTypes)],
			body:        body,
		}
		// Header values with line breaks would be refused by net/http
		// before reaching the client: keep the rest, controls included.
		a.retryAfter = strings.NewReplacer("\r", "", "\n", "").Replace(retryAfter)
		// The error answers the list first, then (after a valid list) the
		// detail.
		fs.set(a, a)
		driveAndCheck(t, fs)
		fs.set(fuzzAnswer{status: 200, contentType: "application/json", body: []byte(validList)}, a)
		driveAndCheck(t, fs)
	})
}
