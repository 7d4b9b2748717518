package center

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"hallkiosk/center/api"
)

// maxNumber is the highest sequence a queue can issue in a day.
const maxNumber = 9999

// takeNumbers reserves n consecutive numbers of a queue's day counter and
// returns the first. It runs inside the write transaction, and the store
// has one writer, so no two callers can read the same counter value (G2).
func takeNumbers(ctx context.Context, w *txn, queue, day string, n int) (int, error) {
	var next int
	err := w.tx.QueryRowContext(ctx, `INSERT INTO counters (queue, day, next) VALUES (?, ?, ?)
		ON CONFLICT (queue, day) DO UPDATE SET next = next + ? RETURNING next`,
		queue, day, 1+n, n).Scan(&next)
	if err != nil {
		return 0, fmt.Errorf("take number %s %s: %w", queue, day, err)
	}
	first := next - n
	if next-1 > maxNumber {
		return 0, refuse(http.StatusConflict, api.ErrCodeNumbersOut,
			fmt.Sprintf("queue %s has no numbers left on %s", queue, day),
			"今日该业务号码已取完，请咨询导办台",
			"No more numbers for this service today; please ask at the guide desk.")
	}
	return first, nil
}

// Device is an enrolled device as the engine sees a caller.
type Device struct {
	ID   string
	Name string
	Role string
}

// IssueTicket issues a ticket online: a walk-in for a matter (R9 quota
// applies) or a check-in of a booking (R7). The request id makes it
// idempotent: a repeated id returns the ticket first issued, whatever the
// rest of the request says.
func (e *Engine) IssueTicket(ctx context.Context, dev Device,
	req api.TicketRequest) (api.Ticket, error) {
	if !validID(req.ID) {
		return api.Ticket{}, badRequest("ticket id: want 8–64 letters, digits or '-'")
	}
	if (req.Matter == "") == (req.BookingCode == "") {
		return api.Ticket{}, badRequest("ticket: name either a matter or a booking_code")
	}
	h, err := e.mustHall()
	if err != nil {
		return api.Ticket{}, err
	}
	var t api.Ticket
	err = e.write(ctx, func(w *txn) error {
		var err error
		t, err = getTicket(ctx, w.tx, req.ID)
		if err == nil || !errors.Is(err, ErrNotFound) {
			return err
		}
		if req.BookingCode != "" {
			t, err = e.checkIn(ctx, w, h, dev, req)
		} else {
			t, err = e.issueWalkIn(ctx, w, h, dev, req)
		}
		return err
	})
	return t, err
}

func (e *Engine) issueWalkIn(ctx context.Context, w *txn, h *Hall, dev Device,
	req api.TicketRequest) (api.Ticket, error) {
	m := h.Matter(req.Matter)
	if m == nil {
		return api.Ticket{}, notFound("matter " + req.Matter)
	}
	queue, day := h.MatterQueue(m), h.Day(w.now)
	if err := checkOpen(h, w.now); err != nil {
		return api.Ticket{}, err
	}
	if err := e.checkQuota(ctx, w, h, queue, m.Code); err != nil {
		return api.Ticket{}, err
	}
	t := api.Ticket{ID: req.ID, Queue: queue, Day: day, Kind: api.KindWalkIn,
		Matter: m.Code, Device: dev.ID, IssuedAt: w.now}
	return e.insertTicket(ctx, w, h, t, 0)
}

// checkOpen refuses issuing outside the hall's day: not a workday, or
// before the first pick-up window opens or after the last period ends.
func checkOpen(h *Hall, now time.Time) error {
	day, min := h.Day(now), h.Minute(now)
	opens, closes := h.pickup[0].from, h.periods[len(h.periods)-1].to
	if h.IsWorkday(day) && min >= opens && min < closes {
		return nil
	}
	return refuse(http.StatusConflict, api.ErrCodeClosed,
		fmt.Sprintf("hall closed at %s %s", day, formatHM(min)),
		"当前不在办理时间内，请在工作日办公时间取号",
		"The hall is closed now; tickets are issued on workdays during opening hours.")
}

