package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/display"
	"hallkiosk/display/screen"
	"hallkiosk/display/stream"
	"hallkiosk/display/voice"
	"hallkiosk/internal/fynetheme"
	"hallkiosk/kiosk"
	"hallkiosk/platform"
	"hallkiosk/printer/printertest"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// windowFor is the first window that serves queue (S1: windows serve
// their department's matters).
func windowFor(t testing.TB, env *centertest.Env, queue string) int {
	t.Helper()
	h := env.Engine.CurrentHall()
	for w := 1; w <= 100; w++ {
		if slices.Contains(h.WindowQueues(w), queue) {
			return w
		}
	}
	t.Fatalf("no window serves queue %s", queue)
	return 0
}

var staffKey int

// callNext is the staff's "call next" on the engine the console drives.
func callNext(t testing.TB, env *centertest.Env, window int) api.Ticket {
	t.Helper()
	staffKey++
	tk, err := env.Engine.CallNext(context.Background(), window,
		fmt.Sprintf("e2e-call-%06d", staffKey))
	must(t, err)
	return tk
}

func centerTicket(t testing.TB, env *centertest.Env, id string) api.Ticket {
	t.Helper()
	tk, err := env.Engine.Ticket(context.Background(), id)
	must(t, err)
	return tk
}

// hallDisplay is a display on real parts: the stream client following the
// center, the controller holding the display's state, the hall screen drawn
// on fyne's test canvas (the fyne objects the real window shows), and the
// voice announcing into WAV files.
type hallDisplay struct {
	ctrl *display.Controller
	// fyne's test driver runs fyne.DoAndWait on the caller's goroutine
	// rather than on one UI thread, so drawMu stands in for that thread.
	drawMu sync.Mutex
	scr    *screen.Screen
	voices string
}

