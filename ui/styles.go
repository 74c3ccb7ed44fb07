package ui

import (
	"github.com/charmbracelet/lipgloss"
)

// Styles is every style the UI draws with, built once from a theme of
// adaptive colours (light and dark terminals) and passed to the panes.
// Nothing relies on colour alone: statuses carry a glyph and a word, the
// selected row a marker, stale data the word "stale".
type Styles struct {
	App          lipgloss.Style
	Header       lipgloss.Style
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
	StatusBar    lipgloss.Style
	Flash        lipgloss.Style
	Dialog       lipgloss.Style
	Cursor       lipgloss.Style
	Text         lipgloss.Style
	Field        lipgloss.Style

	ProgressFill lipgloss.AdaptiveColor
}

// DefaultStyles is the default theme.
func DefaultStyles() Styles {
	var (
		accent  = lipgloss.AdaptiveColor{Light: "#5A4FCF", Dark: "#9D8CFF"}
		subtle  = lipgloss.AdaptiveColor{Light: "#8A8A8A", Dark: "#7A7A7A"}
		border  = lipgloss.AdaptiveColor{Light: "#C8C8C8", Dark: "#444444"}
		green   = lipgloss.AdaptiveColor{Light: "#1A7F37", Dark: "#3FB950"}
		yellow  = lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#D29922"}
		red     = lipgloss.AdaptiveColor{Light: "#CF222E", Dark: "#F85149"}
		fg      = lipgloss.AdaptiveColor{Light: "#1F2328", Dark: "#E6EDF3"}
		selBg   = lipgloss.AdaptiveColor{Light: "#DDF4FF", Dark: "#1F2F4F"}
		demoBg  = lipgloss.AdaptiveColor{Light: "#CF222E", Dark: "#DA3633"}
		demoFg  = lipgloss.Color("#FFFFFF")
		flashFg = lipgloss.AdaptiveColor{Light: "#0969DA", Dark: "#58A6FF"}
	)
	return Styles{
		Header:       lipgloss.NewStyle().Bold(true),
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
		Failed:       lipgloss.NewStyle().Foreground(red),
		Unknown:      lipgloss.NewStyle().Foreground(subtle),
		Error:        lipgloss.NewStyle().Foreground(red),
		Warning:      lipgloss.NewStyle().Foreground(yellow),
		OK:           lipgloss.NewStyle().Foreground(green),
		Stale:        lipgloss.NewStyle().Bold(true).Foreground(yellow),
		StatusBar:    lipgloss.NewStyle().Foreground(subtle),
		Flash:        lipgloss.NewStyle().Foreground(flashFg),
		Dialog:       lipgloss.NewStyle().Border(lipgloss.DoubleBorder()).BorderForeground(accent).Padding(0, 1),
		Cursor:       lipgloss.NewStyle().Reverse(true),
		Text:         lipgloss.NewStyle(),
		Field:        lipgloss.NewStyle().Border(lipgloss.NormalBorder()).BorderForeground(border),
		ProgressFill: green,
	}
}
