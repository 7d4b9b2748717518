package platform

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/host/v3"
	"periph.io/x/host/v3/gpioioctl"
)

// GPIO roles, as named in the device config's [gpio] table.
const (
	GPIOPaperLow  = "paper_low"  // input: the printer's paper near-end sensor
	GPIODoorOpen  = "door_open"  // input: the cabinet door switch
	GPIOStatusLED = "status_led" // output
	GPIOChime     = "chime"      // output: pulsed on each call (display)
)

// ErrNoSuchLine means a configured line does not exist on this machine.
var ErrNoSuchLine = errors.New("gpio: no such line")

// Resolver finds the pin a line spec names. HostResolver reaches the real
// lines; tests pass a resolver over gpiotest pins.
type Resolver func(spec string) (gpio.PinIO, error)

var hostInit = sync.OnceValue(func() error {
	_, err := host.Init()
	return err
})

// HostResolver resolves a spec against the machine's GPIO chips through
// periph: a line name as the kernel reports it ("GPIO17"), or
// "gpiochipN:OFFSET" through the character device.
func HostResolver(spec string) (gpio.PinIO, error) {
	if err := hostInit(); err != nil {
		return nil, fmt.Errorf("gpio: init periph host drivers: %w", err)
	}
	if chip, off, ok := strings.Cut(spec, ":"); ok {
		n, err := strconv.Atoi(off)
		if err != nil {
			return nil, fmt.Errorf("gpio line %q: offset is not a number", spec)
		}
		for _, c := range gpioioctl.Chips {
			if c.Name() == chip {
				if l := c.ByNumber(n); l != nil {
					return l, nil
				}
				return nil, fmt.Errorf("gpio line %q: %s has %d lines: %w", spec, chip, c.LineCount(), ErrNoSuchLine)
			}
		}
		return nil, fmt.Errorf("gpio line %q: chip %s not found (is /dev/%s readable? try as root or add a udev rule): %w", spec, chip, chip, ErrNoSuchLine)
	}
	if p := gpioreg.ByName(spec); p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("gpio line %q: not found among %d registered lines: %w", spec, len(gpioreg.All()), ErrNoSuchLine)
}

// Line is one configured GPIO line in its role. A spec that starts with "!"
// is active-low: the sensor pulls the line low when it fires, which is how
// most paper and door switches are wired.
type Line struct {
	Role      string
	pin       gpio.PinIO
	activeLow bool
	output    bool
}

// String names the line for logs.
func (l *Line) String() string { return fmt.Sprintf("%s(%s)", l.Role, l.pin) }

// Active reads an input: true when the sensor fires (paper low, door open).
func (l *Line) Active() (bool, error) {
	if l.output {
		return false, fmt.Errorf("gpio %s: is an output", l)
	}
	return (l.pin.Read() == gpio.High) != l.activeLow, nil
}

// WaitForEdge waits up to timeout for the input to change. It returns
// whether an edge came and the level after it.
func (l *Line) WaitForEdge(timeout time.Duration) (changed, active bool) {
	if !l.pin.WaitForEdge(timeout) {
		return false, false
	}
	a, _ := l.Active()
	return true, a
}

// Set drives an output on or off.
func (l *Line) Set(on bool) error {
	if !l.output {
		return fmt.Errorf("gpio %s: is an input", l)
	}
	lv := gpio.Level(on != l.activeLow)
	if err := l.pin.Out(lv); err != nil {
		return fmt.Errorf("gpio %s: set %v: %w", l, on, err)
	}
	return nil
}

// Pulse turns an output on for d, then off.
func (l *Line) Pulse(d time.Duration) error {
	if err := l.Set(true); err != nil {
		return err
	}
	time.Sleep(d)
	return l.Set(false)
}

// Lines holds the configured lines; a role that is not wired is nil.
type Lines struct {
	PaperLow, DoorOpen, StatusLED, Chime *Line
}

// OpenLines resolves and sets up every configured line: inputs watch both
// edges, outputs start off. A line that fails is named in the error; the
// lines that opened are returned all the same, so a caller that can run
// without one line need not lose the others.
func OpenLines(cfg GPIOConfig, resolve Resolver) (*Lines, error) {
	var ls Lines
	var errs []error
	setup := func(dst **Line, role, spec string, output bool) {
		if spec == "" {
			return
		}
		l, err := openLine(role, spec, output, resolve)
		if err != nil {
			errs = append(errs, err)
			return
		}
		*dst = l
	}
	setup(&ls.PaperLow, GPIOPaperLow, cfg.PaperLow, false)
	setup(&ls.DoorOpen, GPIODoorOpen, cfg.DoorOpen, false)
	setup(&ls.StatusLED, GPIOStatusLED, cfg.StatusLED, true)
	setup(&ls.Chime, GPIOChime, cfg.Chime, true)
	return &ls, errors.Join(errs...)
}

func openLine(role, spec string, output bool, resolve Resolver) (*Line, error) {
	activeLow := strings.HasPrefix(spec, "!")
	pin, err := resolve(strings.TrimPrefix(spec, "!"))
	if err != nil {
		return nil, fmt.Errorf("gpio %s: %w", role, err)
	}
	l := &Line{Role: role, pin: pin, activeLow: activeLow, output: output}
	if output {
		err = l.Set(false)
	} else {
		err = pin.In(gpio.PullNoChange, gpio.BothEdges)
	}
	if err != nil {
		return nil, fmt.Errorf("gpio %s: set up %s: %w", role, spec, err)
	}
	return l, nil
}
