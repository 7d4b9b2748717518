package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedAt writes a row into each table that exists at schema version v, so
// a migration must carry real data forward.
var seedAt = map[int][]string{
	1: {`INSERT INTO settings VALUES ('pushed_seq', '0')`},
	2: {`INSERT INTO leases VALUES ('L1', 'A', '2026-12-03', 1, 9, 1, '2026-12-03T09:00:00+08:00')`},
	3: {`INSERT INTO bookings (code, queue, day, period_start, period_end, updated_at)
		VALUES ('100001', 'A', '2026-12-03', '09:00', '09:30', 'x')`},
}

// rawDB opens a database without the ledger, for building old versions.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return db
}

// TestMigrateFromEveryVersion builds a file at every older schema version
// with data in it, opens it with the ledger and checks it arrives at the
// current schema, identical to a fresh file, with its data intact.
func TestMigrateFromEveryVersion(t *testing.T) {
	ctx := context.Background()
	fresh := schemaOf(t, newPath(t, SchemaVersion))
	for v := 0; v < SchemaVersion; v++ {
		t.Run(fmt.Sprintf("from_%d", v), func(t *testing.T) {
			path := newPath(t, v)
			l, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := userVersion(ctx, l.w)
			l.Close()
			if got != SchemaVersion {
				t.Fatalf("at version %d", got)
			}
			if s := schemaOf(t, path); s != fresh {
				t.Fatalf("schema differs from a fresh file:\n%s\n---\n%s", s, fresh)
			}
			checkSeeded(t, path, v)
		})
	}
}

// newPath makes a file at version v with seed rows.
func newPath(t *testing.T, v int) string {
	path := filepath.Join(t.TempDir(), "old.db")
	db := rawDB(t, path)
	defer db.Close()
	for i := 0; i < v; i++ {
		if err := migrateOne(context.Background(), db, i); err != nil {
			t.Fatal(err)
		}
		for _, q := range seedAt[i+1] {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
	}
	return path
}

// checkSeeded checks the rows seeded up to version v survived.
func checkSeeded(t *testing.T, path string, v int) {
	db := rawDB(t, path)
	defer db.Close()
	for ver := 1; ver <= v; ver++ {
		for _, q := range seedAt[ver] {
			table := strings.Fields(q)[2]
			var n int
			if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil || n != 1 {
				t.Fatalf("%s after migration: %d rows, %v", table, n, err)
			}
		}
	}
}

// schemaOf lists the schema's SQL, sorted.
func schemaOf(t *testing.T, path string) string {
	db := rawDB(t, path)
	defer db.Close()
	rows, err := db.Query(`SELECT type, name, COALESCE(sql, '') FROM sqlite_master
		ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, s string
		rows.Scan(&typ, &name, &s)
		fmt.Fprintf(&b, "%s %s %s\n", typ, name, s)
	}
	return b.String()
}

// TestOpenNewerSchema: a file from newer firmware is refused, not touched.
func TestOpenNewerSchema(t *testing.T) {
	path := newPath(t, SchemaVersion)
	db := rawDB(t, path)
	db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1))
	db.Close()
	if _, err := Open(path, Options{}); !errors.Is(err, ErrTooNew) {
		t.Fatalf("err = %v", err)
	}
}

// TestOpenDamaged: a damaged file is named at open with a way forward and
// left exactly as it was (the journal is never silently reset).
func TestOpenDamaged(t *testing.T) {
	good := filepath.Join(t.TempDir(), "good.db")
	l, err := Open(good, Options{})
	if err != nil {
		t.Fatal(err)
	}
	lease(t, l, "L1", "A", 1, 500)
	for range 200 {
		if _, err := l.Issue(context.Background(), IssueRequest{Key: NewKey(), Queue: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	l.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	l.Close()
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"garbage":            []byte(strings.Repeat("not a database ", 400)),
		"short":              data[:50],
		"truncated":          data[:len(data)/2],
		"truncated_with_log": data[:len(data)/2],
		"bad_page":           scribble(data, len(data)/2),
		"header_wiped":       scribble(data, 0),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ledger.db")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			if name == "truncated_with_log" {
				// A log that does not hold the missing pages (here: junk,
				// which SQLite ignores) must not hide the truncation.
				os.WriteFile(path+"-wal", []byte(strings.Repeat("x", 4096)), 0o600)
			}
			before := sha256.Sum256(content)
			l, err := Open(path, Options{})
			if err == nil {
				l.Close()
				t.Fatal("damaged file opened")
			}
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "ledger verify") {
				t.Fatalf("err = %v", err)
			}
			after, _ := os.ReadFile(path)
			if sha256.Sum256(after) != before {
				t.Fatal("the damaged file was changed")
			}
		})
	}
}

// scribble overwrites 4 KiB at off with junk.
func scribble(data []byte, off int) []byte {
	out := append([]byte(nil), data...)
	for i := off; i < off+4096 && i < len(out); i++ {
		out[i] = byte(i * 7)
	}
	return out
}

// TestOpenMissingDir: a path that cannot be opened is not called damage.
func TestOpenMissingDir(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "no", "such", "dir", "ledger.db"), Options{})
	if err == nil || errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "writable") {
		t.Fatalf("err = %v", err)
	}
}
