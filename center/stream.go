package center

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"

	"hallkiosk/center/api"
)

// hub fans call events out to stream subscribers. Events are stored in
// call_events in the same transaction as the action that made them, so a
// subscriber that reconnects with its last id gets exactly what it missed
// (G7), from the store, and then the live events.
type hub struct {
	db   *sql.DB
	keep int64

	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	closed bool
}

// subscriber is one live listener. ch is closed when the hub drops it (it
// fell too far behind) or closes; the client then resumes by id.
type subscriber struct {
	ch chan api.CallEvent
}

// subBuffer is how many live events a slow subscriber may lag before it is
// dropped and must resume from the store.
const subBuffer = 256

func newHub(db *sql.DB, keep int) *hub {
	if keep <= 0 {
		keep = 10000
	}
	return &hub{db: db, keep: int64(keep), subs: map[*subscriber]struct{}{}}
}

// publish hands committed events to every subscriber without blocking.
func (h *hub) publish(evs []api.CallEvent) {
	if len(evs) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		for _, ev := range evs {
			select {
			case s.ch <- ev:
			default:
				delete(h.subs, s)
				close(s.ch)
			}
			if _, ok := h.subs[s]; !ok {
				break
			}
		}
	}
}

func (h *hub) subscribe() *subscriber {
	s := &subscriber{ch: make(chan api.CallEvent, subBuffer)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(s.ch)
		return s
	}
	h.subs[s] = struct{}{}
	return s
}

func (h *hub) unsubscribe(s *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.ch)
	}
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		delete(h.subs, s)
		close(s.ch)
	}
}

// prune drops stored events beyond the resume window, each time the ids of
// a transaction's events [firstID, lastID] cross a multiple of 500.
func (h *hub) prune(ctx context.Context, w *txn, firstID, lastID int64) error {
	if lastID/500 == (firstID-1)/500 {
		return nil
	}
	_, err := w.tx.ExecContext(ctx, `DELETE FROM call_events WHERE id <= ?`, lastID-h.keep)
	return err
}

// since reads the stored events after id, and the oldest id still held.
func (h *hub) since(ctx context.Context, after int64) ([]api.CallEvent, int64, error) {
	var oldest int64
	err := h.db.QueryRowContext(ctx, `SELECT COALESCE(MIN(id), 0) FROM call_events`).Scan(&oldest)
	if err != nil {
		return nil, 0, fmt.Errorf("read call events: %w", err)
	}
	rows, err := h.db.QueryContext(ctx,
		`SELECT body FROM call_events WHERE id > ? ORDER BY id`, after)
	if err != nil {
		return nil, 0, fmt.Errorf("read call events: %w", err)
	}
	defer rows.Close()
	var out []api.CallEvent
	for rows.Next() {
		var body string
		var ev api.CallEvent
		if err := rows.Scan(&body); err != nil {
			return nil, 0, err
		}
		if err := json.Unmarshal([]byte(body), &ev); err != nil {
			return nil, 0, fmt.Errorf("decode call event: %w", err)
		}
		out = append(out, ev)
	}
	return out, oldest, rows.Err()
}

// Stream delivers call events after lastID: first those missed (from the
// store), then live ones, each once and in id order. If lastID is older
// than the store keeps, the first event has Kind api.CallKindReset and the
// client must load a Snapshot. The channel closes when ctx ends or the
// client lags too far; it then resumes with its last id.
func (e *Engine) Stream(ctx context.Context, lastID int64) (<-chan api.CallEvent, error) {
	s := e.hub.subscribe()
	past, oldest, err := e.hub.since(ctx, lastID)
	if err != nil {
		e.hub.unsubscribe(s)
		return nil, err
	}
	out := make(chan api.CallEvent, 16)
	go func() {
		defer close(out)
		defer e.hub.unsubscribe(s)
		sent := lastID
		if lastID > 0 && oldest > lastID+1 {
			if !send(ctx, out, api.CallEvent{ID: lastID, Kind: api.CallKindReset}) {
				return
			}
		}
		for _, ev := range past {
			if !send(ctx, out, ev) {
				return
			}
			sent = ev.ID
		}
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-s.ch:
				if !ok {
					return
				}
				if ev.ID <= sent {
					continue
				}
				if !send(ctx, out, ev) {
					return
				}
				sent = ev.ID
			}
		}
	}()
	return out, nil
}

func send(ctx context.Context, out chan<- api.CallEvent, ev api.CallEvent) bool {
	select {
	case out <- ev:
		return true
	case <-ctx.Done():
		return false
	}
}
