package ui

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/pixee/pixee-tui/ui/widget"
)

// Styles is the theme the dashboard is drawn with; the panes take it from
// the widget package, where it is built.
type Styles = widget.Styles

// DefaultStyles is the default theme for the terminal lipgloss detected.
func DefaultStyles() Styles { return widget.DefaultStyles() }

// NewStyles builds the theme for a colour profile and background.
func NewStyles(profile termenv.Profile, dark bool) Styles { return widget.NewStyles(profile, dark) }

// NewStylesFor is the default theme drawn with renderer r: a terminal
// other than this process's (an SSH session's).
func NewStylesFor(r *lipgloss.Renderer) Styles { return widget.NewStylesFor(r) }
