// Command shots opens the kiosk in a real fyne window (run it under Xvfb)
// with the in-memory fakes, walks through every screen and writes
// docs/screens/kiosk-*.png from the window canvas. It also reports the time
// from start to the first frame (T6). It is a documentation tool: the
// product is `hallkiosk kiosk`.
//
//	xvfb-run -a -s "-screen 0 1920x1920x24" go run ./kiosk/internal/shots -out docs/screens
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"golang.org/x/crypto/bcrypt"

	"hallkiosk/center/api"
	"hallkiosk/internal/fynetheme"
	"hallkiosk/kiosk"
	"hallkiosk/kiosk/kiosktest"
	"hallkiosk/kiosk/ui"
	"hallkiosk/platform"
	"hallkiosk/platform/clock"
)

type step struct {
	name string
	do   func(r *run)
}

type run struct {
	k *kiosktest.Kit
	m *kiosk.Machine
	u *ui.UI
	c *clock.Fake
}

func main() {
	out := flag.String("out", "docs/screens", "directory for the PNGs")
	landscape := flag.Bool("landscape", false, "1920×1080 instead of 1080×1920")
	soak := flag.Int("soak", 0, "instead of screenshots, run this many interactions and report memory (T6)")
	floor := flag.Bool("floor", false, "report the resident memory of an empty fyne window of the kiosk's size (T6's floor)")
	flag.Parse()
	if *floor {
		floorRun()
		return
	}
	start := time.Now()
	// As kioskapp.Run does, so the T6 soak measures the product's setting.
	platform.LimitMemory(platform.DefaultMemoryLimit)
	font, err := platform.FindCJKFont("")
	if err != nil {
		log.Fatal(err)
	}
	th, err := fynetheme.Load(font, fynetheme.Options{})
	if err != nil {
		log.Fatal(err)
	}
	a := app.NewWithID("hallkiosk.shots")
	w := a.NewWindow("hallkiosk")
	size, prefix := fyne.NewSize(1080, 1920), "kiosk-"
	if *landscape {
		size, prefix = fyne.NewSize(1920, 1080), "kiosk-landscape-"
	}
	w.Resize(size)
	w.SetFixedSize(true)
	r := &run{k: kiosktest.NewKit(),
		c: clock.NewFake(time.Date(2026, 12, 3, 9, 5, 0, 0, time.FixedZone("CST", 8*3600)))}
	hash, _ := bcrypt.GenerateFromPassword([]byte("2468"), bcrypt.MinCost)
	var runner lateRunner
	r.m = kiosk.New(r.k.Ports(), r.c, &runner, kiosk.Options{PINHash: hash})
	r.u = ui.New(a, w, r.m, ui.Options{Theme: th, Portrait: !*landscape, Clock: r.c})
	runner.r = r.u.Runner()
	w.Show()
	go func() {
		first := time.Now()
		fyne.DoAndWait(func() { _ = w.Canvas().Capture() })
		fmt.Printf("T6 first frame: %v after start (window shown %v)\n",
			time.Since(start).Round(time.Millisecond), first.Sub(start).Round(time.Millisecond))
		if *soak > 0 {
			soakRun(r, *soak)
			fyne.Do(a.Quit)
			return
		}
		steps := script(*landscape)
		for _, s := range steps {
			fyne.DoAndWait(func() { s.do(r); r.u.Flush() })
			time.Sleep(400 * time.Millisecond) // async replies land through fyne.Do
			fyne.DoAndWait(func() { r.u.Flush() })
			time.Sleep(200 * time.Millisecond)
			if s.name != "" {
				save(w, filepath.Join(*out, prefix+s.name+".png"))
			}
		}
		fyne.Do(a.Quit)
	}()
	a.Run()
}

// lateRunner lets the machine be built before the UI that runs its calls.
type lateRunner struct{ r kiosk.Runner }

// Go implements kiosk.Runner.
func (l *lateRunner) Go(work func() func()) { l.r.Go(work) }

// save grabs the X screen with ImageMagick's import: fyne's Capture on
// the GL driver under Xvfb returns a blank image, the X server has the
// real pixels.
func save(w fyne.Window, path string) {
	sz := w.Canvas().Size()
	geom := fmt.Sprintf("%dx%d+0+0", int(sz.Width), int(sz.Height))
	cmd := exec.Command("import", "-window", "root", "-crop", geom, "+repage", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		log.Fatalf("import %s: %v: %s", path, err, out)
	}
	fmt.Println("wrote", path)
}

const (
	idAlice = "310117198001010019"
	idBob   = "31011719850615101X"
	matterA = "113101170024224311431011700100001"
)

func card(r *run) {
	r.m.CardEvent(kiosk.CardEvent{Kind: kiosk.CardPlaced, Card: kiosktest.Card{ID: idAlice, Name: "张三"}})
}

