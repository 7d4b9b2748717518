// Package center is the reference center of the service hall: the hall
// model, ticket numbering (G2), the booking rules (R1–R14), queues and
// calling, the device journal (G3) and the call stream. The Engine is the
// Go API; http.go puts the device API (/api/v1) and the staff actions on
// top of it, so the console and displays can use either.
package center

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/logging"
)

// Options configure an Engine. Zero values take the documented defaults.
type Options struct {
	Dir   string       // data directory holding center.db; required
	Clock clock.Clock  // default clock.Real{}
	Log   *slog.Logger // default slog.Default()
	SMS   Sender       // default: LogSender writing DIR/sms-outbox.log
	// StreamKeep is how many call events the stream keeps for resuming;
	// default 10000.
	StreamKeep int
}

// Engine is the center's state and rules. It is safe for concurrent use.
type Engine struct {
	db     *sql.DB // the single writer connection
	rdb    *sql.DB // read-only pool
	cpdb   *sql.DB // the WAL checkpoint's connection (checkpoint.go)
	clk    clock.Clock
	log    *slog.Logger
	sms    Sender
	secret []byte
	hub    *hub

	// wmu serialises write transactions with publishing their call events,
	// so the stream sees events in id order.
	wmu  sync.Mutex
	hall atomic.Pointer[Hall]

	alerts alertWatch // device alerts already raised
	kb     kbIndex    // newest published knowledge by code (public guide pages)

	// mu guards the token cache (token hash → device; a revoke clears it)
	// and the heartbeats not yet written (device → last heartbeat).
	writes     chan writeReq // to the writer goroutine (writer.go)
	quit       chan struct{}
	writerDone chan struct{}
	cpDone     chan struct{} // the checkpointer has made its last checkpoint
	closeOnce  sync.Once

	mu     sync.Mutex
	tokens map[string]Device
	seen   map[string]api.Heartbeat
	seenAt map[string]time.Time
}

// Open opens the store in opts.Dir and loads the current hall, if any.
func Open(ctx context.Context, opts Options) (*Engine, error) {
	if opts.Dir == "" {
		return nil, errors.New("center: no data directory")
	}
	db, err := openStore(ctx, opts.Dir)
	if err != nil {
		return nil, err
	}
	rdb, err := openReader(opts.Dir)
	if err != nil {
		db.Close()
		return nil, err
	}
	cpdb, err := openCheckpointer(opts.Dir)
	if err != nil {
		db.Close()
		rdb.Close()
		return nil, err
	}
	e := &Engine{db: db, rdb: rdb, cpdb: cpdb, clk: opts.Clock, log: logging.For(opts.Log, "center"),
		sms: opts.SMS, tokens: map[string]Device{}, seen: map[string]api.Heartbeat{},
		seenAt: map[string]time.Time{}}
	if e.clk == nil {
		e.clk = clock.Real{}
	}
	if e.sms == nil {
		e.sms = &LogSender{Path: opts.Dir + "/sms-outbox.log"}
	}
	e.hub = newHub(rdb, opts.StreamKeep)
	e.writes, e.quit, e.writerDone = make(chan writeReq), make(chan struct{}), make(chan struct{})
	e.cpDone = make(chan struct{})
	go e.writer()
	go e.checkpointer()
	if err := e.init(ctx); err != nil {
		e.stopWriter()
		db.Close()
		rdb.Close()
		cpdb.Close()
		return nil, err
	}
	return e, nil
}

// init loads the hall secret (made on first start) and the current hall.
func (e *Engine) init(ctx context.Context) error {
	key, err := getMeta(ctx, e.db, "hall_key")
	if err != nil {
		return fmt.Errorf("read hall key: %w", err)
	}
	if key == "" {
		key = randomHex(32)
		err = e.write(ctx, func(w *txn) error { return setMeta(ctx, w.tx, "hall_key", key) })
		if err != nil {
			return fmt.Errorf("store hall key: %w", err)
		}
	}
	e.secret, _ = hex.DecodeString(key)
	return e.reloadHall(ctx)
}

// Close closes the store and ends every stream subscription. Calling it
// again does nothing.
func (e *Engine) Close() error {
	var err error
	e.closeOnce.Do(func() { err = e.close() })
	return err
}

func (e *Engine) close() error {
	e.hub.close()
	if err := e.flushHeartbeats(context.Background()); err != nil {
		e.log.Warn("flush heartbeats", logging.KeyErr, err)
	}
	e.stopWriter()
	e.rdb.Close()
	e.cpdb.Close()
	return e.db.Close()
}

// stopWriter ends the writer goroutine after the group it is running.
func (e *Engine) stopWriter() {
	select {
	case <-e.quit:
	default:
		close(e.quit)
	}
	<-e.writerDone
	<-e.cpDone
}

// Now is the engine's clock reading.
func (e *Engine) Now() time.Time { return e.clk.Now() }

// HallKey is the hall secret for KeyedIDHash.
func (e *Engine) HallKey() []byte { return e.secret }

// CurrentHall is the hall in force, or nil before one is loaded.
func (e *Engine) CurrentHall() *Hall { return e.hall.Load() }

func (e *Engine) mustHall() (*Hall, error) {
	h := e.hall.Load()
	if h == nil {
		return nil, &Refusal{Status: 503, Err: api.Error{
			Code: api.ErrCodeInternal, Message: ErrNoHall.Error()}}
	}
	return h, nil
}

// txn is one write transaction and the call events it emits.
type txn struct {
	tx     *sql.Tx
	now    time.Time
	events []api.CallEvent
}

// emit stores a call event in the transaction; it is published to stream
// subscribers after commit.
func (w *txn) emit(ctx context.Context, ev api.CallEvent) error {
	ev.Time = w.now
	res, err := w.tx.ExecContext(ctx, `INSERT INTO call_events (body) VALUES ('')`)
	if err != nil {
		return fmt.Errorf("store call event: %w", err)
	}
	ev.ID, _ = res.LastInsertId()
	body, _ := json.Marshal(ev)
	if _, err := w.tx.ExecContext(ctx, `UPDATE call_events SET body = ? WHERE id = ?`,
		string(body), ev.ID); err != nil {
		return fmt.Errorf("store call event: %w", err)
	}
	w.events = append(w.events, ev)
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// validID checks a client-chosen id (idempotency key): 8–64 characters of
// letters, digits and '-'.
func validID(id string) bool {
	if len(id) < 8 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		ok := c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !ok {
			return false
		}
	}
	return true
}
