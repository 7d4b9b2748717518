package kiosk

import (
	"context"
	"errors"
	"strings"

	"hallkiosk/center/api"
	"hallkiosk/idcard"
)

// StartCheckIn shows "place your ID card" with the keypad choices.
func (m *Machine) StartCheckIn() {
	if !m.ready() {
		return
	}
	m.st.Journey = JourneyCheckIn
	m.show(ScreenCheckIn)
}

// UseKeypad opens the keypad for a booking code or an ID number.
func (m *Machine) UseKeypad(mode KeypadMode) {
	if m.st.Busy {
		return
	}
	m.touched()
	m.st.Keypad = mode
	m.st.Input = ""
	m.st.Hint = [...]Msg{"checkin.code.hint", "checkin.id.hint", "book.phone",
		"cancel.code", "maint.pin"}[mode]
	m.show(ScreenKeypad)
}

// Key types one character on the keypad.
func (m *Machine) Key(r rune) {
	if m.st.Busy || m.st.Screen != ScreenKeypad {
		return
	}
	m.touched()
	if !m.accepts(r) || len(m.st.Input) >= m.st.Keypad.MaxLen() {
		return
	}
	m.st.Input += string(r)
	m.changed()
}

// accepts tells whether the keypad mode takes r: digits everywhere, X only
// as the last character of an ID number.
func (m *Machine) accepts(r rune) bool {
	if r >= '0' && r <= '9' {
		return true
	}
	return r == 'X' && m.st.Keypad == KeypadID && len(m.st.Input) == 17
}

// Backspace deletes the last character typed.
func (m *Machine) Backspace() {
	if m.st.Busy || m.st.Input == "" {
		return
	}
	m.touched()
	m.st.Input = m.st.Input[:len(m.st.Input)-1]
	m.changed()
}

// Submit acts on the keypad's input.
func (m *Machine) Submit() {
	if m.st.Busy || m.st.Screen != ScreenKeypad {
		return
	}
	m.touched()
	in := m.st.Input
	switch m.st.Keypad {
	case KeypadCode:
		m.submitLookup(len(in) == 6, "checkin.code.hint", Lookup{Code: in})
	case KeypadID:
		m.submitLookup(idcard.ValidateID(in) == nil, "checkin.id.hint", Lookup{IDNumber: in})
	case KeypadPhone:
		m.submitPhone(in)
	case KeypadCancel:
		m.submitCancel(in)
	case KeypadPIN:
		m.submitPIN(in)
	}
}

func (m *Machine) submitLookup(ok bool, hint Msg, q Lookup) {
	if !ok {
		m.st.Hint = hint
		m.st.Input = ""
		m.changed()
		return
	}
	m.lookup(q)
}

// CardEvent handles the reader. A card placed on home or on the check-in
// screen starts a check-in; on the booking or cancel screens it identifies
// the person.
func (m *Machine) CardEvent(ev CardEvent) {
	switch ev.Kind {
	case ReaderLost:
		m.readerChanged(false)
		return
	case ReaderFound:
		m.readerChanged(true)
		return
	case CardRemoved:
		return
	}
	if m.st.Busy || !m.wantsCard() {
		return
	}
	m.touched()
	m.cardPlaced(ev)
}

func (m *Machine) wantsCard() bool {
	switch m.st.Screen {
	case ScreenAttract, ScreenHome, ScreenCheckIn, ScreenCardNeeded:
		return true
	}
	return false
}

func (m *Machine) cardPlaced(ev CardEvent) {
	if ev.Kind == CardUnreadable || ev.Card == nil {
		m.notice(Notice{Title: "card.unreadable", Body: "card.unreadable.body", Tone: ToneWarn,
			Actions: []Action{{"checkin.bycode", ActKeypad}, {"common.home", ActHome}}})
		return
	}
	if ev.Card.Expired() {
		m.notice(Notice{Title: "card.expired", Body: "card.expired.body", Tone: ToneWarn,
			Actions: []Action{{"checkin.bycode", ActKeypad}, {"common.home", ActHome}}})
		return
	}
	if m.st.Screen == ScreenCardNeeded {
		m.cardForBooking(ev.Card)
		return
	}
	if !m.ready() {
		return
	}
	m.st.Journey = JourneyCheckIn
	m.lookup(Lookup{IDHash: ev.Card.IDHash()})
}

// lookup finds today's bookings and shows them.
func (m *Machine) lookup(q Lookup) {
	m.call(func(ctx context.Context) func() {
		bs, err := m.ports.Tickets.FindBookings(ctx, q)
		return func() { m.showBookings(bs, err) }
	})
}

func (m *Machine) showBookings(bs []Booking, err error) {
	if err != nil && !errors.Is(err, ErrNotFound) {
		m.log.Warn("find bookings", "err", err)
		m.failed(err)
		return
	}
	if len(bs) == 0 {
		m.notice(Notice{Title: "checkin.none", Body: "checkin.none.body", Tone: ToneInfo,
			Actions: []Action{{"home.walkin", ActWalkIn}, {"common.home", ActHome}}})
		return
	}
	m.st.Rows = m.rows(bs)
	if len(m.st.Rows) == 1 && m.single(m.st.Rows[0]) {
		return
	}
	m.key = m.opts.NewKey()
	m.show(ScreenBookings)
}

