package kioskapp_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"golang.org/x/crypto/bcrypt"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/internal/fynetheme"
	"hallkiosk/kiosk"
	"hallkiosk/kiosk/kioskapp"
	"hallkiosk/kiosk/ui"
	"hallkiosk/platform"
	"hallkiosk/printer/printertest"
)

// touch is the kiosk on real parts behind fyne's test driver: the center in
// process, the virtual printer and reader on pseudo-terminals, the real
// ledger, and taps on the tiles a citizen sees.
type touch struct {
	*world
	t   *testing.T
	u   *ui.UI
	win fyne.Window
}

func newTouch(t *testing.T, w *world) *touch {
	t.Helper()
	font, err := platform.FindCJKFont("")
	if err != nil {
		t.Skip("no CJK font:", err)
	}
	th, err := fynetheme.Load(font, fynetheme.Options{})
	must(t, err)
	a := test.NewTempApp(t)
	win := test.NewTempWindow(t, nil)
	win.Resize(fyne.NewSize(1080, 1920))
	u := ui.New(a, win, w.m, ui.Options{Theme: th, Portrait: true, Clock: w.env.Clock})
	return &touch{world: w, t: t, u: u, win: win}
}

func zh(m kiosk.Msg, args ...any) string { return kiosk.T(kiosk.ZH, m, args...) }

// flush applies the replies in flight and redraws.
func (s *touch) flush() {
	s.settle()
	s.u.Flush()
}

// tap taps the tile titled title; a tile that is not on screen fails.
func (s *touch) tap(title string) {
	s.t.Helper()
	for _, o := range test.LaidOutObjects(s.win.Content()) {
		if tile, ok := o.(*ui.Tile); ok && tile.Title == title {
			test.Tap(tile)
			s.flush()
			return
		}
	}
	s.t.Fatalf("no tile %q on %v", title, s.m.State().Screen)
}

func (s *touch) keys(typed string) {
	s.t.Helper()
	for _, c := range typed {
		s.tap(string(c))
	}
}

// home goes back to the home screen as the footer's home tile does.
func (s *touch) home() {
	s.t.Helper()
	if s.m.State().Screen != kiosk.ScreenHome {
		s.tap(zh("common.home"))
	}
}

// shows fails unless the window draws text.
func (s *touch) shows(text string) {
	s.t.Helper()
	if !strings.Contains(test.RenderToMarkup(s.win.Canvas()), text) {
		s.t.Fatalf("%v does not show %q", s.m.State().Screen, text)
	}
}

func (s *touch) card(name string) {
	s.t.Helper()
	s.placeCard(name)
	s.u.Flush()
}

// book makes an on-site booking on the touchscreen with the card on the
// virtual reader: the demo matter of queue q, on day, in the first period
// with places left that starts at or after from. It returns the notice the
// kiosk ends on.
func (s *touch) book(card, q, day, from string) kiosk.Notice {
	s.t.Helper()
	mt, ok := s.parts.Store.Matter(context.Background(), s.env.Matter(q))
	if !ok {
		s.t.Fatalf("no matter in queue %s", q)
	}
	s.home()
	s.tap(zh("home.book"))
	s.screen(kiosk.ScreenCardNeeded)
	s.card(card)
	s.tap(mt.Department)
	s.tap(mt.Name)
	s.screen(kiosk.ScreenDays)
	s.tap(day)
	picked := false
	for _, sl := range s.m.State().Slots {
		if sl.Free > 0 && sl.Start >= from {
			s.tap(sl.Start + "–" + sl.End)
			picked = true
			break
		}
	}
	if !picked {
		s.t.Fatalf("no free period from %s on %s: %+v", from, day, s.m.State().Slots)
	}
	s.keys("13912345678")
	s.tap(zh("common.ok"))
	s.tap(zh("book.confirm"))
	s.removeCard()
	return s.m.State().Notice
}

func (s *touch) at(day, hm string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, centertest.Morning.Location())
	must(s.t, err)
	s.env.Clock.Set(t)
	s.sync()
	s.u.Tick()
}

