package kioskapp_test

import (
	"context"
	"log/slog"
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

// world is a kiosk on real parts: the center in process on 127.0.0.1, the
// virtual printer and the virtual SAM reader on pseudo-terminals, the
// ledger in a temporary directory.
type world struct {
	t      testing.TB
	env    *centertest.Env
	dev    *printertest.Device
	sim    *idcardtest.Sim
	parts  *kioskapp.Parts
	runner *kiosktest.Runner
	m      *kiosk.Machine
}

func newWorld(t *testing.T) *world { return newWorldTB(t) }

func newWorldTB(t testing.TB, opts ...centertest.Option) *world {
	return newWorldWith(t, nil, opts...)
}

// newWorldWith is newWorldTB with the device config edited before the
// parts open (edit may be nil).
func newWorldWith(t testing.TB, edit func(*platform.Config), opts ...centertest.Option) *world {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	env := centertest.Start(t, opts...)
	enr := env.Enrol(api.RoleKiosk, "kiosk-journey")
	dir := t.TempDir()
	must(t, platform.SaveSecret(dir, platform.TokenFile, enr.Token))
	must(t, platform.SaveSecret(dir, platform.HallKeyFile, enr.HallKey))
	w := &world{t: t, env: env, runner: &kiosktest.Runner{}}
	pp, rp := ptytest.New(t), ptytest.New(t)
	w.dev = printertest.NewDevice(printertest.Options{Log: quiet})
	go w.dev.Serve(ctx, pp.Master)
	w.sim = idcardtest.New(idcardtest.Options{Log: quiet})
	go w.sim.Serve(ctx, rp.Master)
	cfg := platform.DefaultConfig()
	cfg.DataDir, cfg.Center.URL = dir, env.URL
	cfg.Printer.Port, cfg.Reader.Port = pp.SlavePath, rp.SlavePath
	if edit != nil {
		edit(&cfg)
	}
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
	c, err := idcardtest.LoadCard(filepath.Join("..", "..", "idcard", "testdata", "cards", name+".json"))
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

func (w *world) walkIn(queue string) kiosk.Ticket {
	w.t.Helper()
	code := w.env.Matter(queue)
	mt, ok := w.parts.Store.Matter(context.Background(), code)
	if !ok {
		w.t.Fatalf("matter %s not in the kiosk's hall", code)
	}
	w.m.Home()
	w.m.StartWalkIn()
	w.m.PickDepartment(mt.Department)
	w.m.PickMatter(code)
	w.screen(kiosk.ScreenConfirm)
	w.m.ConfirmTicket()
	w.m.ConfirmTicket() // G5: a double tap
	w.settle()
	w.screen(kiosk.ScreenTicket)
	if !w.m.State().Printed {
		w.t.Fatalf("ticket not printed: %+v", w.m.State())
	}
	return *w.m.State().Ticket
}

// The whole day of one kiosk on real parts: a walk-in ticket, an on-site
// booking with the ID card for the next workday, the check-in of that
// booking the next morning, and walk-in tickets offline (G4).
func TestJourneyOnRealParts(t *testing.T) {
	w := newWorld(t)

	// A walk-in ticket: numbered by the center, printed on the virtual
	// printer, one page for two taps (G5).
	tk := w.walkIn("A")
	if tk.Number == "" || len(w.dev.Pages()) != 1 {
		t.Fatalf("ticket %+v, pages %d", tk, len(w.dev.Pages()))
	}

	// On-site booking with the card (R3, R6: the next workday).
	code := w.env.Matter("A")
	w.m.Home()
	w.m.StartBook()
	w.screen(kiosk.ScreenCardNeeded)
	w.placeCard("resident")
	mt, _ := w.parts.Store.Matter(context.Background(), code)
	w.m.PickDepartment(mt.Department)
	w.m.PickMatter(code)
	w.settle()
	w.screen(kiosk.ScreenDays)
	day := w.m.State().Days[0]
	w.m.PickDay(day)
	w.settle()
	w.screen(kiosk.ScreenSlots)
	slots := w.m.State().Slots
	if len(slots) == 0 {
		t.Fatalf("no slots on %s", day)
	}
	w.m.PickSlot(slots[0].Start)
	for _, c := range "13912345678" {
		w.m.Key(c)
	}
	w.m.Submit()
	w.m.ConfirmBooking()
	w.settle()
	if w.m.State().Notice.Title != "book.done" {
		t.Fatalf("booking: %+v", w.m.State().Notice)
	}
	if len(w.dev.Pages()) != 2 {
		t.Fatalf("no booking slip: %d pages", len(w.dev.Pages()))
	}
	w.removeCard()

	// The next morning: the booking is pulled and checked in by card (R7).
	w.env.Clock.Set(time.Date(2026, 12, 4, 9, 0, 0, 0, centertest.Morning.Location()))
	w.sync()
	w.m.Home()
	w.placeCard("resident")
	w.screen(kiosk.ScreenBookings)
	row := w.m.State().Rows[0]
	if row.NameMasked != "王**" || row.Pickup != kiosk.PickupOpen {
		t.Fatalf("row %+v", row)
	}
	w.m.CheckInBooking(row.Code)
	w.settle()
	w.screen(kiosk.ScreenTicket)
	if w.m.State().Ticket.Kind != api.KindBooked || len(w.dev.Pages()) != 3 {
		t.Fatalf("check-in: %+v, %d pages", w.m.State().Ticket, len(w.dev.Pages()))
	}
	w.removeCard()

	// The center goes away: walk-in tickets continue from the leased
	// reserve (G4), booking says why it cannot.
	w.env.Server.CloseClientConnections()
	w.env.Server.Close()
	if err := w.parts.Syncer.SyncOnce(context.Background()); err == nil {
		t.Fatal("sync with a closed center succeeded")
	}
	w.m.Tick()
	if w.m.State().Online {
		t.Fatal("still online")
	}
	off := w.walkIn("A")
	if off.Number == "" || off.Number == tk.Number || len(w.dev.Pages()) != 4 {
		t.Fatalf("offline ticket %+v, %d pages", off, len(w.dev.Pages()))
	}
	w.m.Home()
	w.m.StartBook()
	if w.m.State().Notice.Title != "book.offline" {
		t.Fatalf("offline booking: %+v", w.m.State().Notice)
	}
}
