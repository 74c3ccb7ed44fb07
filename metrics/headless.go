package metrics

import (
	"context"
	"time"

	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// Headless runs one account's monitor with no screen (pixee-tui metrics):
// the crawl keeps the account indexed and its first page polled, as a team
// server's watch does, and scrapes read it between two results. It sends
// no write: its monitor is read-only.
type Headless struct {
	mon     monitor.Monitor
	drive   shared.Driver
	inspect chan func(*monitor.Monitor)
	results chan monitor.Result
	timers  chan monitor.Timer
}

// NewHeadless builds the monitor of o (o.API, o.PerPage, o.ListRefresh…):
// always crawling, always read-only.
func NewHeadless(o monitor.Options) *Headless {
	o.Crawl, o.ReadOnly, o.Fleet = true, true, nil
	return &Headless{
		mon:     monitor.New(o),
		drive:   shared.NewDriver(o.API),
		inspect: make(chan func(*monitor.Monitor)),
		results: make(chan monitor.Result, 8),
		timers:  make(chan monitor.Timer, 8),
	}
}

// Source is the monitor for a Collector, as account.
func (h *Headless) Source(account string) Source { return Source{Account: account, Inspect: h.inspect} }

// Run drives the monitor until ctx ends. Every read is a goroutine and
// every timer a time.AfterFunc, and each comes back here: the monitor is
// only ever touched by this goroutine.
func (h *Headless) Run(ctx context.Context) {
	h.do(ctx, h.mon.Start())
	for {
		select {
		case <-ctx.Done():
			h.mon.Stop()
			h.drive.CancelAll()
			return
		case r := <-h.results:
			h.drive.Answered(r.Request)
			out := h.mon.Apply(r)
			if !out.Dropped {
				h.do(ctx, out.Plan)
			}
		case t := <-h.timers:
			h.do(ctx, h.mon.Wake(t))
		case f := <-h.inspect:
			f(&h.mon)
		}
	}
}

func (h *Headless) do(ctx context.Context, p monitor.Plan) {
	for _, s := range p {
		j := h.drive.Job(ctx, s)
		switch {
		case j.Timer != nil:
			t := *j.Timer
			time.AfterFunc(t.After, func() {
				select {
				case h.timers <- t:
				case <-ctx.Done():
				}
			})
		case j.Read != nil:
			go func() {
				res := j.Read() // a read that panics fails (the driver)
				select {
				case h.results <- res:
				case <-ctx.Done():
				}
			}()
		}
	}
}
