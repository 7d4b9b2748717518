package center

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"hallkiosk/center/api"
)

// maxBatch bounds the events of one journal push.
const maxBatch = 2000

// PushJournal stores a batch of a device's journal events (G3): in seq
// order, each continuing the device's hash chain. Events already held with
// the same hash are skipped, so a replayed batch changes nothing. A gap
// refuses the batch with the seq the center expects; a broken chain or a
// different event under a held seq refuses it too. The batch is one
// transaction: all or nothing.
func (e *Engine) PushJournal(ctx context.Context, dev Device,
	push api.JournalPush) (api.JournalAck, error) {
	if len(push.Events) == 0 || len(push.Events) > maxBatch {
		return api.JournalAck{}, badRequest("journal: want 1..%d events, got %d", maxBatch,
			len(push.Events))
	}
	for i, ev := range push.Events {
		if ev.Seq < 1 {
			return api.JournalAck{}, badRequest("journal events[%d]: seq must be 1 or more", i)
		}
	}
	h, err := e.mustHall()
	if err != nil {
		return api.JournalAck{}, err
	}
	var ack api.JournalAck
	err = e.write(ctx, func(w *txn) error {
		var err error
		ack, err = e.pushJournal(ctx, w, h, dev, push.Events)
		return err
	})
	return ack, err
}

func (e *Engine) pushJournal(ctx context.Context, w *txn, h *Hall, dev Device,
	events []api.Event) (api.JournalAck, error) {
	var ack api.JournalAck
	head, hash, err := journalHead(ctx, w.tx, dev.ID)
	if err != nil {
		return ack, err
	}
	for _, ev := range events {
		switch {
		case ev.Seq <= head:
			if err := checkHeld(ctx, w.tx, dev.ID, ev); err != nil {
				return ack, err
			}
			ack.Skipped++
		case ev.Seq == head+1:
			if err := e.appendEvent(ctx, w, h, dev, ev, hash); err != nil {
				return ack, err
			}
			head, hash = ev.Seq, ev.Hash
			ack.Accepted++
		default:
			r := conflict(api.ErrCodeJournalSeq, "journal seq %d: expected %d", ev.Seq, head+1)
			r.Err.ExpectedSeq = head + 1
			return ack, r
		}
	}
	ack.HeadSeq, ack.HeadHash = head, hash
	return ack, nil
}

// journalHead is the device's last held seq and hash (0, "" when none).
func journalHead(ctx context.Context, q querier, device string) (int64, string, error) {
	var seq int64
	var hash string
	err := q.QueryRowContext(ctx, `SELECT seq, hash FROM journal WHERE device = ?
		ORDER BY seq DESC LIMIT 1`, device).Scan(&seq, &hash)
	if err == sql.ErrNoRows {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("read journal head: %w", err)
	}
	return seq, hash, nil
}

// checkHeld accepts a replayed event only if it is the one already held.
func checkHeld(ctx context.Context, q querier, device string, ev api.Event) error {
	var hash string
	err := q.QueryRowContext(ctx, `SELECT hash FROM journal WHERE device = ? AND seq = ?`,
		device, ev.Seq).Scan(&hash)
	if err != nil {
		return fmt.Errorf("read journal seq %d: %w", ev.Seq, err)
	}
	if hash != ev.Hash {
		r := conflict(api.ErrCodeJournalHash, "journal seq %d differs from the event held", ev.Seq)
		return r
	}
	return nil
}

