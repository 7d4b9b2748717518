// Package systemd speaks the service manager's notify protocol: READY=1
// when a service is up and WATCHDOG=1 while it is healthy. It stands apart
// from package platform so the center links it without the device drivers.
package systemd

import (
	"context"
	"log/slog"
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
