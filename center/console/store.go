package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	_ "modernc.org/sqlite" // driver "sqlite", pure Go
)

// Roles of console accounts. A leader may also work a window; an admin may
// do everything.
const (
	RoleStaff  = "staff"  // window staff: calls, recalls, missed, transfer, finish
	RoleLeader = "leader" // group leader: R8 alerts, R13 reinstate, R14 clearing, reports
	RoleAdmin  = "admin"  // devices, hall, knowledge, notices, accounts, reports
)

// Sentinels for account and session failures.
var (
	ErrBadLogin    = errors.New("wrong name or password")
	ErrLocked      = errors.New("account locked after repeated failures")
	ErrNoSession   = errors.New("no session or session expired")
	ErrBadRole     = errors.New("role: want staff, leader or admin")
	ErrBadName     = errors.New("name: want 1–32 letters, digits, '.', '_' or '-'")
	ErrWeakPass    = errors.New("password: want at least 8 characters")
	ErrUserExists  = errors.New("user already exists")
	ErrUnknownUser = errors.New("no such user")
)

// Lock-out: after maxFailures wrong passwords in a row an account is locked
// for lockFor; a correct password inside the lock is refused too, so
// guessing gains nothing.
const (
	maxFailures = 5
	lockFor     = 15 * time.Minute
	// sessionTTL is how long a session lives without use; a shift's pause
	// longer than that asks for the password again.
	sessionTTL = 2 * time.Hour
)

// storeSchema is console.db: accounts, sessions, and the staff action log
// that per-staff figures (S2) are computed from.
const storeSchema = `
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY, role TEXT NOT NULL, pw_hash TEXT NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL,
  window INTEGER NOT NULL DEFAULT 0, flash TEXT NOT NULL DEFAULT '',
  flash_err INTEGER NOT NULL DEFAULT 0, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS staff_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, user TEXT NOT NULL,
  window INTEGER NOT NULL, action TEXT NOT NULL, ticket_id TEXT NOT NULL,
  key TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS staff_log_at ON staff_log (at);
CREATE UNIQUE INDEX IF NOT EXISTS staff_log_key ON staff_log (key) WHERE key != '';
`

// Store is console.db in the center's data directory. Accounts live apart
// from center.db so the device engine never reads password hashes.
type Store struct {
	db    *sql.DB
	cost  int
	dummy []byte // hash of a random secret, compared against for unknown names
}

// OpenStore opens (creating) DIR/console.db. cost is the bcrypt cost; 0
// means bcrypt.DefaultCost (tests pass bcrypt.MinCost).
func OpenStore(ctx context.Context, dir string, cost int) (*Store, error) {
	path := filepath.Join(dir, "console.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)"+
		"&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, storeSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create schema in %s: %w", path, err)
	}
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte(randomToken()[:32]), cost)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("bcrypt: %w", err)
	}
	return &Store{db: db, cost: cost, dummy: dummy}, nil
}

// Close closes console.db.
func (s *Store) Close() error { return s.db.Close() }

// User is a console account.
type User struct {
	Name string
	Role string
}

func validRole(r string) bool { return r == RoleStaff || r == RoleLeader || r == RoleAdmin }

func validName(n string) bool {
	if n == "" || len(n) > 32 {
		return false
	}
	for _, c := range n {
		ok := c == '.' || c == '_' || c == '-' || c >= '0' && c <= '9' ||
			c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !ok {
			return false
		}
	}
	return true
}

// AddUser creates an account with a bcrypt hash of password.
func (s *Store) AddUser(ctx context.Context, name, role, password string, now time.Time) error {
	if !validName(name) {
		return ErrBadName
	}
	if !validRole(role) {
		return ErrBadRole
	}
	hash, err := s.hash(password)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO users (name, role, pw_hash, created_at)
		VALUES (?, ?, ?, ?)`, name, role, hash, now.UnixNano())
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return ErrUserExists
	}
	return err
}

func (s *Store) hash(password string) (string, error) {
	if utf8.RuneCountInString(password) < 8 {
		return "", ErrWeakPass
	}
	if len(password) > 72 { // bcrypt reads only 72 bytes; refuse rather than cut
		return "", errors.New("password: at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	return string(h), err
}

// SetPassword replaces a password and ends the user's sessions and lock.
func (s *Store) SetPassword(ctx context.Context, name, password string) error {
	hash, err := s.hash(password)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET pw_hash = ?, failures = 0,
		locked_until = 0 WHERE name = ?`, hash, name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrUnknownUser
	}
	_, err = s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user = ?`, name)
	return err
}

// Users lists the accounts.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, role FROM users ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.Name, &u.Role); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Login checks a password. It counts failures and locks the account after
// maxFailures in a row; an unknown name costs the same bcrypt work, so the
// timing does not tell which names exist.
func (s *Store) Login(ctx context.Context, name, password string, now time.Time) (User, error) {
	u := User{Name: name}
	var hash string
	var failures int
	var locked int64
	err := s.db.QueryRowContext(ctx, `SELECT role, pw_hash, failures, locked_until FROM users
		WHERE name = ?`, name).Scan(&u.Role, &hash, &failures, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		bcrypt.CompareHashAndPassword(s.dummy, []byte(password))
		return User{}, ErrBadLogin
	}
	if err != nil {
		return User{}, fmt.Errorf("read user: %w", err)
	}
	if now.UnixNano() < locked {
		return User{}, ErrLocked
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return User{}, s.fail(ctx, name, failures+1, now)
	}
	_, err = s.db.ExecContext(ctx, `UPDATE users SET failures = 0, locked_until = 0
		WHERE name = ?`, name)
	return u, err
}

func (s *Store) fail(ctx context.Context, name string, failures int, now time.Time) error {
	var locked int64
	if failures >= maxFailures {
		locked, failures = now.Add(lockFor).UnixNano(), 0
	}
	_, err := s.db.ExecContext(ctx, `UPDATE users SET failures = ?, locked_until = ?
		WHERE name = ?`, failures, locked, name)
	if err != nil {
		return fmt.Errorf("count failure: %w", err)
	}
	if locked != 0 {
		return ErrLocked
	}
	return ErrBadLogin
}

// Session is a logged-in browser.
type Session struct {
	User     User
	CSRF     string // the form token of this session
	Window   int    // the window the staff member works at; 0 if none chosen
	Flash    string // one message for the next page
	FlashErr bool
	hash     string
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func tokenHash(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// NewSession starts a session and returns its cookie token. The store
// keeps only the token's hash.
func (s *Store) NewSession(ctx context.Context, u User, now time.Time) (string, error) {
	token := randomToken()
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user, csrf, expires_at)
		VALUES (?, ?, ?, ?)`, tokenHash(token), u.Name, randomToken(),
		now.Add(sessionTTL).UnixNano())
	if err != nil {
		return "", fmt.Errorf("store session: %w", err)
	}
	return token, nil
}

