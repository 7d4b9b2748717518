package center

import (
	"context"
	"fmt"
	"net/http"

	"hallkiosk/center/api"
)

// WalkInQuota applies R9 for a queue's current half-day: the capacity minus
// the bookings of that half-day (booked or checked in) minus the walk-in
// tickets already issued in it.
func (e *Engine) walkInQuota(ctx context.Context, q querier, h *Hall, queue, day string,
	half int) (int, error) {
	var booked, walkIns int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM bookings WHERE queue = ? AND day = ?
		AND period = ? AND status IN ('booked', 'checked_in')`, queue, day, half).Scan(&booked)
	if err != nil {
		return 0, fmt.Errorf("count bookings: %w", err)
	}
	err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE num_queue = ? AND day = ?
		AND half = ? AND kind = 'walk_in'`, queue, day, half).Scan(&walkIns)
	if err != nil {
		return 0, fmt.Errorf("count walk-ins: %w", err)
	}
	return h.Dept(queue).Capacity - booked - walkIns, nil
}

// checkQuota refuses a walk-in when R9's quota is used up, offering the
// next bookable slots instead (on-site booking for another day).
func (e *Engine) checkQuota(ctx context.Context, w *txn, h *Hall, queue, matter string) error {
	day, half := h.Day(w.now), h.half(h.Minute(w.now))
	left, err := e.walkInQuota(ctx, w.tx, h, queue, day, half)
	if err != nil || left > 0 {
		return err
	}
	r := refuse(http.StatusConflict, api.ErrCodeQuota,
		fmt.Sprintf("R9: walk-in quota of queue %s used up for %s half %d", queue, day, half),
		"本时段现场号已取完，可预约其他时段办理",
		"Walk-in tickets for this session are all taken; you can book another time.")
	r.Err.NextSlots, err = e.nextSlots(ctx, w.tx, h, matter, w.now, 5)
	if err != nil {
		return err
	}
	return r
}

// WalkInQuota reports the R9 walk-in quota left now for a queue.
func (e *Engine) WalkInQuota(ctx context.Context, queue string) (int, error) {
	h, err := e.mustHall()
	if err != nil {
		return 0, err
	}
	if h.Dept(queue) == nil {
		return 0, notFound("queue " + queue)
	}
	now := e.clk.Now()
	return e.walkInQuota(ctx, e.rdb, h, queue, h.Day(now), h.half(h.Minute(now)))
}
