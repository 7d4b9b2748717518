package ui_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/crypto/bcrypt"

	"hallkiosk/center/api"
	"hallkiosk/internal/fynetheme"
	"hallkiosk/kiosk"
	"hallkiosk/kiosk/kiosktest"
	"hallkiosk/kiosk/ui"
	"hallkiosk/platform"
	"hallkiosk/platform/clock"
)

var update = flag.Bool("update", false, "rewrite the markup goldens")

const (
	idAlice = "310117198001010019"
	matterA = "113101170024224311431011700100001"
)

type rig struct {
	t   *testing.T
	k   *kiosktest.Kit
	clk *clock.Fake
	m   *kiosk.Machine
	u   *ui.UI
	w   fyne.Window
}

func newRig(t *testing.T, portrait bool) *rig {
	t.Helper()
	font, err := platform.FindCJKFont("")
	if err != nil {
		t.Skip("no CJK font:", err)
	}
	th, err := fynetheme.Load(font, fynetheme.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	size := fyne.NewSize(1920, 1080)
	if portrait {
		size = fyne.NewSize(1080, 1920)
	}
	w.Resize(size)
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	clk := clock.NewFake(at)
	k := kiosktest.NewKit()
	hash, _ := bcrypt.GenerateFromPassword([]byte("2468"), bcrypt.MinCost)
	m := kiosk.New(k.Ports(), clk, k.Runner, kiosk.Options{PINHash: hash})
	u := ui.New(a, w, m, ui.Options{Theme: th, Portrait: portrait, Clock: clk})
	w.Resize(size)
	return &rig{t: t, k: k, clk: clk, m: m, u: u, w: w}
}

func (r *rig) settle() {
	r.k.Runner.Drain()
	r.u.Flush()
}

// tiles returns the tiles on screen whose title is s.
func (r *rig) tiles(s string) []*ui.Tile {
	var out []*ui.Tile
	for _, o := range test.LaidOutObjects(r.w.Content()) {
		if t, ok := o.(*ui.Tile); ok && t.Title == s {
			out = append(out, t)
		}
	}
	return out
}

// tap taps the tile titled s.
func (r *rig) tap(s string) {
	r.t.Helper()
	ts := r.tiles(s)
	if len(ts) == 0 {
		r.t.Fatalf("no tile %q on %v", s, r.m.State().Screen)
	}
	test.Tap(ts[0])
}

func (r *rig) typeKeys(s string) {
	for _, c := range s {
		r.tap(string(c))
	}
}

func (r *rig) screen(want kiosk.Screen) {
	r.t.Helper()
	if got := r.m.State().Screen; got != want {
		r.t.Fatalf("screen %v, want %v (%q)", got, want, r.m.State().Notice.Title)
	}
}

// golden compares the window with testdata/markup/name.xml.
func (r *rig) golden(name string) {
	r.t.Helper()
	path := filepath.Join("markup", name+".xml")
	if *update {
		full := filepath.Join("testdata", path)
		_ = os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(test.RenderToMarkup(r.w.Canvas())), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
	test.AssertRendersToMarkup(r.t, path, r.w.Canvas())
}

func (r *rig) rendered() string { return test.RenderToMarkup(r.w.Canvas()) }

func (r *rig) card(id string) {
	r.m.CardEvent(kiosk.CardEvent{Kind: kiosk.CardPlaced, Card: kiosktest.Card{ID: id, Name: "张三"}})
	r.settle()
}

func (r *rig) booking(code, start string) {
	r.k.Tickets.AddBooking(kiosk.Booking{Code: code, NameMasked: "张*", Matter: matterA,
		Queue: "A", Day: "2026-12-03", Start: start, End: "09:30", Status: api.BookingBooked}, idAlice)
}

func TestWalkInJourney(t *testing.T) {
	r := newRig(t, true)
	r.golden("home")
	r.tap("现场取号")
	r.golden("departments")
	r.tap("区市场监管局")
	r.golden("matters")
	r.tap("企业设立登记（有限责任公司）")
	r.golden("confirm")
	r.k.Printer.Close() // hold the print to see the "printing" screen
	r.tap("取号")
	if !r.k.Runner.Next() { // the ticket is issued; its print is held
		t.Fatal("no reply from the ledger")
	}
	r.u.Flush()
	r.screen(kiosk.ScreenTicket)
	r.golden("ticket-printing")
	r.k.Printer.Open()
	r.settle()
	r.golden("ticket")
	if got := r.k.Printer.Tickets(); len(got) != 1 || got[0] != "A001" {
		t.Fatal(got)
	}
}

// G5 through the touchscreen: a double tap and taps while printing print
// one ticket.
func TestDoubleTap(t *testing.T) {
	r := newRig(t, true)
	r.tap("现场取号")
	r.tap("区市场监管局")
	r.tap("企业设立登记（有限责任公司）")
	r.k.Tickets.Close()
	take := r.tiles("取号")[0]
	test.Tap(take)
	test.Tap(take)
	r.k.Tickets.Open()
	r.settle()
	test.Tap(take) // a stale tile from the old screen
	r.settle()
	if r.k.Tickets.Issued != 1 || len(r.k.Printer.Tickets()) != 1 {
		t.Fatalf("issued %d printed %v", r.k.Tickets.Issued, r.k.Printer.Tickets())
	}
}

func TestCheckInJourney(t *testing.T) {
	r := newRig(t, true)
	r.booking("123456", "09:00")
	r.tap("预约签到")
	r.golden("checkin")
	r.tap("输入预约码")
	r.typeKeys("123456")
	r.golden("keypad-code")
	r.tap("确定")
	r.settle()
	r.screen(kiosk.ScreenBookings)
	r.golden("bookings")
	if !strings.Contains(r.rendered(), "张*") {
		t.Fatal("masked name not shown")
	}
	r.tap("签到取号")
	r.settle()
	r.screen(kiosk.ScreenTicket)
	r.golden("ticket-booked")
}

func TestIDKeypadHasX(t *testing.T) {
	r := newRig(t, true)
	r.tap("预约签到")
	r.tap("输入身份证号")
	if len(r.tiles("X")) != 1 {
		t.Fatal("no X key")
	}
	r.typeKeys("31011719850615101X")
	r.golden("keypad-id")
	if strings.Contains(r.rendered(), "19850615") {
		t.Fatal("birth date shown in full (G6)")
	}
}

// G6 through the touchscreen: 60 s without a touch goes home and nothing
// personal stays on screen.
func TestIdleReset(t *testing.T) {
	r := newRig(t, true)
	r.booking("123456", "09:00")
	r.card(idAlice)
	r.screen(kiosk.ScreenBookings)
	r.clk.Advance(61 * time.Second)
	r.u.Tick()
	r.screen(kiosk.ScreenHome)
	if strings.Contains(r.rendered(), "张*") {
		t.Fatal("name left on screen")
	}
	r.clk.Advance(91 * time.Second)
	r.u.Tick()
	r.golden("attract")
	test.Tap(r.w.Content().(fyne.Tappable))
	r.screen(kiosk.ScreenHome)
}

func TestErrorStates(t *testing.T) {
	tests := []struct {
		name  string
		setup func(r *rig)
	}{
		{"notice-expired", func(r *rig) {
			r.m.CardEvent(kiosk.CardEvent{Kind: kiosk.CardPlaced,
				Card: kiosktest.Card{ID: idAlice, Name: "张三", Old: true}})
		}},
		{"notice-unreadable", func(r *rig) { r.m.CardEvent(kiosk.CardEvent{Kind: kiosk.CardUnreadable}) }},
		{"notice-early", func(r *rig) { r.booking("123456", "14:00"); r.card(idAlice) }},
		{"notice-lapsed", func(r *rig) {
			r.booking("123456", "08:30")
			r.clk.Advance(2*time.Hour + 30*time.Minute)
			r.card(idAlice)
		}},
		{"notice-quota", func(r *rig) {
			r.k.Tickets.Quota["A"] = 0
			r.tap("现场取号")
			r.tap("区市场监管局")
			r.tap("企业设立登记（有限责任公司）")
			r.tap("取号")
		}},
		{"notice-walkinonly", func(r *rig) {
			r.tap("现场预约")
			r.card(idAlice)
			r.tap("公安松江分局")
		}},
		{"home-paperlow", func(r *rig) { r.m.PrinterChanged(kiosk.PrinterPaperLow) }},
		{"home-paperout", func(r *rig) { r.m.PrinterChanged(kiosk.PrinterPaperOut) }},
		{"home-coveropen", func(r *rig) { r.m.PrinterChanged(kiosk.PrinterCoverOpen) }},
		{"home-offline", func(r *rig) { r.k.Link.Set(false); r.u.Tick() }},
		{"notice-bookoffline", func(r *rig) { r.k.Link.Set(false); r.u.Tick(); r.tap("现场预约") }},
		{"checkin-noreader", func(r *rig) {
			r.m.CardEvent(kiosk.CardEvent{Kind: kiosk.ReaderLost})
			r.tap("预约签到")
		}},
		{"notice-misprint", func(r *rig) {
			r.tap("现场取号")
			r.tap("区市场监管局")
			r.tap("企业设立登记（有限责任公司）")
			r.k.Printer.Fail = kiosk.PrinterCoverOpen
			r.tap("取号")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, true)
			tc.setup(r)
			r.settle()
			r.golden(tc.name)
			// One way home on screen, not the notice's and the footer's.
			if n := len(r.tiles("返回首页")); n != 1 && r.m.State().Screen == kiosk.ScreenNotice {
				t.Errorf("%d tiles 返回首页 on the notice", n)
			}
		})
	}
}

// Paper out disables the ticket actions; search stays.
func TestPaperOutDisablesTickets(t *testing.T) {
	r := newRig(t, true)
	r.m.PrinterChanged(kiosk.PrinterPaperOut)
	r.u.Flush()
	r.tap("现场取号")
	r.screen(kiosk.ScreenHome)
	r.tap("办事指南查询")
	r.screen(kiosk.ScreenSearch)
}

func TestBookingJourney(t *testing.T) {
	r := newRig(t, true)
	r.tap("现场预约")
	r.golden("card-needed")
	r.card(idAlice)
	r.tap("区市场监管局")
	r.tap("企业设立登记（有限责任公司）")
	r.settle()
	r.golden("days")
	r.tap("2026-12-04")
	r.settle()
	r.golden("slots")
	r.tap("09:00–09:30")
	r.typeKeys("13912345678")
	r.tap("确定")
	r.golden("book-confirm")
	r.tap("确认预约")
	r.settle()
	r.golden("book-done")
	if len(r.k.Bookings.Made) != 1 || len(r.k.Printer.Jobs) != 1 {
		t.Fatal("not booked or no slip")
	}
}

func TestSearchJourney(t *testing.T) {
	r := newRig(t, true)
	r.tap("办事指南查询")
	r.golden("search-empty")
	r.typeKeys("QY")
	r.golden("search")
	hits := r.m.State().Hits
	if len(hits) == 0 {
		t.Fatal("no hits")
	}
	r.m.OpenEntry(hits[0].Code)
	r.u.Flush()
	r.golden("detail")
	r.tap("有帮助")
	r.settle()
	r.tap("打印指南")
	r.settle()
	if r.k.Search.Feedback0[hits[0].Code] != 1 || len(r.k.Printer.Jobs) != 1 {
		t.Fatal("feedback or print missing")
	}
}

func TestLanguageAndLargeText(t *testing.T) {
	r := newRig(t, true)
	r.tap("English")
	r.golden("home-en")
	r.tap("Large text")
	r.golden("home-large")
	r.m.Wait()
	if len(r.k.Speaker.Said()) == 0 {
		t.Fatal("nothing spoken in elderly mode")
	}
}

func TestLandscape(t *testing.T) {
	r := newRig(t, false)
	r.golden("landscape-home")
	r.tap("现场取号")
	r.golden("landscape-departments")
}

func TestMaintenancePanel(t *testing.T) {
	r := newRig(t, true)
	var hold *ui.Hold
	for _, o := range test.LaidOutObjects(r.w.Content()) {
		if h, ok := o.(*ui.Hold); ok {
			hold = h
		}
	}
	hold.MouseDown(nil)
	r.clk.Advance(5 * time.Second)
	r.u.Tick()
	r.screen(kiosk.ScreenKeypad)
	r.typeKeys("2468")
	r.tap("确定")
	r.settle()
	r.screen(kiosk.ScreenMaint)
	r.golden("maint")

	// The status lines follow the panel's buttons with no empty line
	// between (a self-test's outcome goes there only once there is one).
	buttons := r.tiles("打印机自检")[0]
	bottom := fyne.CurrentApp().Driver().AbsolutePositionForObject(buttons).Y + buttons.Size().Height
	for _, o := range test.LaidOutObjects(r.w.Content()) {
		if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, "printer") {
			top := fyne.CurrentApp().Driver().AbsolutePositionForObject(l).Y
			if gap := top - bottom; gap > 2*theme.Padding() {
				t.Errorf("%.0f px between the buttons and the status lines", gap)
			}
			return
		}
	}
	t.Fatal("no status lines on the panel")
}

func TestCancelJourney(t *testing.T) {
	r := newRig(t, true)
	r.k.Bookings.Cancels["222222"] = kiosktest.Hash(idAlice)
	r.tap("取消预约")
	r.card(idAlice)
	r.screen(kiosk.ScreenKeypad)
	r.typeKeys("222222")
	r.golden("keypad-cancel")
	r.tap("确定")
	r.settle()
	r.golden("cancel-done")
	if _, left := r.k.Bookings.Cancels["222222"]; left {
		t.Fatal("not cancelled")
	}
}

func TestPhoneKeypad(t *testing.T) {
	r := newRig(t, true)
	r.tap("现场预约")
	r.card(idAlice)
	r.tap("区市场监管局")
	r.tap("企业设立登记（有限责任公司）")
	r.settle()
	r.tap("2026-12-04")
	r.settle()
	r.tap("09:00–09:30")
	r.typeKeys("1391234")
	r.tap("确定")
	r.golden("keypad-phone-bad")
}
