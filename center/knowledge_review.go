package center

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"hallkiosk/center/api"
)

// consoleSchema holds what the staff console adds to the center's store:
// knowledge drafts awaiting review (K2), citizens' feedback on entries (K4)
// and what each device last reported holding (K3, ledger backlog). The
// device API writes to these tables too (feedback, device notes), so
// openStore creates them with the engine's own schema.
const consoleSchema = `
CREATE TABLE IF NOT EXISTS kb_drafts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, entries INTEGER NOT NULL,
  note TEXT NOT NULL DEFAULT '', imported_by TEXT NOT NULL, imported_at INTEGER NOT NULL,
  reviewed_by TEXT NOT NULL DEFAULT '', reviewed_at INTEGER NOT NULL DEFAULT 0,
  published_version INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS kb_feedback (
  id TEXT PRIMARY KEY, code TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
  query TEXT NOT NULL, device TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS kb_feedback_code ON kb_feedback (code);
CREATE TABLE IF NOT EXISTS device_notes (
  device TEXT PRIMARY KEY, kb_version INTEGER NOT NULL DEFAULT -1,
  journal_pending INTEGER NOT NULL DEFAULT -1, at INTEGER NOT NULL);
`

// KnowledgeDraft is an imported knowledge base awaiting review. K2: only a
// reviewed draft can be published.
type KnowledgeDraft struct {
	ID         int64
	Entries    int
	Note       string
	ImportedBy string
	ImportedAt time.Time
	ReviewedBy string    // "" until reviewed
	ReviewedAt time.Time // zero until reviewed
	Published  int64     // knowledge version it became; 0 if not published
}

// kbEntry is the seven-element shape of K1: department, business name,
// 33-character business code, review points, service guide, FAQ and
// maintainer.
type kbEntry struct {
	Department   string            `json:"department"`
	Name         string            `json:"name"`
	Code         string            `json:"code"`
	ReviewPoints []string          `json:"review_points"`
	Guide        map[string]any    `json:"guide"`
	FAQ          []json.RawMessage `json:"faq"`
	Maintainer   string            `json:"maintainer"`
}

// codeLen is the length of a business code (K1).
const codeLen = 33

// CheckKnowledge checks every entry has the seven elements of K1 and that
// codes are unique. It returns one line per problem (at most 20).
func CheckKnowledge(f KnowledgeFile) []string {
	var probs []string
	seen := map[string]int{}
	for i, raw := range f.Entries {
		var k kbEntry
		if err := json.Unmarshal(raw, &k); err != nil {
			probs = append(probs, fmt.Sprintf("entries[%d]: %v", i, err))
			continue
		}
		for _, p := range k.problems() {
			probs = append(probs, fmt.Sprintf("entries[%d] (%s): %s", i, k.Code, p))
		}
		if j, dup := seen[k.Code]; dup && k.Code != "" {
			probs = append(probs, fmt.Sprintf("entries[%d]: code %s repeats entries[%d]", i, k.Code, j))
		}
		seen[k.Code] = i
	}
	return probs[:min(len(probs), 20)]
}

func (k kbEntry) problems() []string {
	var out []string
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	if blank(k.Department) {
		out = append(out, "department is missing")
	}
	if blank(k.Name) {
		out = append(out, "name is missing")
	}
	if utf8.RuneCountInString(k.Code) != codeLen {
		out = append(out, fmt.Sprintf("code must have %d characters", codeLen))
	}
	if len(k.ReviewPoints) == 0 {
		out = append(out, "review_points is empty")
	}
	if len(k.Guide) == 0 {
		out = append(out, "guide is missing")
	}
	if k.FAQ == nil {
		out = append(out, "faq is missing (use [] for none)")
	}
	if blank(k.Maintainer) {
		out = append(out, "maintainer is missing")
	}
	return out
}

// ImportKnowledgeDraft stores a knowledge file as a draft after checking
// K1. Nothing reaches the kiosks until the draft is reviewed and published.
func (e *Engine) ImportKnowledgeDraft(ctx context.Context, data []byte,
	by string) (KnowledgeDraft, error) {
	f, err := ParseKnowledge(data)
	if err != nil {
		return KnowledgeDraft{}, badRequest("%v", err)
	}
	if probs := CheckKnowledge(f); len(probs) > 0 {
		return KnowledgeDraft{}, badRequest("K1: %s", strings.Join(probs, "; "))
	}
	body, _ := json.Marshal(f.Entries)
	d := KnowledgeDraft{Entries: len(f.Entries), Note: f.Note, ImportedBy: by}
	err = e.write(ctx, func(w *txn) error {
		d.ImportedAt = w.now
		res, err := w.tx.ExecContext(ctx, `INSERT INTO kb_drafts (body, entries, note,
			imported_by, imported_at) VALUES (?, ?, ?, ?, ?)`,
			string(body), d.Entries, d.Note, by, w.now.UnixNano())
		if err == nil {
			d.ID, err = res.LastInsertId()
		}
		return err
	})
	return d, err
}