// Booking, cancelling and checking in on the touchscreen, on real parts:
// R6 bookings for the next workday with their slips, an R11 duplicate
// refused with its reason, an R5 cancellation, then the next day an R7
// check-in by booking code (too early, then in the window) and the R12
// lapse of the afternoon booking that was never checked in.
func TestTouchscreenBookingsOnRealParts(t *testing.T) {
	s := newTouch(t, newWorld(t))

	morning := s.book("resident", "A", "2026-12-04", "09:00")
	if morning.Title != "book.done" || len(s.dev.Pages()) != 1 {
		t.Fatalf("booking: %+v, %d pages", morning, len(s.dev.Pages()))
	}
	s.shows(zh("book.done"))
	codeA := morning.Args[0].(string)

	dup := s.book("resident", "A", "2026-12-04", "10:00")
	if dup.Title != "book.refused" || dup.Body != "book.duplicate" {
		t.Fatalf("second booking of the same matter and day: %+v", dup)
	}
	s.shows(zh("book.duplicate"))

	if n := s.book("resident", "B", "2026-12-04", "13:00"); n.Title != "book.done" {
		t.Fatalf("afternoon booking: %+v", n)
	}
	monday := s.book("resident", "C", "2026-12-07", "09:00")
	if monday.Title != "book.done" {
		t.Fatalf("Monday booking: %+v", monday)
	}
	codeC := monday.Args[0].(string)

	// R5: cancelled with the card, at least one day ahead.
	s.home()
	s.tap(zh("home.cancel"))
	s.card("resident")
	s.screen(kiosk.ScreenKeypad)
	s.keys(codeC)
	s.tap(zh("common.ok"))
	s.removeCard()
	if n := s.m.State().Notice; n.Title != "cancel.done" {
		t.Fatalf("cancel: %+v", n)
	}
	s.shows(zh("cancel.done"))
	bs, err := s.env.Engine.BookingsBetween(context.Background(), "2026-12-07", "2026-12-07")
	must(t, err)
	for _, b := range bs {
		if b.Code == codeC && b.Status != api.BookingCancelled {
			t.Fatalf("the center still holds %s as %s", codeC, b.Status)
		}
	}

	// R7 the next morning: before 08:20 the kiosk says when to come back.
	s.at("2026-12-04", "08:00")
	s.home()
	s.tap(zh("home.checkin"))
	s.tap(zh("checkin.bycode"))
	s.keys(codeA)
	s.tap(zh("common.ok"))
	if n := s.m.State().Notice; n.Title != "checkin.early" || n.Args[0] != "08:20" {
		t.Fatalf("early check-in: %+v", n)
	}
	s.shows("08:20")

	// In the window the code gives the priority ticket.
	s.at("2026-12-04", "09:00")
	s.home()
	s.tap(zh("home.checkin"))
	s.tap(zh("checkin.bycode"))
	s.keys(codeA)
	s.tap(zh("common.ok"))
	s.screen(kiosk.ScreenBookings)
	s.tap(zh("checkin.print"))
	s.screen(kiosk.ScreenTicket)
	if tk := s.m.State().Ticket; tk.Kind != api.KindBooked || len(s.dev.Pages()) != 4 {
		t.Fatalf("check-in ticket %+v, %d pages (3 slips and the ticket)", tk, len(s.dev.Pages()))
	}

	// After 16:30 the afternoon booking has lapsed (R12); the card lists
	// the morning one as checked in. Nothing personal beyond the masked
	// name is drawn (G6).
	s.at("2026-12-04", "16:31")
	s.home()
	s.card("resident")
	s.screen(kiosk.ScreenBookings)
	s.shows(zh("checkin.done"))
	s.shows(zh("checkin.late"))
	s.shows("王**")
	if strings.Contains(test.RenderToMarkup(s.win.Canvas()), "王小明") {
		t.Fatal("full name on screen (G6)")
	}
	s.removeCard()
}

