package platform

import (
	"context"
	"log/slog"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// Watchdog tells systemd the service is up (READY=1) and keeps its
// watchdog fed while alive reports true. The units ship with WatchdogSec,
// so a kiosk whose UI loop is stuck stops feeding it and is restarted,
// instead of showing a frozen screen to the hall.
type Watchdog struct {
	// Alive is asked before each ping; nil means always alive. The kiosk
	// passes a probe that round-trips through the UI thread.
	Alive func(ctx context.Context) bool
	Log   *slog.Logger
}

// Run sends READY=1 and then pings at half the watchdog interval until ctx
// ends. Outside systemd (no NOTIFY_SOCKET) it returns at once.
func (w *Watchdog) Run(ctx context.Context) {
	sent, err := daemon.SdNotify(false, daemon.SdNotifyReady)
	if err != nil && w.Log != nil {
		w.Log.Warn("sd_notify READY failed", "err", err)
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
