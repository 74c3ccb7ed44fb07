//go:build tools

// Package tools pins modules the tests and tooling use before code imports them.
package tools

import (
	_ "github.com/charmbracelet/bubbles/textarea"
	_ "github.com/charmbracelet/bubbletea"
	_ "github.com/charmbracelet/lipgloss"
	_ "github.com/charmbracelet/x/ansi"
	_ "github.com/charmbracelet/x/exp/teatest"
	_ "github.com/creack/pty"
	_ "github.com/muesli/termenv"
	_ "go.uber.org/goleak"
)