// R6 on the touchscreen, on real parts: the day picker offers the next
// five workdays (Friday to Thursday week, the weekend passed over), each
// with its periods from 08:30 to 16:30, so the last period of the fifth day
// can be booked.
func TestTouchscreenBookingDaysOnRealParts(t *testing.T) {
	s := newTouch(t, newWorld(t))
	mt, _ := s.parts.Store.Matter(context.Background(), s.env.Matter("D"))
	s.tap(zh("home.book"))
	s.card("resident")
	s.tap(mt.Department)
	s.tap(mt.Name)
	s.screen(kiosk.ScreenDays)
	want := []string{"2026-12-04", "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10"}
	if got := s.m.State().Days; !slices.Equal(got, want) {
		t.Fatalf("days offered %v, want %v", got, want)
	}
	for _, d := range want {
		s.shows(d)
	}
	s.tap("2026-12-10")
	sl := s.m.State().Slots
	if len(sl) != 13 || sl[0].Start != "08:30" || sl[len(sl)-1].End != "16:30" {
		t.Fatalf("periods of 2026-12-10: %+v", sl)
	}
	s.removeCard()
	if n := s.book("resident", "D", "2026-12-10", "16:00"); n.Title != "book.done" {
		t.Fatalf("booking on the fifth workday: %+v", n)
	}
	bs, err := s.env.Engine.BookingsBetween(context.Background(), "2026-12-10", "2026-12-10")
	must(t, err)
	if len(bs) != 1 || bs[0].Start != "16:00" {
		t.Fatalf("the center holds %+v", bs)
	}
}

// Faults on the touchscreen, on real parts: an expired card on the real
// reader; paper out on the virtual printer (ticket tiles do nothing, the
// banner says where to get help, search works); then the center gone: the
// offline mark, a walk-in ticket from the leased reserve and a cached
// booking checked in (G4), booking refused with the reason.
func TestTouchscreenFaultsOnRealParts(t *testing.T) {
	s := newTouch(t, newWorld(t))
	ctx := context.Background()
	poll := func() {
		st, _ := s.parts.Printer.State(ctx)
		s.m.PrinterChanged(st)
		s.u.Flush()
	}

	s.card("expired")
	if n := s.m.State().Notice; n.Title != "card.expired" {
		t.Fatalf("expired card: %+v", n)
	}
	s.shows(zh("card.expired"))
	s.removeCard()
	s.home()

	s.dev.SetState(printertest.State{PaperEnd: true})
	poll()
	s.shows(zh("printer.out"))
	s.shows(zh("common.help"))
	s.tap(zh("home.walkin"))
	s.tap(zh("home.checkin"))
	s.screen(kiosk.ScreenHome) // both tiles are disabled
	s.tap(zh("home.search"))
	s.screen(kiosk.ScreenSearch)
	s.dev.SetState(printertest.State{})
	poll()

	// A booking for tomorrow, pulled into the ledger the next morning.
	if n := s.book("resident", "A", "2026-12-04", "09:00"); n.Title != "book.done" {
		t.Fatalf("booking: %+v", n)
	}
	s.at("2026-12-04", "09:00")

	s.env.Server.CloseClientConnections()
	s.env.Server.Close()
	if err := s.parts.Syncer.SyncOnce(ctx); err == nil {
		t.Fatal("sync with a closed center succeeded")
	}
	s.u.Tick()
	s.home()
	s.shows(zh("common.offline"))

	mt, _ := s.parts.Store.Matter(ctx, s.env.Matter("A"))
	s.tap(zh("home.walkin"))
	s.tap(mt.Department)
	s.tap(mt.Name)
	s.tap(zh("walkin.take"))
	s.screen(kiosk.ScreenTicket)
	if !s.m.State().Printed || len(s.dev.Pages()) != 2 {
		t.Fatalf("offline walk-in: printed %v, %d pages", s.m.State().Printed, len(s.dev.Pages()))
	}

	s.home()
	s.card("resident")
	s.screen(kiosk.ScreenBookings)
	s.tap(zh("checkin.print"))
	s.screen(kiosk.ScreenTicket)
	if tk := s.m.State().Ticket; tk.Kind != api.KindBooked || len(s.dev.Pages()) != 3 {
		t.Fatalf("offline check-in %+v, %d pages", tk, len(s.dev.Pages()))
	}
	s.removeCard()

	s.home()
	s.tap(zh("home.book"))
	if n := s.m.State().Notice; n.Title != "book.offline" {
		t.Fatalf("offline booking: %+v", n)
	}
	s.shows(zh("book.offline.body"))
}

