package kiosk_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"hallkiosk/center/api"
	"hallkiosk/kiosk"
	"hallkiosk/kiosk/kiosktest"
	"hallkiosk/platform/clock"
)

// People and matters of the sample hall used across the tests.
const (
	idAlice   = "310117198001010019"
	idBob     = "31011719850615101X"
	matterA   = "113101170024224311431011700100001" // 企业设立登记（有限责任公司）
	deptA     = "区市场监管局"
	deptPolic = "公安松江分局"
)

var shanghai = time.FixedZone("CST", 8*3600)

type rig struct {
	t   *testing.T
	k   *kiosktest.Kit
	clk *clock.Fake
	m   *kiosk.Machine
}

// newRig starts a machine at hh:mm on Thursday 2026-12-03, a workday.
func newRig(t *testing.T, hhmm string) *rig {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", "2026-12-03 "+hhmm, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	k := kiosktest.NewKit()
	clk := clock.NewFake(at)
	hash, _ := bcrypt.GenerateFromPassword([]byte("2468"), bcrypt.MinCost)
	keys := 0
	m := kiosk.New(k.Ports(), clk, k.Runner, kiosk.Options{PINHash: hash,
		NewKey: func() string { keys++; return "key-" + string(rune('a'+keys)) }})
	return &rig{t: t, k: k, clk: clk, m: m}
}

func (r *rig) settle() { r.k.Runner.Drain() }

func (r *rig) screen(want kiosk.Screen) {
	r.t.Helper()
	if got := r.m.State().Screen; got != want {
		r.t.Fatalf("screen = %v, want %v (notice %q)", got, want, r.m.State().Notice.Title)
	}
}

func (r *rig) notice(title kiosk.Msg) kiosk.Notice {
	r.t.Helper()
	r.screen(kiosk.ScreenNotice)
	n := r.m.State().Notice
	if n.Title != title {
		r.t.Fatalf("notice %q, want %q", n.Title, title)
	}
	return n
}

func (r *rig) walkInTo(dept, matter string) {
	r.t.Helper()
	r.m.StartWalkIn()
	r.screen(kiosk.ScreenDepartments)
	r.m.PickDepartment(dept)
	r.screen(kiosk.ScreenMatters)
	r.m.PickMatter(matter)
	r.screen(kiosk.ScreenConfirm)
}

func (r *rig) booking(code, id, start string) {
	b := kiosk.Booking{Code: code, NameMasked: "张*", Matter: matterA, Queue: "A",
		Day: "2026-12-03", Start: start, End: start, Status: api.BookingBooked}
	r.k.Tickets.AddBooking(b, id)
}

func (r *rig) card(id string) {
	r.m.CardEvent(kiosk.CardEvent{Kind: kiosk.CardPlaced,
		Card: kiosktest.Card{ID: id, Name: "张三"}})
}

func TestWalkInTicket(t *testing.T) {
	r := newRig(t, "09:00")
	r.walkInTo(deptA, matterA)
	r.m.ConfirmTicket()
	r.settle()
	r.screen(kiosk.ScreenTicket)
	st := r.m.State()
	if st.Ticket.Number != "A001" || !st.Printed || st.Printing {
		t.Fatalf("ticket %+v printed=%v", st.Ticket, st.Printed)
	}
	if got := r.k.Printer.Tickets(); !slices.Equal(got, []string{"A001"}) {
		t.Fatalf("printed %v", got)
	}
	// R8: 区市场监管局 is a general department: a 10-minute target.
	if kiosk.WaitTarget(r.k.Catalog.H, st.Matter) != 10 {
		t.Fatal("wait target")
	}
}

// G5: one deliberate tap issues one ticket, however often the citizen taps
// while the center or the printer is slow.
func TestDoubleTapIssuesOneTicket(t *testing.T) {
	for _, slow := range []string{"center", "printer", "none"} {
		t.Run(slow, func(t *testing.T) {
			r := newRig(t, "09:00")
			r.walkInTo(deptA, matterA)
			switch slow {
			case "center":
				r.k.Tickets.Close()
			case "printer":
				r.k.Printer.Close()
			}
			r.m.ConfirmTicket()
			r.m.ConfirmTicket()
			if slow == "none" {
				r.settle()
			}
			for range 5 {
				r.m.ConfirmTicket()
				r.m.Do(kiosk.ActWalkIn)
				r.m.Home()
			}
			r.k.Tickets.Open()
			r.k.Printer.Open()
			r.settle()
			r.m.ConfirmTicket()
			r.settle()
			if r.k.Tickets.Issued != 1 || len(r.k.Printer.Tickets()) != 1 {
				t.Fatalf("issued %d printed %v", r.k.Tickets.Issued, r.k.Printer.Tickets())
			}
		})
	}
}

