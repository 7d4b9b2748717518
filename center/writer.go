package center

import (
	"context"
	"errors"
	"fmt"
)

// ErrClosed is returned by writes after Close.
var ErrClosed = errors.New("center closed")

// maxGroup bounds how many writes share one commit.
const maxGroup = 64

// writeReq is one caller's write, waiting for the writer goroutine.
type writeReq struct {
	ctx  context.Context
	fn   func(w *txn) error
	done chan error
}

// write runs fn as one all-or-nothing unit: a refused request writes
// nothing. It returns only once fn's changes are committed (durable, with
// synchronous=FULL) or rolled back.
//
// Writes go through one goroutine that groups the writes waiting at the
// same moment into one SQLite transaction, each inside its own SAVEPOINT:
// a failing write rolls back to its savepoint alone, and the group pays
// for one fsync instead of one each. Within a group the writes run one
// after the other, so each sees the ones before (number counters,
// idempotency keys) exactly as with separate transactions.
func (e *Engine) write(ctx context.Context, fn func(w *txn) error) error {
	req := writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case e.writes <- req:
	case <-e.quit:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-req.done // once taken, the write runs: wait for its outcome
}

// writer serves write requests until quit is closed.
func (e *Engine) writer() {
	defer close(e.writerDone)
	for {
		select {
		case <-e.quit:
			return
		case first := <-e.writes:
			e.runGroup(e.gather(first))
		}
	}
}

// gather takes the writes already waiting, up to maxGroup.
func (e *Engine) gather(first writeReq) []writeReq {
	group := []writeReq{first}
	for len(group) < maxGroup {
		select {
		case r := <-e.writes:
			group = append(group, r)
		default:
			return group
		}
	}
	return group
}

// runGroup runs a group in one transaction and answers each caller after
// the commit; call events are published after it, in id order.
func (e *Engine) runGroup(group []writeReq) {
	e.wmu.Lock()
	defer e.wmu.Unlock()

	errs := make([]error, len(group))
	done := make([]*txn, len(group))
	tx, err := e.db.BeginTx(context.Background(), nil)
	if err != nil {
		e.answer(group, errs, fmt.Errorf("begin: %w", err))
		return
	}
	now := e.clk.Now()
	for i, r := range group {
		w := &txn{tx: tx, now: now}
		if errs[i] = e.runOne(r, w); errs[i] == nil {
			done[i] = w
		}
	}
	if err := tx.Commit(); err != nil {
		e.answer(group, errs, fmt.Errorf("commit: %w", err))
		return
	}
	for _, w := range done {
		if w != nil {
			e.hub.publish(w.events)
		}
	}
	e.answer(group, errs, nil)
}

// runOne runs one write inside a savepoint, rolling back to it on error
// (or panic: a bug in one request must not take the writer down).
func (e *Engine) runOne(r writeReq, w *txn) (err error) {
	ctx := context.Background()
	if _, err := w.tx.ExecContext(ctx, `SAVEPOINT w`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write panicked: %v", p)
		}
		if err != nil {
			w.tx.ExecContext(ctx, `ROLLBACK TO w`)
			w.events = nil
		}
		w.tx.ExecContext(ctx, `RELEASE w`)
	}()
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if err := r.fn(w); err != nil {
		return err
	}
	if n := len(w.events); n > 0 {
		if err := e.hub.prune(r.ctx, w, w.events[0].ID, w.events[n-1].ID); err != nil {
			return fmt.Errorf("prune call events: %w", err)
		}
	}
	return nil
}

// answer replies to every caller: its own error, or groupErr when the
// group as a whole failed (then nothing of it was written).
func (e *Engine) answer(group []writeReq, errs []error, groupErr error) {
	for i, r := range group {
		if groupErr != nil && errs[i] == nil {
			errs[i] = groupErr
		}
		r.done <- errs[i]
	}
}