func script(landscape bool) []step {
	walk := func(r *run) {
		r.m.Home()
		r.m.StartWalkIn()
		r.m.PickDepartment("区市场监管局")
	}
	if landscape {
		return []step{{"home", func(r *run) {}}, {"departments", func(r *run) { walk(r); r.m.Back() }},
			{"ticket", func(r *run) {
				walk(r)
				r.m.PickMatter(matterA)
				r.m.ConfirmTicket()
			}},
			{"search", func(r *run) { r.m.Home(); r.m.StartSearch(); r.m.SearchKey('q'); r.m.SearchKey('y') }}}
	}
	return []step{
		{"home", func(r *run) {}},
		{"attract", func(r *run) { r.c.Advance(100 * time.Second); r.m.Tick() }},
		{"checkin", func(r *run) { r.m.Touch(); r.m.StartCheckIn() }},
		{"keypad-id", func(r *run) {
			r.m.UseKeypad(kiosk.KeypadID)
			for _, c := range "31011719850615" {
				r.m.Key(c)
			}
		}},
		{"bookings", func(r *run) {
			r.m.Home()
			r.k.Tickets.AddBooking(kiosk.Booking{Code: "123456", NameMasked: "张*", Matter: matterA,
				Queue: "A", Day: "2026-12-03", Start: "09:00", End: "09:30", Status: api.BookingBooked}, idAlice)
			card(r)
		}},
		{"ticket-booked", func(r *run) { r.m.CheckInBooking("123456") }},
		{"departments", func(r *run) { walk(r); r.m.Back() }},
		{"matters", func(r *run) { walk(r) }},
		{"confirm", func(r *run) { r.m.PickMatter(matterA) }},
		{"ticket", func(r *run) { r.m.ConfirmTicket() }},
		{"quota", func(r *run) {
			r.k.Tickets.Quota["A"] = 0
			walk(r)
			r.m.PickMatter(matterA)
			r.m.ConfirmTicket()
		}},
		{"card-needed", func(r *run) { r.m.Do(kiosk.ActBook) }},
		{"days", func(r *run) { card(r) }},
		{"slots", func(r *run) { r.m.PickDay("2026-12-04") }},
		{"keypad-phone", func(r *run) {
			r.m.PickSlot("09:00")
			for _, c := range "13912345678" {
				r.m.Key(c)
			}
		}},
		{"book-confirm", func(r *run) { r.m.Submit() }},
		{"book-done", func(r *run) { r.m.ConfirmBooking() }},
		{"search", func(r *run) { r.m.Home(); r.m.StartSearch(); r.m.SearchKey('q'); r.m.SearchKey('y') }},
		{"detail", func(r *run) { r.m.OpenEntry(matterA) }},
		{"lapsed", func(r *run) {
			// Another person's morning booking, past its pick-up window at
			// noon (R12); Alice's was checked in above.
			r.m.Home()
			r.k.Tickets.AddBooking(kiosk.Booking{Code: "234567", NameMasked: "李*", Matter: matterA,
				Queue: "A", Day: "2026-12-03", Start: "10:00", End: "10:30", Status: api.BookingBooked}, idBob)
			r.c.Advance(3 * time.Hour)
			r.m.CardEvent(kiosk.CardEvent{Kind: kiosk.CardPlaced,
				Card: kiosktest.Card{ID: idBob, Name: "李四"}})
		}},
		{"paper-out", func(r *run) { r.m.Home(); r.m.PrinterChanged(kiosk.PrinterPaperOut) }},
		{"offline-en", func(r *run) {
			r.m.PrinterChanged(kiosk.PrinterPaperLow)
			r.k.Link.Set(false)
			r.m.Tick()
			r.m.ToggleLang()
		}},
		{"large", func(r *run) { r.m.Home(); r.k.Link.Set(true); r.m.Tick(); r.m.ToggleLarge() }},
		{"", func(r *run) { r.m.ToggleLarge(); r.m.CornerDown(); r.c.Advance(6 * time.Second); r.m.Tick() }},
		{"maint", func(r *run) {
			for _, c := range "2468" {
				r.m.Key(c)
			}
			r.m.Submit()
		}},
	}
}

// soakRun drives the real window through n interactions (a walk-in ticket,
// a search, a check-in, an idle reset: 11 each) and prints the live heap
// and resident memory every 1,000.
func soakRun(r *run, n int) {
	r.k.Tickets.AddBooking(kiosk.Booking{Code: "123456", NameMasked: "张*", Matter: matterA,
		Queue: "A", Day: "2026-12-03", Start: "09:00", End: "09:30", Status: api.BookingBooked}, idAlice)
	round := []func(){
		func() { r.m.StartWalkIn() }, func() { r.m.PickDepartment("区市场监管局") },
		func() { r.m.PickMatter(matterA) }, func() { r.m.ConfirmTicket() },
		func() { r.m.Home() }, func() { r.m.StartSearch() }, func() { r.m.SearchKey('q') },
		func() { r.m.SearchKey('y') }, func() { r.m.Home() }, func() { card(r) },
		func() { r.c.Advance(61 * time.Second); r.m.Tick() },
	}
	for i := 1; i <= n; i++ {
		fyne.DoAndWait(func() { round[i%len(round)](); r.u.Flush() })
		if i%len(round) == 4 {
			time.Sleep(5 * time.Millisecond) // let the ticket's calls land
		}
		if i%1000 == 0 {
			r.k.Tickets.Forget()
			r.k.Printer.Forget()
			time.Sleep(50 * time.Millisecond) // a few frames: fyne cleans caches on paint
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			fmt.Printf("%6d interactions: live heap %5.1f MB, RSS %5.1f MB\n", i,
				float64(ms.HeapAlloc)/(1<<20), float64(rss())/(1<<20))
		}
	}
}

// floorRun shows an empty fyne window of the kiosk's size, with fyne's own
// theme, and prints its resident memory once it has drawn: what fyne, GL and
// the X libraries cost before the kiosk adds anything, so the soak's figure
// can be read as this floor plus the kiosk's own share.
func floorRun() {
	platform.LimitMemory(platform.DefaultMemoryLimit)
	a := app.NewWithID("hallkiosk.shots.floor")
	w := a.NewWindow("floor")
	w.Resize(fyne.NewSize(1080, 1920))
	w.SetFixedSize(true)
	go func() {
		fyne.DoAndWait(func() { _ = w.Canvas().Capture() })
		time.Sleep(time.Second) // a few frames, as the soak waits before reading
		runtime.GC()
		fmt.Printf("T6 floor: empty fyne window RSS %.1f MB\n", float64(rss())/(1<<20))
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
}

func rss() uint64 {
	raw, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