// No reader configured: the check-in screen says so and the keypad works.
func TestTouchscreenWithoutReaderOnRealParts(t *testing.T) {
	w := newWorldWith(t, func(c *platform.Config) { c.Reader.Port = "" })
	if w.parts.Reader != nil {
		t.Fatal("a reader was opened")
	}
	s := newTouch(t, w)
	s.tap(zh("home.checkin"))
	s.shows(zh("common.reader.no"))
	s.tap(zh("checkin.bycode"))
	s.keys("123456")
	s.tap(zh("common.ok"))
	if n := s.m.State().Notice; n.Title != "checkin.none" {
		t.Fatalf("unknown code: %+v", n)
	}
}

// R9 on the touchscreen: when the half-day's walk-in quota is used up the
// center refuses the ticket, the kiosk says so and offers to book the same
// matter on site.
func TestTouchscreenQuotaOnRealParts(t *testing.T) {
	oneTicket := centertest.WithHall(func(h *api.Hall) {
		for i := range h.Departments {
			if h.Departments[i].QueuePrefix == "A" {
				h.Departments[i].Capacity = 1
			}
		}
	})
	s := newTouch(t, newWorldTB(t, oneTicket))
	mt, _ := s.parts.Store.Matter(context.Background(), s.env.Matter("A"))
	take := func() {
		s.home()
		s.tap(zh("home.walkin"))
		s.tap(mt.Department)
		s.tap(mt.Name)
		s.tap(zh("walkin.take"))
	}
	take()
	s.screen(kiosk.ScreenTicket)
	take()
	if n := s.m.State().Notice; n.Title != "quota.title" || len(s.dev.Pages()) != 1 {
		t.Fatalf("quota: %+v, %d pages", n, len(s.dev.Pages()))
	}
	s.shows(zh("quota.body"))
	s.tap(zh("quota.book"))
	s.screen(kiosk.ScreenCardNeeded)
	if s.m.State().Matter.Code != mt.Code {
		t.Fatalf("booking offered for %q, want the matter %s", s.m.State().Matter.Code, mt.Code)
	}
}

// The maintenance entry on real parts: a 5 s hold on the center's name,
// the PIN checked against its bcrypt hash, then the technician panel with
// the device status, the network, the last log lines, the printer's test
// page on the virtual printer, the reader's last event, and exit.
func TestTechnicianPanelOnRealParts(t *testing.T) {
	w := newWorld(t)
	ring := kioskapp.NewLogRing(20)
	exited := false
	w.parts.Tech.Logs, w.parts.Tech.OnExit = ring, func() { exited = true }
	hash, err := bcrypt.GenerateFromPassword([]byte("2468"), bcrypt.MinCost)
	must(t, err)
	w.m = kiosk.New(w.parts.Ports, w.env.Clock, w.runner, kiosk.Options{PINHash: hash,
		Logger: slog.New(slog.NewTextHandler(ring, nil))})
	s := newTouch(t, w)

	var hold *ui.Hold
	for _, o := range test.LaidOutObjects(s.win.Content()) {
		if h, ok := o.(*ui.Hold); ok {
			hold = h
		}
	}
	hold.MouseDown(nil)
	s.env.Clock.Advance(5 * time.Second)
	s.u.Tick()
	s.screen(kiosk.ScreenKeypad)
	s.keys("1357")
	s.tap(zh("common.ok"))
	s.screen(kiosk.ScreenKeypad) // a wrong PIN opens nothing
	s.keys("2468")
	s.tap(zh("common.ok"))
	s.screen(kiosk.ScreenMaint)
	s.shows(s.env.URL)           // network
	s.shows("pending")           // ledger status
	s.shows("wrong maintenance") // the log ring

	s.tap(zh("maint.printer"))
	if out := s.m.State().MaintOut; !strings.HasPrefix(out, "printer:") || len(s.dev.Pages()) != 1 {
		t.Fatalf("printer self-test %q, %d pages", out, len(s.dev.Pages()))
	}
	s.tap(zh("maint.reader"))
	if out := s.m.State().MaintOut; !strings.HasPrefix(out, "reader: ") ||
		strings.Contains(out, "no event yet") {
		t.Fatalf("reader self-test %q", out)
	}
	s.tap(zh("maint.exit"))
	if !exited {
		t.Fatal("exit did not reach the program")
	}
}
