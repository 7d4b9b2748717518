package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"hallkiosk/ledger/knowledge"
)

// settingKnowledgeCursor remembers the knowledge version cached.
const settingKnowledgeCursor = "knowledge_cursor"

// SaveKnowledge replaces the cached knowledge base with a published
// version (raw entries as the center sends them) and records its cursor,
// in one transaction. Entries that do not decode are skipped and counted.
func (l *Ledger) SaveKnowledge(ctx context.Context, cursor int64,
	raws []json.RawMessage) (int, error) {
	entries := make([]knowledge.Entry, 0, len(raws))
	bad := 0
	for _, raw := range raws {
		e, err := knowledge.Decode(raw)
		if err != nil {
			bad++
			continue
		}
		entries = append(entries, e)
	}
	skipped, err := l.ReplaceKnowledge(ctx, cursor, entries)
	return bad + skipped, err
}

// ReplaceKnowledge is SaveKnowledge for decoded entries.
func (l *Ledger) ReplaceKnowledge(ctx context.Context, cursor int64,
	es []knowledge.Entry) (int, error) {
	if l.opts.ReadOnly {
		return 0, ErrReadOnly
	}
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("ledger: begin: %w", err)
	}
	defer tx.Rollback()
	skipped, err := knowledge.Replace(ctx, tx, es)
	if err != nil {
		return skipped, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		settingKnowledgeCursor, strconv.FormatInt(cursor, 10)); err != nil {
		return skipped, fmt.Errorf("ledger: knowledge cursor: %w", err)
	}
	return skipped, tx.Commit()
}

// Search searches the cached knowledge base (see package knowledge).
func (l *Ledger) Search(ctx context.Context, query string, limit int) ([]knowledge.Hit, error) {
	return l.search.Search(ctx, query, limit)
}

// Matter returns a cached knowledge entry by its business code.
func (l *Ledger) Matter(ctx context.Context, code string) (knowledge.Entry, error) {
	return knowledge.Get(ctx, l.r, code)
}