// Access is how a request uses its session.
type Access int

// Kinds of access. Only a person's own requests keep a session alive: a
// page left open refreshes itself in the background, and that must not
// stop the idle limit from ending the session.
const (
	PageView   Access = iota // takes the flash message, extends the session
	Action                   // a form post: extends the session
	Background               // live refresh or event stream: neither
)

// Session finds the live session of a cookie token; how it treats the
// flash message and the session's life depends on the access.
func (s *Store) Session(ctx context.Context, token string, now time.Time,
	access Access) (*Session, error) {
	se := &Session{hash: tokenHash(token)}
	var expires int64
	err := s.db.QueryRowContext(ctx, `SELECT s.user, u.role, s.csrf, s.window, s.flash,
		s.flash_err, s.expires_at FROM sessions s JOIN users u ON u.name = s.user
		WHERE s.token_hash = ?`, se.hash).Scan(&se.User.Name, &se.User.Role, &se.CSRF,
		&se.Window, &se.Flash, &se.FlashErr, &expires)
	if errors.Is(err, sql.ErrNoRows) || err == nil && now.UnixNano() > expires {
		s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, se.hash)
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	if access != PageView {
		se.Flash = ""
	}
	// Extending the session is a synchronous write; once a minute is
	// enough for a two-hour idle limit, so most page loads only read.
	stale := time.Unix(0, expires).Sub(now) < sessionTTL-time.Minute
	if access == Background || se.Flash == "" && !stale {
		return se, nil
	}
	_, err = s.db.ExecContext(ctx, `UPDATE sessions SET expires_at = ?,
		flash = CASE WHEN ? != '' THEN '' ELSE flash END WHERE token_hash = ?`,
		now.Add(sessionTTL).UnixNano(), se.Flash, se.hash)
	return se, err
}

// SetFlash leaves a message for the session's next page.
func (s *Store) SetFlash(ctx context.Context, se *Session, msg string, isErr bool) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET flash = ?, flash_err = ?
		WHERE token_hash = ?`, msg, isErr, se.hash)
	return err
}

// SetWindow records the window a session works at.
func (s *Store) SetWindow(ctx context.Context, se *Session, window int) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET window = ? WHERE token_hash = ?`,
		window, se.hash)
	return err
}

// EndSession logs a session out.
func (s *Store) EndSession(ctx context.Context, se *Session) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, se.hash)
	return err
}

// StaffAction is one logged console action, the basis of S2 figures.
type StaffAction struct {
	At       time.Time
	User     string
	Window   int
	Action   string // call, recall, missed, transfer, finish, reinstate, clear
	TicketID string
	// Key is the action's idempotency key: a replayed request (the second
	// click of a double click) is logged once, so S2 counts stay true.
	Key string
}

// LogAction appends to the staff log.
func (s *Store) LogAction(ctx context.Context, a StaffAction) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO staff_log (at, user, window, action,
		ticket_id, key) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, a.At.UnixNano(),
		a.User, a.Window, a.Action, a.TicketID, a.Key)
	return err
}

// StaffLog lists the actions in [from, to).
func (s *Store) StaffLog(ctx context.Context, from, to time.Time) ([]StaffAction, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, user, window, action, ticket_id
		FROM staff_log WHERE at >= ? AND at < ? ORDER BY id`, from.UnixNano(), to.UnixNano())
	if err != nil {
		return nil, fmt.Errorf("read staff log: %w", err)
	}
	defer rows.Close()
	var out []StaffAction
	for rows.Next() {
		var a StaffAction
		var at int64
		if err := rows.Scan(&at, &a.User, &a.Window, &a.Action, &a.TicketID); err != nil {
			return nil, err
		}
		a.At = time.Unix(0, at)
		out = append(out, a)
	}
	return out, rows.Err()
}
