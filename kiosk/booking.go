package kiosk

import (
	"context"

	"hallkiosk/center/api"
)

// bookDays is how many bookable days the day screen offers at most: a
// working week to choose from.
const bookDays = 5

// StartBook begins an on-site booking: it needs the center (R3) and the
// ID card.
func (m *Machine) StartBook() {
	m.st.Matter = api.Matter{}
	m.startIdentified(JourneyBook)
}

// StartCancel begins cancelling one's own booking (R5).
func (m *Machine) StartCancel() { m.startIdentified(JourneyCancel) }

func (m *Machine) startIdentified(j Journey) {
	if !m.ready() {
		return
	}
	if !m.st.Online {
		m.notice(Notice{Title: "book.offline", Body: "book.offline.body", Tone: ToneWarn,
			Actions: []Action{{"home.walkin", ActWalkIn}, {"common.home", ActHome}}})
		return
	}
	m.st.Journey = j
	m.card = nil
	m.show(ScreenCardNeeded)
}

// bookMatter books the matter whose walk-in quota ran out (R9).
func (m *Machine) bookMatter() {
	keep := m.st.Matter
	m.startIdentified(JourneyBook)
	m.st.Matter = keep
}

// cardForBooking keeps the card for the journey and moves on.
func (m *Machine) cardForBooking(c Card) {
	m.card = c
	m.st.MaskedName = c.MaskedName()
	if m.st.Journey == JourneyCancel {
		m.UseKeypad(KeypadCancel)
		return
	}
	if m.st.Matter.Code != "" {
		m.showDays()
		return
	}
	m.show(ScreenDepartments)
}

// showDays asks the center for the matter's periods with places left on
// its next bookDays workdays that have any, and offers those days (R6:
// workdays, at least one day ahead).
func (m *Machine) showDays() {
	matter := m.st.Matter.Code
	m.call(func(ctx context.Context) func() {
		slots, err := m.ports.Bookings.Slots(ctx, matter, bookDays)
		return func() { m.gotSlots(slots, err) }
	})
}

func (m *Machine) gotSlots(slots []api.Slot, err error) {
	if err != nil {
		m.failed(err)
		return
	}
	m.slots = slots
	m.st.Days = nil
	for _, d := range BookableDays(m.hall(), m.clk.Now(), bookDays*3) {
		if hasDay(slots, d) && len(m.st.Days) < bookDays {
			m.st.Days = append(m.st.Days, d)
		}
	}
	if len(m.st.Days) == 0 {
		m.notice(Notice{Title: "book.refused", Body: "book.nodays", Tone: ToneWarn})
		return
	}
	m.show(ScreenDays)
}

func hasDay(slots []api.Slot, day string) bool {
	for _, s := range slots {
		if s.Day == day {
			return true
		}
	}
	return false
}

// PickDay shows the day's periods with the places left.
func (m *Machine) PickDay(day string) {
	if m.st.Busy || m.st.Screen != ScreenDays {
		return
	}
	m.touched()
	var out []api.Slot
	for _, s := range m.slots {
		if s.Day == day {
			out = append(out, s)
		}
	}
	m.st.Day, m.st.Slots = day, out
	m.show(ScreenSlots)
}

// PickSlot takes a period with a place left and asks for the phone.
func (m *Machine) PickSlot(start string) {
	if m.st.Busy || m.st.Screen != ScreenSlots {
		return
	}
	m.touched()
	for _, s := range m.st.Slots {
		if s.Start == start && s.Free > 0 {
			m.st.Slot = s
			m.UseKeypad(KeypadPhone)
			return
		}
	}
}

func (m *Machine) submitPhone(p string) {
	if !ValidPhone(p) {
		m.st.Hint = "book.phone.bad"
		m.changed()
		return
	}
	m.st.Phone = p
	m.key = m.opts.NewKey()
	m.show(ScreenBookConfirm)
}

// ConfirmBooking sends the booking and prints the slip. Refusals (R11
// restricted or duplicate, R6 full) come back with their reason.
func (m *Machine) ConfirmBooking() {
	if m.st.Busy || m.st.Screen != ScreenBookConfirm || m.card == nil {
		return
	}
	m.touched()
	req := BookingRequest{Key: m.key, Matter: m.st.Matter.Code, Day: m.st.Day,
		Start: m.st.Slot.Start, Phone: m.st.Phone, Card: m.card}
	m.call(func(ctx context.Context) func() {
		b, err := m.ports.Bookings.Book(ctx, req)
		return func() { m.booked(b, err) }
	})
}

func (m *Machine) booked(b api.Booking, err error) {
	if err != nil {
		m.log.Warn("booking refused", "err", err)
		m.failed(err)
		return
	}
	m.log.Info("booked on site", "code", b.Code, "day", b.Day)
	m.card = nil
	m.notice(Notice{Title: "book.done", Body: "book.done.body",
		Args: []any{b.Code, b.Day, b.Start}})
	if !m.st.Printer.CanPrint() {
		return
	}
	lang := m.st.Lang
	m.call(func(ctx context.Context) func() {
		perr := m.ports.Printer.Print(ctx, PrintJob{Slip: &b, Lang: lang})
		return func() {
			if perr != nil {
				m.PrinterChanged(StateOf(perr))
			}
		}
	})
}

func (m *Machine) submitCancel(code string) {
	if len(code) != 6 || m.card == nil {
		m.st.Hint = "cancel.code"
		m.changed()
		return
	}
	card := m.card
	m.call(func(ctx context.Context) func() {
		err := m.ports.Bookings.Cancel(ctx, code, card)
		return func() {
			if err != nil {
				m.failed(err)
				return
			}
			m.card = nil
			m.notice(Notice{Title: "cancel.done", Body: "cancel.done.body", Args: []any{code}})
		}
	})
}
