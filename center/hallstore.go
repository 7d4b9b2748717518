package center

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"hallkiosk/center/api"
)

// LoadHall validates h and publishes it as the next hall version; devices
// see it on their next pull. It returns the new version.
func (e *Engine) LoadHall(ctx context.Context, h api.Hall) (int64, error) {
	if _, err := NewHall(h); err != nil {
		return 0, err
	}
	var version int64
	err := e.write(ctx, func(w *txn) error {
		err := w.tx.QueryRowContext(ctx,
			`SELECT COALESCE(MAX(version), 0) + 1 FROM halls`).Scan(&version)
		if err != nil {
			return err
		}
		h.Version = version
		body, _ := json.Marshal(h)
		_, err = w.tx.ExecContext(ctx, `INSERT INTO halls (version, body, loaded_at)
			VALUES (?, ?, ?)`, version, string(body), w.now.UnixNano())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store hall: %w", err)
	}
	return version, e.reloadHall(ctx)
}

// reloadHall makes the newest stored hall current.
func (e *Engine) reloadHall(ctx context.Context) error {
	var body string
	err := e.rdb.QueryRowContext(ctx,
		`SELECT body FROM halls ORDER BY version DESC LIMIT 1`).Scan(&body)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read hall: %w", err)
	}
	var h api.Hall
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		return fmt.Errorf("decode stored hall: %w", err)
	}
	hall, err := NewHall(h)
	if err != nil {
		return fmt.Errorf("stored hall: %w", err)
	}
	e.hall.Store(hall)
	return nil
}

// PullHall returns the hall if its version is newer than cursor.
func (e *Engine) PullHall(ctx context.Context, cursor int64) (api.HallPull, error) {
	h, err := e.mustHall()
	if err != nil {
		return api.HallPull{}, err
	}
	if h.Version <= cursor {
		return api.HallPull{Cursor: h.Version}, nil
	}
	wire := h.Hall
	return api.HallPull{Cursor: h.Version, Hall: &wire}, nil
}

// LoadKnowledge publishes a knowledge base version: the entries as they
// are (each must be a JSON object with a code and a name). It returns the
// version.
func (e *Engine) LoadKnowledge(ctx context.Context, entries []json.RawMessage) (int64, error) {
	for i, raw := range entries {
		var probe struct{ Code, Name, Department string }
		if err := json.Unmarshal(raw, &probe); err != nil || probe.Code == "" || probe.Name == "" {
			return 0, fmt.Errorf("entries[%d]: want an object with code and name", i)
		}
	}
	var version int64
	err := e.write(ctx, func(w *txn) error {
		err := w.tx.QueryRowContext(ctx,
			`SELECT COALESCE(MAX(version), 0) + 1 FROM knowledge`).Scan(&version)
		if err != nil {
			return err
		}
		body, _ := json.Marshal(entries)
		_, err = w.tx.ExecContext(ctx, `INSERT INTO knowledge (version, body, loaded_at)
			VALUES (?, ?, ?)`, version, string(body), w.now.UnixNano())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store knowledge: %w", err)
	}
	return version, nil
}

// PullKnowledge returns the newest knowledge version if newer than cursor.
func (e *Engine) PullKnowledge(ctx context.Context, cursor int64) (api.KnowledgePull, error) {
	var version int64
	var body string
	err := e.rdb.QueryRowContext(ctx,
		`SELECT version, body FROM knowledge ORDER BY version DESC LIMIT 1`).Scan(&version, &body)
	if err == sql.ErrNoRows {
		return api.KnowledgePull{Cursor: 0}, nil
	}
	if err != nil {
		return api.KnowledgePull{}, fmt.Errorf("read knowledge: %w", err)
	}
	if version <= cursor {
		return api.KnowledgePull{Cursor: version}, nil
	}
	out := api.KnowledgePull{Cursor: version}
	if err := json.Unmarshal([]byte(body), &out.Entries); err != nil {
		return api.KnowledgePull{}, fmt.Errorf("decode knowledge: %w", err)
	}
	return out, nil
}

// AddNotice publishes a notice until the given time.
func (e *Engine) AddNotice(ctx context.Context, n api.Notice) (api.Notice, error) {
	if n.Text.ZH == "" && n.Text.EN == "" {
		return n, badRequest("notice: text is empty")
	}
	err := e.write(ctx, func(w *txn) error {
		res, err := w.tx.ExecContext(ctx, `INSERT INTO notices (zh, en, until) VALUES (?, ?, ?)`,
			n.Text.ZH, n.Text.EN, n.Until.UnixNano())
		if err == nil {
			n.ID, err = res.LastInsertId()
		}
		return err
	})
	return n, err
}

// PullNotices returns notices with id above cursor still in force.
func (e *Engine) PullNotices(ctx context.Context, cursor int64) (api.NoticesPull, error) {
	out := api.NoticesPull{Cursor: cursor, Notices: []api.Notice{}}
	rows, err := e.rdb.QueryContext(ctx, `SELECT id, zh, en, until FROM notices
		WHERE id > ? AND until > ? ORDER BY id`, cursor, e.clk.Now().UnixNano())
	if err != nil {
		return out, fmt.Errorf("read notices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n api.Notice
		var until int64
		if err := rows.Scan(&n.ID, &n.Text.ZH, &n.Text.EN, &until); err != nil {
			return out, err
		}
		n.Until = time.Unix(0, until)
		out.Notices = append(out.Notices, n)
		out.Cursor = n.ID
	}
	return out, rows.Err()
}
