package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"hallkiosk/kiosk"
	"hallkiosk/platform/ptytest"
	"hallkiosk/printer/printertest"
)

// Fault d: the printer's device node goes away (a USB adapter knocked
// loose: its pseudo-terminal is closed) and comes back under the same
// name. The kiosk must say the printer is offline and stop offering
// tickets while it is away, and print again once it is back, without a
// restart.
func TestPrinterUnpluggedAndBackPrintingResumes(t *testing.T) {
	env := newWorld(t).env // a center; the kiosk below has its own printer link
	link := filepath.Join(t.TempDir(), "printer")
	w := newKiosk(t, env, "kiosk-unplug", env.URL, link)
	ctx := context.Background()
	poll := func() kiosk.PrinterState {
		st, _ := w.parts.Printer.State(ctx)
		w.m.PrinterChanged(st)
		return st
	}
	w.walkIn("A")

	// Unplugged: the node and its link are gone.
	w.pp.Close()
	var st kiosk.PrinterState
	for range 3 { // the first failed exchange is what notices the loss
		st = poll()
	}
	if st.CanPrint() {
		t.Fatalf("printer state %v with the device unplugged", st)
	}
	w.m.Home()
	w.m.StartWalkIn()
	if w.m.State().Screen == kiosk.ScreenDepartments {
		t.Fatal("walk-in offered with the printer unplugged")
	}

	// Plugged back under the same name, with a fresh printer behind it.
	back := ptytest.New(t)
	must(t, back.Link(link))
	dev := printertest.NewDevice(printertest.Options{Log: quiet})
	go dev.Serve(w.ctx, back.Master)
	waitFor(t, "the kiosk to see the printer again", func() bool {
		return poll() == kiosk.PrinterOK
	})
	w.dev = dev
	tk := w.walkIn("A")
	if len(dev.Pages()) != 1 || !strings.Contains(w.lastPage(), tk.Number) {
		t.Fatalf("after replug: %d pages", len(dev.Pages()))
	}
}