// insertTicket assigns a number (unless seq is given, from a lease) and
// stores t. It fills Number, Status and Ahead, and tells the call stream
// that today's queue has one more waiting.
func (e *Engine) insertTicket(ctx context.Context, w *txn, h *Hall, t api.Ticket,
	seq int) (api.Ticket, error) {
	if seq == 0 {
		n, err := takeNumbers(ctx, w, t.Queue, t.Day, 1)
		if err != nil {
			return t, err
		}
		seq = n
	}
	t.Number = api.FormatNumber(t.Queue, seq)
	t.Status = api.TicketWaiting
	half := h.half(h.Minute(t.IssuedAt))
	_, err := w.tx.ExecContext(ctx, `INSERT INTO tickets (id, num_queue, day, seq, number,
		queue, kind, matter, booking_id, lease_id, device, status, half, issued_at, target_min)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.Queue, t.Day, seq, t.Number, t.Queue, t.Kind, t.Matter, t.BookingID,
		t.LeaseID, t.Device, t.Status, half, t.IssuedAt.UnixNano(),
		h.WaitTarget(t.Queue, t.Matter))
	if err != nil {
		return t, fmt.Errorf("store ticket %s: %w", t.Number, err)
	}
	err = w.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE day = ? AND
		queue = ? AND status = 'waiting' AND id != ?`, t.Day, t.Queue, t.ID).Scan(&t.Ahead)
	if err != nil || t.Day != h.Day(w.now) {
		// A day's ticket pushed after that day is over waits in no queue a
		// screen shows today.
		return t, err
	}
	return t, w.emit(ctx, api.CallEvent{Kind: api.CallKindIssued, Queue: t.Queue,
		Number: t.Number, TicketID: t.ID})
}

const ticketCols = `id, number, queue, day, kind, matter, booking_id, lease_id, device,
	status, issued_at`

func scanTicket(row interface{ Scan(...any) error }) (api.Ticket, error) {
	var t api.Ticket
	var issued int64
	err := row.Scan(&t.ID, &t.Number, &t.Queue, &t.Day, &t.Kind, &t.Matter, &t.BookingID,
		&t.LeaseID, &t.Device, &t.Status, &issued)
	if err == sql.ErrNoRows {
		return t, ErrNotFound
	}
	t.IssuedAt = time.Unix(0, issued)
	return t, err
}

func getTicket(ctx context.Context, q querier, id string) (api.Ticket, error) {
	return scanTicket(q.QueryRowContext(ctx, `SELECT `+ticketCols+` FROM tickets WHERE id = ?`, id))
}

// Ticket returns a ticket by id.
func (e *Engine) Ticket(ctx context.Context, id string) (api.Ticket, error) {
	t, err := getTicket(ctx, e.rdb, id)
	if errors.Is(err, ErrNotFound) {
		return t, notFound("ticket")
	}
	return t, err
}

// Tickets lists a day's tickets in number order, for reports and tests.
func (e *Engine) Tickets(ctx context.Context, day string) ([]api.Ticket, error) {
	rows, err := e.rdb.QueryContext(ctx, `SELECT `+ticketCols+` FROM tickets WHERE day = ?
		ORDER BY num_queue, seq`, day)
	if err != nil {
		return nil, fmt.Errorf("list tickets: %w", err)
	}
	defer rows.Close()
	var out []api.Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Lease gives dev a block of numbers of one queue and day for offline
// issuing. The block comes from the same counter as online numbers, so no
// one else ever gets them (G2).
func (e *Engine) Lease(ctx context.Context, dev Device, req api.LeaseRequest) (api.Lease, error) {
	h, err := e.mustHall()
	if err != nil {
		return api.Lease{}, err
	}
	if h.Dept(req.Queue) == nil {
		return api.Lease{}, notFound("queue " + req.Queue)
	}
	if req.Size < 1 || req.Size > api.MaxLease {
		return api.Lease{}, badRequest("lease size: want 1..%d, got %d", api.MaxLease, req.Size)
	}
	if err := checkLeaseDay(h, e.clk.Now(), req.Day); err != nil {
		return api.Lease{}, err
	}
	l := api.Lease{ID: "L" + randomHex(8), Queue: req.Queue, Day: req.Day, Device: dev.ID}
	err = e.write(ctx, func(w *txn) error {
		first, err := takeNumbers(ctx, w, req.Queue, req.Day, req.Size)
		if err != nil {
			return err
		}
		l.From, l.To = first, first+req.Size-1
		_, err = w.tx.ExecContext(ctx, `INSERT INTO leases (id, device, queue, day, first,
			last, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			l.ID, dev.ID, l.Queue, l.Day, l.From, l.To, w.now.UnixNano())
		return err
	})
	return l, err
}

// TODO: numbers of a lease the kiosk never used are not returned to the
// pool (the day's sequence shows a gap there). Returning them would need
// the kiosk to release a lease it will provably not issue from again.

// checkLeaseDay allows leases for today and the next workday only: a kiosk
// prepares for the coming day, not for next month.
func checkLeaseDay(h *Hall, now time.Time, day string) error {
	today := h.Day(now)
	if day == today || day == h.NextWorkday(today) {
		return nil
	}
	return badRequest("lease day %q: want today (%s) or the next workday", day, today)
}

// parseNumber splits "A012" into queue "A" and 12.
func parseNumber(number string) (string, int, bool) {
	if len(number) < 4 {
		return "", 0, false
	}
	n, err := strconv.Atoi(number[1:])
	if err != nil || n <= 0 || strings.ContainsAny(number[1:], "+-") {
		return "", 0, false
	}
	return number[:1], n, true
}
