package kioskapp_test

import (
	"context"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/kiosk"
	"hallkiosk/kiosk/kioskapp"
	"hallkiosk/kiosk/kiosktest"
	"hallkiosk/platform"
	"hallkiosk/platform/gpiofake"
	"hallkiosk/platform/ptytest"
	"hallkiosk/printer/printertest"
)

// eventually polls cond every 10 ms for at most 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// The running kiosk uses its [gpio] door_open and status_led lines (issue
// 2.6's roles, not only in the self-test): the cabinet door reaches the
// heartbeat and the center's alerts as it opens and closes, and the status
// light is on while tickets can be issued and off while the printer stops
// them. A line that does not exist leaves the others working.
func TestDoorAndStatusLightOnRealParts(t *testing.T) {
	board := gpiofake.NewBoard()
	board.Missing["GPIO99"] = true
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	env := centertest.Start(t)
	enr := env.Enrol(api.RoleKiosk, "kiosk-journey")
	dir := t.TempDir()
	must(t, platform.SaveSecret(dir, platform.TokenFile, enr.Token))
	must(t, platform.SaveSecret(dir, platform.HallKeyFile, enr.HallKey))
	pp := ptytest.New(t)
	go printertest.NewDevice(printertest.Options{Log: quiet}).Serve(ctx, pp.Master)
	cfg := platform.DefaultConfig()
	cfg.DataDir, cfg.Center.URL, cfg.Printer.Port = dir, env.URL, pp.SlavePath
	cfg.GPIO.PaperLow = "GPIO99" // wired wrong: logged, left out
	cfg.GPIO.DoorOpen, cfg.GPIO.StatusLED = "GPIO22", "GPIO5"
	parts, err := kioskapp.Open(ctx, &cfg, kioskapp.Options{Log: quiet, Clock: env.Clock,
		Resolver: board.Resolve})
	must(t, err)
	t.Cleanup(parts.Close)
	w := &world{t: t, env: env, parts: parts, runner: &kiosktest.Runner{}}
	w.m = kiosk.New(parts.Ports, env.Clock, w.runner, kiosk.Options{Logger: quiet})

	led := func() gpio.Level { return board.Level("GPIO5") }
	w.m.PrinterChanged(kiosk.PrinterOK)
	eventually(t, "the status light on with the printer ready", func() bool { return led() == gpio.High })
	eventually(t, "the door reported closed", func() bool {
		return w.heard().Health[api.HealthDoor] == "closed"
	})

	board.Edge("GPIO22", gpio.High) // the technician opens the cabinet
	eventually(t, "the door reported open", func() bool {
		return w.heard().Health[api.HealthDoor] == "open"
	})
	alerts, err := env.Engine.DeviceAlerts(ctx, center.AlertLimits{})
	must(t, err)
	if len(alerts) != 1 || alerts[0].Kind != center.AlertDoor {
		t.Fatalf("alerts %+v, want the door alone", alerts)
	}

	w.m.PrinterChanged(kiosk.PrinterPaperOut)
	eventually(t, "the status light off with the paper out", func() bool { return led() == gpio.Low })
	w.m.PrinterChanged(kiosk.PrinterPaperLow)
	eventually(t, "the status light on with paper low", func() bool { return led() == gpio.High })

	board.Edge("GPIO22", gpio.Low)
	eventually(t, "the door reported closed again", func() bool {
		return w.heard().Health[api.HealthDoor] == "closed"
	})
	alerts, err = env.Engine.DeviceAlerts(ctx, center.AlertLimits{})
	must(t, err)
	for _, a := range alerts {
		if a.Kind == center.AlertDoor {
			t.Fatalf("door alert after the door closed: %+v", alerts)
		}
	}
}
