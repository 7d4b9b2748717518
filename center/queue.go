package center

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"hallkiosk/center/api"
)

// idempotent runs fn once per key: a repeated key with the same request
// returns the first result without acting again (a button clicked twice
// makes one call); the same key for another request is refused. An empty
// key disables the check.
func idempotent(ctx context.Context, w *txn, key, request string,
	fn func() (api.Ticket, error)) (api.Ticket, error) {
	if key == "" {
		return fn()
	}
	var prevReq, prevRes string
	err := w.tx.QueryRowContext(ctx, `SELECT request, result FROM idem WHERE key = ?`, key).
		Scan(&prevReq, &prevRes)
	if err == nil {
		if prevReq != request {
			return api.Ticket{}, conflict(api.ErrCodeIdempotency,
				"idempotency key already used for %s", prevReq)
		}
		var t api.Ticket
		return t, json.Unmarshal([]byte(prevRes), &t)
	}
	if err != sql.ErrNoRows {
		return api.Ticket{}, fmt.Errorf("read idempotency key: %w", err)
	}
	t, err := fn()
	if err != nil {
		return t, err
	}
	res, _ := json.Marshal(t)
	_, err = w.tx.ExecContext(ctx, `INSERT INTO idem (key, request, result) VALUES (?, ?, ?)`,
		key, request, string(res))
	return t, err
}

// staffAction runs one staff action as one idempotent transaction.
func (e *Engine) staffAction(ctx context.Context, key, request string,
	fn func(w *txn, h *Hall) (api.Ticket, error)) (api.Ticket, error) {
	if len(key) > 128 {
		return api.Ticket{}, badRequest("idempotency key longer than 128")
	}
	h, err := e.mustHall()
	if err != nil {
		return api.Ticket{}, err
	}
	var t api.Ticket
	err = e.write(ctx, func(w *txn) error {
		var err error
		t, err = idempotent(ctx, w, key, request, func() (api.Ticket, error) { return fn(w, h) })
		return err
	})
	return t, err
}

// CallNext calls the next ticket for a window among the queues it serves
// (S1). R10: booked tickets are called before walk-ins; within each kind,
// in issue order. A ticket the window was still serving is finished first.
func (e *Engine) CallNext(ctx context.Context, window int, key string) (api.Ticket, error) {
	return e.staffAction(ctx, key, fmt.Sprintf("call-next %d", window),
		func(w *txn, h *Hall) (api.Ticket, error) {
			queues := h.WindowQueues(window)
			if len(queues) == 0 {
				return api.Ticket{}, notFound(fmt.Sprintf("window %d", window))
			}
			if err := e.finishCurrent(ctx, w, window); err != nil {
				return api.Ticket{}, err
			}
			t, err := nextWaiting(ctx, w.tx, h.Day(w.now), queues)
			if errors.Is(err, ErrNotFound) {
				return t, conflict(api.ErrCodeQueueEmpty, "no ticket waits for window %d", window)
			}
			if err != nil {
				return t, err
			}
			return e.markCalled(ctx, w, t, window)
		})
}

// nextWaiting picks the ticket R10 says is next.
func nextWaiting(ctx context.Context, q querier, day string, queues []string) (api.Ticket, error) {
	args := []any{day}
	for _, qu := range queues {
		args = append(args, qu)
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(queues)), ",")
	return scanTicket(q.QueryRowContext(ctx, `SELECT `+ticketCols+` FROM tickets
		WHERE day = ? AND status = 'waiting' AND queue IN (`+marks+`)
		ORDER BY CASE kind WHEN 'booked' THEN 0 ELSE 1 END, issued_at, seq LIMIT 1`, args...))
}

func (e *Engine) markCalled(ctx context.Context, w *txn, t api.Ticket,
	window int) (api.Ticket, error) {
	_, err := w.tx.ExecContext(ctx, `UPDATE tickets SET status = 'called', window = ?,
		called_at = ? WHERE id = ?`, window, w.now.UnixNano(), t.ID)
	if err != nil {
		return t, fmt.Errorf("call ticket: %w", err)
	}
	t.Status = api.TicketCalled
	return t, w.emit(ctx, callEvent(api.CallKindCalled, t, window, w.now))
}