func (e *Engine) appendEvent(ctx context.Context, w *txn, h *Hall, dev Device, ev api.Event,
	prev string) error {
	if ev.Kind == "" || len(ev.Kind) > 64 || ev.Time.IsZero() || !json.Valid(ev.Payload) {
		return badRequest("journal seq %d: need kind, time and a JSON payload", ev.Seq)
	}
	if !ev.Valid(prev) {
		r := conflict(api.ErrCodeJournalHash, "journal seq %d: hash chain broken", ev.Seq)
		r.Err.ExpectedSeq = ev.Seq
		return r
	}
	payload, _ := compactJSON(ev.Payload)
	_, err := w.tx.ExecContext(ctx, `INSERT INTO journal (device, seq, time, day, kind,
		payload, prev_hash, hash, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		dev.ID, ev.Seq, ev.Time.UnixNano(), h.Day(ev.Time), ev.Kind, payload, ev.PrevHash,
		ev.Hash, w.now.UnixNano())
	if err != nil {
		return fmt.Errorf("store journal seq %d: %w", ev.Seq, err)
	}
	return e.applyEvent(ctx, w, h, dev, ev)
}

func compactJSON(raw []byte) (string, error) {
	var v json.RawMessage
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	out, err := json.Marshal(v)
	return string(out), err
}

// applyEvent gives an event its effect at the center. Two kinds have one:
// ticket.issued, whose ticket issued offline from a lease is created if its
// id is new (an online ticket journalled later is already there: nothing
// happens); and knowledge.feedback, filed as POST /knowledge/feedback
// files it. An event the center cannot apply is kept and recorded as an
// anomaly rather than refused, so one bad event cannot stall the device's
// sync forever.
func (e *Engine) applyEvent(ctx context.Context, w *txn, h *Hall, dev Device, ev api.Event) error {
	switch ev.Kind {
	case api.EventTicketIssued:
		return e.applyTicket(ctx, w, h, dev, ev)
	case api.EventKnowledgeFeedback:
		return applyFeedback(ctx, w, dev, ev)
	}
	return nil
}

// applyFeedback files feedback a kiosk took offline (K4), dated when the
// citizen gave it. Its ID makes it idempotent beside the journal's own
// seq check (G3): the same feedback also sent by POST is stored once.
func applyFeedback(ctx context.Context, w *txn, dev Device, ev api.Event) error {
	var fb api.KnowledgeFeedback
	if err := json.Unmarshal(ev.Payload, &fb); err != nil {
		return anomaly(ctx, w, dev, ev.Seq, "knowledge.feedback payload unreadable")
	}
	if err := checkFeedback(fb); err != nil {
		return anomaly(ctx, w, dev, ev.Seq, "knowledge.feedback refused: "+err.Error())
	}
	return insertFeedback(ctx, w, dev, fb, ev.Time)
}

// applyTicket creates a ticket a kiosk issued offline from its lease.
func (e *Engine) applyTicket(ctx context.Context, w *txn, h *Hall, dev Device,
	ev api.Event) error {
	var p api.TicketIssuedPayload
	if err := json.Unmarshal(ev.Payload, &p); err != nil || !validID(p.TicketID) {
		return anomaly(ctx, w, dev, ev.Seq, "ticket.issued payload unreadable")
	}
	if _, err := getTicket(ctx, w.tx, p.TicketID); err == nil {
		return nil
	}
	if p.LeaseID == "" {
		return anomaly(ctx, w, dev, ev.Seq, "ticket "+p.Number+" neither issued online nor leased")
	}
	seq, why := checkLeased(ctx, w.tx, dev, p)
	if why != "" {
		return anomaly(ctx, w, dev, ev.Seq, why)
	}
	return e.insertOffline(ctx, w, h, dev, ev, p, seq)
}

// checkLeased finds the number's place in the device's lease; why is set
// when the number is not the device's to issue (G2).
func checkLeased(ctx context.Context, q querier, dev Device,
	p api.TicketIssuedPayload) (int, string) {
	queue, n, ok := parseNumber(p.Number)
	if !ok || queue != p.Queue {
		return 0, "ticket number " + p.Number + " malformed"
	}
	var from, to int
	err := q.QueryRowContext(ctx, `SELECT first, last FROM leases WHERE id = ? AND device = ?
		AND queue = ? AND day = ?`, p.LeaseID, dev.ID, queue, p.Day).Scan(&from, &to)
	if err != nil || n < from || n > to {
		return 0, fmt.Sprintf("ticket %s outside lease %s of this device", p.Number, p.LeaseID)
	}
	return n, ""
}

func (e *Engine) insertOffline(ctx context.Context, w *txn, h *Hall, dev Device, ev api.Event,
	p api.TicketIssuedPayload, seq int) error {
	var taken int
	err := w.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE num_queue = ? AND
		day = ? AND seq = ?`, p.Queue, p.Day, seq).Scan(&taken)
	if err != nil {
		return err
	}
	if taken > 0 {
		return anomaly(ctx, w, dev, ev.Seq,
			"ticket "+p.Number+" issued twice from lease "+p.LeaseID)
	}
	kind := api.KindWalkIn
	if p.Kind == api.KindBooked {
		kind = api.KindBooked
	}
	t := api.Ticket{ID: p.TicketID, Queue: p.Queue, Day: p.Day, Kind: kind,
		Matter: p.Matter, LeaseID: p.LeaseID, Device: dev.ID, IssuedAt: ev.Time}
	if p.BookingCode != "" {
		if b, err := getBooking(ctx, w.tx, "code", p.BookingCode); err == nil {
			t.BookingID = b.ID
			// R12 may have voided the booking before this journal arrived,
			// though the kiosk checked the citizen in, offline, inside the
			// pick-up window (R7): the citizen came, so it is no no-show.
			_, inTime := inPickup(h, ev.Time, b)
			if b.Status == api.BookingBooked || (b.Status == api.BookingNoShow && inTime) {
				if err := setBookingStatus(ctx, w, b.ID, api.BookingCheckedIn); err != nil {
					return err
				}
			}
		}
	}
	_, err = e.insertTicket(ctx, w, h, t, seq)
	return err
}

