package kiosk

import (
	"context"
	"errors"

	"hallkiosk/center/api"
)

// StartWalkIn shows the department grid for a walk-in ticket.
func (m *Machine) StartWalkIn() {
	if !m.ready() {
		return
	}
	if !m.st.Printer.CanPrint() {
		m.printerNotice()
		return
	}
	m.st.Journey = JourneyWalkIn
	m.show(ScreenDepartments)
}

// PickDepartment lists the matters of a department. In the booking journey
// a walk-in-only department (R1: public security, housing provident fund,
// marriage registry) is refused with the reason.
func (m *Machine) PickDepartment(name string) {
	if m.st.Busy || m.st.Screen != ScreenDepartments {
		return
	}
	m.touched()
	d, ok := Department(m.hall(), name)
	if !ok {
		return
	}
	if m.st.Journey == JourneyBook && !d.Bookable {
		m.notice(Notice{Title: "book.refused", Body: "book.walkinonly", Tone: ToneWarn,
			Actions: []Action{{"home.walkin", ActWalkIn}, {"common.home", ActHome}}})
		return
	}
	ms, err := m.ports.Catalog.Matters(context.Background(), name)
	if err != nil {
		m.failed(err)
		return
	}
	m.st.Department = name
	m.st.Matters = ms
	m.show(ScreenMatters)
}

// PickMatter goes on to the confirmation (walk-in) or the days (booking).
func (m *Machine) PickMatter(code string) {
	if m.st.Busy || m.st.Screen != ScreenMatters {
		return
	}
	m.touched()
	for _, mt := range m.st.Matters {
		if mt.Code == code {
			m.st.Matter = mt
		}
	}
	if m.st.Matter.Code != code {
		return
	}
	if m.st.Journey == JourneyBook {
		m.showDays()
		return
	}
	m.confirmWalkIn()
}

// confirmWalkIn shows the confirmation with a fresh idempotency key: the
// key belongs to this one intent, so taps and retries on this screen all
// name the same ticket (G5).
func (m *Machine) confirmWalkIn() {
	m.st.Journey = JourneyWalkIn
	m.key = m.opts.NewKey()
	m.show(ScreenConfirm)
}

// ConfirmTicket issues and prints the walk-in ticket. Only the first tap
// counts: the machine is busy from the tap until the ticket is printed,
// and the screen it leads to has no issue button.
func (m *Machine) ConfirmTicket() {
	if m.st.Busy || m.st.Screen != ScreenConfirm {
		return
	}
	m.touched()
	if !m.st.Printer.CanPrint() {
		m.printerNotice()
		return
	}
	key, matter := m.key, m.st.Matter.Code
	m.call(func(ctx context.Context) func() {
		t, err := m.ports.Tickets.IssueWalkIn(ctx, key, matter)
		return func() { m.issued(t, err) }
	})
}

// issued shows the ticket and starts printing it, or explains a refusal.
func (m *Machine) issued(t Ticket, err error) {
	if err != nil {
		m.issueFailed(err)
		return
	}
	m.log.Info("ticket issued", "number", t.Number, "kind", t.Kind, "existing", t.Existing)
	m.st.Ticket = &t
	m.st.Printed = false
	m.st.Printing = !t.Existing
	m.show(ScreenTicket)
	if t.Existing {
		if t.Booking != nil {
			m.notice(Notice{Title: "checkin.done", Body: "checkin.done.body", Args: []any{t.Number}})
		}
		return
	}
	m.printTicket(t)
}

func (m *Machine) printTicket(t Ticket) {
	lang := m.st.Lang
	m.call(func(ctx context.Context) func() {
		err := m.ports.Printer.Print(ctx, PrintJob{Ticket: &t, Lang: lang})
		outcome := "ok"
		if err != nil {
			outcome = StateOf(err).String()
		}
		if merr := m.ports.Tickets.MarkPrinted(ctx, t.ID, outcome); merr != nil {
			m.log.Warn("mark printed", "ticket", t.Number, "err", merr)
		}
		return func() { m.ticketPrinted(t, err) }
	})
}

func (m *Machine) ticketPrinted(t Ticket, err error) {
	m.st.Printing = false
	if err == nil {
		m.st.Printed = true
		return
	}
	m.log.Warn("ticket not printed", "number", t.Number, "err", err)
	m.PrinterChanged(StateOf(err))
	m.notice(Notice{Title: "ticket.misprint", Body: "ticket.misprint.body",
		Args: []any{t.Number}, Tone: ToneError,
		Actions: []Action{{"common.home", ActHome}}})
}

// issueFailed words a refused issue. R9: when the walk-in quota of the
// half-day is used up, no ticket is issued and on-site booking of another
// day is offered instead.
func (m *Machine) issueFailed(err error) {
	var ae *api.Error
	if errors.As(err, &ae) && ae.Code == api.ErrCodeQuota {
		acts := []Action{{"common.home", ActHome}}
		if d, ok := Department(m.hall(), m.st.Matter.Department); ok && d.Bookable {
			acts = append([]Action{{"quota.book", ActBook}}, acts...)
		}
		m.notice(Notice{Title: "quota.title", Body: "quota.body", Tone: ToneWarn, Actions: acts})
		return
	}
	var pe *PrinterError
	if errors.As(err, &pe) {
		m.PrinterChanged(pe.State)
		m.printerNotice()
		return
	}
	m.log.Warn("issue failed", "err", err)
	m.failed(err)
}

// printerNotice says tickets are paused and where to get help.
func (m *Machine) printerNotice() {
	m.notice(Notice{Title: PrinterMsg(m.st.Printer), Body: "common.help", Tone: ToneError})
}

// PrinterMsg is the banner for a printer state ("" when all is well).
func PrinterMsg(s PrinterState) Msg {
	return [...]Msg{"", "printer.low", "printer.out", "printer.cover", "printer.offline"}[s]
}

// Do performs an action offered on a notice.
func (m *Machine) Do(a ActionID) {
	if m.st.Busy {
		return
	}
	m.touched()
	switch a {
	case ActHome:
		m.restart()
	case ActWalkIn:
		m.walkInAgain()
	case ActBook:
		m.bookMatter()
	case ActKeypad:
		m.UseKeypad(KeypadCode)
	}
}

// walkInAgain offers a walk-in ticket for the matter already chosen, or
// the department grid.
func (m *Machine) walkInAgain() {
	if m.st.Matter.Code != "" {
		m.confirmWalkIn()
		return
	}
	m.StartWalkIn()
}

// Back returns to the previous step of the journey.
func (m *Machine) Back() {
	if m.st.Busy {
		return
	}
	m.touched()
	switch m.st.Screen {
	case ScreenMatters:
		m.show(ScreenDepartments)
	case ScreenConfirm:
		m.show(ScreenMatters)
	case ScreenDays:
		m.show(ScreenMatters)
	case ScreenSlots:
		m.show(ScreenDays)
	case ScreenDetail:
		m.st.Entry = nil
		m.show(ScreenSearch)
	case ScreenKeypad:
		m.keypadBack()
	default:
		m.restart()
	}
}

func (m *Machine) keypadBack() {
	switch m.st.Keypad {
	case KeypadCode, KeypadID:
		m.show(ScreenCheckIn)
	case KeypadPhone:
		m.show(ScreenSlots)
	default:
		m.restart()
	}
}
