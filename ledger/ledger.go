// Package ledger is the device-side store of a kiosk or display: an
// append-only, hash-chained journal of everything the device did, the
// tickets it issued, the leases of numbers it may hand out while offline,
// the hall config, bookings and knowledge it cached from the center, and its
// settings. It lives in one SQLite file (modernc.org/sqlite) in WAL mode with
// synchronous=FULL, so a committed ticket survives a power cut (G1).
//
// Writes go through a single connection that starts every transaction with
// BEGIN IMMEDIATE: two taps on two goroutines cannot read the same "next
// number" (G2). Reads (search, status) use a separate small pool, which WAL
// lets run beside the writer.
package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hallkiosk/center/api"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // driver "sqlite"

	"hallkiosk/ledger/knowledge"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/logging"
)

// Sentinel errors. Callers test them with errors.Is.
var (
	// ErrCorrupt means the database file is damaged. The ledger refuses to
	// open it rather than start a new journal over it.
	ErrCorrupt = errors.New("ledger: database is damaged")
	// ErrTooNew means the file was written by a newer firmware.
	ErrTooNew = errors.New("ledger: database is newer than this firmware")
	// ErrNoNumbers means the device is offline and has no leased numbers
	// left for the queue today.
	ErrNoNumbers = errors.New("ledger: no leased numbers left for this queue today")
	// ErrNoBooking means no cached booking matches the code or ID hash.
	ErrNoBooking = errors.New("ledger: no booking found")
	// ErrOutsidePickup means check-in was tried outside the pick-up windows
	// (R7).
	ErrOutsidePickup = errors.New("ledger: outside the pick-up windows")
	// ErrBookingVoid means the booking's pick-up window is over (R12).
	ErrBookingVoid = errors.New("ledger: booking is void (not checked in in time)")
	// ErrBadRequest means a request lacks a required field.
	ErrBadRequest = errors.New("ledger: bad request")
	// ErrReadOnly means a write was tried on a ledger opened read-only.
	ErrReadOnly = errors.New("ledger: opened read-only")
)

// Options configure Open. The zero value is usable: every field has a
// documented default.
type Options struct {
	// Device is this device's name as the center knows it (the device id
	// given at enrolment). Default: the name stored at first open, else
	// "local".
	Device string
	// Clock is the time source. Default clock.Real{}.
	Clock clock.Clock
	// Log receives the ledger's logs. Default slog.Default().
	Log *slog.Logger
	// BusyTimeout is how long a statement waits for a lock held by another
	// process (verify or export running beside the firmware). Default 5 s.
	BusyTimeout time.Duration
	// PurgeAfterDays is how long personal data (masked names and keyed ID
	// hashes of bookings) is kept after the booking's day (G6). Default 7.
	PurgeAfterDays int
	// Location is the hall's time zone; days and pick-up windows are in it.
	// Default Asia/Shanghai (UTC+8 if the zone database is missing).
	Location *time.Location
	// ReadOnly opens without migrating or writing (verify, export).
	ReadOnly bool
	// OnlineTimeout bounds the wait for the center's number when issuing
	// online; past it the ticket comes from the leased reserve, so a slow
	// link never keeps a citizen at the screen. Default 3 s.
	OnlineTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	o.Log = logging.For(o.Log, "ledger")
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 5 * time.Second
	}
	if o.PurgeAfterDays <= 0 {
		o.PurgeAfterDays = 7
	}
	if o.OnlineTimeout <= 0 {
		o.OnlineTimeout = 3 * time.Second
	}
	if o.Location == nil {
		o.Location = HallLocation()
	}
	return o
}

// HallLocation returns Asia/Shanghai, or a fixed UTC+8 zone when the
// device has no zone database (China has no daylight saving time, so the
// two agree).
func HallLocation() *time.Location { return api.HallLocation() }

// Ledger is an open ledger file. It is safe for concurrent use.
type Ledger struct {
	path string
	opts Options
	log  *slog.Logger
	w    *sql.DB // one connection, BEGIN IMMEDIATE
	r    *sql.DB // readers

	search *knowledge.Index // over r, statements prepared once

	// checkIn serialises check-ins: a booking's status is read before
	// the ticket's transaction (an online check-in asks the center in
	// between), so two check-ins of one booking at once must not both find
	// it open (G5).
	checkIn sync.Mutex

	mu     sync.Mutex
	offset time.Duration // center time minus device time, when known
	online centerBox     // the center to issue through; nil when offline
}

