package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/center/api"
	"hallkiosk/kiosk"
)

func (u *UI) body(st kiosk.State) fyne.CanvasObject {
	switch st.Screen {
	case kiosk.ScreenHome:
		return u.home(st)
	case kiosk.ScreenCheckIn:
		return u.checkIn(st, "checkin.card", true)
	case kiosk.ScreenCardNeeded:
		return u.checkIn(st, "card.needed.body", false)
	case kiosk.ScreenKeypad:
		return u.keypad(st)
	case kiosk.ScreenBookings:
		return u.bookings(st)
	case kiosk.ScreenDepartments:
		return u.departments(st)
	case kiosk.ScreenMatters:
		return u.matters(st)
	case kiosk.ScreenConfirm:
		return u.confirm(st)
	case kiosk.ScreenTicket:
		return u.ticket(st)
	case kiosk.ScreenNotice:
		return u.notice(st)
	case kiosk.ScreenDays:
		return u.days(st)
	case kiosk.ScreenSlots:
		return u.slots(st)
	case kiosk.ScreenBookConfirm:
		return u.bookConfirm(st)
	case kiosk.ScreenSearch:
		return u.search(st)
	case kiosk.ScreenDetail:
		return u.detail(st)
	case kiosk.ScreenMaint:
		return u.maint(st)
	}
	return widget.NewLabel(st.Screen.String())
}

// header: center name (the technician's hold corner), date and time, the
// offline mark, and the language and large-text switches.
func (u *UI) header(st kiosk.State) fyne.CanvasObject {
	// Not bold: the CJK font has no bold face, and a bold style would
	// make fyne parse the font a second time (about 25 MB, T6).
	name := text(u.centerName(), 1.3, fg())
	hold := NewHold(name, u.act(u.m.CornerDown), u.act(u.m.CornerUp))
	u.clock = text(u.now(), 1, fg())
	right := container.NewHBox()
	if !st.Online {
		off := text("● "+u.t("common.offline"), 1, warn())
		right.Add(container.NewCenter(off))
	}
	right.Add(u.smallTile(u.t("home.lang"), u.m.ToggleLang))
	large := "home.large"
	if st.Large {
		large = "home.large.off"
	}
	right.Add(u.smallTile(u.t(kiosk.Msg(large)), u.m.ToggleLarge))
	left := container.NewVBox(hold, u.clock)
	return container.NewPadded(container.NewBorder(nil, nil, left, right))
}

func (u *UI) smallTile(s string, tap func()) *Tile {
	t := NewTile(s, "", u.act(tap))
	t.Scale, t.MinH = 1, 2.4
	return t
}

// banner shows a printer fault (tickets paused, where to get help) or a
// missing reader.
func (u *UI) banner(st kiosk.State) fyne.CanvasObject {
	msg := kiosk.PrinterMsg(st.Printer)
	if msg == "" {
		return nil
	}
	s := u.t(msg)
	if !st.Printer.CanPrint() {
		s += " · " + u.t("common.help")
	}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameWarning))
	// Dark text on the orange: white on it reads at about 2:1.
	line := widget.NewRichText(&widget.TextSegment{Text: s, Style: widget.RichTextStyle{
		SizeName: theme.SizeNameSubHeadingText, ColorName: theme.ColorNameForegroundOnWarning}})
	line.Wrapping = fyne.TextWrapWord
	return container.NewStack(bg, container.NewPadded(line))
}

func (u *UI) footer(st kiosk.State) fyne.CanvasObject {
	busy := container.NewCenter(text(u.t("common.busy"), 1, accent()))
	if st.Screen == kiosk.ScreenNotice && leadsHome(st.Notice) {
		// The notice's own tiles lead home (and back from a notice is home
		// too): a footer would only say it twice.
		if st.Busy {
			return busy
		}
		return nil
	}
	home := u.smallTile(u.t("common.home"), u.m.Home)
	if st.Busy {
		return container.NewBorder(nil, nil, nil, home, busy)
	}
	back := u.smallTile(u.t("common.back"), u.m.Back)
	return container.NewGridWithColumns(2, back, home)
}

