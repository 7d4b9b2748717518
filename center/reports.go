package center

import (
	"context"
	"fmt"
	"time"

	"hallkiosk/center/api"
)

// TicketRecord is a ticket with the times and outcome the console and the
// reports need, beyond what the wire Ticket carries.
type TicketRecord struct {
	api.Ticket
	Window     int       // window that called it last; 0 if never called
	TargetMin  int       // R8 wait target of its class, in minutes
	CalledAt   time.Time // zero if never called
	MissedAt   time.Time // zero if never marked missed (kept after reinstating)
	FinishedAt time.Time // zero if not finished
	Rating     string    // R15: good, fair, bad or ""
	Comment    string
}

const recordCols = ticketCols + `, window, target_min, called_at, missed_at, finished_at,
	rating, comment`

func scanRecord(row interface{ Scan(...any) error }) (TicketRecord, error) {
	var r TicketRecord
	var issued, called, missed, finished int64
	err := row.Scan(&r.ID, &r.Number, &r.Queue, &r.Day, &r.Kind, &r.Matter, &r.BookingID,
		&r.LeaseID, &r.Device, &r.Status, &issued, &r.Window, &r.TargetMin, &called, &missed,
		&finished, &r.Rating, &r.Comment)
	r.IssuedAt = time.Unix(0, issued)
	r.CalledAt, r.MissedAt, r.FinishedAt = unixOrZero(called), unixOrZero(missed),
		unixOrZero(finished)
	return r, err
}

func unixOrZero(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// TicketRecords lists the tickets of the days from..to (inclusive,
// api.DayLayout), in issue order. Reports and the console read it.
func (e *Engine) TicketRecords(ctx context.Context, from, to string) ([]TicketRecord, error) {
	rows, err := e.rdb.QueryContext(ctx, `SELECT `+recordCols+` FROM tickets
		WHERE day >= ? AND day <= ? ORDER BY issued_at, seq`, from, to)
	if err != nil {
		return nil, fmt.Errorf("list ticket records: %w", err)
	}
	defer rows.Close()
	var out []TicketRecord
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("read ticket record: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// TicketRecordByID returns one ticket record, or a not-found Refusal.
func (e *Engine) TicketRecordByID(ctx context.Context, id string) (TicketRecord, error) {
	r, err := scanRecord(e.rdb.QueryRowContext(ctx,
		`SELECT `+recordCols+` FROM tickets WHERE id = ?`, id))
	if err != nil {
		return r, notFound("ticket")
	}
	return r, nil
}

// BookingsBetween lists the bookings of the days from..to (inclusive) in
// day and start order: the reports count no-shows (R12) from it and the
// group leader clears them (R14).
func (e *Engine) BookingsBetween(ctx context.Context, from, to string) ([]api.Booking, error) {
	rows, err := e.rdb.QueryContext(ctx, `SELECT `+bookingCols+` FROM bookings
		WHERE day >= ? AND day <= ? ORDER BY day, start, code`, from, to)
	if err != nil {
		return nil, fmt.Errorf("list bookings: %w", err)
	}
	defer rows.Close()
	var out []api.Booking
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, fmt.Errorf("read booking: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