// A retry with the same key after a lost reply returns the first ticket
// and prints nothing more (G5).
func TestRetriedKeyDoesNotPrintTwice(t *testing.T) {
	r := newRig(t, "09:00")
	r.walkInTo(deptA, matterA)
	r.m.ConfirmTicket()
	r.settle()
	r.m.Back() // ticket screen: back goes home
	r.walkInTo(deptA, matterA)
	r.m.ConfirmTicket()
	r.settle()
	if r.k.Tickets.Issued != 2 {
		t.Fatalf("a new intent must get a new ticket: issued %d", r.k.Tickets.Issued)
	}
	tk, err := r.k.Tickets.IssueWalkIn(t.Context(), "key-c", matterA)
	if err != nil || !tk.Existing {
		t.Fatalf("same key: %+v %v", tk, err)
	}
}

// R9: no walk-in once the quota is used; on-site booking is offered and
// leads, with the card, straight to the days of the same matter.
func TestQuotaOffersBooking(t *testing.T) {
	r := newRig(t, "09:00")
	r.k.Tickets.Quota["A"] = 0
	r.walkInTo(deptA, matterA)
	r.m.ConfirmTicket()
	r.settle()
	n := r.notice("quota.title")
	if n.Actions[0].ID != kiosk.ActBook {
		t.Fatalf("actions %+v", n.Actions)
	}
	r.m.Do(kiosk.ActBook)
	r.screen(kiosk.ScreenCardNeeded)
	r.card(idAlice)
	r.settle()
	r.screen(kiosk.ScreenDays)
	if r.m.State().Matter.Code != matterA {
		t.Fatal("matter lost")
	}
	if len(r.k.Printer.Jobs) != 0 {
		t.Fatal("printed without a ticket")
	}
}

// R1: walk-in-only departments cannot be booked, and say so.
func TestWalkInOnlyDepartmentRefusesBooking(t *testing.T) {
	r := newRig(t, "09:00")
	r.m.StartBook()
	r.card(idAlice)
	r.screen(kiosk.ScreenDepartments)
	r.m.PickDepartment(deptPolic)
	r.notice("book.refused")
	if r.m.State().Notice.Body != "book.walkinonly" {
		t.Fatal(r.m.State().Notice.Body)
	}
}

func TestCheckIn(t *testing.T) {
	tests := []struct {
		name, now, start string
		want             kiosk.Screen
		title            kiosk.Msg
		comeBack         string
	}{
		{"in morning window", "08:20", "09:00", kiosk.ScreenBookings, "", ""},
		{"in afternoon window", "16:30", "14:00", kiosk.ScreenBookings, "", ""},
		{"too early", "07:55", "09:00", kiosk.ScreenNotice, "checkin.early", "08:20"},
		{"lunch for afternoon", "12:10", "14:00", kiosk.ScreenNotice, "checkin.early", "13:00"},
		{"lapsed R12", "11:21", "09:00", kiosk.ScreenNotice, "checkin.late", ""},
		{"lapsed afternoon", "16:31", "13:30", kiosk.ScreenNotice, "checkin.late", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, tc.now)
			r.booking("123456", idAlice, tc.start)
			r.card(idAlice)
			r.settle()
			r.screen(tc.want)
			st := r.m.State()
			if tc.title != "" && st.Notice.Title != tc.title {
				t.Fatalf("notice %q", st.Notice.Title)
			}
			if tc.comeBack != "" && st.Notice.Args[0] != tc.comeBack {
				t.Fatalf("come back %v", st.Notice.Args)
			}
			if tc.want != kiosk.ScreenBookings {
				return
			}
			if st.Rows[0].NameMasked != "张*" || st.Rows[0].MatterName == matterA {
				t.Fatalf("row %+v", st.Rows[0])
			}
			r.m.CheckInBooking("123456")
			r.m.CheckInBooking("123456")
			r.settle()
			r.screen(kiosk.ScreenTicket)
			if got := r.k.Printer.Tickets(); len(got) != 1 || r.m.State().Ticket.Kind != api.KindBooked {
				t.Fatalf("printed %v", got)
			}
		})
	}
}