// leadsHome says whether one of the notice's actions goes home.
func leadsHome(n kiosk.Notice) bool {
	for _, a := range n.Actions {
		if a.ID == kiosk.ActHome {
			return true
		}
	}
	return false
}

func (u *UI) attract() fyne.CanvasObject {
	st := u.m.State()
	title := text(u.t("attract.title"), 4, accent())
	title.Alignment = fyne.TextAlignCenter
	name := text(u.centerName(), 2, fg())
	name.Alignment = fyne.TextAlignCenter
	touch := text(u.t("attract.touch"), 1.6, fg())
	touch.Alignment = fyne.TextAlignCenter
	u.clock = text(u.now(), 1.4, fg())
	u.clock.Alignment = fyne.TextAlignCenter
	_ = st
	box := container.NewVBox(layout.NewSpacer(), name, title, u.clock, layout.NewSpacer(), touch,
		layout.NewSpacer())
	return NewTouchpad(box, u.act(u.m.Touch))
}

func (u *UI) home(st kiosk.State) fyne.CanvasObject {
	canTicket := st.Printer.CanPrint()
	checkIn := NewTile(u.t("home.checkin"), u.t("home.checkin.sub"), u.act(u.m.StartCheckIn))
	walkIn := NewTile(u.t("home.walkin"), u.t("home.walkin.sub"), u.act(u.m.StartWalkIn))
	search := NewTile(u.t("home.search"), u.t("home.search.sub"), u.act(u.m.StartSearch))
	checkIn.Accent, walkIn.Accent = true, true
	checkIn.Disabled, walkIn.Disabled = !canTicket, !canTicket
	for _, t := range []*Tile{checkIn, walkIn, search} {
		t.Scale, t.MinH = 2.4, 7
	}
	bookSub := ""
	if !st.Online {
		bookSub = u.t("book.offline")
	}
	book := NewTile(u.t("home.book"), bookSub, u.act(u.m.StartBook))
	cancel := NewTile(u.t("home.cancel"), bookSub, u.act(u.m.StartCancel))
	second := container.NewGridWithColumns(2, book, cancel)
	main := container.NewGridWithColumns(u.cols(1, 3), checkIn, walkIn, search)
	return container.NewBorder(nil, second, nil, nil, main)
}

// cardPicture shows where the card goes: a card over the reader slab.
func cardPicture(label string) fyne.CanvasObject {
	size := theme.Size(theme.SizeNameText)
	card := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	card.CornerRadius = size / 2
	card.SetMinSize(fyne.NewSize(size*30, size*19))
	cardText := text(label, 1.4, theme.Color(theme.ColorNameForegroundOnPrimary))
	photo := canvas.NewRectangle(theme.Color(theme.ColorNameForegroundOnPrimary))
	photo.SetMinSize(fyne.NewSize(size*7, size*9))
	face := container.NewBorder(nil, nil, nil, container.NewCenter(photo), container.NewCenter(cardText))
	arrow := text("▼", 3, fg())
	arrow.Alignment = fyne.TextAlignCenter
	slab := canvas.NewRectangle(theme.Color(theme.ColorNameDisabled))
	slab.CornerRadius = size
	slab.SetMinSize(fyne.NewSize(size*38, size*3.5))
	return container.NewVBox(container.NewCenter(container.NewStack(card, container.NewPadded(face))),
		arrow, container.NewCenter(slab))
}

