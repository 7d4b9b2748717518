package e2e

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/idcard/idcardtest"
	"hallkiosk/kiosk"
	"hallkiosk/kiosk/kioskapp"
	"hallkiosk/kiosk/kiosktest"
	"hallkiosk/platform"
	"hallkiosk/platform/ptytest"
	"hallkiosk/printer/printertest"
)

var quiet = slog.New(slog.DiscardHandler)

// testingSlow reports whether the slow suites run (HALLKIOSK_SLOW=1, which
// make test sets).
func testingSlow() bool { return os.Getenv("HALLKIOSK_SLOW") == "1" }

// slow skips a heavy fault test unless HALLKIOSK_SLOW=1.
func slow(t *testing.T) {
	t.Helper()
	if !testingSlow() {
		t.Skip("fault suite: set HALLKIOSK_SLOW=1 (make test does)")
	}
}

// world is one kiosk on real parts, as in kiosk/kioskapp's journey tests
// (copied here because that helper is unexported): the center in process
// on 127.0.0.1 with the fake clock, the virtual printer and the virtual
// SAM reader on pseudo-terminals, the real ledger in a temporary directory,
// and the kiosk's state machine driven as the touchscreen would.
type world struct {
	t      testing.TB
	env    *centertest.Env
	dev    *printertest.Device
	sim    *idcardtest.Sim
	parts  *kioskapp.Parts
	runner *kiosktest.Runner
	m      *kiosk.Machine
	pp     *platform.PTY // the printer's pseudo-terminal
	rp     *platform.PTY // the reader's pseudo-terminal
	ctx    context.Context
}

func newWorld(t testing.TB, opts ...centertest.Option) *world {
	env := centertest.Start(t, opts...)
	return newKiosk(t, env, "kiosk-e2e", env.URL, "")
}

// newKiosk enrols a kiosk with env and starts it talking to the center at
// url (env.URL, or a proxy in front of it). printerLink, if not empty, is
// a symlink to the printer's pseudo-terminal the kiosk opens instead.
func newKiosk(t testing.TB, env *centertest.Env, name, url, printerLink string) *world {
	return newKioskLinks(t, env, name, url, printerLink, "")
}

// newKioskLinks is newKiosk with a stable name for the reader as well.
func newKioskLinks(t testing.TB, env *centertest.Env, name, url, printerLink, readerLink string) *world {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	enr := env.Enrol(api.RoleKiosk, name)
	dir := t.TempDir()
	must(t, platform.SaveSecret(dir, platform.TokenFile, enr.Token))
	must(t, platform.SaveSecret(dir, platform.HallKeyFile, enr.HallKey))
	w := &world{t: t, env: env, runner: &kiosktest.Runner{}, ctx: ctx}
	pp, rp := ptytest.New(t), ptytest.New(t)
	w.pp = pp
	w.dev = printertest.NewDevice(printertest.Options{Log: quiet})
	go w.dev.Serve(ctx, pp.Master)
	port := pp.SlavePath
	if printerLink != "" {
		// A stable name for the printer, as udev gives a USB adapter.
		must(t, pp.Link(printerLink))
		port = printerLink
	}
	w.sim = idcardtest.New(idcardtest.Options{Log: quiet})
	go w.sim.Serve(ctx, rp.Master)
	w.rp = rp
	reader := rp.SlavePath
	if readerLink != "" {
		must(t, rp.Link(readerLink))
		reader = readerLink
	}
	cfg := platform.DefaultConfig()
	cfg.DataDir, cfg.Center.URL = dir, url
	cfg.Printer.Port, cfg.Reader.Port = port, reader
	parts, err := kioskapp.Open(ctx, &cfg, kioskapp.Options{Log: quiet, Clock: env.Clock})
	must(t, err)
	t.Cleanup(parts.Close)
	w.parts = parts
	w.sync()
	w.m = kiosk.New(parts.Ports, env.Clock, w.runner, kiosk.Options{Logger: quiet})
	w.m.Tick()
	return w
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (w *world) sync() {
	w.t.Helper()
	ctx := context.Background()
	must(w.t, w.parts.Syncer.SyncOnce(ctx))
	must(w.t, w.parts.Store.Refresh(ctx))
}

func (w *world) settle() { w.runner.Drain() }

func (w *world) screen(want kiosk.Screen) {
	w.t.Helper()
	if got := w.m.State().Screen; got != want {
		w.t.Fatalf("screen %v, want %v (notice %q)", got, want, w.m.State().Notice.Title)
	}
}

// placeCard puts a test card on the virtual reader and hands the event the
// real driver reports to the machine.
func (w *world) placeCard(name string) {
	w.t.Helper()
	path := filepath.Join("..", "idcard", "testdata", "cards", name+".json")
	c, err := idcardtest.LoadCard(path)
	must(w.t, err)
	must(w.t, w.sim.Place(c, name))
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-w.parts.Reader.Events():
			if ev.Kind == kiosk.CardPlaced || ev.Kind == kiosk.CardUnreadable {
				w.m.CardEvent(ev)
				w.settle()
				return
			}
		case <-deadline:
			w.t.Fatal("the reader reported no card")
		}
	}
}

func (w *world) removeCard() {
	w.t.Helper()
	w.sim.Remove()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev := <-w.parts.Reader.Events():
			if ev.Kind == kiosk.CardRemoved {
				return
			}
		case <-deadline:
			w.t.Fatal("the reader reported no removal")
		}
	}
}

// startWalkIn taps through to the confirm screen for a matter of queue.
func (w *world) startWalkIn(queue string) {
	w.t.Helper()
	code := w.env.Matter(queue)
	mt, ok := w.parts.Store.Matter(context.Background(), code)
	if !ok {
		w.t.Fatalf("matter %s not in the kiosk's hall", code)
	}
	w.m.Home()
	w.m.StartWalkIn()
	w.screen(kiosk.ScreenDepartments)
	w.m.PickDepartment(mt.Department)
	w.m.PickMatter(code)
	w.screen(kiosk.ScreenConfirm)
}

// walkIn takes a walk-in ticket with a double tap (G5: one ticket) and
// checks it was printed.
func (w *world) walkIn(queue string) kiosk.Ticket {
	w.t.Helper()
	w.startWalkIn(queue)
	w.m.ConfirmTicket()
	w.m.ConfirmTicket() // G5: a double tap
	w.settle()
	w.screen(kiosk.ScreenTicket)
	if !w.m.State().Printed {
		w.t.Fatalf("ticket not printed: %+v", w.m.State())
	}
	return *w.m.State().Ticket
}

// lastPage is the text of the newest page the virtual printer cut.
func (w *world) lastPage() string {
	w.t.Helper()
	pages := w.dev.Pages()
	if len(pages) == 0 {
		w.t.Fatal("the printer printed nothing")
	}
	return pages[len(pages)-1].Text()
}
