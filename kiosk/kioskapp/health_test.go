package kioskapp_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/idcard/idcardtest"
	"hallkiosk/kiosk"
	"hallkiosk/kiosk/kioskapp"
	"hallkiosk/kiosk/kiosktest"
	"hallkiosk/platform"
	"hallkiosk/platform/gpiofake"
	"hallkiosk/platform/ptytest"
	"hallkiosk/printer/printertest"
)

// heard runs one sync round and returns the kiosk as the center lists it.
func (w *world) heard() center.DeviceHealth {
	w.t.Helper()
	ctx := context.Background()
	must(w.t, w.parts.Syncer.SyncOnce(ctx))
	devs, err := w.env.Engine.Devices(ctx)
	must(w.t, err)
	for _, d := range devs {
		if d.Name == "kiosk-journey" {
			return d
		}
	}
	w.t.Fatalf("the center does not list the kiosk: %+v", devs)
	return center.DeviceHealth{}
}

// readerEvent waits for the reader's next event of kind and hands it to
// the machine.
func (w *world) readerEvent(kind kiosk.CardEventKind) {
	w.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-w.parts.Reader.Events():
			if ev.Kind == kind {
				w.m.CardEvent(ev)
				return
			}
		case <-deadline:
			w.t.Fatalf("the reader reported no event %v", kind)
		}
	}
}

// Issue 10.3 on real parts: the kiosk's heartbeat carries the printer (its
// first status, even "ok"), the reader, the backlog, the last successful
// sync and the free disk of its data directory, and the center keeps them.
func TestHeartbeatOnRealParts(t *testing.T) {
	w := newWorld(t)
	d := w.heard()
	if d.Health[api.HealthPrinter] != "unknown" || d.Health[api.HealthReader] != "unknown" {
		t.Fatalf("before the first status and reader event: %v", d.Health)
	}
	if d.DiskFree == nil || *d.DiskFree <= 0 || d.LastSync.IsZero() {
		t.Fatalf("disk free %v, last sync %v", d.DiskFree, d.LastSync)
	}

	w.m.PrinterChanged(kiosk.PrinterOK) // the first status poll: ready
	w.readerEvent(kiosk.ReaderFound)    // the virtual SAM answered at start
	synced := w.env.Clock.Now()
	w.env.Clock.Advance(30 * time.Second)
	d = w.heard()
	if d.Health[api.HealthPrinter] != "ok" || d.Health[api.HealthReader] != "ok" ||
		d.Health[api.HealthSync] != "ok" {
		t.Fatalf("health %v", d.Health)
	}
	if !d.LastSync.Equal(synced) || d.Uptime < 30 {
		t.Fatalf("last sync %v (want %v), uptime %d", d.LastSync, synced, d.Uptime)
	}

	// The backlog: a ticket's journal events not yet pushed show in the
	// heartbeat that opens the next round, and are gone from the one after.
	w.walkIn("A")
	if d := w.heard(); d.Health[api.HealthPrinter] != "ok" {
		t.Fatalf("printer %q after printing", d.Health[api.HealthPrinter])
	}
	notes, err := w.env.Engine.DeviceNotes(context.Background())
	must(t, err)
	if n := notes[d.ID].JournalPending; n < 1 {
		t.Fatalf("journal backlog %d after a ticket not yet pushed", n)
	}
	w.heard()
	notes, err = w.env.Engine.DeviceNotes(context.Background())
	must(t, err)
	if n := notes[d.ID].JournalPending; n != 0 {
		t.Fatalf("journal backlog %d after a round pushed it", n)
	}

	// A SAM that stops answering finds is reported as such.
	must(t, w.sim.Inject(idcardtest.Fault{Kind: idcardtest.FaultSAMError, Cmd: "find",
		Count: 1000}))
	w.readerEvent(kiosk.ReaderLost)
	if got := w.heard().Health[api.HealthReader]; got != "not answering" {
		t.Fatalf("reader %q after it stopped answering", got)
	}
}

// A kiosk without a reader says why in its heartbeat.
func TestHeartbeatWithoutReader(t *testing.T) {
	for _, tc := range []struct{ port, want string }{
		{"", "not fitted"},
		{"/dev/hallkiosk-no-such-reader", "cannot open: "},
	} {
		w := newWorldWith(t, func(c *platform.Config) { c.Reader.Port = tc.port })
		if got := w.heard().Health[api.HealthReader]; !strings.HasPrefix(got, tc.want) {
			t.Errorf("reader port %q: health %q, want %q", tc.port, got, tc.want)
		}
	}
}