func (u *UI) checkIn(st kiosk.State, prompt kiosk.Msg, keypads bool) fyne.CanvasObject {
	title := text(u.t(prompt), 1.6, fg())
	title.Alignment = fyne.TextAlignCenter
	items := []fyne.CanvasObject{title, cardPicture(u.t("card.needed"))}
	if !st.Reader {
		items = append(items, container.NewCenter(text(u.t("common.reader.no"), 1.2, warn())))
	}
	if keypads {
		code := NewTile(u.t("checkin.bycode"), "", func() { u.act(func() { u.m.UseKeypad(kiosk.KeypadCode) })() })
		id := NewTile(u.t("checkin.byid"), "", func() { u.act(func() { u.m.UseKeypad(kiosk.KeypadID) })() })
		items = append(items, layout.NewSpacer(), container.NewGridWithColumns(2, code, id))
	}
	return container.NewVBox(items...)
}

// keypad is the kiosk's own keypad: digits, and X for the last character
// of an ID number (fyne has no on-screen keyboard).
func (u *UI) keypad(st kiosk.State) fyne.CanvasObject {
	hint := text(u.t(st.Hint), 1.4, fg())
	if st.Hint == "maint.pin.bad" || st.Hint == "book.phone.bad" {
		hint.Color = warn()
	}
	shown := st.Display()
	if shown == "" {
		shown = "—"
	}
	display := text(shown, 3, accent())
	display.Alignment = fyne.TextAlignCenter
	// Fixed width through fyne's own monospace face, not the monospace
	// style: the style would load a third set of faces (about 7 MB, T6).
	display.FontSource = theme.DefaultTextMonospaceFont()
	var keys []fyne.CanvasObject
	for _, r := range "123456789" {
		keys = append(keys, u.key(string(r), r))
	}
	if st.Keypad == kiosk.KeypadID {
		keys = append(keys, u.key("X", 'X'))
	} else {
		keys = append(keys, layout.NewSpacer())
	}
	keys = append(keys, u.key("0", '0'), u.smallTile("⌫ "+u.t("common.del"), u.m.Backspace))
	ok := NewTile(u.t("common.ok"), "", u.act(u.m.Submit))
	ok.Accent = true
	grid := container.NewGridWithColumns(3, keys...)
	return container.NewVBox(container.NewCenter(hint), display, grid, ok)
}

func (u *UI) key(label string, r rune) *Tile {
	t := NewTile(label, "", u.act(func() { u.m.Key(r) }))
	t.Scale, t.MinH = 2.4, 8
	return t
}

func (u *UI) bookings(st kiosk.State) fyne.CanvasObject {
	items := []fyne.CanvasObject{text(u.t("checkin.found"), 1.6, fg())}
	for _, r := range st.Rows {
		items = append(items, u.bookingRow(st, r))
	}
	return container.NewVScroll(container.NewVBox(items...))
}

func (u *UI) bookingRow(st kiosk.State, r kiosk.BookingRow) fyne.CanvasObject {
	info := container.NewVBox(
		text(r.NameMasked+"  "+r.MatterName, 1.3, fg()),
		text(r.Day+"  "+u.t("checkin.slot", r.Start, r.End), 1.1, fg()))
	var act fyne.CanvasObject
	switch {
	case r.Status == api.BookingCheckedIn:
		act = text(u.t("checkin.done"), 1.2, fg())
	case r.Pickup == kiosk.PickupEarly:
		act = text(u.t("checkin.early"), 1.2, warn())
	case r.Pickup == kiosk.PickupLate:
		act = text(u.t("checkin.late"), 1.2, warn())
	default:
		code := r.Code
		t := NewTile(u.t("checkin.print"), "", u.act(func() { u.m.CheckInBooking(code) }))
		t.Accent, t.Disabled = true, st.Busy || !st.Printer.CanPrint()
		act = t
	}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	return container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, nil, act, info)))
}

