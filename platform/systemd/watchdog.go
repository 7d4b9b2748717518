// Package systemd speaks the service manager's notify protocol: READY=1
// when a service is up and WATCHDOG=1 while it is healthy. It stands apart
// from package platform so the center links it without the device drivers.
package systemd

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"

	"hallkiosk/platform/logging"
)

// Watchdog tells systemd the service is up (READY=1) and keeps its
// watchdog fed while Alive reports true. A unit with Type=notify waits for
// READY=1, and with WatchdogSec restarts a service that stops feeding it:
// a center whose HTTP side is wedged, a kiosk whose UI loop is stuck.
type Watchdog struct {
	// Alive is asked before each ping, with a quarter of the watchdog
	// interval to answer; nil means always alive.
	Alive func(ctx context.Context) bool
	Log   *slog.Logger
}

// Run sends READY=1 and then pings at half the watchdog interval until ctx
// ends. Outside systemd (no NOTIFY_SOCKET) it returns at once.
func (w *Watchdog) Run(ctx context.Context) {
	sent, err := daemon.SdNotify(false, daemon.SdNotifyReady)
	if err != nil && w.Log != nil {
		w.Log.Warn("sd_notify READY failed", logging.KeyErr, err)
	}
	if !sent {
		return
	}
	interval, err := daemon.SdWatchdogEnabled(false)
	if err != nil || interval == 0 {
		return
	}
	t := time.NewTicker(interval / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			daemon.SdNotify(false, daemon.SdNotifyStopping)
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, interval/4)
		alive := w.Alive == nil || w.Alive(pctx)
		cancel()
		if !alive {
			if w.Log != nil {
				w.Log.Error("not feeding the systemd watchdog: liveness probe failed")
			}
			continue
		}
		daemon.SdNotify(false, daemon.SdNotifyWatchdog)
	}
}

// WatchUI is the watchdog of a program whose health is its UI event loop:
// the kiosk's and the display's fyne thread, which draws every frame and
// takes every touch. post queues a function on that loop without waiting
// (fyne.Do). WatchUI posts a first function and, once the loop has run it,
// calls shown (the first-frame log line; nil for none) and sends READY=1:
// posted after the window is shown, it runs once the loop is drawing,
// within a tick of the first frame. From then on it feeds the watchdog
// only while the loop runs LoopProbe's probes in time, so a frozen screen
// is restarted by systemd. Outside systemd it returns after shown; under
// it, when ctx ends.
func WatchUI(ctx context.Context, post func(func()), log *slog.Logger, shown func()) {
	first := make(chan struct{})
	post(func() { close(first) })
	select {
	case <-first:
	case <-ctx.Done():
		return
	}
	if shown != nil {
		shown()
	}
	(&Watchdog{Alive: LoopProbe(post), Log: log}).Run(ctx)
}

// LoopProbe returns a liveness probe (Watchdog.Alive) that asks an event
// loop to run an empty function, queued by post without waiting. The loop
// is alive when it ran it before the probe's deadline. A stuck loop holds
// one probe at most: later probes wait on the one still queued instead of
// queueing more, so a loop frozen for hours is not handed thousands of
// functions to run when it wakes. An answer that came after its probe gave
// up does not count for the next probe, which queues a fresh one.
func LoopProbe(post func(func())) func(context.Context) bool {
	var mu sync.Mutex
	var queued chan struct{} // the probe on the loop, not yet answered
	return func(ctx context.Context) bool {
		mu.Lock()
		if queued != nil {
			select {
			case <-queued: // answered late: stale
				queued = nil
			default:
			}
		}
		if queued == nil {
			ran := make(chan struct{})
			queued = ran
			post(func() { close(ran) })
		}
		ran := queued
		mu.Unlock()
		select {
		case <-ran:
			mu.Lock()
			if queued == ran {
				queued = nil
			}
			mu.Unlock()
			return true
		case <-ctx.Done():
			return false
		}
	}
}
