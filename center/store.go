package center

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // driver "sqlite", pure Go
)

// schema is the center's store. UNIQUE(num_queue, day, seq) on tickets is
// the last line of G2: even a logic error cannot store one number twice.
const schema = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS halls (
  version INTEGER PRIMARY KEY, body TEXT NOT NULL, loaded_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS knowledge (
  version INTEGER PRIMARY KEY, body TEXT NOT NULL, loaded_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS notices (
  id INTEGER PRIMARY KEY AUTOINCREMENT, zh TEXT NOT NULL, en TEXT NOT NULL,
  until INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE, enrolled_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL DEFAULT 0, health TEXT NOT NULL DEFAULT '{}',
  version TEXT NOT NULL DEFAULT '', revoked INTEGER NOT NULL DEFAULT 0);
-- The rest of each device's last heartbeat (uptime, last sync, free disk),
-- in a table of its own so a store made before it gains it at open.
CREATE TABLE IF NOT EXISTS device_beats (
  device TEXT PRIMARY KEY, uptime_s INTEGER NOT NULL, last_sync INTEGER NOT NULL,
  disk_free INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS enrol_codes (
  code_hash TEXT PRIMARY KEY, role TEXT NOT NULL, name TEXT NOT NULL,
  expires_at INTEGER NOT NULL, used_by TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS counters (
  queue TEXT NOT NULL, day TEXT NOT NULL, next INTEGER NOT NULL,
  PRIMARY KEY (queue, day));
CREATE TABLE IF NOT EXISTS leases (
  id TEXT PRIMARY KEY, device TEXT NOT NULL, queue TEXT NOT NULL,
  day TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (
  id TEXT PRIMARY KEY, num_queue TEXT NOT NULL, day TEXT NOT NULL,
  seq INTEGER NOT NULL, number TEXT NOT NULL, queue TEXT NOT NULL,
  kind TEXT NOT NULL, matter TEXT NOT NULL DEFAULT '',
  booking_id TEXT NOT NULL DEFAULT '', lease_id TEXT NOT NULL DEFAULT '',
  device TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,
  half INTEGER NOT NULL, issued_at INTEGER NOT NULL, target_min INTEGER NOT NULL,
  window INTEGER NOT NULL DEFAULT 0, called_at INTEGER NOT NULL DEFAULT 0,
  missed_at INTEGER NOT NULL DEFAULT 0, finished_at INTEGER NOT NULL DEFAULT 0,
  rating TEXT NOT NULL DEFAULT '', comment TEXT NOT NULL DEFAULT '',
  alerted INTEGER NOT NULL DEFAULT 0,
  UNIQUE (num_queue, day, seq));
CREATE INDEX IF NOT EXISTS tickets_wait ON tickets (day, status, queue);
CREATE TABLE IF NOT EXISTS bookings (
  id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, matter TEXT NOT NULL,
  queue TEXT NOT NULL, day TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL,
  period INTEGER NOT NULL, id_hash TEXT NOT NULL, name TEXT NOT NULL,
  name_masked TEXT NOT NULL, phone TEXT NOT NULL, channel TEXT NOT NULL,
  status TEXT NOT NULL, created_at INTEGER NOT NULL, cursor INTEGER NOT NULL,
  request TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS bookings_day ON bookings (day, status);
CREATE INDEX IF NOT EXISTS bookings_person ON bookings (id_hash, status);
CREATE INDEX IF NOT EXISTS bookings_cursor ON bookings (cursor);
CREATE TABLE IF NOT EXISTS journal (
  device TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL,
  day TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL, received_at INTEGER NOT NULL,
  PRIMARY KEY (device, seq));
CREATE INDEX IF NOT EXISTS journal_day ON journal (device, day, seq);
CREATE TABLE IF NOT EXISTS anomalies (
  id INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL,
  seq INTEGER NOT NULL, what TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS noshow_clears (
  booking_id TEXT PRIMARY KEY, reason TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS call_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idem (
  key TEXT PRIMARY KEY, request TEXT NOT NULL, result TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sms_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, booking_id TEXT NOT NULL,
  phone TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,
  sent_at INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '');
`

// openReader opens a pool of read-only connections on the same database:
// in WAL mode readers do not wait for the writer, so pulls, token checks
// and stream resumes stay fast while tickets are being written.
func openReader(dir string) (*sql.DB, error) {
	// A fresh install names a data directory that does not exist yet.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, "center.db")
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=query_only(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store reader %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	return db, nil
}

// openStore opens (creating if needed) the database in dir: WAL with
// synchronous=FULL so a power cut loses no committed ticket. One
// connection: SQLite has a single writer anyway, and a number counter read
// and bumped on one connection inside one transaction cannot race (DESIGN
// §7). Reads share it; they are short.
func openStore(ctx context.Context, dir string) (*sql.DB, error) {
	// A fresh install names a data directory that does not exist yet.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, "center.db")
	// Checkpoints run in their own connection (checkpoint.go); the
	// writer's own is only a safety net.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_pragma=busy_timeout(5000)&_pragma=foreign_keys(ON)&_txlock=immediate" +
		fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)", walAutoPages)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schema+consoleSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create schema in %s: %w", path, err)
	}
	return db, nil
}

// getMeta reads a meta value; missing is "".
func getMeta(ctx context.Context, q querier, k string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = ?`, k).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, err
}

func setMeta(ctx context.Context, tx *sql.Tx, k, v string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (k, v) VALUES (?, ?)
		ON CONFLICT (k) DO UPDATE SET v = excluded.v`, k, v)
	return err
}

// bumpCursor increments a named cursor and returns the new value.
func bumpCursor(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO meta (k, v) VALUES (?, '1')
		ON CONFLICT (k) DO UPDATE SET v = CAST(v AS INTEGER) + 1 RETURNING CAST(v AS INTEGER)`,
		name).Scan(&n)
	return n, err
}

// querier is what *sql.DB and *sql.Tx share for reads.
type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}