func (u *UI) departments(st kiosk.State) fyne.CanvasObject {
	title := "walkin.depts"
	if st.Journey == kiosk.JourneyBook {
		title = "book.depts"
	}
	var tiles []fyne.CanvasObject
	if h := u.m.Hall(); h != nil {
		for _, d := range h.Departments {
			sub := ""
			if !d.Bookable {
				sub = u.t("common.walkinonly") // R1
			}
			name := d.Name
			t := NewTile(name, sub, u.act(func() { u.m.PickDepartment(name) }))
			t.Scale, t.MinH = 1.3, 4.2
			tiles = append(tiles, t)
		}
	}
	grid := container.NewGridWithColumns(u.cols(3, 5), tiles...)
	return container.NewBorder(text(u.t(kiosk.Msg(title)), 1.6, fg()), nil, nil, nil,
		container.NewVScroll(grid))
}

func (u *UI) matters(st kiosk.State) fyne.CanvasObject {
	var tiles []fyne.CanvasObject
	for _, m := range st.Matters {
		code := m.Code
		t := NewTile(m.Name, "", u.act(func() { u.m.PickMatter(code) }))
		t.Scale, t.MinH = 1.2, 3.6
		tiles = append(tiles, t)
	}
	head := container.NewVBox(text(st.Department, 1.2, fg()), text(u.t("walkin.matters"), 1.6, fg()))
	return container.NewBorder(head, nil, nil, nil,
		container.NewVScroll(container.NewGridWithColumns(u.cols(1, 2), tiles...)))
}

func (u *UI) confirm(st kiosk.State) fyne.CanvasObject {
	target := kiosk.WaitTarget(u.m.Hall(), st.Matter)
	take := NewTile(u.t("walkin.take"), "", u.act(u.m.ConfirmTicket))
	take.Accent, take.Disabled, take.Scale, take.MinH = true, st.Busy, 2.4, 7
	return container.NewVBox(
		text(u.t("walkin.confirm"), 1.6, fg()),
		para(st.Matter.Department, theme.SizeNameSubHeadingText),
		para(st.Matter.Name, theme.SizeNameHeadingText),
		text(u.t("walkin.target", target), 1.3, fg()),
		layout.NewSpacer(), take)
}

// ticket shows the number large, the people ahead and the R8 target while
// the ticket prints.
func (u *UI) ticket(st kiosk.State) fyne.CanvasObject {
	t := st.Ticket
	kind := u.t("ticket.walkin")
	if t.Kind == api.KindBooked {
		kind = u.t("ticket.booked")
	}
	num := text(t.Number, 8, accent())
	num.Alignment = fyne.TextAlignCenter
	// A ticket number is ASCII (queue letter and digits): fyne's own bold
	// Latin font draws it bold at the cost of a 1 MB face, where a bold
	// text style would parse the whole CJK font again (T6).
	num.FontSource = theme.DefaultTextBoldFont()
	ahead := u.t("ticket.ahead.na")
	if t.Ahead >= 0 {
		ahead = u.t("ticket.ahead", t.Ahead)
	}
	status := u.t("ticket.take")
	if st.Printing {
		status = u.t("ticket.printing")
	}
	lines := []fyne.CanvasObject{centered(u.t("ticket.title"), 1.6), centered(kind, 1.3), num,
		centered(ahead, 1.6),
		centered(u.t("ticket.target", kiosk.TicketTarget(u.m.Hall(), *t)), 1.3),
		layout.NewSpacer(), centered(status, 1.8)}
	return container.NewVBox(lines...)
}

func centered(s string, rel float32) *canvas.Text {
	t := text(s, rel, fg())
	t.Alignment = fyne.TextAlignCenter
	return t
}

func (u *UI) notice(st kiosk.State) fyne.CanvasObject {
	n := st.Notice
	c := fg()
	if n.Tone != kiosk.ToneInfo {
		c = warn()
	}
	title := text(u.t(n.Title), 2, c)
	var acts []fyne.CanvasObject
	for i, a := range n.Actions {
		id := a.ID
		t := NewTile(u.t(a.Label), "", u.act(func() { u.m.Do(id) }))
		t.Accent, t.Scale, t.MinH = i == 0, 1.6, 4.5
		acts = append(acts, t)
	}
	body := para(u.t(n.Body, n.Args...), theme.SizeNameHeadingText)
	return container.NewVBox(title, body, layout.NewSpacer(),
		container.NewGridWithColumns(len(acts), acts...))
}