// A lapsed booking offers a walk-in ticket for the same matter.
func TestLapsedBookingOffersWalkIn(t *testing.T) {
	r := newRig(t, "11:30")
	r.booking("123456", idAlice, "10:00")
	r.card(idAlice)
	r.settle()
	r.notice("checkin.late")
	r.m.Do(kiosk.ActWalkIn)
	r.screen(kiosk.ScreenConfirm)
	r.m.ConfirmTicket()
	r.settle()
	if got := r.k.Printer.Tickets(); !slices.Equal(got, []string{"A001"}) {
		t.Fatal(got)
	}
}

func TestCheckInByKeypad(t *testing.T) {
	tests := []struct {
		name  string
		mode  kiosk.KeypadMode
		typed string
		found bool
	}{
		{"booking code", kiosk.KeypadCode, "654321", true},
		{"ID number with X", kiosk.KeypadID, idBob, true},
		{"lower-case x is not a key", kiosk.KeypadID, "31011719850615101x", false},
		{"wrong check digit", kiosk.KeypadID, "310117198506151011", false},
		{"short code", kiosk.KeypadCode, "6543", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, "09:00")
			r.booking("654321", idBob, "09:30")
			r.m.StartCheckIn()
			r.m.UseKeypad(tc.mode)
			for _, c := range tc.typed {
				r.m.Key(c)
			}
			r.m.Submit()
			r.settle()
			if !tc.found {
				r.screen(kiosk.ScreenKeypad)
				if r.m.State().Input != "" {
					t.Fatal("bad input kept")
				}
				return
			}
			r.screen(kiosk.ScreenBookings)
		})
	}
}

func TestIDKeypadMasksWhileTyping(t *testing.T) {
	r := newRig(t, "09:00")
	r.m.StartCheckIn()
	r.m.UseKeypad(kiosk.KeypadID)
	for _, c := range idBob {
		r.m.Key(c)
	}
	if got := r.m.State().Display(); got != "310117********101X" {
		t.Fatalf("display %q", got)
	}
}

func TestCardProblems(t *testing.T) {
	r := newRig(t, "09:00")
	r.m.CardEvent(kiosk.CardEvent{Kind: kiosk.CardPlaced, Card: kiosktest.Card{ID: idAlice, Name: "张三", Old: true}})
	r.notice("card.expired")
	r.m.Do(kiosk.ActHome)
	r.m.CardEvent(kiosk.CardEvent{Kind: kiosk.CardUnreadable})
	r.notice("card.unreadable")
	r.m.Do(kiosk.ActKeypad)
	r.screen(kiosk.ScreenKeypad)
	r.m.Home()
	r.card(idAlice)
	r.settle()
	r.notice("checkin.none")
}

// Reader absent: the check-in screen still offers the keypads.
func TestReaderLostKeepsKeypad(t *testing.T) {
	r := newRig(t, "09:00")
	r.m.CardEvent(kiosk.CardEvent{Kind: kiosk.ReaderLost})
	if r.m.State().Reader {
		t.Fatal("reader still marked present")
	}
	r.booking("654321", idBob, "09:30")
	r.m.StartCheckIn()
	r.m.UseKeypad(kiosk.KeypadCode)
	for _, c := range "654321" {
		r.m.Key(c)
	}
	r.m.Submit()
	r.settle()
	r.screen(kiosk.ScreenBookings)
}

func TestPrinterStates(t *testing.T) {
	r := newRig(t, "09:00")
	r.m.PrinterChanged(kiosk.PrinterPaperLow)
	r.walkInTo(deptA, matterA) // paper low: tickets continue
	r.m.Home()
	if !slices.Contains(r.k.Link.Reports, "printer=paper low") {
		t.Fatalf("center not told: %v", r.k.Link.Reports)
	}
	for _, s := range []kiosk.PrinterState{kiosk.PrinterPaperOut, kiosk.PrinterCoverOpen, kiosk.PrinterOffline} {
		r.m.PrinterChanged(s)
		r.m.StartWalkIn()
		r.notice(kiosk.PrinterMsg(s))
		r.m.Home()
		r.m.StartSearch() // search still works
		r.screen(kiosk.ScreenSearch)
		r.m.Home()
	}
}

// A fault while printing leaves the issued number on screen.
func TestMisprintShowsNumber(t *testing.T) {
	r := newRig(t, "09:00")
	r.walkInTo(deptA, matterA)
	r.k.Printer.Fail = kiosk.PrinterPaperOut
	r.m.ConfirmTicket()
	r.settle()
	n := r.notice("ticket.misprint")
	if n.Args[0] != "A001" || r.m.State().Printer != kiosk.PrinterPaperOut {
		t.Fatalf("%+v %v", n, r.m.State().Printer)
	}
}

