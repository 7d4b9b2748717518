package ledger

import (
	"context"
	"database/sql"
	"fmt"

	"hallkiosk/ledger/knowledge"
)

// migrations take the schema forward one version each; migrations[i] moves
// a database at user_version i to i+1. They are never edited once shipped
// and never run backwards: a change is a new entry at the end.
var migrations = []string{
	// 1: settings and the journal. The journal is append-only; triggers
	// make an UPDATE or DELETE fail so no code path can rewrite history.
	`CREATE TABLE settings (
		key   TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);
	CREATE TABLE journal (
		seq         INTEGER PRIMARY KEY,
		device_time TEXT NOT NULL,
		hall_time   TEXT NOT NULL,
		day         TEXT NOT NULL,
		kind        TEXT NOT NULL,
		payload     BLOB NOT NULL,
		prev_hash   TEXT NOT NULL,
		hash        TEXT NOT NULL UNIQUE
	);
	CREATE INDEX journal_day ON journal(day, seq);
	CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
	BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
	CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
	BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;`,

	// 2: tickets and leases. UNIQUE(queue, day, number) is the last line
	// of defence for G2 (no number issued twice for a queue on a day).
	`CREATE TABLE leases (
		id         TEXT PRIMARY KEY,
		queue      TEXT NOT NULL,
		day        TEXT NOT NULL,
		first      INTEGER NOT NULL,
		last       INTEGER NOT NULL,
		next       INTEGER NOT NULL,
		granted_at TEXT NOT NULL,
		CHECK (first <= last AND next >= first AND next <= last + 1)
	);
	CREATE INDEX leases_queue_day ON leases(queue, day);
	CREATE TABLE tickets (
		id           TEXT PRIMARY KEY,
		req_key      TEXT NOT NULL UNIQUE,
		queue        TEXT NOT NULL,
		day          TEXT NOT NULL,
		number       INTEGER NOT NULL,
		label        TEXT NOT NULL,
		kind         TEXT NOT NULL,
		source       TEXT NOT NULL,
		lease_id     TEXT REFERENCES leases(id),
		booking_code TEXT NOT NULL DEFAULT '',
		matter_code  TEXT NOT NULL DEFAULT '',
		issued_at    TEXT NOT NULL,
		device_time  TEXT NOT NULL,
		seq          INTEGER NOT NULL REFERENCES journal(seq),
		print        TEXT NOT NULL DEFAULT '',
		UNIQUE (queue, day, number)
	);
	CREATE INDEX tickets_day ON tickets(day);`,

	// 3: caches pulled from the center. Bookings hold a masked name and a
	// keyed hash of the ID number, never the number itself (G6).
	`CREATE TABLE config (
		id         INTEGER PRIMARY KEY CHECK (id = 1),
		version    TEXT NOT NULL,
		body       BLOB NOT NULL,
		fetched_at TEXT NOT NULL
	);
	CREATE TABLE bookings (
		code         TEXT PRIMARY KEY,
		id_hash      TEXT NOT NULL DEFAULT '',
		masked_name  TEXT NOT NULL DEFAULT '',
		queue        TEXT NOT NULL,
		matter_code  TEXT NOT NULL DEFAULT '',
		day          TEXT NOT NULL,
		period_start TEXT NOT NULL,
		period_end   TEXT NOT NULL,
		status       TEXT NOT NULL DEFAULT 'booked',
		ticket_id    TEXT NOT NULL DEFAULT '',
		updated_at   TEXT NOT NULL
	);
	CREATE INDEX bookings_hash ON bookings(id_hash, day);
	CREATE INDEX bookings_day ON bookings(day);
	CREATE TABLE notices (
		id         TEXT PRIMARY KEY,
		body       BLOB NOT NULL,
		fetched_at TEXT NOT NULL
	);`,

	// 4: the knowledge cache and its search index.
	knowledge.SchemaV1,
}

// SchemaVersion is the version Open migrates to.
var SchemaVersion = len(migrations)

// migrate brings the file to SchemaVersion, one transaction per step so a
// crash leaves the file at a whole version.
func (l *Ledger) migrate(ctx context.Context) error {
	v, err := userVersion(ctx, l.w)
	if err != nil {
		return corrupt(l.path, err.Error())
	}
	if v > SchemaVersion {
		return fmt.Errorf("%w: %s is at schema %d, this firmware knows %d; "+
			"install the newer firmware again", ErrTooNew, l.path, v, SchemaVersion)
	}
	if l.opts.ReadOnly {
		return nil
	}
	for ; v < SchemaVersion; v++ {
		if err := migrateOne(ctx, l.w, v); err != nil {
			return fmt.Errorf("ledger: migrate %s to %d: %w", l.path, v+1, err)
		}
		l.log.Info("ledger migrated", "version", v+1)
	}
	return nil
}

// migrateOne applies migrations[from] and sets user_version from+1.
func migrateOne(ctx context.Context, db *sql.DB, from int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, migrations[from]); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", from+1)); err != nil {
		return err
	}
	return tx.Commit()
}

func userVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// Setting keys.
const (
	settingClockOffset = "clock_offset" // center time minus device time
	settingPushed      = "pushed_seq"   // highest seq the center acknowledged
	settingDevice      = "device"       // device name given at first open
)

// setting reads a setting; a missing key reads as "".
func (l *Ledger) setting(ctx context.Context, key string) (string, error) {
	var v string
	err := l.w.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, err
}

// Setting returns a stored setting ("" when unset).
func (l *Ledger) Setting(ctx context.Context, key string) (string, error) {
	return l.setting(ctx, key)
}

// SetSetting stores a setting.
func (l *Ledger) SetSetting(ctx context.Context, key, value string) error {
	if l.opts.ReadOnly {
		return ErrReadOnly
	}
	_, err := l.w.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("ledger: set %s: %w", key, err)
	}
	return nil
}
