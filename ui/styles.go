package ui

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
	st := styles(accent, subtle, border, green, yellow, red, fg, selBg, demoBg, demoFg, flashFg)
	st.BarFill = lipgloss.NewStyle().Foreground(green)
	st.BarEmpty = lipgloss.NewStyle().Foreground(border)
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

func styles(accent, subtle, border, green, yellow, red, fg, selBg, demoBg, demoFg, flashFg lipgloss.TerminalColor) Styles {
	return Styles{
		Title:        lipgloss.NewStyle().Bold(true).Foreground(accent),
		Host:         lipgloss.NewStyle().Foreground(subtle),
		DemoBadge:    lipgloss.NewStyle().Bold(true).Foreground(demoFg).Background(demoBg),
		Border:       lipgloss.NewStyle().Foreground(border),
		BorderFocus:  lipgloss.NewStyle().Foreground(accent),
		ColHeader:    lipgloss.NewStyle().Bold(true).Foreground(subtle),
		Row:          lipgloss.NewStyle().Foreground(fg),
		Selected:     lipgloss.NewStyle().Bold(true).Background(selBg),
		SelectedBlur: lipgloss.NewStyle().Background(selBg),
		Dim:          lipgloss.NewStyle().Foreground(subtle),
		Label:        lipgloss.NewStyle().Foreground(subtle),
		Value:        lipgloss.NewStyle().Foreground(fg),
		Name:         lipgloss.NewStyle().Bold(true).Foreground(fg),
		Active:       lipgloss.NewStyle().Foreground(green),
		Paused:       lipgloss.NewStyle().Foreground(yellow),
		Failed:       lipgloss.NewStyle().Bold(true).Foreground(red), // more than colour: bold, beside its glyph
		Unknown:      lipgloss.NewStyle().Foreground(subtle),
		Error:        lipgloss.NewStyle().Foreground(red),
		Warning:      lipgloss.NewStyle().Foreground(yellow),
		OK:           lipgloss.NewStyle().Foreground(green),
		Stale:        lipgloss.NewStyle().Bold(true).Foreground(yellow),
		Flash:        lipgloss.NewStyle().Foreground(flashFg),
		Cursor:       lipgloss.NewStyle().Reverse(true),
		Text:         lipgloss.NewStyle(),
		Match:        lipgloss.NewStyle().Underline(true).Bold(true).Foreground(accent),
	}
}