// G4: offline, walk-in tickets and cached check-ins go on; booking says why
// it cannot.
func TestOffline(t *testing.T) {
	r := newRig(t, "09:00")
	r.k.Link.Set(false)
	r.m.Tick()
	if r.m.State().Online {
		t.Fatal("still online")
	}
	r.m.StartBook()
	r.notice("book.offline")
	r.m.Home()
	r.walkInTo(deptA, matterA)
	r.m.ConfirmTicket()
	r.settle()
	r.screen(kiosk.ScreenTicket)
	r.m.Home()
	r.booking("111111", idAlice, "09:00")
	r.card(idAlice)
	r.settle()
	r.screen(kiosk.ScreenBookings)
}

func TestBookOnSite(t *testing.T) {
	r := newRig(t, "09:00")
	r.m.StartBook()
	r.screen(kiosk.ScreenCardNeeded)
	r.card(idAlice)
	r.m.PickDepartment(deptA)
	r.m.PickMatter(matterA)
	r.settle()
	r.screen(kiosk.ScreenDays)
	days := r.m.State().Days
	// R6: workdays only, at least one day ahead: Thu 3 Dec → Fri 4, Mon 7;
	// a working week to choose from.
	if len(days) != 5 || days[0] != "2026-12-04" || days[1] != "2026-12-07" {
		t.Fatalf("days %v", days)
	}
	r.m.PickDay(days[1])
	r.settle()
	r.screen(kiosk.ScreenSlots)
	r.m.PickSlot("13:30") // full
	r.screen(kiosk.ScreenSlots)
	r.m.PickSlot("09:00")
	r.screen(kiosk.ScreenKeypad)
	for _, c := range "1391234" {
		r.m.Key(c)
	}
	r.m.Submit()
	if r.m.State().Hint != "book.phone.bad" {
		t.Fatal("short phone accepted")
	}
	for _, c := range "5678" {
		r.m.Key(c)
	}
	r.m.Submit()
	r.screen(kiosk.ScreenBookConfirm)
	r.m.ConfirmBooking()
	r.m.ConfirmBooking()
	r.settle()
	n := r.notice("book.done")
	if len(r.k.Bookings.Made) != 1 || n.Args[1] != "2026-12-07" {
		t.Fatalf("made %d, %v", len(r.k.Bookings.Made), n.Args)
	}
	if len(r.k.Printer.Jobs) != 1 || r.k.Printer.Jobs[0].Slip == nil {
		t.Fatal("no slip printed")
	}
}

// R11: restricted and duplicate bookings are refused with the reason.
func TestBookingRefusals(t *testing.T) {
	for code, body := range map[string]kiosk.Msg{
		api.ErrCodeRestricted: "book.restricted", api.ErrCodeDuplicate: "book.duplicate",
		api.ErrCodeSlotFull: "book.slotfull"} {
		t.Run(code, func(t *testing.T) {
			r := newRig(t, "09:00")
			r.k.Bookings.Refuse[kiosktest.Hash(idAlice)] = code
			r.m.StartBook()
			r.card(idAlice)
			r.m.PickDepartment(deptA)
			r.m.PickMatter(matterA)
			r.settle()
			r.m.PickDay(r.m.State().Days[0])
			r.settle()
			r.m.PickSlot("09:00")
			for _, c := range "13912345678" {
				r.m.Key(c)
			}
			r.m.Submit()
			r.m.ConfirmBooking()
			r.settle()
			if r.notice("book.refused").Body != body {
				t.Fatal(r.m.State().Notice.Body)
			}
		})
	}
}

// R5: cancel one's own booking at least one day ahead.
func TestCancel(t *testing.T) {
	tests := []struct {
		name, id string
		late     bool
		title    kiosk.Msg
	}{
		{"own booking", idAlice, false, "cancel.done"},
		{"too late", idAlice, true, "cancel.failed"},
		{"someone else's", idBob, false, "cancel.failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, "09:00")
			r.k.Bookings.Cancels["222222"] = kiosktest.Hash(idAlice)
			r.k.Bookings.Late["222222"] = tc.late
			r.m.StartCancel()
			r.card(tc.id)
			r.screen(kiosk.ScreenKeypad)
			for _, c := range "222222" {
				r.m.Key(c)
			}
			r.m.Submit()
			r.settle()
			r.notice(tc.title)
		})
	}
}