// anomaly records what the center could not apply, for the admin.
func anomaly(ctx context.Context, w *txn, dev Device, seq int64, what string) error {
	_, err := w.tx.ExecContext(ctx, `INSERT INTO anomalies (device, seq, what, at)
		VALUES (?, ?, ?, ?)`, dev.ID, seq, what, w.now.UnixNano())
	return err
}

// Anomalies lists what the center could not apply from journals.
func (e *Engine) Anomalies(ctx context.Context) ([]string, error) {
	rows, err := e.rdb.QueryContext(ctx, `SELECT device, seq, what FROM anomalies ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var dev, what string
		var seq int64
		if err := rows.Scan(&dev, &seq, &what); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("%s#%d: %s", dev, seq, what))
	}
	return out, rows.Err()
}

// Reconcile reports what the center holds of a device's journal for a day
// (G3): count, first and last seq, the hash at the last; and the seq ranges
// missing up to through (the device's own head), if it gave one.
func (e *Engine) Reconcile(ctx context.Context, dev Device, day string,
	through int64) (api.Reconcile, error) {
	if _, err := time.Parse(api.DayLayout, day); err != nil {
		return api.Reconcile{}, badRequest("day %q: want YYYY-MM-DD", day)
	}
	r := api.Reconcile{Day: day}
	err := e.rdb.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MIN(seq), 0),
		COALESCE(MAX(seq), 0) FROM journal WHERE device = ? AND day = ?`, dev.ID, day).
		Scan(&r.Count, &r.FirstSeq, &r.LastSeq)
	if err != nil {
		return r, fmt.Errorf("reconcile: %w", err)
	}
	if r.Count > 0 {
		err = e.rdb.QueryRowContext(ctx, `SELECT hash FROM journal WHERE device = ? AND seq = ?`,
			dev.ID, r.LastSeq).Scan(&r.HeadHash)
		if err != nil {
			return r, fmt.Errorf("reconcile head: %w", err)
		}
	}
	if r.DeviceHeadSeq, _, err = journalHead(ctx, e.rdb, dev.ID); err != nil {
		return r, err
	}
	if through > r.DeviceHeadSeq {
		r.Missing = []api.SeqRange{{From: r.DeviceHeadSeq + 1, To: through}}
	}
	return r, nil
}
