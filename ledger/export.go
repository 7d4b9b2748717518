package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"hallkiosk/center/api"
)

// Export is one day of a device's ledger for an auditor. It carries no
// personal data (G6): bookings appear by code, queue and status only,
// without the masked name or the ID hash, and no journal payload holds
// either.
type Export struct {
	Device   string          `json:"device"`
	Day      string          `json:"day"`
	Schema   int             `json:"schema"`
	Counts   map[string]int  `json:"counts"` // events per kind
	HeadSeq  int64           `json:"head_seq"`
	HeadHash string          `json:"head_hash"`
	Events   []Event         `json:"events"`
	Tickets  []ExportTicket  `json:"tickets"`
	Bookings []ExportBooking `json:"bookings"`
}

// ExportTicket is a ticket in an export.
type ExportTicket struct {
	ID          string `json:"id"`
	Number      string `json:"number"`
	Queue       string `json:"queue"`
	Kind        string `json:"kind"`
	Source      string `json:"source"`
	LeaseID     string `json:"lease_id,omitempty"`
	BookingCode string `json:"booking_code,omitempty"`
	Matter      string `json:"matter,omitempty"`
	IssuedAt    string `json:"issued_at"`
	DeviceTime  string `json:"device_time"`
	Print       string `json:"print"`
	Seq         int64  `json:"seq"`
}

// ExportBooking is a booking in an export: no name, no hash.
type ExportBooking struct {
	Code   string `json:"code"`
	Queue  string `json:"queue"`
	Matter string `json:"matter,omitempty"`
	Start  string `json:"start"`
	End    string `json:"end"`
	Status string `json:"status"`
	Ticket string `json:"ticket_id,omitempty"`
}

// ExportDay gathers one hall day.
func (l *Ledger) ExportDay(ctx context.Context, day string) (*Export, error) {
	x := &Export{Device: l.opts.Device, Day: day, Counts: map[string]int{}}
	v, err := userVersion(ctx, l.r)
	if err != nil {
		return nil, fmt.Errorf("ledger: export: %w", err)
	}
	x.Schema = v
	if x.Events, err = l.scanEvents(ctx, `SELECT seq, device_time, hall_time, day, kind,
		payload, prev_hash, hash FROM journal WHERE day = ? ORDER BY seq`, day); err != nil {
		return nil, err
	}
	for _, e := range x.Events {
		x.Counts[e.Kind]++
		x.HeadSeq, x.HeadHash = e.Seq, e.Hash
	}
	if err := l.exportTickets(ctx, x); err != nil {
		return nil, err
	}
	return x, l.exportBookings(ctx, x)
}

func (l *Ledger) exportTickets(ctx context.Context, x *Export) error {
	ts, err := l.Tickets(ctx, x.Day)
	if err != nil {
		return err
	}
	for _, t := range ts {
		x.Tickets = append(x.Tickets, ExportTicket{ID: t.ID, Number: t.Label, Queue: t.Queue,
			Kind: t.Kind, Source: t.Source, LeaseID: t.LeaseID, BookingCode: t.BookingCode,
			Matter: t.Matter, IssuedAt: t.IssuedAt.Format(timeFormat),
			DeviceTime: t.DeviceTime.Format(timeFormat), Print: t.Print, Seq: t.Seq})
	}
	return nil
}

func (l *Ledger) exportBookings(ctx context.Context, x *Export) error {
	rows, err := l.r.QueryContext(ctx, `SELECT code, queue, matter_code, period_start,
		period_end, status, ticket_id FROM bookings WHERE day = ? ORDER BY period_start, code`,
		x.Day)
	if err != nil {
		return fmt.Errorf("ledger: export bookings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b ExportBooking
		if err := rows.Scan(&b.Code, &b.Queue, &b.Matter, &b.Start, &b.End, &b.Status,
			&b.Ticket); err != nil {
			return fmt.Errorf("ledger: export bookings: %w", err)
		}
		x.Bookings = append(x.Bookings, b)
	}
	return rows.Err()
}

// WriteJSON writes the export as indented JSON.
func (x *Export) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	return enc.Encode(x)
}

// ReadExport decodes an export and checks that its events are linked and
// hashed correctly among themselves (the first event's own predecessor is
// in an earlier day, so only its hash is checked). An auditor can thus
// check a day's file without the device.
func ReadExport(r io.Reader) (*Export, error) {
	dec := json.NewDecoder(io.LimitReader(r, 256<<20))
	dec.DisallowUnknownFields()
	var x Export
	if err := dec.Decode(&x); err != nil {
		return nil, fmt.Errorf("ledger: read export: %w", err)
	}
	for i, e := range x.Events {
		if err := checkExported(x.Events, i); err != nil {
			return nil, fmt.Errorf("ledger: export event %d (seq %d): %w", i, e.Seq, err)
		}
	}
	return &x, nil
}

// checkExported checks event i of an export against the one before.
func checkExported(es []Event, i int) error {
	e := es[i]
	if i > 0 && (e.Seq != es[i-1].Seq+1 || e.PrevHash != es[i-1].Hash) {
		return fmt.Errorf("%w: not linked to the previous event", ErrChain)
	}
	if !json.Valid(e.Payload) {
		return fmt.Errorf("%w: payload is not JSON", ErrChain)
	}
	if e.Hash != api.EventHash(e.PrevHash, e.Seq, e.HallTime, e.Kind, e.Payload) {
		return fmt.Errorf("%w: hash does not match", ErrChain)
	}
	return nil
}
