package app

import (
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"

	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/internal/readahead"
)

// isTerminal says whether w is a terminal the dashboard can be drawn on.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// needTerminal refuses a dashboard start whose stdout is not a terminal:
// before an api_key_command runs (a password manager that may ask for a
// passphrase must not run for a start that then fails) or the demo's
// sandbox starts. The line mode needs none. A keys: section the dashboard refuses is said
// first, as config check says it: fixing the terminal would only meet it. Refused rather than drawn on /dev/tty: whoever
// redirected stdout wanted output there, and a screen of escape codes in a
// file, or a dashboard drawn behind their back, serves neither.
func needTerminal(f *flags, file *config.File, stdout io.Writer) error {
	if accessibleWanted(f, file) || isTerminal(stdout) {
		return nil
	}
	if _, err := keysOf(file); err != nil {
		return err
	}
	return usage("stdout is not a terminal; the dashboard needs one (for scripts: pixee-tui connectors list; or serve the API with: pixee-tui sandbox)")
}

// readAheadTerminal is the terminal's input read ahead of the dashboard,
// so that ctrl+c quits at once, even behind thousands of typed keys not yet
// drawn (quit is called from the reading goroutine). Not a terminal: false,
// and Bubble Tea opens one itself.
func readAheadTerminal(stdin *os.File, quit func()) (*readahead.File, bool) {
	if !isTerminal(stdin) {
		return nil, false
	}
	return readahead.NewFile(stdin, quit), true
}

// quitOnSignals ends the program on INT, TERM, HUP and QUIT: a closed
// terminal window, a dropped ssh session, kill or kill -HUP must leave the
// terminal restored (main screen, cursor shown, raw mode off) and the
// process gone. The program is built with tea.WithoutSignalHandler: Bubble
// Tea v1's own handler sends its quit on an unbuffered channel outside any
// select, so a TERM that arrives once the event loop has stopped (after a
// HUP, say) blocks that goroutine for ever, shutdown waits on it, and the
// signal stays caught: the process outlived its terminal and ignored every
// later TERM. Here the first signal asks the program to quit, the second
// kills it (Kill only cancels its context, and still restores the
// terminal), and if even that has not ended it within grace — a terminal
// that no longer reads what is written to it — exit is forced.
func quitOnSignals(p *tea.Program, grace time.Duration, exit func(code int)) (stop func()) {
	sig := make(chan os.Signal, 4)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	done := make(chan struct{})
	go func() {
		count := 0
		var force <-chan time.Time
		for {
			select {
			case <-sig:
				count++
				switch count {
				case 1:
					go p.Quit() // Quit waits for the event loop; the next signal must not
				case 2:
					p.Kill()
					force = time.After(grace)
				}
			case <-force:
				exit(1)
				return
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