func startDisplay(t *testing.T, env *centertest.Env) *hallDisplay {
	t.Helper()
	d := &hallDisplay{voices: t.TempDir()}
	o := voice.Options{Sink: &voice.FileSink{Dir: d.voices}, Log: quiet}
	if es, err := voice.FindEspeak(); err == nil {
		o.Engine = es
	} else {
		t.Logf("no espeak-ng (%v): only the chime is written", err)
	}
	ann := voice.New(o)
	d.scr = newHallScreen(t)
	d.ctrl = display.NewController(display.Cache{}, display.ControllerOptions{
		Announce: ann.Enqueue, Clock: env.Clock, Log: quiet,
		View: func(st display.State) {
			d.drawMu.Lock()
			defer d.drawMu.Unlock()
			fyne.DoAndWait(func() { d.scr.Show(st, env.Clock.Now()) })
		}})
	token := env.Enrol(api.RoleDisplay, "display-e2e").Token
	c := stream.New(stream.Options{URL: env.URL, Token: token, Log: quiet,
		MinBackoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}, 0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { c.Run(ctx, d.ctrl); done <- struct{}{} }()
	go func() { ann.Run(ctx); done <- struct{}{} }()
	t.Cleanup(func() { cancel(); <-done; <-done })
	waitFor(t, "the display's link to go live", func() bool {
		return d.ctrl.State().Link == display.LinkLive
	})
	return d
}

// newHallScreen is the display's fyne screen in a 1920x1080 test window
// with the hall's CJK theme.
func newHallScreen(t *testing.T) *screen.Screen {
	t.Helper()
	a := test.NewTempApp(t)
	font, err := platform.FindCJKFont("")
	if err != nil {
		t.Skipf("no CJK font on this machine (make deps installs one): %v", err)
	}
	th, err := fynetheme.Load(font, fynetheme.Options{Scale: 1})
	must(t, err)
	a.Settings().SetTheme(th)
	scr := screen.New(screen.Options{})
	w := test.NewTempWindow(t, scr.Object())
	w.Resize(fyne.NewSize(1920, 1080))
	return scr
}

// drawn is every text the screen draws, in tree order, one per line.
func (d *hallDisplay) drawn() string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *canvas.Text:
			if v.Visible() {
				b.WriteString(v.Text + "\n")
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	d.drawMu.Lock()
	defer d.drawMu.Unlock()
	fyne.DoAndWait(func() { walk(d.scr.Object()) })
	return b.String()
}

// waitFor polls cond every few milliseconds for at most 20 s: the parts
// run on their own goroutines, and nothing here is timed.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for range 2000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// clips lists the voice files whose name mentions number.
func (d *hallDisplay) clips(number string) []string {
	ents, _ := os.ReadDir(d.voices)
	var out []string
	for _, e := range ents {
		if strings.Contains(e.Name(), "-"+number+"-") && strings.HasSuffix(e.Name(), ".wav") {
			out = append(out, e.Name())
		}
	}
	return out
}

// Journey a: a walk-in ticket taken at the kiosk is in the center's queue
// as the staff console shows it, the clerk calls it from the console, and
// the hall display shows it and speaks it (WAV files for that number: the
// voice says each call twice).
func TestWalkInTicketIsQueuedCalledShownAndSpoken(t *testing.T) {
	w := newWorld(t)
	disp := startDisplay(t, w.env)
	ctx := context.Background()

	tk := w.walkIn("A")
	if !strings.Contains(w.lastPage(), tk.Number) {
		t.Fatalf("printed page lacks %s:\n%s", tk.Number, w.lastPage())
	}

	// What the console shows: the queue's waiting count and the ticket.
	snap, err := w.env.Engine.Snapshot(ctx)
	must(t, err)
	if snap.Waiting["A"] != 1 {
		t.Fatalf("console waiting %v, want A:1", snap.Waiting)
	}
	if st := centerTicket(t, w.env, tk.ID); st.Number != tk.Number || st.Status != api.TicketWaiting {
		t.Fatalf("center has %+v for kiosk ticket %+v", st, tk)
	}
	// The hall screen counts it as waiting (the stream's issued event).
	waitFor(t, "the display to count the ticket as waiting", func() bool {
		return disp.ctrl.State().Waiting["A"] == 1
	})

	// The window's console page lists it; the clerk presses "call next".
	win := windowFor(t, w.env, "A")
	clerk := startConsole(t, w.env, win)
	if list := clerk.waiting(); !strings.Contains(list, tk.Number) {
		t.Fatalf("the console's waiting list lacks %s:\n%s", tk.Number, list)
	}
	clerk.callNext()
	if st := centerTicket(t, w.env, tk.ID); st.Status != api.TicketCalled {
		t.Fatalf("after call next the ticket is %s", st.Status)
	}
	waitFor(t, "the display to show the call", func() bool {
		n, ok := disp.ctrl.State().Newest()
		return ok && n.Number == tk.Number && n.Window == win && disp.ctrl.State().Waiting["A"] == 0
	})
	// Drawn on the hall screen, in both languages.
	line := display.CallText(display.Call{Number: tk.Number, Window: win})
	waitFor(t, "the hall screen to draw the call", func() bool {
		txt := disp.drawn()
		return strings.Contains(txt, line.ZH) && strings.Contains(txt, line.EN)
	})
	want := 1
	if _, err := voice.FindEspeak(); err == nil {
		want = 2 // the voice says each call twice
	}
	waitFor(t, "the voice files of "+tk.Number, func() bool {
		return len(disp.clips(tk.Number)) >= want
	})
	clip := filepath.Join(disp.voices, disp.clips(tk.Number)[0])
	if fi, err := os.Stat(clip); err != nil || fi.Size() < 1000 {
		t.Fatalf("voice clip %s: %v, %v", clip, fi, err)
	}
	t.Logf("ticket %s at window %d; voice clips %v", tk.Number, win, disp.clips(tk.Number))
}

// Journey b: a booking made on site the day before is checked in the next
// morning with the ID card on the virtual reader (R7, pick-up window),
// printed as a priority ticket, and called before a walk-in ticket that
// was issued earlier (R10: booked tickets are called before walk-ins).
func TestBookingCheckedInByCardIsCalledBeforeEarlierWalkIn(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()

	// The day before: book on site with the card (R3, R6: next workday).
	code := w.env.Matter("A")
	mt, _ := w.parts.Store.Matter(ctx, code)
	w.m.Home()
	w.m.StartBook()
	w.screen(kiosk.ScreenCardNeeded)
	w.placeCard("resident")
	w.m.PickDepartment(mt.Department)
	w.m.PickMatter(code)
	w.settle()
	w.screen(kiosk.ScreenDays)
	w.m.PickDay(w.m.State().Days[0])
	w.settle()
	w.screen(kiosk.ScreenSlots)
	w.m.PickSlot(w.m.State().Slots[0].Start)
	for _, c := range "13912345678" {
		w.m.Key(c)
	}
	w.m.Submit()
	w.m.ConfirmBooking()
	w.settle()
	if w.m.State().Notice.Title != "book.done" {
		t.Fatalf("booking: %+v", w.m.State().Notice)
	}
	w.removeCard()

	// The next morning: a walk-in comes first, then the booked citizen.
	w.env.Clock.Set(time.Date(2026, 12, 4, 9, 0, 0, 0, centertest.Morning.Location()))
	w.sync()
	walk := w.walkIn("A")
	w.env.Clock.Advance(5 * time.Minute)
	w.m.Home()
	w.placeCard("resident")
	w.screen(kiosk.ScreenBookings)
	row := w.m.State().Rows[0]
	w.m.CheckInBooking(row.Code)
	w.settle()
	w.screen(kiosk.ScreenTicket)
	booked := *w.m.State().Ticket
	if booked.Kind != api.KindBooked || !strings.Contains(w.lastPage(), booked.Number) {
		t.Fatalf("check-in: %+v, page:\n%s", booked, w.lastPage())
	}
	w.removeCard()

	win := windowFor(t, w.env, booked.Queue)
	first, second := callNext(t, w.env, win), callNext(t, w.env, win)
	if first.ID != booked.ID || second.ID != walk.ID {
		t.Fatalf("called %s then %s; want booked %s before walk-in %s (R10)",
			first.Number, second.Number, booked.Number, walk.Number)
	}
	t.Logf("walk-in %s issued first, booked %s called first", walk.Number, booked.Number)
}

// Journey c: a called ticket whose holder is absent is marked missed; the
// group leader reinstates it within 10 minutes, and after 10 minutes the
// center refuses (R13: after 10 minutes the citizen takes a new ticket).
func TestMissedCallReinstatedWithinTenMinutesRefusedAfter(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	tk := w.walkIn("A")
	win := windowFor(t, w.env, "A")
	eng := w.env.Engine

	miss := func(key string) {
		t.Helper()
		if c := callNext(t, w.env, win); c.ID != tk.ID {
			t.Fatalf("called %s, want %s", c.Number, tk.Number)
		}
		_, err := eng.Missed(ctx, tk.ID, key)
		must(t, err)
	}
	miss("e2e-miss-1")
	w.env.Clock.Advance(9*time.Minute + 59*time.Second)
	if _, err := eng.Reinstate(ctx, tk.ID, "e2e-back-1"); err != nil {
		t.Fatalf("reinstate within 10 min: %v", err)
	}
	if st := centerTicket(t, w.env, tk.ID); st.Status != api.TicketWaiting {
		t.Fatalf("reinstated ticket is %s", st.Status)
	}

	miss("e2e-miss-2")
	w.env.Clock.Advance(10*time.Minute + time.Second)
	_, err := eng.Reinstate(ctx, tk.ID, "e2e-back-2")
	r, ok := center.AsRefusal(err)
	if !ok || r.Err.Code != api.ErrCodeReinstate {
		t.Fatalf("reinstate after 10 min: %v, want %s", err, api.ErrCodeReinstate)
	}
	if st := centerTicket(t, w.env, tk.ID); st.Status != api.TicketMissed {
		t.Fatalf("refused ticket is %s", st.Status)
	}
}

// Journey e: the virtual printer runs out of paper; the kiosk, told by the
// real driver's status poll, stops offering tickets (search goes on);
// paper back, tickets resume and print.
func TestPaperOutDisablesTicketsUntilPaperIsBack(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	poll := func() kiosk.PrinterState {
		st, _ := w.parts.Printer.State(ctx)
		w.m.PrinterChanged(st)
		return st
	}

	w.dev.SetState(printertest.State{PaperEnd: true})
	if st := poll(); st != kiosk.PrinterPaperOut {
		t.Fatalf("printer state %v, want paper out", st)
	}
	w.m.Home()
	w.m.StartWalkIn()
	if w.m.State().Screen == kiosk.ScreenDepartments {
		t.Fatal("walk-in offered with the paper out")
	}
	w.m.Home()
	w.m.StartSearch()
	w.screen(kiosk.ScreenSearch)
	pages := len(w.dev.Pages())

	w.dev.SetState(printertest.State{})
	if st := poll(); st != kiosk.PrinterOK {
		t.Fatalf("printer state %v after paper back", st)
	}
	tk := w.walkIn("A")
	if len(w.dev.Pages()) != pages+1 || !strings.Contains(w.lastPage(), tk.Number) {
		t.Fatalf("no ticket page after paper back: %d pages", len(w.dev.Pages()))
	}
}
