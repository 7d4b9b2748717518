package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hallkiosk/center/api"
)

// ErrSeveralBookings means an ID hash matches more than one booking today;
// the kiosk lets the citizen choose (FindBookings) and checks in by code.
var ErrSeveralBookings = errors.New("ledger: several bookings match; choose one")

// errTaken means the booking was checked in between its lookup and the
// ticket's transaction (by another process on the same file); the
// transaction is rolled back and the first ticket returned instead.
var errTaken = errors.New("ledger: booking checked in meanwhile")

// Booking is a cached booking. It holds no ID number and no full name (G6):
// IDHash is api.KeyedIDHash of the number under the hall key, and
// NameMasked keeps only the first character.
type Booking struct {
	Code       string
	IDHash     string
	NameMasked string
	Queue      string
	Matter     string
	Day        string
	Start, End string // the booked period, "HH:MM"
	Status     string // api.Booking* statuses
	TicketID   string // set once checked in
}

// SaveBookings merges bookings pulled from the center into the cache. A
// check-in or voiding done here while offline is kept until the center
// reports a final state of its own, so a pull that raced the journal push
// cannot reopen a booking that already has a ticket.
//
// Whatever the center sends, the cache holds no more than G6 allows: names
// are masked again (masking is idempotent, "张**" stays as it is) and an
// ID number sent where its keyed hash belongs is dropped.
func (l *Ledger) SaveBookings(ctx context.Context, bs []api.BookingView) error {
	if l.opts.ReadOnly {
		return ErrReadOnly
	}
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	defer tx.Rollback()
	now := l.Now().Format(timeFormat)
	bare := 0
	for _, b := range bs {
		name, hash := api.MaskName(b.NameMasked), b.IDHash
		if looksLikeIDNumber(hash) {
			hash, bare = "", bare+1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bookings (code, id_hash, masked_name,
			queue, matter_code, day, period_start, period_end, status, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(code) DO UPDATE SET id_hash = excluded.id_hash,
			masked_name = excluded.masked_name, queue = excluded.queue,
			matter_code = excluded.matter_code, day = excluded.day,
			period_start = excluded.period_start, period_end = excluded.period_end,
			status = CASE WHEN excluded.status = 'booked' THEN bookings.status
				ELSE excluded.status END,
			updated_at = excluded.updated_at`,
			b.Code, hash, name, b.Queue, b.Matter, b.Day, b.Start, b.End,
			b.Status, now); err != nil {
			return fmt.Errorf("ledger: save booking: %w", err)
		}
	}
	if bare > 0 {
		// The count only: the value is what must not reach a log.
		l.log.Warn("bookings pulled with an ID number instead of its hash; dropped",
			"count", bare)
	}
	return tx.Commit()
}

// looksLikeIDNumber reports whether s is a bare resident ID number (18
// characters, the last a digit or X, or the old 15 digits) rather than a
// keyed hash of one.
func looksLikeIDNumber(s string) bool {
	s = api.NormalizeID(s)
	if len(s) != 18 && len(s) != 15 {
		return false
	}
	for i, c := range s {
		if c < '0' || c > '9' {
			if c != 'X' || i != 17 {
				return false
			}
		}
	}
	return true
}

// FindBookings returns today's cached bookings for a booking code or an ID
// hash (one of them set).
func (l *Ledger) FindBookings(ctx context.Context, code, idHash string) ([]Booking, error) {
	day := l.Now().Format(dayFormat)
	return l.findBookings(ctx, l.r, day, code, idHash)
}

func (l *Ledger) findBookings(ctx context.Context, q querier, day, code,
	idHash string) ([]Booking, error) {
	if (code == "") == (idHash == "") {
		return nil, fmt.Errorf("%w: give a booking code or an ID hash", ErrBadRequest)
	}
	rows, err := q.QueryContext(ctx, `SELECT code, id_hash, masked_name, queue, matter_code,
		day, period_start, period_end, status, ticket_id FROM bookings
		WHERE day = ? AND ((? != '' AND code = ?) OR (? != '' AND id_hash = ?))
		ORDER BY period_start`, day, code, code, idHash, idHash)
	if err != nil {
		return nil, fmt.Errorf("ledger: find bookings: %w", err)
	}
	defer rows.Close()
	var out []Booking
	for rows.Next() {
		var b Booking
		if err := rows.Scan(&b.Code, &b.IDHash, &b.NameMasked, &b.Queue, &b.Matter, &b.Day,
			&b.Start, &b.End, &b.Status, &b.TicketID); err != nil {
			return nil, fmt.Errorf("ledger: read booking: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// CheckInRequest checks a booking in by code or by ID hash.
type CheckInRequest struct {
	Key    string // idempotency key, as for Issue
	Code   string // booking code typed or scanned
	IDHash string // api.KeyedIDHash of the ID card read
}

// CheckIn turns a cached booking of today into a booked ticket. Offline,
// the rules the center would apply are applied here: R7 (check-in only
// inside the pick-up windows, workdays 08:20–11:20 and 13:00–16:30) and
// R12 (a booking not checked in by the end of its pick-up window is void
// and a no-show). Checking in a booking twice returns its first ticket.
func (l *Ledger) CheckIn(ctx context.Context, req CheckInRequest) (Ticket, error) {
	if req.Key == "" {
		return Ticket{}, fmt.Errorf("%w: missing idempotency key", ErrBadRequest)
	}
	l.checkIn.Lock()
	defer l.checkIn.Unlock()
	b, err := l.oneBooking(ctx, req)
	if err != nil {
		return Ticket{}, err
	}
	if t, ok, err := l.firstTicket(ctx, b); err != nil || ok {
		return t, err
	}
	if err := l.checkPickup(ctx, b); err != nil {
		return Ticket{}, err
	}
	t, err := l.checkInIssue(ctx, req.Key, b)
	if errors.Is(err, errTaken) {
		if b, err = l.bookingByCode(ctx, b.Code); err != nil {
			return Ticket{}, err
		}
		if t, ok, err := l.firstTicket(ctx, b); err != nil || ok {
			return t, err
		}
		return Ticket{}, fmt.Errorf("%w: booking is %s", ErrNoBooking, b.Status)
	}
	return t, err
}

// firstTicket returns the ticket of a booking checked in on this device.
func (l *Ledger) firstTicket(ctx context.Context, b Booking) (Ticket, bool, error) {
	if b.Status != api.BookingCheckedIn || b.TicketID == "" {
		return Ticket{}, false, nil
	}
	return l.ticketByID(ctx, b.TicketID)
}

// bookingByCode reads a booking of today again from the writer's view.
func (l *Ledger) bookingByCode(ctx context.Context, code string) (Booking, error) {
	bs, err := l.findBookings(ctx, l.w, l.Now().Format(dayFormat), code, "")
	if err != nil {
		return Booking{}, err
	}
	if len(bs) == 0 {
		return Booking{}, ErrNoBooking
	}
	return bs[0], nil
}

// oneBooking finds exactly one open booking for today.
func (l *Ledger) oneBooking(ctx context.Context, req CheckInRequest) (Booking, error) {
	bs, err := l.FindBookings(ctx, req.Code, req.IDHash)
	if err != nil {
		return Booking{}, err
	}
	switch len(bs) {
	case 0:
		return Booking{}, ErrNoBooking
	case 1:
		return bs[0], nil
	}
	var open []Booking
	for _, b := range bs {
		if b.Status == api.BookingBooked {
			open = append(open, b)
		}
	}
	if len(open) == 1 {
		return open[0], nil
	}
	return Booking{}, ErrSeveralBookings
}

// checkPickup applies R7 and R12 at hall time now.
func (l *Ledger) checkPickup(ctx context.Context, b Booking) error {
	switch b.Status {
	case api.BookingBooked:
	case api.BookingNoShow:
		return ErrBookingVoid
	default:
		return fmt.Errorf("%w: booking is %s", ErrNoBooking, b.Status)
	}
	h, err := l.Hall(ctx)
	if err != nil {
		return err
	}
	now := l.Now()
	from, to, err := pickupFor(h, b, l.opts.Location)
	if err != nil {
		return err
	}
	if now.After(to) {
		return l.voidBooking(ctx, b) // R12
	}
	if now.Before(from) || !isWorkday(h, now) {
		return ErrOutsidePickup // R7
	}
	return nil
}

// pickupFor returns the pick-up window (R7) that serves a booking: the
// last window starting at or before the booked period, so a morning
// booking is picked up in the morning window and an afternoon one in the
// afternoon window.
func pickupFor(h *api.Hall, b Booking, loc *time.Location) (time.Time, time.Time, error) {
	wins := pickupWindows(h)
	best := wins[0]
	for _, w := range wins {
		if w[0] <= b.Start {
			best = w
		}
	}
	from, err1 := time.ParseInLocation(dayFormat+" 15:04", b.Day+" "+best[0], loc)
	to, err2 := time.ParseInLocation(dayFormat+" 15:04", b.Day+" "+best[1], loc)
	if err := errors.Join(err1, err2); err != nil {
		return from, to, fmt.Errorf("ledger: pick-up window of booking: %w", err)
	}
	return from, to, nil
}

// voidBooking marks a booking a no-show (R12) and journals it, then
// returns ErrBookingVoid.
func (l *Ledger) voidBooking(ctx context.Context, b Booking) error {
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE bookings SET status = ? WHERE code = ?
		AND status = ?`, api.BookingNoShow, b.Code, api.BookingBooked)
	if err != nil {
		return fmt.Errorf("ledger: void booking: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		p := map[string]string{"booking_code": b.Code, "reason": "r12_not_checked_in"}
		if _, err := l.append(ctx, tx, KindBookingVoid, p); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ledger: void booking: %w", err)
	}
	return ErrBookingVoid
}

// checkInIssue issues the booked ticket and, in the same transaction,
// marks the booking checked in and journals booking.checked_in.
func (l *Ledger) checkInIssue(ctx context.Context, key string, b Booking) (Ticket, error) {
	req := IssueRequest{Key: key, Queue: b.Queue, Matter: b.Matter, BookingCode: b.Code}
	return l.issue(ctx, req, func(ctx context.Context, tx *sql.Tx, t *Ticket) error {
		return l.markCheckedIn(ctx, tx, b.Code, t.ID)
	})
}

// CheckedInPayload is the payload of booking.checked_in.
type CheckedInPayload struct {
	BookingCode string `json:"booking_code"`
	TicketID    string `json:"ticket_id"`
}

// markCheckedIn records the check-in inside the ticket's transaction. The
// booking must still be open: that is the last guard against two tickets
// for one booking when two processes share the file.
func (l *Ledger) markCheckedIn(ctx context.Context, tx *sql.Tx, code, ticketID string) error {
	res, err := tx.ExecContext(ctx, `UPDATE bookings SET status = ?, ticket_id = ?
		WHERE code = ? AND status = ?`, api.BookingCheckedIn, ticketID, code, api.BookingBooked)
	if err != nil {
		return fmt.Errorf("ledger: check in: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errTaken
	}
	p := CheckedInPayload{BookingCode: code, TicketID: ticketID}
	_, err = l.append(ctx, tx, KindCheckedIn, p)
	return err
}

// ticketByID looks a ticket up by its id.
func (l *Ledger) ticketByID(ctx context.Context, id string) (Ticket, bool, error) {
	rows, err := l.r.QueryContext(ctx, "SELECT "+ticketCols+" FROM tickets WHERE id = ?", id)
	if err != nil {
		return Ticket{}, false, fmt.Errorf("ledger: find ticket: %w", err)
	}
	ts, err := scanTickets(rows)
	if err != nil || len(ts) == 0 {
		return Ticket{}, false, err
	}
	return ts[0], true, nil
}

// PurgePersonal erases masked names and ID hashes of bookings whose day is
// more than PurgeAfterDays before today (G6), and returns how many rows it
// cleared. The bookings' codes and statuses stay for reconciliation.
func (l *Ledger) PurgePersonal(ctx context.Context) (int64, error) {
	if l.opts.ReadOnly {
		return 0, ErrReadOnly
	}
	cut := l.Now().AddDate(0, 0, -l.opts.PurgeAfterDays).Format(dayFormat)
	res, err := l.w.ExecContext(ctx, `UPDATE bookings SET id_hash = '', masked_name = ''
		WHERE day < ? AND (id_hash != '' OR masked_name != '')`, cut)
	if err != nil {
		return 0, fmt.Errorf("ledger: purge: %w", err)
	}
	return res.RowsAffected()
}