func callEvent(kind string, t api.Ticket, window int, now time.Time) api.CallEvent {
	return api.CallEvent{Kind: kind, Window: window, Queue: t.Queue, Number: t.Number,
		TicketID: t.ID, Waited: int(now.Sub(t.IssuedAt) / time.Minute)}
}

// finishCurrent finishes, unrated, whatever the window is still serving.
func (e *Engine) finishCurrent(ctx context.Context, w *txn, window int) error {
	t, err := currentAt(ctx, w.tx, window)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = e.finish(ctx, w, t, "", "")
	return err
}

// currentAt is the ticket a window has called and not yet finished.
func currentAt(ctx context.Context, q querier, window int) (api.Ticket, error) {
	return scanTicket(q.QueryRowContext(ctx, `SELECT `+ticketCols+` FROM tickets
		WHERE status = 'called' AND window = ? ORDER BY called_at DESC LIMIT 1`, window))
}

// Recall announces the window's current ticket again.
func (e *Engine) Recall(ctx context.Context, window int, key string) (api.Ticket, error) {
	return e.staffAction(ctx, key, fmt.Sprintf("recall %d", window),
		func(w *txn, h *Hall) (api.Ticket, error) {
			t, err := currentAt(ctx, w.tx, window)
			if errors.Is(err, ErrNotFound) {
				return t, conflict(api.ErrCodeConflict, "window %d serves no ticket", window)
			}
			if err != nil {
				return t, err
			}
			return t, w.emit(ctx, callEvent(api.CallKindRecalled, t, window, w.now))
		})
}

// ticketIn loads a ticket and checks it is in one of the given statuses.
func ticketIn(ctx context.Context, w *txn, id string, statuses ...string) (api.Ticket, int, error) {
	var window int
	t, err := getTicket(ctx, w.tx, id)
	if errors.Is(err, ErrNotFound) {
		return t, 0, notFound("ticket")
	}
	if err != nil {
		return t, 0, err
	}
	for _, s := range statuses {
		if t.Status == s {
			err = w.tx.QueryRowContext(ctx, `SELECT window FROM tickets WHERE id = ?`, id).
				Scan(&window)
			return t, window, err
		}
	}
	return t, 0, conflict(api.ErrCodeConflict, "ticket %s is %s", t.Number, t.Status)
}

// Missed marks a called ticket whose holder did not come (过号). R13: the
// group leader may reinstate it within the grace minutes.
func (e *Engine) Missed(ctx context.Context, id, key string) (api.Ticket, error) {
	return e.staffAction(ctx, key, "missed "+id, func(w *txn, h *Hall) (api.Ticket, error) {
		t, window, err := ticketIn(ctx, w, id, api.TicketCalled)
		if err != nil {
			return t, err
		}
		_, err = w.tx.ExecContext(ctx, `UPDATE tickets SET status = 'missed', missed_at = ?
			WHERE id = ?`, w.now.UnixNano(), id)
		if err != nil {
			return t, fmt.Errorf("mark missed: %w", err)
		}
		t.Status = api.TicketMissed
		return t, w.emit(ctx, callEvent(api.CallKindMissed, t, window, w.now))
	})
}