func (m *Machine) rows(bs []Booking) []BookingRow {
	h, now := m.hall(), m.clk.Now()
	rows := make([]BookingRow, 0, len(bs))
	for _, b := range bs {
		r := BookingRow{Booking: b, MatterName: m.matterName(b.Matter)}
		r.Pickup, r.ComeBack = PickupAt(h, b, now)
		if b.Status == api.BookingNoShow {
			r.Pickup = PickupLate
		}
		rows = append(rows, r)
	}
	return rows
}

// single turns a lone early or lapsed booking straight into its notice.
func (m *Machine) single(r BookingRow) bool {
	switch {
	case r.Status == api.BookingCheckedIn:
		return false
	case r.Pickup == PickupEarly:
		m.earlyNotice(r.ComeBack)
	case r.Pickup == PickupLate:
		m.lateNotice(r.Booking)
	default:
		return false
	}
	return true
}

func (m *Machine) earlyNotice(at string) {
	m.notice(Notice{Title: "checkin.early", Body: "checkin.early.body", Args: []any{at}})
}

// lateNotice explains R12 (a booking not checked in by the end of its
// pick-up window is void) and offers a walk-in ticket for the same matter.
func (m *Machine) lateNotice(b Booking) {
	if mt, ok := m.matterOf(b.Matter); ok {
		m.st.Matter = mt
	}
	m.notice(Notice{Title: "checkin.late", Body: "checkin.late.body", Tone: ToneWarn,
		Actions: []Action{{"home.walkin", ActWalkIn}, {"common.home", ActHome}}})
}

func (m *Machine) matterOf(code string) (api.Matter, bool) {
	if m.ports.Catalog == nil {
		return api.Matter{}, false
	}
	return m.ports.Catalog.Matter(context.Background(), code)
}

// CheckInBooking prints the priority ticket of one listed booking.
func (m *Machine) CheckInBooking(code string) {
	if m.st.Busy || m.st.Screen != ScreenBookings || !m.st.Printer.CanPrint() {
		return
	}
	m.touched()
	row, ok := m.row(code)
	if !ok || row.Status == api.BookingCheckedIn {
		return
	}
	switch row.Pickup {
	case PickupEarly:
		m.earlyNotice(row.ComeBack)
		return
	case PickupLate:
		m.lateNotice(row.Booking)
		return
	}
	key := m.key
	b := row.Booking
	m.call(func(ctx context.Context) func() {
		t, err := m.ports.Tickets.CheckIn(ctx, key+"-"+code, code)
		t.Booking = &b
		return func() { m.issued(t, err) }
	})
}

func (m *Machine) row(code string) (BookingRow, bool) {
	for _, r := range m.st.Rows {
		if r.Code == code {
			return r, true
		}
	}
	return BookingRow{}, false
}

// ready refuses to start a ticket journey without hall data.
func (m *Machine) ready() bool {
	if m.st.Busy {
		return false
	}
	m.touched()
	if m.hall() == nil {
		m.notice(Notice{Title: "notready", Body: "notready.body", Tone: ToneWarn})
		return false
	}
	return true
}

// failed shows a refusal or a fault in the citizen's words.
func (m *Machine) failed(err error) {
	var ae *api.Error
	if errors.As(err, &ae) {
		if n, ok := refusals[ae.Code]; ok {
			m.notice(n)
			return
		}
	}
	if errors.Is(err, ErrOffline) {
		m.notice(Notice{Title: "book.offline", Body: "book.offline.body", Tone: ToneWarn})
		return
	}
	m.notice(Notice{Title: "error.generic", Body: "error.generic.body", Tone: ToneError})
}

// refusals word the center's rule refusals for the citizen.
var refusals = map[string]Notice{
	api.ErrCodeRestricted:  {Title: "book.refused", Body: "book.restricted", Tone: ToneWarn},
	api.ErrCodeDuplicate:   {Title: "book.refused", Body: "book.duplicate", Tone: ToneWarn},
	api.ErrCodeSlotFull:    {Title: "book.refused", Body: "book.slotfull", Tone: ToneWarn},
	api.ErrCodeTooSoon:     {Title: "book.refused", Body: "book.toosoon", Tone: ToneWarn},
	api.ErrCodeBadPeriod:   {Title: "book.refused", Body: "book.period", Tone: ToneWarn},
	api.ErrCodeNotBookable: {Title: "book.refused", Body: "book.walkinonly", Tone: ToneWarn},
	api.ErrCodeCancelLate:  {Title: "cancel.failed", Body: "cancel.late", Tone: ToneWarn},
	api.ErrCodeIdentity:    {Title: "cancel.failed", Body: "cancel.identity", Tone: ToneWarn},
	api.ErrCodeBookingVoid: {Title: "checkin.late", Body: "checkin.late.body", Tone: ToneWarn},
	api.ErrCodePickupWindow: {Title: "checkin.early", Body: "checkin.early.body",
		Args: []any{"08:20 / 13:00"}},
}

// maskInput hides a PIN while keeping a typed code readable.
func maskInput(mode KeypadMode, in string) string {
	switch {
	case mode == KeypadPIN:
		return strings.Repeat("●", len(in))
	case mode == KeypadID && len(in) > 6:
		// G6: the birth date and sequence stay starred while typed.
		n := min(len(in), 14)
		return in[:6] + strings.Repeat("*", n-6) + in[n:]
	}
	return in
}

// Display returns the keypad input as it should appear on screen.
func (s State) Display() string { return maskInput(s.Keypad, s.Input) }
