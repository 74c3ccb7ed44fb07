// Command pixee-tui is a terminal dashboard for the connectors that sync a
// Pixee PIM catalog to e-commerce platforms, and the commands for scripts
// beside it.
//
//	pixee-tui                     the dashboard (a profile, or PIXEE_API_KEY / PIXEE_BASE_URL)
//	pixee-tui --demo              the dashboard on the embedded sandbox, no account needed
//	pixee-tui connectors …        list, get, sync and test connectors from scripts
//	pixee-tui history             what was triggered from pixee-tui
//	pixee-tui config path|check|init|keys
//	pixee-tui serve               the dashboard over SSH to a team, each account read once
//	pixee-tui sandbox             serve the sandbox API for curl and tests
//
// The program is wired in package app; main only runs it.
package main

import (
	"os"

	"github.com/pixee/pixee-tui/app"
	"github.com/pixee/pixee-tui/internal/quietstart"
)

func main() {
	quietstart.Restore() // TERM as the person has it, before anything runs
	os.Exit(app.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