// KnowledgeDrafts lists drafts, newest first.
func (e *Engine) KnowledgeDrafts(ctx context.Context) ([]KnowledgeDraft, error) {
	rows, err := e.rdb.QueryContext(ctx, `SELECT id, entries, note, imported_by, imported_at,
		reviewed_by, reviewed_at, published_version FROM kb_drafts ORDER BY id DESC LIMIT 50`)
	if err != nil {
		return nil, fmt.Errorf("list knowledge drafts: %w", err)
	}
	defer rows.Close()
	var out []KnowledgeDraft
	for rows.Next() {
		var d KnowledgeDraft
		var imported, reviewed int64
		if err := rows.Scan(&d.ID, &d.Entries, &d.Note, &d.ImportedBy, &imported,
			&d.ReviewedBy, &reviewed, &d.Published); err != nil {
			return nil, err
		}
		d.ImportedAt, d.ReviewedAt = time.Unix(0, imported), unixOrZero(reviewed)
		out = append(out, d)
	}
	return out, rows.Err()
}

// ReviewKnowledgeDraft records that by reviewed (stamped) draft id (K2).
func (e *Engine) ReviewKnowledgeDraft(ctx context.Context, id int64, by string) error {
	return e.write(ctx, func(w *txn) error {
		res, err := w.tx.ExecContext(ctx, `UPDATE kb_drafts SET reviewed_by = ?,
			reviewed_at = ? WHERE id = ? AND reviewed_at = 0`, by, w.now.UnixNano(), id)
		if err != nil {
			return fmt.Errorf("review draft: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return conflict(api.ErrCodeConflict, "draft %d is unknown or already reviewed", id)
		}
		return nil
	})
}

// PublishKnowledgeDraft publishes a reviewed draft as the next knowledge
// version (K2: an unreviewed draft is refused; K3: kiosks pull it on
// their next heartbeat). Draft and version are written in one transaction.
func (e *Engine) PublishKnowledgeDraft(ctx context.Context, id int64) (int64, error) {
	var version int64
	err := e.write(ctx, func(w *txn) error {
		var body string
		var reviewed, published int64
		err := w.tx.QueryRowContext(ctx, `SELECT body, reviewed_at, published_version
			FROM kb_drafts WHERE id = ?`, id).Scan(&body, &reviewed, &published)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(fmt.Sprintf("draft %d", id))
		}
		if err != nil {
			return fmt.Errorf("read draft: %w", err)
		}
		if reviewed == 0 {
			return conflict(api.ErrCodeConflict, "K2: draft %d is not reviewed; "+
				"only reviewed versions are published", id)
		}
		if published != 0 {
			return conflict(api.ErrCodeConflict, "draft %d is already version %d", id, published)
		}
		if err := w.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1
			FROM knowledge`).Scan(&version); err != nil {
			return err
		}
		if _, err := w.tx.ExecContext(ctx, `INSERT INTO knowledge (version, body, loaded_at)
			VALUES (?, ?, ?)`, version, body, w.now.UnixNano()); err != nil {
			return fmt.Errorf("publish knowledge: %w", err)
		}
		_, err = w.tx.ExecContext(ctx, `UPDATE kb_drafts SET published_version = ?
			WHERE id = ?`, version, id)
		return err
	})
	return version, err
}

// KnowledgeVersion is the published knowledge version, its entry count and
// when it was published; version 0 when none is.
func (e *Engine) KnowledgeVersion(ctx context.Context) (int64, int, time.Time, error) {
	var version, loaded int64
	var body string
	err := e.rdb.QueryRowContext(ctx, `SELECT version, body, loaded_at FROM knowledge
		ORDER BY version DESC LIMIT 1`).Scan(&version, &body, &loaded)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, time.Time{}, nil
	}
	if err != nil {
		return 0, 0, time.Time{}, fmt.Errorf("read knowledge version: %w", err)
	}
	var entries []json.RawMessage
	json.Unmarshal([]byte(body), &entries)
	return version, len(entries), time.Unix(0, loaded), nil
}

// AddKnowledgeFeedback stores a citizen's feedback on an entry (K4),
// once per ID.
func (e *Engine) AddKnowledgeFeedback(ctx context.Context, dev Device,
	fb api.KnowledgeFeedback) error {
	if err := checkFeedback(fb); err != nil {
		return err
	}
	return e.write(ctx, func(w *txn) error {
		return insertFeedback(ctx, w, dev, fb, w.now)
	})
}

// checkFeedback refuses feedback the center cannot file (G8).
func checkFeedback(fb api.KnowledgeFeedback) error {
	switch {
	case !validID(fb.ID):
		return badRequest("id: want 8–64 letters, digits or '-'")
	case utf8.RuneCountInString(fb.Code) != codeLen && fb.Kind != api.FeedbackNotFound:
		return badRequest("code: want %d characters", codeLen)
	case utf8.RuneCountInString(fb.Text) > 200 || utf8.RuneCountInString(fb.Query) > 100:
		return badRequest("text: at most 200 characters; query: at most 100")
	}
	switch fb.Kind {
	case api.FeedbackHelpful, api.FeedbackUnclear, api.FeedbackWrong, api.FeedbackNotFound:
		return nil
	}
	return badRequest("kind: want helpful, unclear, wrong or not_found, got %q", fb.Kind)
}

// insertFeedback files checked feedback given at time at. A second copy of
// an ID (the kiosk's retry, or the same feedback sent by POST and then by
// the journal) changes nothing.
func insertFeedback(ctx context.Context, w *txn, dev Device, fb api.KnowledgeFeedback,
	at time.Time) error {
	_, err := w.tx.ExecContext(ctx, `INSERT INTO kb_feedback (id, code, kind, text,
		query, device, at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		fb.ID, fb.Code, fb.Kind, fb.Text, fb.Query, dev.ID, at.UnixNano())
	if err != nil {
		return fmt.Errorf("store feedback: %w", err)
	}
	return nil
}

// FeedbackSummary is the feedback on one entry (K4), for the department.
type FeedbackSummary struct {
	Code   string
	Counts map[string]int // kind → count
	Texts  []string       // the latest free texts, newest first (at most 5)
	Last   time.Time
}

// KnowledgeFeedbackSummary sums feedback per entry, most recent first.
func (e *Engine) KnowledgeFeedbackSummary(ctx context.Context) ([]FeedbackSummary, error) {
	rows, err := e.rdb.QueryContext(ctx, `SELECT code, kind, text, at FROM kb_feedback
		ORDER BY at DESC LIMIT 5000`)
	if err != nil {
		return nil, fmt.Errorf("read feedback: %w", err)
	}
	defer rows.Close()
	var out []FeedbackSummary
	idx := map[string]int{}
	for rows.Next() {
		var code, kind, text string
		var at int64
		if err := rows.Scan(&code, &kind, &text, &at); err != nil {
			return nil, err
		}
		i, ok := idx[code]
		if !ok {
			i = len(out)
			idx[code] = i
			out = append(out, FeedbackSummary{Code: code, Counts: map[string]int{},
				Last: time.Unix(0, at)})
		}
		out[i].Counts[kind]++
		if text != "" && len(out[i].Texts) < 5 {
			out[i].Texts = append(out[i].Texts, text)
		}
	}
	return out, rows.Err()
}

// NoteDeviceState records what a device reported holding: the knowledge
// version it pulled (K3) and its journal backlog. A negative value leaves
// that field as it was. Devices report every minute and the values rarely
// change, so an unchanged report costs a read, not a write.
func (e *Engine) NoteDeviceState(ctx context.Context, device string,
	kbVersion, pending int64) error {
	return e.noteDeviceState(ctx, device, kbVersion, pending)
}

func (e *Engine) noteDeviceState(ctx context.Context, device string,
	kbVersion, pending int64) error {
	var kb, pend int64
	err := e.rdb.QueryRowContext(ctx, `SELECT kb_version, journal_pending FROM device_notes
		WHERE device = ?`, device).Scan(&kb, &pend)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read device note: %w", err)
	}
	if err == nil && (kbVersion < 0 || kbVersion == kb) && (pending < 0 || pending == pend) {
		return nil
	}
	return e.write(ctx, func(w *txn) error {
		_, err := w.tx.ExecContext(ctx, `INSERT INTO device_notes (device, kb_version,
			journal_pending, at) VALUES (?, ?, ?, ?) ON CONFLICT (device) DO UPDATE SET
			kb_version = CASE WHEN excluded.kb_version >= 0 THEN excluded.kb_version
				ELSE kb_version END,
			journal_pending = CASE WHEN excluded.journal_pending >= 0
				THEN excluded.journal_pending ELSE journal_pending END,
			at = excluded.at`, device, kbVersion, pending, w.now.UnixNano())
		return err
	})
}

// DeviceNote is what a device last reported holding; -1 for unknown.
type DeviceNote struct {
	KnowledgeVersion int64
	JournalPending   int64
}

// DeviceNotes returns the notes by device id.
func (e *Engine) DeviceNotes(ctx context.Context) (map[string]DeviceNote, error) {
	rows, err := e.rdb.QueryContext(ctx, `SELECT device, kb_version, journal_pending
		FROM device_notes`)
	if err != nil {
		return nil, fmt.Errorf("read device notes: %w", err)
	}
	defer rows.Close()
	out := map[string]DeviceNote{}
	for rows.Next() {
		var id string
		var n DeviceNote
		if err := rows.Scan(&id, &n.KnowledgeVersion, &n.JournalPending); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// KnowledgeDraftEntries returns a draft's entries, for the reviewer to read
// before stamping it (K2).
func (e *Engine) KnowledgeDraftEntries(ctx context.Context, id int64) ([]json.RawMessage, error) {
	var body string
	err := e.rdb.QueryRowContext(ctx, `SELECT body FROM kb_drafts WHERE id = ?`, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(fmt.Sprintf("draft %d", id))
	}
	if err != nil {
		return nil, fmt.Errorf("read draft: %w", err)
	}
	var out []json.RawMessage
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		return nil, fmt.Errorf("decode draft: %w", err)
	}
	return out, nil
}
