package center

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	"hallkiosk/center/api"
)

// Sender delivers one SMS. A real gateway is not part of this project;
// LogSender stands in for it. Send should be idempotent per message where
// the gateway allows: the outbox retries after a failure.
type Sender interface {
	Send(ctx context.Context, to, body string) error
}

// LogSender appends each message as a JSON line to Path, with the phone
// number masked (the file is read by people; R4 proof of delivery lives in
// the outbox table).
type LogSender struct {
	Path string
	mu   sync.Mutex
}

// Send appends the message to the file.
func (s *LogSender) Send(_ context.Context, to, body string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := os.OpenFile(s.Path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("sms log: %w", err)
	}
	defer f.Close()
	line, _ := json.Marshal(map[string]string{
		"time": time.Now().UTC().Format(time.RFC3339), "to": MaskPhone(to), "body": body})
	_, err = f.Write(append(line, '\n'))
	return err
}

// MaskPhone keeps the first 3 and last 4 digits: "138****5678".
func MaskPhone(p string) string {
	if len(p) < 8 {
		return "****"
	}
	return p[:3] + "****" + p[len(p)-4:]
}

// queueSMS puts a message in the outbox inside the booking's transaction,
// so a booking and its confirmation (R4) are committed together.
func (e *Engine) queueSMS(ctx context.Context, w *txn, b api.Booking, phone, body string) error {
	if phone == "" {
		return nil
	}
	_, err := w.tx.ExecContext(ctx, `INSERT INTO sms_outbox (booking_id, phone, body,
		created_at) VALUES (?, ?, ?, ?)`, b.ID, phone, body, w.now.UnixNano())
	if err != nil {
		return fmt.Errorf("queue sms: %w", err)
	}
	return nil
}

// maxSMSAttempts bounds retries of one message.
const maxSMSAttempts = 5

// DeliverSMS sends pending outbox messages and records the outcome. It
// returns how many were sent.
func (e *Engine) DeliverSMS(ctx context.Context) (int, error) {
	type msg struct {
		id          int64
		phone, body string
	}
	rows, err := e.rdb.QueryContext(ctx, `SELECT id, phone, body FROM sms_outbox
		WHERE sent_at = 0 AND attempts < ? ORDER BY id LIMIT 100`, maxSMSAttempts)
	if err != nil {
		return 0, fmt.Errorf("read outbox: %w", err)
	}
	var pending []msg
	for rows.Next() {
		var m msg
		if err := rows.Scan(&m.id, &m.phone, &m.body); err != nil {
			rows.Close()
			return 0, err
		}
		pending = append(pending, m)
	}
	rows.Close()
	sent := 0
	for _, m := range pending {
		serr := e.sms.Send(ctx, m.phone, m.body)
		if serr == nil {
			sent++
		}
		err := e.write(ctx, func(w *txn) error { return markSMS(ctx, w, m.id, serr) })
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func markSMS(ctx context.Context, w *txn, id int64, sendErr error) error {
	if sendErr == nil {
		_, err := w.tx.ExecContext(ctx, `UPDATE sms_outbox SET sent_at = ?, attempts =
			attempts + 1 WHERE id = ?`, w.now.UnixNano(), id)
		return err
	}
	_, err := w.tx.ExecContext(ctx, `UPDATE sms_outbox SET attempts = attempts + 1,
		last_error = ? WHERE id = ?`, sendErr.Error(), id)
	return err
}

func smsBooked(h *Hall, m *api.Matter, b api.Booking) string {
	return fmt.Sprintf("【%s】您已预约%s %s-%s办理“%s”，预约码%s。请于当天取号时段凭身份证或预约码取号；"+
		"如需取消，请至少提前一天。", h.Center, b.Day, b.Start, b.End, m.Name, b.Code)
}

func smsCancelled(h *Hall, b api.Booking) string {
	return fmt.Sprintf("【%s】您%s %s的预约（预约码%s）已取消。", h.Center, b.Day, b.Start, b.Code)
}
