package kioskapp_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/kiosk"
	"hallkiosk/kiosk/kiosktest"
)

// bigHall lifts the walk-in quota (R9) so a benchmark's tickets never
// run out.
var bigHall = centertest.WithHall(func(h *api.Hall) {
	for i := range h.Departments {
		h.Departments[i].Capacity = 5000
	}
})

var benchLog = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

// timedPrinter notes when each print starts and when Print returns, that
// is when the driver has handed the last byte to the port.
type timedPrinter struct {
	kiosk.Printer
	mu         sync.Mutex
	start, end time.Time
}

func (p *timedPrinter) Print(ctx context.Context, job kiosk.PrintJob) error {
	p.mu.Lock()
	p.start = time.Now()
	p.mu.Unlock()
	err := p.Printer.Print(ctx, job)
	p.mu.Lock()
	p.end = time.Now()
	p.mu.Unlock()
	return err
}

func percentiles(b *testing.B, name string, ds []time.Duration) {
	slices.Sort(ds)
	p := func(q float64) float64 {
		return float64(ds[min(len(ds)-1, int(q*float64(len(ds))))].Microseconds()) / 1000
	}
	b.ReportMetric(p(0.5), name+"-p50-ms")
	b.ReportMetric(p(0.99), name+"-p99-ms")
}

// T1: from the confirming tap to the last ticket byte handed to the
// printer's serial port, on the real ledger, the real center over
// loopback (online) or the leased reserve (offline), and the real ESC/POS
// driver writing to a pty with the virtual printer reading the other end.
// A pty has no baud rate, so the figure is the software share.
func BenchmarkT1TapToLastByte(b *testing.B) {
	for _, mode := range []string{"online", "offline"} {
		b.Run(mode, func(b *testing.B) {
			w := newWorldTB(b, bigHall)
			tp := &timedPrinter{Printer: w.parts.Ports.Printer}
			w.parts.Ports.Printer = tp
			w.m = kiosk.New(w.parts.Ports, w.env.Clock, w.runner, kiosk.Options{Logger: benchLog})
			if mode == "offline" {
				w.env.Server.Close()
				_ = w.parts.Syncer.SyncOnce(context.Background())
			}
			code := w.env.Matter("B")
			mt, _ := w.parts.Store.Matter(context.Background(), code)
			var ds []time.Duration
			b.ResetTimer()
			for b.Loop() {
				w.m.Home()
				w.m.StartWalkIn()
				w.m.PickDepartment(mt.Department)
				w.m.PickMatter(code)
				tap := time.Now()
				w.m.ConfirmTicket()
				w.settle()
				if !w.m.State().Printed {
					b.Fatalf("not printed: %+v", w.m.State().Notice)
				}
				ds = append(ds, tp.end.Sub(tap))
			}
			percentiles(b, "tap-to-last-byte", ds)
		})
	}
}

// T2: from the reader's card event reaching the kiosk to the start of the
// priority ticket's print, with the booking in the ledger's cache and the
// check-in tap taken as immediate (the citizen's own time is not the
// kiosk's). Offline check-in, so the figure is the kiosk's alone (G4).
func BenchmarkT2CardToPrintStart(b *testing.B) {
	w := newWorldTB(b, bigHall)
	tp := &timedPrinter{Printer: w.parts.Ports.Printer}
	w.parts.Ports.Printer = tp
	w.m = kiosk.New(w.parts.Ports, w.env.Clock, w.runner, kiosk.Options{Logger: benchLog})
	w.env.Server.Close()
	_ = w.parts.Syncer.SyncOnce(context.Background())
	code := w.env.Matter("B")
	var ds []time.Duration
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		id := fmt.Sprintf("31011719800101%04d", i)
		bk := api.BookingView{ID: fmt.Sprint("bk-", i), Code: fmt.Sprintf("%06d", 100000+i),
			Matter: code, Queue: "B", Day: "2026-12-03", Start: "09:00", End: "09:30",
			Status: api.BookingBooked, IDHash: kiosktest.Hash(id), NameMasked: "李*"}
		if err := w.parts.Ledger.SaveBookings(context.Background(), []api.BookingView{bk}); err != nil {
			b.Fatal(err)
		}
		w.m.Home()
		b.StartTimer()
		got := time.Now()
		w.m.CardEvent(kiosk.CardEvent{Kind: kiosk.CardPlaced, Card: kiosktest.Card{ID: id, Name: "李四"}})
		w.settle()
		w.m.CheckInBooking(bk.Code)
		w.settle()
		if !w.m.State().Printed {
			b.Fatalf("not printed: %v %+v", w.m.State().Screen, w.m.State().Notice)
		}
		ds = append(ds, tp.start.Sub(got))
	}
	slices.Sort(ds)
	b.Logf("slowest: %v", ds[len(ds)-8:])
	percentiles(b, "card-to-print-start", ds)
}
