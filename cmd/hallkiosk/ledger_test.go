package main

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/internal/cli"
	"hallkiosk/ledger"
	"hallkiosk/platform/clock"
)

// ledgerDay is the hall day the test ledger's tickets are filed under.
const ledgerDay = "2026-12-03"

// testLedger writes a closed ledger with three tickets, one of them a
// checked-in booking whose masked name and ID hash must never be exported.
func testLedger(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ledger.db")
	clk := clock.NewFake(time.Date(2026, 12, 3, 9, 0, 0, 0, ledger.HallLocation()))
	l, err := ledger.Open(path, ledger.Options{Device: "kiosk-1", Clock: clk,
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	err = l.AddLease(ctx, api.Lease{ID: "L1", Queue: "A", Day: ledgerDay, From: 1, To: 9})
	if err == nil {
		err = l.SaveBookings(ctx, []api.BookingView{{Code: "100001", Queue: "A", Day: ledgerDay,
			Start: "09:00", End: "09:30", Status: api.BookingBooked,
			IDHash: api.KeyedIDHash([]byte("k"), "11010519491231002X"), NameMasked: "张*"}})
	}
	for range 2 {
		if err == nil {
			_, err = l.Issue(ctx, ledger.IssueRequest{Key: ledger.NewKey(), Queue: "A"})
		}
	}
	if err == nil {
		_, err = l.CheckIn(ctx, ledger.CheckInRequest{Key: ledger.NewKey(), Code: "100001"})
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// runLedger runs the hallkiosk command table and returns the exit code and all
// output.
func runLedger(args ...string) (int, string) {
	var out, errs bytes.Buffer
	code := app.Run(context.Background(), args, strings.NewReader(""), &out, &errs)
	return code, out.String() + errs.String()
}

// `hallkiosk ledger verify --db FILE`: 0 on a sound ledger; 1 naming the
// first bad record after tampering, and 1 with a way forward on a damaged
// file (the journal is never reset).
func TestLedgerVerifyCommand(t *testing.T) {
	path := testLedger(t)
	code, out := runLedger("ledger", "verify", "--db", path)
	if code != cli.ExitOK || !strings.Contains(out, "ok: 5 events") ||
		!strings.Contains(out, "3 tickets checked") {
		t.Fatalf("sound ledger: exit %d\n%s", code, out)
	}

	tampered := filepath.Join(t.TempDir(), "tampered.db")
	copyLedger(t, path, tampered)
	db, err := sql.Open("sqlite", "file:"+tampered)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TRIGGER journal_no_update",
		`UPDATE journal SET payload = '{"ticket_id":"forged"}' WHERE seq = 3`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	code, out = runLedger("ledger", "verify", "--db", tampered)
	if code != cli.ExitFailure || !strings.Contains(out, "first bad record: journal seq 3") {
		t.Fatalf("tampered ledger: exit %d\n%s", code, out)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.db")
	if err := os.WriteFile(cut, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	code, out = runLedger("ledger", "verify", "--db", cut)
	if code != cli.ExitFailure || !strings.Contains(out, "database is damaged") ||
		!strings.Contains(out, "move the file aside") {
		t.Fatalf("truncated ledger: exit %d\n%s", code, out)
	}
	if after, _ := os.ReadFile(cut); !bytes.Equal(after, data[:len(data)/2]) {
		t.Fatal("verify changed the damaged file")
	}
}

// `hallkiosk ledger export --day D --db FILE`: the day as JSON an auditor
// can check on its own, with no personal data (G6); flags checked.
func TestLedgerExportCommand(t *testing.T) {
	path := testLedger(t)
	var out, errs bytes.Buffer
	args := []string{"ledger", "export", "--day", ledgerDay, "--db", path}
	code := app.Run(context.Background(), args, strings.NewReader(""), &out, &errs)
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, &errs)
	}
	for _, secret := range []string{"张", api.KeyedIDHash([]byte("k"), "11010519491231002X")} {
		if strings.Contains(out.String(), secret) {
			t.Fatalf("export holds %q", secret)
		}
	}
	x, err := ledger.ReadExport(&out)
	if err != nil || x.Device != "kiosk-1" || len(x.Tickets) != 3 || len(x.Bookings) != 1 {
		t.Fatalf("export %+v, %v", x, err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"ledger", "export", "--db", path}, cli.ExitUsage, "--day is required"},
		{[]string{"ledger", "export", "--day", "3.12.2026", "--db", path}, cli.ExitUsage,
			"want YYYY-MM-DD"},
		{[]string{"ledger", "export", "--day", ledgerDay, "--db", path + ".none"},
			cli.ExitFailure, "no such ledger"},
	} {
		if code, out := runLedger(tc.args...); code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s", tc.args, code, tc.code, tc.want, out)
		}
	}
}

func copyLedger(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
