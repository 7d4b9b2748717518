package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"hallkiosk/center/api"
)

// defaultPickup is R7 (check-in only inside the pick-up windows: workdays
// 08:20–11:20 and 13:00–16:30), used until the center's hall config is
// cached.
var defaultPickup = [][2]string{{"08:20", "11:20"}, {"13:00", "16:30"}}

// SaveHall caches the center's hall config.
func (l *Ledger) SaveHall(ctx context.Context, h *api.Hall) error {
	if l.opts.ReadOnly {
		return ErrReadOnly
	}
	body, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("ledger: encode hall: %w", err)
	}
	_, err = l.w.ExecContext(ctx, `INSERT INTO config (id, version, body, fetched_at)
		VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET version = excluded.version,
		body = excluded.body, fetched_at = excluded.fetched_at`,
		strconv.FormatInt(h.Version, 10), body, l.Now().Format(timeFormat))
	if err != nil {
		return fmt.Errorf("ledger: save hall: %w", err)
	}
	return nil
}

// Hall returns the cached hall config, or nil when none is cached yet.
func (l *Ledger) Hall(ctx context.Context) (*api.Hall, error) {
	var body []byte
	err := l.r.QueryRowContext(ctx, "SELECT body FROM config WHERE id = 1").Scan(&body)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: read hall: %w", err)
	}
	var h api.Hall
	if err := json.Unmarshal(body, &h); err != nil {
		return nil, fmt.Errorf("ledger: decode cached hall: %w", err)
	}
	return &h, nil
}

// queueFor returns the request's queue, looking the matter up in the
// cached hall when the caller did not name one.
func (l *Ledger) queueFor(ctx context.Context, req IssueRequest) (string, error) {
	if req.Queue != "" {
		return req.Queue, nil
	}
	h, err := l.Hall(ctx)
	if err != nil {
		return "", err
	}
	if q := queueOfMatter(h, req.Matter); q != "" {
		return q, nil
	}
	return "", fmt.Errorf("%w: no queue for matter %q in the cached hall",
		ErrBadRequest, req.Matter)
}

func queueOfMatter(h *api.Hall, matter string) string {
	if h == nil || matter == "" {
		return ""
	}
	for _, m := range h.Matters {
		if m.Code != matter {
			continue
		}
		for _, d := range h.Departments {
			if d.Name == m.Department {
				return d.QueuePrefix
			}
		}
	}
	return ""
}

// isWorkday applies the hall calendar: Monday to Friday, minus holidays,
// plus make-up workdays.
func isWorkday(h *api.Hall, day time.Time) bool {
	d := day.Format(dayFormat)
	if h != nil && slices.Contains(h.Calendar.Workdays, d) {
		return true
	}
	if h != nil && slices.Contains(h.Calendar.Holidays, d) {
		return false
	}
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// pickupWindows returns R7's windows from the cached hall or the default.
func pickupWindows(h *api.Hall) [][2]string {
	if h != nil && len(h.Booking.Pickup) > 0 {
		return h.Booking.Pickup
	}
	return defaultPickup
}

// SaveNotices replaces the cached notices.
func (l *Ledger) SaveNotices(ctx context.Context, ns []api.Notice) error {
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM notices"); err != nil {
		return fmt.Errorf("ledger: notices: %w", err)
	}
	now := l.Now().Format(timeFormat)
	for _, n := range ns {
		body, _ := json.Marshal(n)
		if _, err := tx.ExecContext(ctx, "INSERT INTO notices(id, body, fetched_at) VALUES(?,?,?)",
			strconv.FormatInt(n.ID, 10), body, now); err != nil {
			return fmt.Errorf("ledger: notices: %w", err)
		}
	}
	return tx.Commit()
}

// Notices returns the cached notices still current at hall time now.
func (l *Ledger) Notices(ctx context.Context) ([]api.Notice, error) {
	rows, err := l.r.QueryContext(ctx, "SELECT body FROM notices ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("ledger: notices: %w", err)
	}
	defer rows.Close()
	now := l.Now()
	var out []api.Notice
	for rows.Next() {
		var body []byte
		var n api.Notice
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("ledger: notices: %w", err)
		}
		if json.Unmarshal(body, &n) == nil && (n.Until.IsZero() || n.Until.After(now)) {
			out = append(out, n)
		}
	}
	return out, rows.Err()
}
