package ledger

import (
	"context"
	"fmt"

	"hallkiosk/center/api"
)

// Center is the part of the center's device API the ledger and its sync
// client use. HTTPCenter implements it over the network; tests may use a
// real in-process center behind the same client.
type Center interface {
	IssueTicket(ctx context.Context, req api.TicketRequest) (api.Ticket, error)
	Lease(ctx context.Context, req api.LeaseRequest) (api.Lease, error)
	PushJournal(ctx context.Context, p api.JournalPush) (api.JournalAck, error)
	Reconcile(ctx context.Context, day string, through int64) (api.Reconcile, error)
	Heartbeat(ctx context.Context, hb api.Heartbeat) (api.HeartbeatAck, error)
	PullHall(ctx context.Context, cursor int64) (api.HallPull, error)
	PullBookings(ctx context.Context, cursor int64) (api.BookingsPull, error)
	PullKnowledge(ctx context.Context, cursor int64) (api.KnowledgePull, error)
	PullNotices(ctx context.Context, cursor int64) (api.NoticesPull, error)
}

// centerBox lets the pointer be swapped atomically.
type centerBox struct{ c Center }

// SetOnline tells the ledger whether to ask the center for numbers: c when
// the link is up, nil when it is down. The sync client calls it as its
// state changes; with nil, Issue goes straight to the leased reserve.
func (l *Ledger) SetOnline(c Center) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.online = centerBox{c}
}

// center returns the center to issue through, or nil when offline.
func (l *Ledger) center() Center {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.online.c
}

// AddLease stores a lease the center granted and journals it. Storing the
// same lease twice is harmless.
func (l *Ledger) AddLease(ctx context.Context, ls api.Lease) error {
	if l.opts.ReadOnly {
		return ErrReadOnly
	}
	if ls.From <= 0 || ls.To < ls.From || ls.ID == "" || ls.Queue == "" {
		return fmt.Errorf("%w: lease %+v", ErrBadRequest, ls)
	}
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO leases (id, queue, day, first, last, next,
		granted_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
		ls.ID, ls.Queue, ls.Day, ls.From, ls.To, ls.From, l.Now().Format(timeFormat))
	if err != nil {
		return fmt.Errorf("ledger: add lease: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		if _, err := l.append(ctx, tx, KindLeaseGranted, ls); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Reserve returns how many leased numbers are left for a queue and day.
func (l *Ledger) Reserve(ctx context.Context, queue, day string) (int, error) {
	var n int
	err := l.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(last - next + 1), 0) FROM leases
		WHERE queue = ? AND day = ?`, queue, day).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("ledger: reserve: %w", err)
	}
	return n, nil
}

// Today returns the hall day of the ledger's current time.
func (l *Ledger) Today() string { return l.Now().Format(dayFormat) }