// [reader] fingerprint = true reads with 30 10: a fault the virtual SAM
// puts on 30 10 alone makes the card unreadable, which a 30 01 reader
// would not see.
func TestReaderFingerprintFromConfig(t *testing.T) {
	for _, fp := range []bool{false, true} {
		w := newWorldWith(t, func(c *platform.Config) { c.Reader.Fingerprint = fp })
		must(t, w.sim.Inject(idcardtest.Fault{Kind: idcardtest.FaultReadFailed,
			Cmd: "read-full", Count: 10}))
		c, err := idcardtest.LoadCard("../../idcard/testdata/cards/resident.json")
		must(t, err)
		must(t, w.sim.Place(c, "resident"))
		want := kiosk.CardPlaced
		if fp {
			want = kiosk.CardUnreadable
		}
		deadline := time.After(10 * time.Second)
	wait:
		for {
			select {
			case ev := <-w.parts.Reader.Events():
				if ev.Kind == kiosk.CardPlaced || ev.Kind == kiosk.CardUnreadable {
					if ev.Kind != want {
						t.Errorf("fingerprint %v: event %v, want %v", fp, ev.Kind, want)
					}
					break wait
				}
			case <-deadline:
				t.Fatalf("fingerprint %v: no card event", fp)
			}
		}
	}
}

// [privacy] purge_after_days reaches the ledger (G6): a booking three days
// past keeps its personal data under the default of 7 days and loses it
// under 2.
func TestPurgeAfterDaysFromConfig(t *testing.T) {
	for _, tc := range []struct {
		days   int
		purged int64
	}{{7, 0}, {2, 1}} {
		w := newWorldWith(t, func(c *platform.Config) { c.Privacy.PurgeAfterDays = tc.days })
		ctx := context.Background()
		day := w.parts.Ledger.Now().AddDate(0, 0, -3).Format("2006-01-02")
		must(t, w.parts.Ledger.SaveBookings(ctx, []api.BookingView{{Code: "900001",
			Matter: w.env.Matter("A"), Queue: "A", Day: day, Start: "09:00", End: "09:30",
			Status: "booked", NameMasked: "张*", IDHash: strings.Repeat("ab", 32)}}))
		n, err := w.parts.Ledger.PurgePersonal(ctx)
		if err != nil || n != tc.purged {
			t.Errorf("purge_after_days %d: %d bookings purged (%v), want %d", tc.days, n,
				err, tc.purged)
		}
	}
}

// gpioKiosk opens a kiosk on real parts (center, virtual printer, ledger)
// with its [gpio] lines on board.
func gpioKiosk(t *testing.T, board *gpiofake.Board, lines platform.GPIOConfig) (*world, context.Context) {
	t.Helper()
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
	cfg.GPIO = lines
	parts, err := kioskapp.Open(ctx, &cfg, kioskapp.Options{Log: quiet, Clock: env.Clock,
		Resolver: board.Resolve})
	must(t, err)
	t.Cleanup(parts.Close)
	w := &world{t: t, env: env, parts: parts, runner: &kiosktest.Runner{}}
	w.m = kiosk.New(parts.Ports, env.Clock, w.runner, kiosk.Options{Logger: quiet})
	return w, ctx
}

// The [gpio] paper_low sensor is read with every printer status on the
// running kiosk: its "paper low" reaches the machine and the heartbeat
// (issue 10.3: printer state and paper), and the center raises its paper
// alert, though the printer itself still reports plenty of paper.
func TestPaperLowSensorOnRealParts(t *testing.T) {
	board := gpiofake.NewBoard()
	w, ctx := gpioKiosk(t, board, platform.GPIOConfig{PaperLow: "GPIO17"})
	parts := w.parts

	for _, tc := range []struct {
		level gpio.Level
		want  kiosk.PrinterState
	}{{gpio.Low, kiosk.PrinterOK}, {gpio.High, kiosk.PrinterPaperLow}} {
		must(t, board.Pin("GPIO17").Out(tc.level)) // the sensor, as the kernel reads it
		st, err := parts.Printer.State(ctx)
		must(t, err)
		if st != tc.want {
			t.Fatalf("sensor %v: printer state %v, want %v", tc.level, st, tc.want)
		}
		w.m.PrinterChanged(st)
	}
	if got := w.heard().Health[api.HealthPrinter]; got != "paper low" {
		t.Fatalf("center sees printer %q", got)
	}
	alerts, err := w.env.Engine.DeviceAlerts(ctx, center.AlertLimits{})
	must(t, err)
	if len(alerts) != 1 || alerts[0].Kind != center.AlertPaper {
		t.Fatalf("alerts %+v", alerts)
	}
}
