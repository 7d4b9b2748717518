package center_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// The WAL reaches the database file from the background checkpoint while
// the center runs, not from whichever ticket's commit finds the WAL full:
// that commit would wait for the copy and an fsync (T5). Without the
// background checkpoint the database file would not grow until the WAL
// held thousands of pages.
func TestWALCheckpointedInBackground(t *testing.T) {
	dir := t.TempDir()
	env := centertest.Start(t, centertest.WithDir(dir), centertest.WithHall(bigHall))
	db := filepath.Join(dir, "center.db")
	size := func() int64 {
		fi, err := os.Stat(db)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	time.Sleep(600 * time.Millisecond) // the schema and hall checkpointed
	before := size()
	ctx := context.Background()
	for i := range 400 {
		if _, err := env.Engine.IssueTicket(ctx, center.Device{ID: "k"}, api.TicketRequest{
			ID: fmt.Sprintf("wal-%04d", i), Matter: env.Matter("A")}); err != nil {
			t.Fatal(err)
		}
	}
	for range 100 {
		if size() > before {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("center.db still %d bytes 5 s after 400 tickets: the WAL is not checkpointed", before)
}