// Open opens or creates the ledger at path, checks that the file is sound
// and migrates it to the current schema. A damaged file yields an error
// wrapping ErrCorrupt that says what to do; it is never replaced.
func Open(path string, opts Options) (*Ledger, error) {
	opts = opts.withDefaults()
	if err := checkFile(path, opts.ReadOnly); err != nil {
		return nil, err
	}
	l := &Ledger{path: path, opts: opts, log: opts.Log}
	if err := l.connect(); err != nil {
		return nil, err
	}
	if err := l.prepare(context.Background()); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// connect opens the writer and reader pools.
func (l *Ledger) connect() error {
	var err error
	if l.w, err = sql.Open("sqlite", l.dsn(true)); err != nil {
		return fmt.Errorf("ledger: open %s: %w", l.path, err)
	}
	l.w.SetMaxOpenConns(1)
	if l.r, err = sql.Open("sqlite", l.dsn(false)); err != nil {
		l.w.Close()
		return fmt.Errorf("ledger: open %s: %w", l.path, err)
	}
	l.r.SetMaxOpenConns(4)
	l.search = knowledge.NewIndex(l.r)
	return nil
}

// dsn builds the modernc connection string. Every connection gets the
// pragmas, since SQLite keeps them per connection.
func (l *Ledger) dsn(writer bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", l.opts.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	switch {
	case l.opts.ReadOnly:
		q.Set("mode", "ro")
	case writer:
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	default:
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + l.path + "?" + q.Encode()
}

// prepare checks integrity, migrates and loads settings.
func (l *Ledger) prepare(ctx context.Context) error {
	// A missing directory or a read-only disk fails here, and is reported
	// as what it is rather than as damage.
	if err := l.w.PingContext(ctx); err != nil && !isCorruption(err) {
		return fmt.Errorf("ledger: open %s: %w (check the data directory exists and is "+
			"writable)", l.path, err)
	}
	if err := l.quickCheck(ctx); err != nil {
		return err
	}
	if err := l.migrate(ctx); err != nil {
		return err
	}
	off, err := l.setting(ctx, settingClockOffset)
	if err == nil && off != "" {
		d, _ := time.ParseDuration(off)
		l.offset = d
	}
	return l.rememberDevice(ctx)
}

// rememberDevice stores the device name on first open and, when the
// caller gave none (verify and export from the command line), takes the
// stored one, so an export names the device that wrote it.
func (l *Ledger) rememberDevice(ctx context.Context) error {
	stored, err := l.setting(ctx, settingDevice)
	if err != nil && !l.opts.ReadOnly {
		return fmt.Errorf("ledger: read settings: %w", err)
	}
	switch {
	case l.opts.Device == "" && stored != "":
		l.opts.Device = stored
	case l.opts.Device == "":
		l.opts.Device = "local"
	case stored == "" && !l.opts.ReadOnly:
		return l.SetSetting(ctx, settingDevice, l.opts.Device)
	}
	return nil
}

// quickCheck runs PRAGMA quick_check, which reads every page: a truncated
// or overwritten file fails here, at open, not at the first ticket.
func (l *Ledger) quickCheck(ctx context.Context) error {
	rows, err := l.w.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return corrupt(l.path, err.Error())
	}
	defer rows.Close()
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			return corrupt(l.path, err.Error())
		}
		if msg != "ok" {
			return corrupt(l.path, msg)
		}
	}
	if err := rows.Err(); err != nil {
		return corrupt(l.path, err.Error())
	}
	return nil
}

// isCorruption reports whether an SQLite error means a damaged file
// (SQLITE_CORRUPT, SQLITE_NOTADB) rather than a missing or locked one.
func isCorruption(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "malformed") || strings.Contains(msg, "not a database")
}

// corrupt builds the error an operator sees for a damaged file.
func corrupt(path, detail string) error {
	return fmt.Errorf("%w: %s: %s; the file was left untouched: stop the device, "+
		"copy %s (and its -wal file) for audit, run 'hallkiosk ledger verify --db %s', "+
		"then move the file aside so a new ledger is created and re-synced from the center",
		ErrCorrupt, path, detail, path, path)
}

// Close closes the database.
func (l *Ledger) Close() error {
	var errs []error
	if l.search != nil {
		errs = append(errs, l.search.Close())
	}
	if l.r != nil {
		errs = append(errs, l.r.Close())
	}
	if l.w != nil {
		errs = append(errs, l.w.Close())
	}
	return errors.Join(errs...)
}

// String names the ledger for logs.
func (l *Ledger) String() string { return "ledger(" + l.path + ")" }

// Path returns the database file's path.
func (l *Ledger) Path() string { return l.path }

// Device returns the device name events are recorded under.
func (l *Ledger) Device() string { return l.opts.Device }

// Location returns the hall's time zone.
func (l *Ledger) Location() *time.Location { return l.opts.Location }

// DB returns the reader pool, for packages that query cached data (the
// knowledge index). It is query-only.
func (l *Ledger) DB() *sql.DB { return l.r }

// fileExists reports whether path names an existing, non-empty file.
func fileExists(path string) (bool, error) {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("ledger: %w", err)
	}
	return st.Size() > 0, nil
}
