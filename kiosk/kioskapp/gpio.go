package kioskapp

import (
	"context"
	"log/slog"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/kiosk"
	"hallkiosk/platform"
	"hallkiosk/platform/logging"
	"hallkiosk/printer"
)

// watchEvery is how often the GPIO watcher looks at the door switch when
// no edge comes and refreshes the status light.
const watchEvery = time.Second

// openGPIO opens the kiosk's [gpio] lines once: paper_low is read with
// every printer status, door_open goes into the heartbeat, status_led
// shows whether the kiosk is in service. Lines that cannot be opened are
// logged and left out: each is an extra, the kiosk works without them.
func (p *Parts) openGPIO(ctx context.Context, cfg *platform.Config, o Options) error {
	g := cfg.GPIO
	want := platform.GPIOConfig{PaperLow: g.PaperLow, DoorOpen: g.DoorOpen, StatusLED: g.StatusLED}
	if want == (platform.GPIOConfig{}) {
		return nil
	}
	resolve := o.Resolver
	if resolve == nil {
		resolve = platform.HostResolver
	}
	log := logging.For(o.Log, "kiosk")
	lines, err := platform.OpenLines(want, resolve)
	if err != nil {
		log.Warn("GPIO line not available; the kiosk runs without it", logging.KeyErr, err)
	}
	p.lines = lines
	if lines.DoorOpen != nil || lines.StatusLED != nil {
		go p.watchLines(ctx, log)
	}
	return nil
}

// paperSensor is the [gpio] paper_low line, read with every printer status
// so its "paper low" reaches the screen and the heartbeat; nil when none is
// wired or it could not be opened (the printer's own near-end status still
// works).
func (p *Parts) paperSensor() printer.PaperLowSensor {
	if p.lines == nil || p.lines.PaperLow == nil {
		return nil
	}
	return printer.SensorFunc(p.lines.PaperLow.Active)
}

// watchLines reports the cabinet door to the center as it opens and closes
// (api.HealthDoor; the center alerts while it stands open) and keeps the
// status light on while the kiosk can issue tickets and off while it needs
// a technician (printer out of paper, cover open, offline). It ends with
// ctx.
func (p *Parts) watchLines(ctx context.Context, log *slog.Logger) {
	door, led := p.lines.DoorOpen, p.lines.StatusLED
	lastDoor, lastLED := "", -1
	for ctx.Err() == nil {
		if door != nil {
			door.WaitForEdge(watchEvery) // an edge, or the next look
			if open, err := door.Active(); err == nil {
				state := "closed"
				if open {
					state = "open"
				}
				if state != lastDoor {
					lastDoor = state
					log.Info("cabinet door "+state, "line", door.String())
					p.Center.Report(api.HealthDoor, state)
				}
			}
		} else {
			select {
			case <-ctx.Done():
			case <-time.After(watchEvery):
			}
		}
		if led != nil {
			on := inService(p.Center.Health(ctx)[api.HealthPrinter])
			if b := btoi(on); b != lastLED {
				if err := led.Set(on); err != nil {
					log.Warn("status light", logging.KeyErr, err)
				} else {
					lastLED = b
				}
			}
		}
	}
	if led != nil {
		_ = led.Set(false)
	}
}

// inService: the printer state the machine last reported lets tickets be
// issued (see kiosk.PrinterState.CanPrint).
func inService(printerState string) bool {
	return printerState == kiosk.PrinterOK.String() ||
		printerState == kiosk.PrinterPaperLow.String()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