// G6: after 60 s without a touch the kiosk goes home and forgets the
// person; the home screen then turns into the attract loop.
func TestIdleReset(t *testing.T) {
	r := newRig(t, "09:00")
	r.booking("123456", idAlice, "09:00")
	r.m.ToggleLang()
	r.card(idAlice)
	r.settle()
	r.screen(kiosk.ScreenBookings)
	r.clk.Advance(59 * time.Second)
	r.m.Tick()
	r.screen(kiosk.ScreenBookings)
	r.clk.Advance(2 * time.Second)
	r.m.Tick()
	r.screen(kiosk.ScreenHome)
	st := r.m.State()
	if st.Rows != nil || st.MaskedName != "" || st.Lang != kiosk.ZH || st.Ticket != nil {
		t.Fatalf("personal data kept: %+v", st)
	}
	r.clk.Advance(91 * time.Second)
	r.m.Tick()
	r.screen(kiosk.ScreenAttract)
	r.m.Touch()
	r.screen(kiosk.ScreenHome)
}

// Home and the notices' home button keep the language and the elderly
// mode of the person still at the kiosk; the idle reset drops them (G6).
func TestHomeKeepsLookIdleDropsIt(t *testing.T) {
	r := newRig(t, "09:00")
	r.m.ToggleLang()
	r.m.ToggleLarge()
	r.walkInTo(deptA, matterA)
	r.m.Home()
	r.m.StartCheckIn()
	r.m.CardEvent(kiosk.CardEvent{Kind: kiosk.CardUnreadable})
	r.m.Wait() // the voice says one prompt after the other; let it catch up
	r.m.Do(kiosk.ActHome)
	if st := r.m.State(); st.Screen != kiosk.ScreenHome || st.Lang != kiosk.EN || !st.Large {
		t.Fatalf("after home: screen %v, lang %v, large %v", st.Screen, st.Lang, st.Large)
	}
	r.m.Wait()
	if said := r.k.Speaker.Said(); said[len(said)-1] != "en:"+kiosk.T(kiosk.EN, "home.checkin.sub") {
		t.Fatalf("home prompt not spoken in elderly mode: %q", said)
	}
	r.clk.Advance(61 * time.Second)
	r.m.StartSearch()
	r.clk.Advance(61 * time.Second)
	r.m.Tick()
	if st := r.m.State(); st.Lang != kiosk.ZH || st.Large {
		t.Fatalf("after the idle reset: lang %v, large %v", st.Lang, st.Large)
	}
}

// A touch anywhere keeps a long read alive.
func TestTouchKeepsSession(t *testing.T) {
	r := newRig(t, "09:00")
	r.m.StartSearch()
	for range 3 {
		r.clk.Advance(50 * time.Second)
		r.m.Touch()
		r.m.Tick()
	}
	r.screen(kiosk.ScreenSearch)
}

func TestSearchAndFeedback(t *testing.T) {
	r := newRig(t, "09:00")
	r.m.StartSearch()
	for _, c := range "qysl" {
		r.m.SearchKey(c)
	}
	hits := r.m.State().Hits
	if len(hits) == 0 || !strings.HasPrefix(hits[0].Name, "企业设立") {
		t.Fatalf("hits %+v", hits)
	}
	r.m.OpenEntry(hits[0].Code)
	r.screen(kiosk.ScreenDetail)
	if e := r.m.State().Entry; len(e.Code) != 33 || e.Maintainer == "" || len(e.FAQ) == 0 {
		t.Fatalf("entry %+v", e)
	}
	r.m.Feedback(true)
	r.m.Feedback(true)
	r.settle()
	if r.m.State().Reply != "detail.thanks" || r.k.Search.Feedback0[hits[0].Code] != 1 {
		t.Fatal("feedback")
	}
	r.m.PrintGuide()
	r.settle()
	if r.m.State().Reply != "detail.printed" || r.k.Printer.Jobs[0].Guide == nil {
		t.Fatal("guide")
	}
	r.m.Back()
	r.m.SearchFilter("区人社局")
	for _, h := range r.m.State().Hits {
		if h.Department != "区人社局" {
			t.Fatalf("filter leaked %+v", h)
		}
	}
}