// Reinstate puts a missed ticket back in its queue, keeping its issue time.
// R13: only within missed_call_grace_minutes (10) of being marked missed;
// after that the citizen must book or take a ticket again.
func (e *Engine) Reinstate(ctx context.Context, id, key string) (api.Ticket, error) {
	return e.staffAction(ctx, key, "reinstate "+id, func(w *txn, h *Hall) (api.Ticket, error) {
		t, _, err := ticketIn(ctx, w, id, api.TicketMissed)
		if err != nil {
			return t, err
		}
		var missedAt int64
		if err := w.tx.QueryRowContext(ctx, `SELECT missed_at FROM tickets WHERE id = ?`,
			id).Scan(&missedAt); err != nil {
			return t, err
		}
		grace := time.Duration(h.Booking.MissedGraceMinutes) * time.Minute
		if w.now.Sub(time.Unix(0, missedAt)) > grace {
			return t, refuse(http.StatusConflict, api.ErrCodeReinstate,
				"R13: missed more than the grace period ago",
				"过号已超过10分钟，请重新取号或预约",
				"More than 10 minutes have passed; please take a new ticket or book again.")
		}
		return t, e.requeue(ctx, w, h, &t, t.Queue, api.CallKindReinstated)
	})
}

// requeue puts t back to waiting in queue, keeping its issue time.
func (e *Engine) requeue(ctx context.Context, w *txn, h *Hall, t *api.Ticket, queue,
	kind string) error {
	_, err := w.tx.ExecContext(ctx, `UPDATE tickets SET status = 'waiting', queue = ?,
		window = 0, target_min = ? WHERE id = ?`, queue, h.WaitTarget(queue, t.Matter), t.ID)
	if err != nil {
		return fmt.Errorf("requeue ticket: %w", err)
	}
	t.Status, t.Queue = api.TicketWaiting, queue
	return w.emit(ctx, callEvent(kind, *t, 0, w.now))
}

// Transfer moves a waiting or called ticket to another queue. It keeps its
// number and its original issue time, so it does not lose its place.
func (e *Engine) Transfer(ctx context.Context, id, queue, key string) (api.Ticket, error) {
	return e.staffAction(ctx, key, "transfer "+id+" "+queue,
		func(w *txn, h *Hall) (api.Ticket, error) {
			if h.Dept(queue) == nil {
				return api.Ticket{}, notFound("queue " + queue)
			}
			t, _, err := ticketIn(ctx, w, id, api.TicketWaiting, api.TicketCalled)
			if err != nil {
				return t, err
			}
			if t.Queue == queue {
				return t, badRequest("ticket %s is already in queue %s", t.Number, queue)
			}
			return t, e.requeue(ctx, w, h, &t, queue, api.CallKindTransferred)
		})
}

// Finish ends the service of a called ticket with the citizen's rating
// (R15: good, fair or bad, optional comment; both may be empty).
func (e *Engine) Finish(ctx context.Context, id, rating, comment, key string) (api.Ticket, error) {
	switch rating {
	case "", api.RatingGood, api.RatingFair, api.RatingBad:
	default:
		return api.Ticket{}, badRequest("rating: want good, fair or bad, got %q", rating)
	}
	if utf8.RuneCountInString(comment) > 500 {
		return api.Ticket{}, badRequest("comment: at most 500 characters")
	}
	return e.staffAction(ctx, key, "finish "+id, func(w *txn, h *Hall) (api.Ticket, error) {
		t, _, err := ticketIn(ctx, w, id, api.TicketCalled)
		if err != nil {
			return t, err
		}
		return e.finish(ctx, w, t, rating, comment)
	})
}

func (e *Engine) finish(ctx context.Context, w *txn, t api.Ticket, rating,
	comment string) (api.Ticket, error) {
	var window int
	err := w.tx.QueryRowContext(ctx, `UPDATE tickets SET status = 'finished', finished_at = ?,
		rating = ?, comment = ? WHERE id = ? RETURNING window`,
		w.now.UnixNano(), rating, comment, t.ID).Scan(&window)
	if err != nil {
		return t, fmt.Errorf("finish ticket: %w", err)
	}
	t.Status = api.TicketFinished
	return t, w.emit(ctx, callEvent(api.CallKindFinished, t, window, w.now))
}

