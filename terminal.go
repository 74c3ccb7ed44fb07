package main

import (
	"io"
	"os"
	"os/signal"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
)

// isTerminal says whether w is a terminal the dashboard can be drawn on.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// quitOnSignals ends the program on SIGHUP and SIGQUIT the way Bubble Tea
// ends it on SIGTERM: a closed terminal window, a dropped ssh session or
// kill -HUP must leave the terminal restored (main screen, cursor shown,
// raw mode off). Bubble Tea v1 handles only INT and TERM, and the default
// action of HUP and QUIT exits with the terminal as the program left it. A
// second signal kills the program at once, still restoring the terminal.
func quitOnSignals(p *tea.Program) (stop func()) {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGHUP, syscall.SIGQUIT)
	done := make(chan struct{})
	go func() {
		quitting := false
		for {
			select {
			case <-sig:
				if quitting {
					p.Kill()
					continue
				}
				quitting = true
				go p.Quit() // Quit waits for the event loop; the next signal must not
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sig)
		close(done)
	}
}

// terminalWidth is the width of the terminal on w, 0 when w is not one.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	width, _, err := term.GetSize(f.Fd())
	if err != nil {
		return 0
	}
	return width
}
