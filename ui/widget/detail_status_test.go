package widget

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/pixee/pixee-tui/api"
)

// The detail's status line says a connector's lateness in the list's
// colour for it, not in the colour of the server's "active".
func TestTheDetailSaysLatenessInItsOwnColour(t *testing.T) {
	for _, c := range []struct {
		word  string
		style func(*Styles) string
	}{
		{"late", func(st *Styles) string { return opening(st.Warning) + " · ◔ late" }},
		{"overdue", func(st *Styles) string { return opening(st.Stale) + " · ◕ overdue" }},
	} {
		r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.ANSI256))
		r.SetColorProfile(termenv.ANSI256)
		r.SetHasDarkBackground(true)
		st := NewStylesFor(r)
		d := NewDetailPane(&st, time.UTC)
		d.Show(api.Connector{ID: "c1", Name: "Shop", Platform: "shopify", Status: "active"}, nil, time.Time{})
		d.SetActivity(Activity{Lateness: c.word, Usual: time.Hour, Behind: 2 * time.Hour})
		d.SetSize(60, 30)
		v := d.View(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC), "")
		if want := st.Active.Render("● active") + c.style(&st); !strings.Contains(v, want) {
			t.Errorf("%s: the status line is not %q:\n%q", c.word, want, v)
		}
	}
}

// opening is the escape sequence style starts its text with.
func opening(style lipgloss.Style) string {
	return strings.SplitN(style.Render("X"), "X", 2)[0]
}