// waitAlerts applies R8: a ticket waiting past its class target (10/30/60
// minutes) raises one wait_alert event for the group leader.
func (e *Engine) waitAlerts(ctx context.Context, w *txn, h *Hall) error {
	rows, err := w.tx.QueryContext(ctx, `SELECT `+ticketCols+`, target_min FROM tickets
		WHERE day = ? AND status = 'waiting' AND alerted = 0
		AND issued_at + target_min * 60000000000 <= ?`, h.Day(w.now), w.now.UnixNano())
	if err != nil {
		return fmt.Errorf("find late tickets: %w", err)
	}
	type late struct {
		t      api.Ticket
		target int
	}
	var due []late
	for rows.Next() {
		var l late
		var issued int64
		err := rows.Scan(&l.t.ID, &l.t.Number, &l.t.Queue, &l.t.Day, &l.t.Kind, &l.t.Matter,
			&l.t.BookingID, &l.t.LeaseID, &l.t.Device, &l.t.Status, &issued, &l.target)
		if err != nil {
			rows.Close()
			return err
		}
		l.t.IssuedAt = time.Unix(0, issued)
		due = append(due, l)
	}
	rows.Close()
	for _, l := range due {
		if _, err := w.tx.ExecContext(ctx, `UPDATE tickets SET alerted = 1 WHERE id = ?`,
			l.t.ID); err != nil {
			return err
		}
		ev := callEvent(api.CallKindWaitAlert, l.t, 0, w.now)
		ev.Target = l.target
		if err := w.emit(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

// Snapshot is the state a display or console rebuilds from: what each
// window serves, how many wait per queue, the last calls, and the id of
// the last event it reflects (resume the stream from there).
func (e *Engine) Snapshot(ctx context.Context) (api.Snapshot, error) {
	h, err := e.mustHall()
	if err != nil {
		return api.Snapshot{}, err
	}
	e.wmu.Lock() // no write between the state and its event id
	defer e.wmu.Unlock()
	s := api.Snapshot{Waiting: map[string]int{}, Windows: []api.WindowState{}}
	err = e.rdb.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM call_events`).
		Scan(&s.LastEventID)
	if err != nil {
		return s, fmt.Errorf("snapshot: %w", err)
	}
	if err := snapshotWindows(ctx, e.rdb, h, &s); err != nil {
		return s, err
	}
	if err := snapshotWaiting(ctx, e.rdb, h.Day(e.clk.Now()), &s); err != nil {
		return s, err
	}
	s.Recent, err = recentCalls(ctx, e.rdb, 10)
	return s, err
}

func snapshotWindows(ctx context.Context, q querier, h *Hall, s *api.Snapshot) error {
	for _, win := range h.Windows {
		ws := api.WindowState{Window: win.Number}
		t, err := currentAt(ctx, q, win.Number)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("snapshot window %d: %w", win.Number, err)
		}
		if err == nil {
			ws.Number, ws.TicketID, ws.Status = t.Number, t.ID, t.Status
		}
		s.Windows = append(s.Windows, ws)
	}
	return nil
}

func snapshotWaiting(ctx context.Context, q querier, day string, s *api.Snapshot) error {
	rows, err := q.QueryContext(ctx, `SELECT queue, COUNT(*) FROM tickets WHERE day = ?
		AND status = 'waiting' GROUP BY queue`, day)
	if err != nil {
		return fmt.Errorf("snapshot waiting: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var queue string
		var n int
		if err := rows.Scan(&queue, &n); err != nil {
			return err
		}
		s.Waiting[queue] = n
	}
	return rows.Err()
}

func recentCalls(ctx context.Context, q querier, n int) ([]api.CallEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT body FROM call_events ORDER BY id DESC LIMIT 200`)
	if err != nil {
		return nil, fmt.Errorf("snapshot recent: %w", err)
	}
	defer rows.Close()
	out := []api.CallEvent{}
	for rows.Next() && len(out) < n {
		var body string
		var ev api.CallEvent
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		if json.Unmarshal([]byte(body), &ev) == nil &&
			(ev.Kind == api.CallKindCalled || ev.Kind == api.CallKindRecalled) {
			out = append(out, ev)
		}
	}
	return out, rows.Err()
}
