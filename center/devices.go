package center

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"hallkiosk/center/api"
)

// tokenHash is what the store keeps of a token or code: a leaked database
// does not give working tokens.
func tokenHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func validRole(r string) bool {
	return r == api.RoleKiosk || r == api.RoleDisplay || r == api.RoleConsole
}

// NewEnrolCode makes a one-time enrolment code for one device of a role.
func (e *Engine) NewEnrolCode(ctx context.Context,
	req api.EnrolCodeRequest) (api.EnrolCode, error) {
	if !validRole(req.Role) {
		return api.EnrolCode{}, badRequest("role: want kiosk, display or console, got %q", req.Role)
	}
	if strings.TrimSpace(req.DeviceName) == "" || len(req.DeviceName) > 64 {
		return api.EnrolCode{}, badRequest("device_name: want 1–64 characters")
	}
	ttl := time.Duration(req.TTLMinutes) * time.Minute
	if req.TTLMinutes <= 0 {
		ttl = time.Hour
	}
	code := strings.ToUpper(randomHex(5)) // 10 hex digits, typed by a technician
	out := api.EnrolCode{Code: code, Role: req.Role, ExpiresAt: e.clk.Now().Add(ttl)}
	err := e.write(ctx, func(w *txn) error {
		_, err := w.tx.ExecContext(ctx, `INSERT INTO enrol_codes (code_hash, role, name,
			expires_at) VALUES (?, ?, ?, ?)`, tokenHash(code), req.Role, req.DeviceName,
			out.ExpiresAt.UnixNano())
		return err
	})
	return out, err
}

// Enrol trades a one-time code for a device token bound to one new device
// and the code's role. The code cannot be used again.
func (e *Engine) Enrol(ctx context.Context, req api.EnrolRequest) (api.EnrolResponse, error) {
	var out api.EnrolResponse
	err := e.write(ctx, func(w *txn) error {
		var role, name, used string
		var expires int64
		codeHash := tokenHash(strings.ToUpper(strings.TrimSpace(req.Code)))
		err := w.tx.QueryRowContext(ctx, `SELECT role, name, expires_at, used_by FROM
			enrol_codes WHERE code_hash = ?`, codeHash).Scan(&role, &name, &expires, &used)
		if err == sql.ErrNoRows || used != "" || w.now.UnixNano() > expires {
			return &Refusal{Status: http.StatusForbidden, Err: api.Error{
				Code: api.ErrCodeEnrolCode, Message: "enrolment code unknown, used or expired"}}
		}
		if err != nil {
			return fmt.Errorf("read enrolment code: %w", err)
		}
		if req.DeviceName != "" {
			name = req.DeviceName
		}
		out = api.EnrolResponse{DeviceID: "dev-" + randomHex(6), Role: role, Token: randomHex(32)}
		if role == api.RoleKiosk {
			out.HallKey = hex.EncodeToString(e.secret)
		}
		if _, err := w.tx.ExecContext(ctx, `UPDATE enrol_codes SET used_by = ?
			WHERE code_hash = ?`, out.DeviceID, codeHash); err != nil {
			return err
		}
		_, err = w.tx.ExecContext(ctx, `INSERT INTO devices (id, name, role, token_hash,
			enrolled_at) VALUES (?, ?, ?, ?, ?)`, out.DeviceID, name, role,
			tokenHash(out.Token), w.now.UnixNano())
		return err
	})
	return out, err
}

// Authenticate finds the device a token belongs to. Known tokens are
// cached: every request authenticates, and a store round trip each time
// would put the token check behind the writer.
func (e *Engine) Authenticate(ctx context.Context, token string) (Device, error) {
	th := tokenHash(token)
	e.mu.Lock()
	d, ok := e.tokens[th]
	e.mu.Unlock()
	if ok {
		return d, nil
	}
	err := e.rdb.QueryRowContext(ctx, `SELECT id, name, role FROM devices
		WHERE token_hash = ? AND revoked = 0`, th).Scan(&d.ID, &d.Name, &d.Role)
	if err == sql.ErrNoRows {
		return d, ErrUnauthorized
	}
	if err != nil {
		return d, fmt.Errorf("authenticate: %w", err)
	}
	e.mu.Lock()
	e.tokens[th] = d
	e.mu.Unlock()
	return d, nil
}

