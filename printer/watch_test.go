package printer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"hallkiosk/platform/clock"
	"hallkiosk/printer"
	"hallkiosk/printer/printertest"
)

// TestWatchReportsChanges polls the virtual printer on a fake clock: the
// first status is reported, an unchanged one is not, each change is, and the
// paper_low sensor is merged in.
func TestWatchReportsChanges(t *testing.T) {
	sensor := &fakeSensor{}
	r := newRig(t, rigOpts{sensor: sensor})
	clk := clock.NewFake(time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := printer.Watch(ctx, r.drv, time.Second, clk)

	steps := []struct {
		name   string
		set    func()
		want   printer.Status
		errIs  error
		silent bool // no change expected
	}{
		{"first status", func() {}, printer.Status{}, nil, false},
		{"unchanged", func() {}, printer.Status{}, nil, true},
		{"near end", func() { r.dev.SetState(printertest.State{PaperNearEnd: true}) },
			printer.Status{PaperNearEnd: true}, nil, false},
		{"gpio paper low", func() { sensor.low.Store(true) },
			printer.Status{PaperNearEnd: true, PaperLow: true}, nil, false},
		{"paper end", func() { r.dev.SetState(printertest.State{PaperEnd: true}) },
			printer.Status{Offline: true, PaperEnd: true, PaperLow: true}, nil, false},
		{"unplugged", func() { r.dev.SetState(printertest.State{NoReply: true}) },
			printer.Status{NoReply: true, PaperLow: true}, nil, false},
		{"garbage", func() { r.dev.SetState(printertest.State{Garbage: true}) },
			printer.Status{}, printer.ErrBadReply, false},
		{"refilled", func() { r.dev.SetState(printertest.State{}); sensor.low.Store(false) },
			printer.Status{}, nil, false},
	}
	for i, s := range steps {
		s.set()
		if i > 0 {
			waitFor(t, func() bool { return clk.Waiters() > 0 })
			clk.Advance(time.Second)
		}
		if s.silent {
			// The next poll must see the same status and stay quiet:
			// wait for the watcher to sleep again, then check.
			waitFor(t, func() bool { return clk.Waiters() > 0 })
			select {
			case c := <-changes:
				t.Fatalf("%s: unexpected change %+v", s.name, c)
			default:
			}
			continue
		}
		c := <-changes
		if c.Status != s.want || !errors.Is(c.Err, s.errIs) || (c.Err == nil) != (s.errIs == nil) {
			t.Errorf("%s: got %+v (err %v), want %+v (err %v)", s.name, c.Status, c.Err, s.want, s.errIs)
		}
	}
	cancel()
	for range changes {
	}
}
