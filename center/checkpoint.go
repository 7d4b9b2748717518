package center

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"time"

	"hallkiosk/platform/logging"
)

// The store's WAL is copied back into the database file by a connection of
// its own. SQLite's default is to do it in whichever commit finds the WAL
// past 1,000 pages, and with synchronous=FULL that commit then waits for
// the copy and an fsync of the database file: measured here at 70–500 ms
// under T5's load, against well under a millisecond for an ordinary group
// commit, so one ticket in a few hundred took as long as all the others
// together. A checkpoint in its own connection runs beside the writer (WAL
// lets a writer append while a checkpoint copies), so no request waits.
const (
	checkpointEvery = 250 * time.Millisecond
	// walAutoPages keeps SQLite's own checkpoint as a safety net, far above
	// what the background checkpoint lets the WAL reach: if that stops, the
	// WAL still cannot grow without bound (about 80 MB at 4 KiB pages).
	walAutoPages = 20000
)

// openCheckpointer opens the connection that checkpoints the store in dir.
func openCheckpointer(dir string) (*sql.DB, error) {
	path := filepath.Join(dir, "center.db")
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=synchronous(FULL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store checkpointer %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// checkpoint1 copies what it can of the WAL into the database without
// waiting for readers or the writer (PASSIVE). It returns the WAL's size
// in pages and how many of them are now in the database.
func checkpoint1(ctx context.Context, db *sql.DB) (wal, done int, err error) {
	var busy int
	err = db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &wal, &done)
	if err != nil {
		return 0, 0, fmt.Errorf("checkpoint: %w", err)
	}
	return wal, done, nil
}

// checkpointer checkpoints every checkpointEvery until quit, then once
// more, truncating the WAL, so a stopped center leaves one database file.
func (e *Engine) checkpointer() {
	defer close(e.cpDone)
	ctx := context.Background()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	warned := false
	for {
		select {
		case <-e.quit:
			<-e.writerDone // the last group is committed
			if _, err := e.cpdb.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
				e.log.Warn("final checkpoint", logging.KeyErr, err)
			}
			return
		case <-t.C:
		}
		wal, done, err := checkpoint1(ctx, e.cpdb)
		switch {
		case err != nil && !warned:
			e.log.Warn("background checkpoint failed; commits checkpoint instead",
				logging.KeyErr, err)
			warned = true
		case err == nil && wal-done > walAutoPages/2 && !warned:
			// Long readers (a report over a year) hold old pages back.
			e.log.Warn("WAL not checkpointed", "pages", wal, "copied", done)
			warned = true
		case err == nil && wal == done:
			warned = false
		}
	}
}
