package adapt

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/kiosk"
	"hallkiosk/printer"
)

// Printer prints the kiosk's jobs with the ESC/POS driver, laying them out
// with the printer package's ticket, slip and guide layouts.
//
// QR codes lead to the center's public pages: a ticket to its status page
// (/t/{id}), a guide and a booking slip to the matter's guide (/g/{code}),
// so the citizen has the materials list at hand. A booking has no public
// page of its own: a six-digit code is too easy to guess to show anything
// about a person behind it.
type Printer struct {
	D       *printer.Driver
	Catalog kiosk.Catalog
	Loc     *time.Location // the hall's zone, for booked periods
	Public  string         // the center's public base URL, for QR codes
}

var _ kiosk.Printer = (*Printer)(nil)

// Print implements kiosk.Printer.
func (p *Printer) Print(ctx context.Context, job kiosk.PrintJob) error {
	doc, err := p.layout(ctx, job)
	if err != nil {
		return &kiosk.PrinterError{State: kiosk.PrinterOffline, Err: err}
	}
	if _, err := p.D.Print(ctx, doc); err != nil {
		return &kiosk.PrinterError{State: stateOfErr(err), Err: err}
	}
	return nil
}

// State implements kiosk.Printer.
func (p *Printer) State(ctx context.Context) (kiosk.PrinterState, error) {
	st, err := p.D.Status(ctx)
	if err != nil {
		return stateOfErr(err), err
	}
	return StateOf(st), nil
}

// StateOf maps the driver's status to the kiosk's: paper near its end is a
// warning (tickets continue, the center is told), the rest stop tickets.
func StateOf(st printer.Status) kiosk.PrinterState {
	if err := st.Problem(); err != nil {
		return stateOfErr(err)
	}
	if st.Low() {
		return kiosk.PrinterPaperLow
	}
	return kiosk.PrinterOK
}

func stateOfErr(err error) kiosk.PrinterState {
	switch {
	case errors.Is(err, printer.ErrPaperEnd):
		return kiosk.PrinterPaperOut
	case errors.Is(err, printer.ErrCoverOpen):
		return kiosk.PrinterCoverOpen
	}
	return kiosk.PrinterOffline
}

func (p *Printer) layout(ctx context.Context, job kiosk.PrintJob) (*printer.Doc, error) {
	h := p.Catalog.Hall()
	if h == nil {
		return nil, errors.New("adapt: no hall to lay out a print")
	}
	c := printer.Center{Name: h.Center, Phone: h.Phone}
	switch {
	case job.Ticket != nil:
		return p.ticket(ctx, h, c, *job.Ticket), nil
	case job.Slip != nil:
		return p.slip(ctx, c, *job.Slip)
	case job.Guide != nil:
		g := job.Guide
		return printer.GuidePrint(printer.Guide{Center: c, Matter: g.Name, Code: g.Code,
			Department: g.Department, Materials: g.Guide.Materials, TimeLimit: g.Guide.TimeLimit,
			Fee: g.Guide.Fee, Window: g.Guide.Window, Printed: time.Now().In(p.Loc),
			GuideURL: p.url("/g/" + g.Code)}), nil
	}
	return nil, errors.New("adapt: empty print job")
}

func (p *Printer) ticket(ctx context.Context, h *api.Hall, c printer.Center, t kiosk.Ticket) *printer.Doc {
	m, _ := p.Catalog.Matter(ctx, t.Matter)
	dept, _ := kiosk.DepartmentOfQueue(h, t.Queue)
	pt := printer.Ticket{Center: c, Number: t.Number, Department: dept.Name, Matter: m.Name,
		Ahead: max(t.Ahead, 0), Issued: t.Issued.In(p.Loc), Class: class(h, m, dept),
		StatusURL: p.url("/t/" + t.ID)}
	if t.Kind != api.KindBooked || t.Booking == nil {
		return printer.WalkIn(pt)
	}
	b := t.Booking
	return printer.Booked(printer.BookingTicket{Ticket: pt, Name: b.NameMasked,
		Period: p.period(b.Day, b.Start, b.End)})
}

func class(h *api.Hall, m api.Matter, d api.Department) printer.WaitClass {
	if m.Department == "" {
		m.Department = d.Name
	}
	switch kiosk.WaitTarget(h, m) {
	case 30:
		return printer.Complex
	case 60:
		return printer.Special
	}
	return printer.General
}

func (p *Printer) slip(ctx context.Context, c printer.Center, b api.Booking) (*printer.Doc, error) {
	m, _ := p.Catalog.Matter(ctx, b.Matter)
	return printer.Slip(printer.BookingSlip{Center: c, Code: b.Code, Name: b.NameMasked,
		Department: m.Department, Matter: m.Name, Period: p.period(b.Day, b.Start, b.End),
		GuideURL: p.url("/g/" + b.Matter)}), nil
}

func (p *Printer) url(path string) string { return strings.TrimRight(p.Public, "/") + path }

func (p *Printer) period(day, start, end string) printer.Period {
	parse := func(hm string) time.Time {
		t, err := time.ParseInLocation(api.DayLayout+" 15:04", day+" "+hm, p.Loc)
		if err != nil {
			return time.Time{}
		}
		return t
	}
	return printer.Period{Start: parse(start), End: parse(end)}
}

// Describe names the printer for the technician panel.
func (p *Printer) Describe(ctx context.Context) string {
	st, err := p.D.Status(ctx)
	if err != nil {
		return fmt.Sprintf("%s: %v", p.D, err)
	}
	return fmt.Sprintf("%s: %s", p.D, st)
}
