package knowledge

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// SchemaV1 creates the knowledge tables. The ledger runs it as one of its
// migrations; it is frozen once shipped, a change is a new migration.
//
// knowledge holds the entries; knowledge_zh indexes Chinese characters and
// character pairs; knowledge_py indexes pinyin and initials with
// prefix indexes, because typing one letter on the keypad ("y") is a
// prefix query over many distinct words. Both are contentless: the words
// are only ever matched, never read back.
const SchemaV1 = `CREATE TABLE knowledge (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	norm_code  TEXT NOT NULL,
	department TEXT NOT NULL,
	name       TEXT NOT NULL,
	norm_name  TEXT NOT NULL,
	items      TEXT NOT NULL,
	body       BLOB NOT NULL
);
CREATE INDEX knowledge_norm_name ON knowledge(norm_name);
CREATE INDEX knowledge_norm_code ON knowledge(norm_code);
CREATE VIRTUAL TABLE knowledge_zh USING fts5(
	name_uni, name_bi, dept_uni, dept_bi, other_uni, other_bi,
	content = '', tokenize = 'unicode61 remove_diacritics 0'
);
CREATE VIRTUAL TABLE knowledge_py USING fts5(
	name_py, name_ini, dept_ini,
	content = '', prefix = '1 2 3', tokenize = 'unicode61 remove_diacritics 0'
);`

// Execer is what *sql.Tx offers; Replace runs inside the caller's
// transaction.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Replace swaps the whole knowledge base for entries, inside the caller's
// transaction: a kiosk never shows half of one version and half of the
// next. Entries without a name or code are skipped and counted.
func Replace(ctx context.Context, tx Execer, entries []Entry) (skipped int, err error) {
	for _, q := range []string{"DELETE FROM knowledge",
		"INSERT INTO knowledge_zh(knowledge_zh) VALUES('delete-all')",
		"INSERT INTO knowledge_py(knowledge_py) VALUES('delete-all')"} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("knowledge: clear: %w", err)
		}
	}
	for i, e := range entries {
		if strings.TrimSpace(e.Name) == "" || strings.TrimSpace(e.Code) == "" {
			skipped++
			continue
		}
		if err := insert(ctx, tx, int64(i+1), e); err != nil {
			return skipped, err
		}
	}
	return skipped, nil
}

// insert writes one entry and its words.
func insert(ctx context.Context, tx Execer, id int64, e Entry) error {
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("knowledge: encode %s: %w", e.Code, err)
	}
	others := e.others()
	items, _ := json.Marshal(others)
	name, dept := normalize(e.Name), normalize(e.Department)
	code := normalize(e.Code).String()
	if _, err := tx.ExecContext(ctx, `INSERT INTO knowledge (id, code, norm_code,
		department, name, norm_name, items, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(code) DO NOTHING`,
		id, e.Code, code, e.Department, e.Name, name.String(), string(items), body); err != nil {
		return fmt.Errorf("knowledge: insert %s: %w", e.Code, err)
	}
	var ou, ob []string
	for _, it := range others {
		n := normalize(it.Text)
		ou, ob = append(ou, unigrams(n)), append(ob, bigrams(n))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO knowledge_zh (rowid, name_uni, name_bi,
		dept_uni, dept_bi, other_uni, other_bi) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, unigrams(name), bigrams(name), unigrams(dept), bigrams(dept),
		strings.Join(ou, " "), strings.Join(ob, " ")); err != nil {
		return fmt.Errorf("knowledge: index %s: %w", e.Code, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO knowledge_py (rowid, name_py, name_ini,
		dept_ini) VALUES (?, ?, ?, ?)`,
		id, spellings(name, false), spellings(name, true), spellings(dept, true)); err != nil {
		return fmt.Errorf("knowledge: index %s: %w", e.Code, err)
	}
	return nil
}

// Count returns the number of indexed entries.
func Count(ctx context.Context, db Querier) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, "SELECT count(*) FROM knowledge").Scan(&n)
	return n, err
}

// Get returns the entry with a business code.
func Get(ctx context.Context, db Querier, code string) (Entry, error) {
	var body []byte
	err := db.QueryRowContext(ctx, "SELECT body FROM knowledge WHERE code = ?", code).Scan(&body)
	if err != nil {
		return Entry{}, fmt.Errorf("knowledge: get %s: %w", code, err)
	}
	var e Entry
	if err := json.Unmarshal(body, &e); err != nil {
		return Entry{}, fmt.Errorf("knowledge: decode %s: %w", code, err)
	}
	return e, nil
}

// Querier is what *sql.DB and *sql.Tx share for reading.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