// K4 offline: feedback given while the center is out of reach is kept for
// the next sync and the citizen is thanked and told so, once per visit to
// the entry; only a failure to keep it says it was not sent.
func TestFeedbackOffline(t *testing.T) {
	r := newRig(t, "09:00")
	r.k.Search.Offline = true
	r.m.StartSearch()
	code := matterA
	r.m.OpenEntry(code)
	r.m.Feedback(false)
	r.settle()
	r.m.Feedback(false)
	r.settle()
	if got := r.m.State().Reply; got != "detail.queued" {
		t.Fatalf("reply %q, want detail.queued", got)
	}
	if r.k.Search.Queued[code] != -1 || len(r.k.Search.Feedback0) != 0 {
		t.Fatalf("queued %v, sent %v: want one vote queued", r.k.Search.Queued,
			r.k.Search.Feedback0)
	}
	if zh := kiosk.T(kiosk.ZH, "detail.queued"); !strings.Contains(zh, "感谢") {
		t.Fatalf("the queued reply %q does not thank the citizen", zh)
	}

	r.m.Back()
	r.k.Search.Fail = errors.New("ledger: disk full")
	r.m.OpenEntry(code)
	r.m.Feedback(true)
	r.settle()
	if got := r.m.State().Reply; got != "detail.unsent" {
		t.Fatalf("reply %q, want detail.unsent", got)
	}
}

func TestMaintenance(t *testing.T) {
	r := newRig(t, "09:00")
	r.m.CornerDown()
	r.clk.Advance(4 * time.Second)
	r.m.Tick()
	r.screen(kiosk.ScreenHome)
	r.clk.Advance(time.Second)
	r.m.Tick()
	r.screen(kiosk.ScreenKeypad)
	for _, c := range "1111" {
		r.m.Key(c)
	}
	r.m.Submit()
	r.settle()
	if r.m.State().Hint != "maint.pin.bad" {
		t.Fatal("wrong PIN accepted")
	}
	for _, c := range "2468" {
		r.m.Key(c)
	}
	r.m.Submit()
	r.settle()
	r.screen(kiosk.ScreenMaint)
	if len(r.m.State().MaintLines) == 0 {
		t.Fatal("no status")
	}
	r.m.MaintSelfTest("printer")
	r.settle()
	if !strings.Contains(r.m.State().MaintOut, "passed") {
		t.Fatal(r.m.State().MaintOut)
	}
	r.m.MaintExit()
	if !r.k.Tech.Exited {
		t.Fatal("no exit")
	}
}

// 适老化: every screen of elderly mode is spoken.
func TestElderlyModeSpeaks(t *testing.T) {
	r := newRig(t, "09:00")
	r.m.ToggleLarge()
	r.m.StartWalkIn()
	r.m.Wait()
	said := r.k.Speaker.Said()
	if len(said) < 2 || said[len(said)-1] != "zh:请选择办理部门" {
		t.Fatalf("said %v", said)
	}
}

// Every journey starts within three taps of home (适老化).
func TestJourneysWithinThreeTaps(t *testing.T) {
	r := newRig(t, "09:00")
	starts := map[kiosk.Screen]func(){
		kiosk.ScreenCheckIn: r.m.StartCheckIn, kiosk.ScreenDepartments: r.m.StartWalkIn,
		kiosk.ScreenSearch: r.m.StartSearch, kiosk.ScreenCardNeeded: r.m.StartBook,
	}
	for want, tap := range starts {
		r.m.Home()
		tap()
		r.screen(want)
	}
	r.m.Home()
	r.m.StartCancel()
	r.screen(kiosk.ScreenCardNeeded)
}

// G8: whatever is typed, the keypad holds only what its mode accepts and
// never more than its length.
func FuzzKeypad(f *testing.F) {
	f.Add(0, "31011719850615101X")
	f.Add(1, "31011719850615101X")
	f.Add(2, "1391234567\x00X漢")
	f.Fuzz(func(t *testing.T, mode int, typed string) {
		r := newRig(t, "09:00")
		r.m.StartCheckIn()
		km := kiosk.KeypadMode(((mode % 4) + 4) % 4)
		r.m.UseKeypad(km)
		for _, c := range typed {
			r.m.Key(c)
		}
		in := r.m.State().Input
		if len(in) > km.MaxLen() || strings.Trim(in, "0123456789X") != "" {
			t.Fatalf("mode %d holds %q", km, in)
		}
		if strings.Contains(in, "X") && (km != kiosk.KeypadID || !strings.HasSuffix(in, "X")) {
			t.Fatalf("X where it does not belong: %q", in)
		}
		r.m.Submit()
		r.settle()
	})
}
