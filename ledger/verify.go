package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"hallkiosk/center/api"
)

// ErrChain means the journal's hash chain is broken.
var ErrChain = errors.New("ledger: journal chain broken")

// Report is the outcome of Verify.
type Report struct {
	Events    int64    // journal events checked
	HeadSeq   int64    // last sequence number
	HeadHash  string   // its hash
	Tickets   int      // tickets cross-checked against their events
	Integrity []string // PRAGMA integrity_check lines other than "ok"
	// FirstBad names the first bad record, empty when all is well.
	FirstBad string
}

// OK reports whether nothing was found wrong.
func (r Report) OK() bool { return r.FirstBad == "" && len(r.Integrity) == 0 }

// Verify checks the file with SQLite's integrity_check, walks the whole
// journal recomputing every hash and link, and checks each ticket against
// the event that recorded it. It stops at the first bad record and names
// it in Report.FirstBad; the error is for failures to read at all.
func (l *Ledger) Verify(ctx context.Context) (Report, error) {
	var rep Report
	var err error
	if rep.Integrity, err = l.integrity(ctx); err != nil {
		return rep, err
	}
	if err := l.verifyChain(ctx, &rep); err != nil || rep.FirstBad != "" {
		return rep, err
	}
	return rep, l.verifyTickets(ctx, &rep)
}

// integrity runs PRAGMA integrity_check.
func (l *Ledger) integrity(ctx context.Context) ([]string, error) {
	rows, err := l.r.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, fmt.Errorf("ledger: integrity_check: %w", err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("ledger: integrity_check: %w", err)
		}
		if s != "ok" {
			bad = append(bad, s)
		}
	}
	return bad, rows.Err()
}

// verifyChain walks the journal in order.
func (l *Ledger) verifyChain(ctx context.Context, rep *Report) error {
	rows, err := l.r.QueryContext(ctx, `SELECT seq, device_time, hall_time, day, kind,
		payload, prev_hash, hash FROM journal ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("ledger: read journal: %w", err)
	}
	defer rows.Close()
	prev := ""
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			rep.FirstBad = err.Error()
			return nil
		}
		if msg := checkLink(e, rep.HeadSeq, prev); msg != "" {
			rep.FirstBad = fmt.Sprintf("journal seq %d (%s): %s", e.Seq, e.Kind, msg)
			return nil
		}
		rep.Events++
		rep.HeadSeq, rep.HeadHash, prev = e.Seq, e.Hash, e.Hash
	}
	return rows.Err()
}

// checkLink explains what is wrong with e following seq/prev, or "".
func checkLink(e Event, seq int64, prev string) string {
	switch {
	case e.Seq != seq+1:
		return fmt.Sprintf("expected seq %d: events missing or out of order", seq+1)
	case e.PrevHash != prev:
		return "prev_hash does not match the previous event's hash"
	case e.Day != e.HallTime.Format(dayFormat):
		return fmt.Sprintf("day %s does not match hall time %s", e.Day,
			e.HallTime.Format(time.RFC3339))
	case !json.Valid(e.Payload):
		return "payload is not JSON"
	case e.Hash != api.EventHash(prev, e.Seq, e.HallTime, e.Kind, e.Payload):
		return "hash does not match the event's contents"
	}
	return ""
}

// verifyTickets checks each ticket row against its ticket.issued event, so
// a ticket edited after the fact (number, queue, day) is caught too.
func (l *Ledger) verifyTickets(ctx context.Context, rep *Report) error {
	rows, err := l.r.QueryContext(ctx, `SELECT t.id, t.label, t.queue, t.day, j.kind,
		j.payload FROM tickets t LEFT JOIN journal j ON j.seq = t.seq ORDER BY t.seq`)
	if err != nil {
		return fmt.Errorf("ledger: read tickets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, label, queue, day string
		var kind, payload []byte
		if err := rows.Scan(&id, &label, &queue, &day, &kind, &payload); err != nil {
			return fmt.Errorf("ledger: read tickets: %w", err)
		}
		var p api.TicketIssuedPayload
		if string(kind) != KindTicketIssued || json.Unmarshal(payload, &p) != nil ||
			p.TicketID != id || p.Number != label || p.Queue != queue || p.Day != day {
			rep.FirstBad = fmt.Sprintf("ticket %s (%s): does not match its journal event",
				label, id)
			return nil
		}
		rep.Tickets++
	}
	return rows.Err()
}