// RevokeDevice ends a device's token (a stolen or replaced device).
func (e *Engine) RevokeDevice(ctx context.Context, id string) error {
	return e.write(ctx, func(w *txn) error {
		res, err := w.tx.ExecContext(ctx, `UPDATE devices SET revoked = 1 WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("device")
		}
		e.mu.Lock()
		clear(e.tokens) // revoked tokens must fail from the next request on
		e.mu.Unlock()
		return nil
	})
}

// Heartbeat records a device's health and tells it which cursors moved.
//
// TODO: a center crash loses up to one flush interval (5 s) of heartbeats;
// acceptable for health display, not for anything audited.
// Heartbeats are kept in memory and written every few seconds by
// RunTimers (and on Close): device health does not need a synchronous
// write per device per minute, the tickets do.
func (e *Engine) Heartbeat(ctx context.Context, dev Device,
	hb api.Heartbeat) (api.HeartbeatAck, error) {
	if err := checkHeartbeat(hb); err != nil {
		return api.HeartbeatAck{}, err
	}
	e.mu.Lock()
	e.seen[dev.ID], e.seenAt[dev.ID] = hb, e.clk.Now()
	e.mu.Unlock()
	return e.cursors(ctx, dev)
}

// checkHeartbeat refuses a heartbeat no device would send (G8): it would
// otherwise show nonsense on the admin's device page.
func checkHeartbeat(hb api.Heartbeat) error {
	switch {
	case len(hb.Health) > 32 || len(hb.Version) > 64:
		return badRequest("heartbeat: at most 32 health entries, version 64 bytes")
	case hb.Uptime < 0 || hb.Pending < 0:
		return badRequest("heartbeat: uptime_s and journal_pending must not be negative")
	case hb.DiskFree != nil && *hb.DiskFree < 0:
		return badRequest("heartbeat: disk_free_bytes must not be negative")
	}
	for k, v := range hb.Health {
		if len(k) > 32 || len(v) > 256 {
			return badRequest("heartbeat: health names at most 32 bytes, states 256")
		}
	}
	return nil
}

// flushHeartbeats writes the heartbeats received since the last flush.
func (e *Engine) flushHeartbeats(ctx context.Context) error {
	e.mu.Lock()
	seen, at := e.seen, e.seenAt
	e.seen, e.seenAt = map[string]api.Heartbeat{}, map[string]time.Time{}
	e.mu.Unlock()
	if len(seen) == 0 {
		return nil
	}
	return e.write(ctx, func(w *txn) error {
		for id, hb := range seen {
			health, _ := json.Marshal(hb.Health)
			_, err := w.tx.ExecContext(ctx, `UPDATE devices SET last_seen = ?, health = ?,
				version = ? WHERE id = ?`, at[id].UnixNano(), string(health), hb.Version, id)
			if err != nil {
				return fmt.Errorf("store heartbeat: %w", err)
			}
			if err := storeBeat(ctx, w, id, hb); err != nil {
				return err
			}
		}
		return nil
	})
}

// storeBeat keeps the heartbeat's figures: uptime, the last sync (0 when
// the device has not synced since it started) and the free disk (-1 when
// it could not measure it).
func storeBeat(ctx context.Context, w *txn, id string, hb api.Heartbeat) error {
	var lastSync, disk int64 = 0, -1
	if !hb.LastSync.IsZero() {
		lastSync = hb.LastSync.UnixNano()
	}
	if hb.DiskFree != nil {
		disk = *hb.DiskFree
	}
	_, err := w.tx.ExecContext(ctx, `INSERT INTO device_beats (device, uptime_s, last_sync,
		disk_free) VALUES (?, ?, ?, ?) ON CONFLICT (device) DO UPDATE SET
		uptime_s = excluded.uptime_s, last_sync = excluded.last_sync,
		disk_free = excluded.disk_free`, id, hb.Uptime, lastSync, disk)
	if err != nil {
		return fmt.Errorf("store heartbeat figures: %w", err)
	}
	return nil
}

func (e *Engine) cursors(ctx context.Context, dev Device) (api.HeartbeatAck, error) {
	ack := api.HeartbeatAck{ServerTime: e.clk.Now()}
	if h := e.hall.Load(); h != nil {
		ack.HallCursor = h.Version
	}
	q := `SELECT (SELECT COALESCE(MAX(version), 0) FROM knowledge),
		(SELECT COALESCE(MAX(id), 0) FROM notices),
		COALESCE((SELECT CAST(v AS INTEGER) FROM meta WHERE k = 'bookings_cursor'), 0)`
	err := e.rdb.QueryRowContext(ctx, q).Scan(&ack.KnowledgeCursor, &ack.NoticesCursor,
		&ack.BookingsCursor)
	if err != nil {
		return ack, fmt.Errorf("read cursors: %w", err)
	}
	ack.JournalHeadSeq, _, err = journalHead(ctx, e.rdb, dev.ID)
	return ack, err
}

// DeviceHealth is one device as the admin sees it: its last heartbeat.
type DeviceHealth struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Role     string            `json:"role"`
	LastSeen time.Time         `json:"last_seen"`
	Version  string            `json:"version"`
	Uptime   int64             `json:"uptime_s"`
	Health   map[string]string `json:"health"`
	// LastSync and DiskFree are as in api.Heartbeat: zero when the device
	// had not synced since its start, nil when it did not say.
	LastSync time.Time `json:"last_sync,omitzero"`
	DiskFree *int64    `json:"disk_free_bytes,omitempty"`
	Revoked  bool      `json:"revoked"`
}

// Devices lists enrolled devices with their last heartbeat.
func (e *Engine) Devices(ctx context.Context) ([]DeviceHealth, error) {
	if err := e.flushHeartbeats(ctx); err != nil {
		return nil, err
	}
	rows, err := e.rdb.QueryContext(ctx, `SELECT id, name, role, last_seen, version, health,
		revoked, COALESCE(b.uptime_s, 0), COALESCE(b.last_sync, 0), COALESCE(b.disk_free, -1)
		FROM devices d LEFT JOIN device_beats b ON b.device = d.id ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	defer rows.Close()
	out := []DeviceHealth{}
	for rows.Next() {
		var d DeviceHealth
		var seen, lastSync, disk int64
		var health string
		err := rows.Scan(&d.ID, &d.Name, &d.Role, &seen, &d.Version, &health, &d.Revoked,
			&d.Uptime, &lastSync, &disk)
		if err != nil {
			return nil, err
		}
		d.LastSeen = time.Unix(0, seen)
		if lastSync > 0 {
			d.LastSync = time.Unix(0, lastSync)
		}
		if disk >= 0 {
			d.DiskFree = &disk
		}
		json.Unmarshal([]byte(health), &d.Health)
		out = append(out, d)
	}
	return out, rows.Err()
}