func (u *UI) days(st kiosk.State) fyne.CanvasObject {
	var tiles []fyne.CanvasObject
	for _, d := range st.Days {
		day := d
		t := NewTile(d, weekday(st.Lang, d), u.act(func() { u.m.PickDay(day) }))
		t.Scale, t.MinH = 1.8, 6
		tiles = append(tiles, t)
	}
	return container.NewVBox(u.journeyHead(st), text(u.t("book.day"), 1.4, fg()),
		container.NewGridWithColumns(u.cols(1, 3), tiles...))
}

func weekday(l kiosk.Lang, day string) string {
	t, err := timeParseDay(day)
	if err != nil {
		return ""
	}
	return kiosk.Weekday(l, t.Weekday())
}

func (u *UI) journeyHead(st kiosk.State) fyne.CanvasObject {
	return para(st.MaskedName+"  "+st.Matter.Name, theme.SizeNameSubHeadingText)
}

func (u *UI) slots(st kiosk.State) fyne.CanvasObject {
	var tiles []fyne.CanvasObject
	for _, s := range st.Slots {
		start := s.Start
		sub := u.t("book.free", s.Free)
		if s.Free <= 0 {
			sub = u.t("book.full")
		}
		t := NewTile(s.Start+"–"+s.End, sub, u.act(func() { u.m.PickSlot(start) }))
		t.Disabled, t.Scale, t.MinH = s.Free <= 0, 1.8, 6
		tiles = append(tiles, t)
	}
	if len(tiles) == 0 {
		tiles = append(tiles, text(u.t("book.noslots"), 1.4, warn()))
	}
	return container.NewVBox(u.journeyHead(st), text(st.Day+"  "+u.t("book.slot"), 1.4, fg()),
		container.NewGridWithColumns(u.cols(2, 4), tiles...))
}

func (u *UI) bookConfirm(st kiosk.State) fyne.CanvasObject {
	sum := u.t("book.summary", st.Matter.Name, st.Day, st.Slot.Start, st.Slot.End,
		st.MaskedName, kiosk.MaskPhone(st.Phone))
	ok := NewTile(u.t("book.confirm"), "", u.act(u.m.ConfirmBooking))
	ok.Accent, ok.Disabled, ok.Scale, ok.MinH = true, st.Busy, 2, 6
	return container.NewVBox(text(u.t("book.confirm"), 1.6, fg()),
		para(sum, theme.SizeNameHeadingText), layout.NewSpacer(), ok)
}

// maint is the technician panel.
func (u *UI) maint(st kiosk.State) fyne.CanvasObject {
	var rows []string
	for _, l := range st.MaintLines {
		rows = append(rows, fmt.Sprintf("%-10s %s", l.Name, l.Value))
	}
	status := widget.NewLabel(strings.Join(rows, "\n"))
	status.TextStyle.Monospace = true
	logs := widget.NewLabel(strings.Join(st.MaintLog, "\n"))
	logs.TextStyle.Monospace = true
	logs.Wrapping = fyne.TextWrapBreak
	buttons := container.NewGridWithColumns(4,
		u.smallTile(u.t("maint.printer"), func() { u.m.MaintSelfTest("printer") }),
		u.smallTile(u.t("maint.reader"), func() { u.m.MaintSelfTest("reader") }),
		u.smallTile(u.t("maint.close"), u.m.Home),
		u.smallTile(u.t("maint.exit"), u.m.MaintExit))
	top := container.NewVBox(text(u.t("maint.title"), 1.6, fg()), buttons)
	if st.MaintOut != "" {
		// Only a self-test's outcome: an empty line here left a gap above
		// the status lines.
		top.Add(para(st.MaintOut, theme.SizeNameText))
	}
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewVBox(status,
		text(u.t("maint.log"), 1.2, fg()), logs)))
}
