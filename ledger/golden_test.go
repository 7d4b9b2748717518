package ledger

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestExportGolden pins the audit export's format: a day with walk-ins, a
// check-in, a void booking and print outcomes, on a fixed clock with fixed
// keys, so every hash is reproducible. Run with -update after a deliberate
// change of format.
func TestExportGolden(t *testing.T) {
	l, clk := newLedger(t)
	ctx := context.Background()
	seedBookings(t, l)
	lease(t, l, "L1", "A", 1, 10)
	lease(t, l, "L2", "B", 1, 10)
	keys := []string{"0000000000000000000000000000000a", "0000000000000000000000000000000b"}
	for i, k := range keys {
		clk.Advance(3 * time.Minute)
		tk, err := l.Issue(ctx, IssueRequest{Key: k, Queue: "AB"[i : i+1], Matter: "M1"})
		if err != nil {
			t.Fatal(err)
		}
		if err := l.MarkPrinted(ctx, tk.ID, "ok"); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(time.Minute)
	if _, err := l.CheckIn(ctx, CheckInRequest{Key: "0000000000000000000000000000000c",
		Code: "100001"}); err != nil {
		t.Fatal(err)
	}
	clk.Set(at(16, 45))
	l.CheckIn(ctx, CheckInRequest{Key: "0000000000000000000000000000000d", Code: "100002"})
	x, err := l.ExportDay(ctx, "2026-12-03")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := x.WriteJSON(&got); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "export", "day", "export.golden.json")
	if *update {
		os.MkdirAll(filepath.Dir(golden), 0o755)
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		failed := filepath.Join("testdata", "failed", "export.json")
		os.MkdirAll(filepath.Dir(failed), 0o755)
		os.WriteFile(failed, got.Bytes(), 0o644)
		t.Fatalf("export differs from %s; got written to %s", golden, failed)
	}
}
