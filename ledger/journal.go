package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"hallkiosk/center/api"
)

// Event kinds written to the journal. Ticket issued and feedback change
// the center's state (feedback: K4, taken while the center was out of
// reach); the others are kept and chained by the center with no effect
// there.
const (
	KindTicketIssued  = api.EventTicketIssued
	KindCheckedIn     = api.EventCheckedIn
	KindFeedback      = api.EventKnowledgeFeedback
	KindTicketPrinted = "ticket.printed"
	KindBookingVoid   = "booking.void"
	KindLeaseGranted  = "lease.granted"
	KindClockObserved = "clock.observed"
)

// timeFormat is how times are stored: sortable text with the zone offset.
const timeFormat = time.RFC3339Nano

// dayFormat names a hall day.
const dayFormat = "2006-01-02"

// Event is one journal record. Seq counts from 1 with no gaps; Hash chains
// each record to the one before (PrevHash of the first is empty), so a
// missing, reordered or altered record breaks the chain at that point.
type Event struct {
	Seq        int64           `json:"seq"`
	DeviceTime time.Time       `json:"device_time"` // the device's own clock
	HallTime   time.Time       `json:"hall_time"`   // corrected by the center's offset
	Day        string          `json:"day"`         // hall day of HallTime
	Kind       string          `json:"kind"`
	Payload    json.RawMessage `json:"payload"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// append writes one event inside tx, chained to the current head. The
// caller's transaction was begun with BEGIN IMMEDIATE, so no other writer
// can read the same head.
func (l *Ledger) append(ctx context.Context, tx *sql.Tx, kind string, payload any) (Event, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return Event{}, fmt.Errorf("ledger: encode %s: %w", kind, err)
	}
	seq, prev, err := head(ctx, tx)
	if err != nil {
		return Event{}, err
	}
	dev := l.opts.Clock.Now()
	hall := l.hallTime(dev)
	e := Event{
		Seq: seq + 1, DeviceTime: dev, HallTime: hall, Day: hall.Format(dayFormat),
		Kind: kind, Payload: body, PrevHash: prev,
	}
	e.Hash = l.hash(e)
	_, err = tx.ExecContext(ctx, `INSERT INTO journal
		(seq, device_time, hall_time, day, kind, payload, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, dev.Format(timeFormat), hall.Format(timeFormat), e.Day, kind, []byte(body),
		prev, e.Hash)
	if err != nil {
		return Event{}, fmt.Errorf("ledger: append %s: %w", kind, err)
	}
	return e, nil
}

// head returns the last sequence number and hash (0 and "" when empty).
func head(ctx context.Context, q querier) (int64, string, error) {
	var seq int64
	var hash string
	err := q.QueryRowContext(ctx, "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").
		Scan(&seq, &hash)
	if err == sql.ErrNoRows {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("ledger: journal head: %w", err)
	}
	return seq, hash, nil
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// hash computes an event's chain hash with the center's function, over the
// hall time: that is the time the center files the event under.
func (l *Ledger) hash(e Event) string {
	return api.EventHash(e.PrevHash, e.Seq, e.HallTime, e.Kind, e.Payload)
}

// Wire returns the event as pushed to the center. Time is the hall time;
// the device's own reading stays in the local journal.
func (e Event) Wire() api.Event {
	return api.Event{Seq: e.Seq, Time: e.HallTime, Kind: e.Kind, Payload: e.Payload,
		PrevHash: e.PrevHash, Hash: e.Hash}
}

// Head returns the journal's last sequence number and hash.
func (l *Ledger) Head(ctx context.Context) (int64, string, error) {
	return head(ctx, l.r)
}

// Events returns up to limit events with seq > after, in order.
func (l *Ledger) Events(ctx context.Context, after int64, limit int) ([]Event, error) {
	return l.scanEvents(ctx, `SELECT seq, device_time, hall_time, day, kind, payload,
		prev_hash, hash FROM journal WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
}

// EventRange returns the events with from <= seq <= to, in order.
func (l *Ledger) EventRange(ctx context.Context, from, to int64) ([]Event, error) {
	return l.scanEvents(ctx, `SELECT seq, device_time, hall_time, day, kind, payload,
		prev_hash, hash FROM journal WHERE seq BETWEEN ? AND ? ORDER BY seq`, from, to)
}

func (l *Ledger) scanEvents(ctx context.Context, query string, args ...any) ([]Event, error) {
	rows, err := l.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: read journal: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// scanEvent reads one journal row.
func scanEvent(rows *sql.Rows) (Event, error) {
	var e Event
	var dev, hall string
	var payload []byte
	err := rows.Scan(&e.Seq, &dev, &hall, &e.Day, &e.Kind, &payload, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, fmt.Errorf("ledger: read journal: %w", err)
	}
	e.Payload = json.RawMessage(payload)
	if e.DeviceTime, err = time.Parse(timeFormat, dev); err != nil {
		return e, fmt.Errorf("ledger: event %d: device time: %w", e.Seq, err)
	}
	if e.HallTime, err = time.Parse(timeFormat, hall); err != nil {
		return e, fmt.Errorf("ledger: event %d: hall time: %w", e.Seq, err)
	}
	return e, nil
}

// hallTime converts a device clock reading to hall time using the offset
// last measured against the center, in the hall's zone.
func (l *Ledger) hallTime(dev time.Time) time.Time {
	l.mu.Lock()
	off := l.offset
	l.mu.Unlock()
	return dev.Add(off).In(l.opts.Location)
}

// Now returns the best estimate of the hall's time: the device clock
// corrected by the offset to the center's clock.
func (l *Ledger) Now() time.Time { return l.hallTime(l.opts.Clock.Now()) }

// ClockOffset returns the last measured center-minus-device offset.
func (l *Ledger) ClockOffset() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.offset
}

// ClockPayload is the payload of clock.observed: both readings, so the
// journal records the device's own time next to the center's.
type ClockPayload struct {
	DeviceTime time.Time `json:"device_time"`
	CenterTime time.Time `json:"center_time"`
	OffsetMS   int64     `json:"offset_ms"`
}

// clockStep is the change in offset worth recording; smaller wobble is
// network jitter.
const clockStep = time.Second

// ObserveClock records a reading of the center's clock taken when the
// device clock read dev. From then on hall times (ticket days, pick-up
// windows) follow the center even if the device clock is off. A change of
// more than a second is journalled with both readings.
func (l *Ledger) ObserveClock(ctx context.Context, dev, center time.Time) error {
	off := center.Sub(dev)
	if d := off - l.ClockOffset(); d > -clockStep && d < clockStep {
		return nil
	}
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		settingClockOffset, off.String()); err != nil {
		return fmt.Errorf("ledger: clock offset: %w", err)
	}
	// The event is stamped with the new offset, so its hall time is the
	// center's reading.
	l.mu.Lock()
	old := l.offset
	l.offset = off
	l.mu.Unlock()
	p := ClockPayload{DeviceTime: dev, CenterTime: center, OffsetMS: off.Milliseconds()}
	_, err = l.append(ctx, tx, KindClockObserved, p)
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		l.mu.Lock()
		l.offset = old
		l.mu.Unlock()
		return fmt.Errorf("ledger: clock observed: %w", err)
	}
	return nil
}
