package widget

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles is every style the UI draws with, built once from a theme of
// adaptive colours (light and dark terminals) and passed to the panes.
// Nothing relies on colour alone: statuses carry a glyph and a word, the
// selected row a marker, stale data the word "stale".
type Styles struct {
	Title        lipgloss.Style
	Host         lipgloss.Style
	DemoBadge    lipgloss.Style
	Border       lipgloss.Style
	BorderFocus  lipgloss.Style
	ColHeader    lipgloss.Style
	Row          lipgloss.Style
	Selected     lipgloss.Style
	SelectedBlur lipgloss.Style
	Dim          lipgloss.Style
	Label        lipgloss.Style
	Value        lipgloss.Style
	Name         lipgloss.Style
	Active       lipgloss.Style
	Paused       lipgloss.Style
	Failed       lipgloss.Style
	Unknown      lipgloss.Style
	Error        lipgloss.Style
	Warning      lipgloss.Style
	OK           lipgloss.Style
	Stale        lipgloss.Style
	Flash        lipgloss.Style
	Cursor       lipgloss.Style
	Text         lipgloss.Style
	Match        lipgloss.Style // the filter's matches (NO_COLOR: [brackets] instead)

	// The help: a live key and its text, a key idle now (dimmer than
	// both, on light and dark backgrounds alike), the separator.
	HelpKey, HelpDesc, HelpOff, HelpSep lipgloss.Style

	BarFill  lipgloss.Style
	BarEmpty lipgloss.Style

	// The sides of pane borders, rendered once: box draws them on every
	// line of every frame.
	side, sideFocus string
	// Match's escape sequences around a text, rendered once: a keystroke
	// of the filter marks matches in every row on screen.
	matchOpen, matchClose string
	edgeCache             map[edgeKey][2]string
}

// DefaultStyles is the default theme for the terminal lipgloss detected.
func DefaultStyles() Styles {
	return NewStyles(lipgloss.ColorProfile(), lipgloss.HasDarkBackground())
}

// NewStyles builds the theme for a colour profile and background. Colours
// are resolved here, once: given a hex colour, lipgloss converts it to the
// terminal's palette on every Render, and View renders dozens of times a
// frame.
func NewStyles(profile termenv.Profile, dark bool) Styles {
	return newStyles(lipgloss.DefaultRenderer(), profile, dark)
}

// NewStylesFor is the default theme drawn with renderer r: a terminal
// other than this process's (an SSH session's), its colours and
// background as r detected them.
func NewStylesFor(r *lipgloss.Renderer) Styles {
	return newStyles(r, r.ColorProfile(), r.HasDarkBackground())
}

func newStyles(r *lipgloss.Renderer, profile termenv.Profile, dark bool) Styles {
	color := func(light, darkHex string) lipgloss.TerminalColor {
		return resolveColor(profile, dark, light, darkHex)
	}
	// The status colours name their 16-colour slot: converted, the dark
	// theme's yellow and red both land on bright red (\e[91m on
	// TERM=xterm), and paused would read as error.
	color16 := func(light, darkHex string, ansiLight, ansiDark int) lipgloss.TerminalColor {
		if profile == termenv.ANSI {
			if dark {
				return lipgloss.Color(strconv.Itoa(ansiDark))
			}
			return lipgloss.Color(strconv.Itoa(ansiLight))
		}
		return color(light, darkHex)
	}
	var (
		accent  = color("#5A4FCF", "#9D8CFF")
		subtle  = color("#8A8A8A", "#7A7A7A")
		border  = color("#C8C8C8", "#444444")
		green   = color16("#1A7F37", "#3FB950", 2, 10)
		yellow  = color16("#9A6700", "#D29922", 3, 11)
		red     = color16("#CF222E", "#F85149", 1, 9)
		fg      = color("#1F2328", "#E6EDF3")
		selBg   = color("#DDF4FF", "#1F2F4F")
		demoBg  = color("#CF222E", "#DA3633")
		demoFg  = color("#FFFFFF", "#FFFFFF")
		flashFg = color("#0969DA", "#58A6FF")
	)
	st := styles(r.NewStyle, accent, subtle, border, green, yellow, red, fg, selBg, demoBg, demoFg, flashFg)
	st.HelpKey = r.NewStyle().Foreground(color("#24292F", "#C9D1D9"))
	st.HelpDesc = r.NewStyle().Foreground(color("#57606A", "#8B949E"))
	st.HelpOff = r.NewStyle().Foreground(color("#B1BAC4", "#484F58"))
	st.HelpSep = r.NewStyle().Foreground(border)
	st.BarFill = r.NewStyle().Foreground(green)
	st.BarEmpty = r.NewStyle().Foreground(border)
	st.side = st.Border.Render("│")
	st.sideFocus = st.BorderFocus.Render("┃")
	st.matchOpen, st.matchClose, _ = strings.Cut(st.Match.Render("\x00"), "\x00")
	return st
}

// resolveColor turns a light/dark pair of hex colours into the colour the
// profile will print, in a form lipgloss uses without converting again.
func resolveColor(p termenv.Profile, dark bool, light, darkHex string) lipgloss.TerminalColor {
	hex := light
	if dark {
		hex = darkHex
	}
	switch p {
	case termenv.Ascii:
		return lipgloss.NoColor{}
	case termenv.TrueColor:
		return lipgloss.Color(hex)
	}
	switch c := p.Convert(termenv.RGBColor(hex)).(type) {
	case termenv.ANSI256Color:
		return lipgloss.Color(strconv.Itoa(int(c)))
	case termenv.ANSIColor:
		return lipgloss.Color(strconv.Itoa(int(c)))
	}
	return lipgloss.Color(hex)
}

func styles(newStyle func() lipgloss.Style, accent, subtle, border, green, yellow, red, fg, selBg, demoBg, demoFg, flashFg lipgloss.TerminalColor) Styles {
	return Styles{
		Title:        newStyle().Bold(true).Foreground(accent),
		Host:         newStyle().Foreground(subtle),
		DemoBadge:    newStyle().Bold(true).Foreground(demoFg).Background(demoBg),
		Border:       newStyle().Foreground(border),
		BorderFocus:  newStyle().Foreground(accent),
		ColHeader:    newStyle().Bold(true).Foreground(subtle),
		Row:          newStyle().Foreground(fg),
		Selected:     newStyle().Bold(true).Background(selBg),
		SelectedBlur: newStyle().Background(selBg),
		Dim:          newStyle().Foreground(subtle),
		Label:        newStyle().Foreground(subtle),
		Value:        newStyle().Foreground(fg),
		Name:         newStyle().Bold(true).Foreground(fg),
		Active:       newStyle().Foreground(green),
		Paused:       newStyle().Foreground(yellow),
		Failed:       newStyle().Bold(true).Foreground(red), // more than colour: bold, beside its glyph
		Unknown:      newStyle().Foreground(subtle),
		Error:        newStyle().Foreground(red),
		Warning:      newStyle().Foreground(yellow),
		OK:           newStyle().Foreground(green),
		Stale:        newStyle().Bold(true).Foreground(yellow),
		Flash:        newStyle().Foreground(flashFg),
		Cursor:       newStyle().Reverse(true),
		Text:         newStyle(),
		Match:        newStyle().Underline(true).Bold(true).Foreground(accent),
	}
}

// MatchMarks are the escape sequences Match puts around a text, rendered
// once: the filter marks matches in every row on screen at each keystroke.
func (st *Styles) MatchMarks() (open, close string) { return st.matchOpen, st.matchClose }
