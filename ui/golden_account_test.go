package ui

import (
	"fmt"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/shared"
)

// Goldens of the read-only header, the account switcher, the history and
// the events views.

func startSized(t *testing.T, w, h int, edit func(*Options)) *uiFixture {
	t.Helper()
	clock := newFakeClock()
	c, sb, rec := newRecordedSandbox(t, clock, sandbox.Options{})
	o := testOptions(c, clock)
	if edit != nil {
		edit(&o)
	}
	d := newDriver(t, o, clock, w, h)
	d.Advance(time.Second)
	return &uiFixture{driver: d, sb: sb, rec: rec, ids: sb.IDs()}
}

func TestGoldenAccountViews(t *testing.T) {
	scenarios := []struct {
		name string
		run  func(t *testing.T, w, h int) *uiFixture
	}{
		{"read_only", func(t *testing.T, w, h int) *uiFixture {
			return startSized(t, w, h, func(o *Options) { o.ReadOnly = true })
		}},
		{"switcher", func(t *testing.T, w, h int) *uiFixture {
			f := startSized(t, w, h, func(o *Options) {
				o.Accounts = []shared.AccountSpec{{Name: "ACME Retail", Host: "api.pixeepim.com"}, {Name: "Globex Corp", Host: "eu.pixeepim.com"},
					{Name: "東京ストア", Host: "jp.pixeepim.com"}}
			})
			f.Key("P", "j")
			return f
		}},
		{"history", func(t *testing.T, w, h int) *uiFixture {
			dir := t.TempDir()
			f := startSized(t, w, h, func(o *Options) {
				s, _, _ := history.Open(dir, "acme", history.Limits{}, o.Now)
				o.History, o.User = s, "alice"
			})
			f.Key("s")
			f.Type(twoEANs)
			f.Key("ctrl+s", "y", "enter")
			f.Advance(time.Minute)
			f.Key("S", "y")
			f.Key("H")
			return f
		}},
		{"events", func(t *testing.T, w, h int) *uiFixture {
			f := startSized(t, w, h, nil)
			f.sb.SetStatus(f.ids[0], "error")
			f.Advance(15 * time.Second)
			f.sb.SetStatus(f.ids[0], "active")
			f.Advance(15 * time.Second)
			f.Key("E")
			return f
		}},
	}
	for _, sc := range scenarios {
		for _, sz := range goldenSizes {
			w, h := sz[0], sz[1]
			name := fmt.Sprintf("%s_%dx%d", sc.name, w, h)
			t.Run(name, func(t *testing.T) {
				f := sc.run(t, w, h)
				view := f.View()
				checkScreenFits(t, view, w, h)
				checkGolden(t, name, view)
			})
		}
	}
}
