package center

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
)

// kbIndex is the newest published knowledge version indexed by business
// code, kept so a public guide page (the QR code on a printed guide or
// booking slip) does not decode the whole knowledge base per request.
type kbIndex struct {
	mu      sync.Mutex
	version int64
	byCode  map[string]json.RawMessage
}

// ErrNoEntry is returned by PublishedEntry for a code that the published
// knowledge base does not hold.
var ErrNoEntry = errors.New("center: no published knowledge entry with that code")

// PublishedEntry returns the entry with the given business code from the
// newest published knowledge version (K3: what the center publishes is
// what its channels show), and that version.
func (e *Engine) PublishedEntry(ctx context.Context, code string) (json.RawMessage, int64, error) {
	var version int64
	err := e.rdb.QueryRowContext(ctx, `SELECT version FROM knowledge
		ORDER BY version DESC LIMIT 1`).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, ErrNoEntry
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read knowledge version: %w", err)
	}
	e.kb.mu.Lock()
	defer e.kb.mu.Unlock()
	if e.kb.version != version {
		if err := e.indexKnowledge(ctx, version); err != nil {
			return nil, 0, err
		}
	}
	raw, ok := e.kb.byCode[code]
	if !ok {
		return nil, version, ErrNoEntry
	}
	return raw, version, nil
}

// indexKnowledge loads version into e.kb; the caller holds e.kb.mu.
func (e *Engine) indexKnowledge(ctx context.Context, version int64) error {
	var body string
	err := e.rdb.QueryRowContext(ctx, `SELECT body FROM knowledge WHERE version = ?`,
		version).Scan(&body)
	if err != nil {
		return fmt.Errorf("read knowledge version %d: %w", version, err)
	}
	var entries []json.RawMessage
	if err := json.Unmarshal([]byte(body), &entries); err != nil {
		return fmt.Errorf("decode knowledge version %d: %w", version, err)
	}
	byCode := make(map[string]json.RawMessage, len(entries))
	for _, raw := range entries {
		var probe struct{ Code string }
		if json.Unmarshal(raw, &probe) == nil && probe.Code != "" {
			byCode[probe.Code] = raw
		}
	}
	e.kb.version, e.kb.byCode = version, byCode
	return nil
}
