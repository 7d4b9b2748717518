package kioskapp_test

import (
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/kiosk"
	"hallkiosk/platform"
	"hallkiosk/platform/gpiofake"
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
	// paper_low is wired wrong: logged and left out, the others work.
	w, ctx := gpioKiosk(t, board, platform.GPIOConfig{PaperLow: "GPIO99",
		DoorOpen: "GPIO22", StatusLED: "GPIO5"})
	env := w.env

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
