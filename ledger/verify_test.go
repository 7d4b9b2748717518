package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// issued makes a ledger with n offline tickets and a check-in.
func issued(t *testing.T, n int) *Ledger {
	t.Helper()
	l, _ := newLedger(t)
	seedBookings(t, l)
	lease(t, l, "L1", "A", 1, 100)
	ctx := context.Background()
	for range n {
		if _, err := l.Issue(ctx, IssueRequest{Key: NewKey(), Queue: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.CheckIn(ctx, CheckInRequest{Key: NewKey(), Code: "100001"}); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestVerifyNamesFirstBadRecord: each kind of tampering is caught and the
// first bad record named.
func TestVerifyNamesFirstBadRecord(t *testing.T) {
	tests := []struct {
		name   string
		sql    []string
		expect string
	}{
		{"payload edited", []string{`UPDATE journal SET payload = '{"ticket_id":"x"}' WHERE seq = 3`},
			"journal seq 3"},
		{"event removed", []string{`DELETE FROM journal WHERE seq = 4`}, "journal seq 5"},
		{"time moved", []string{`UPDATE journal SET hall_time = '2026-12-03T09:00:01+08:00'
			WHERE seq = 2`}, "journal seq 2"},
		{"number edited", []string{`UPDATE tickets SET label = 'A099', number = 99
			WHERE seq = 2`}, "ticket A099"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := issued(t, 5)
			ctx := context.Background()
			mustVerify(t, l)
			for _, q := range append([]string{"DROP TRIGGER journal_no_update",
				"DROP TRIGGER journal_no_delete", "PRAGMA foreign_keys = OFF"}, tc.sql...) {
				if _, err := l.w.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			rep, err := l.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || !strings.Contains(rep.FirstBad, tc.expect) {
				t.Fatalf("first bad = %q, want it to name %q", rep.FirstBad, tc.expect)
			}
		})
	}
}

// TestExportWithoutPersonalData: G6, an export carries no masked name and
// no ID hash, and an auditor can check its chain.
func TestExportWithoutPersonalData(t *testing.T) {
	l := issued(t, 3)
	x, err := l.ExportDay(context.Background(), "2026-12-03")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := x.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{hashOf, "张", "李*", "other"} {
		if strings.Contains(buf.String(), secret) {
			t.Fatalf("export contains %q", secret)
		}
	}
	if len(x.Tickets) != 4 || x.Counts[KindTicketIssued] != 4 || len(x.Bookings) != 3 {
		t.Fatalf("export: %d tickets, counts %v, %d bookings", len(x.Tickets), x.Counts,
			len(x.Bookings))
	}
	back, err := ReadExport(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if back.HeadHash != x.HeadHash || len(back.Events) != len(x.Events) {
		t.Fatal("export did not round-trip")
	}
	tampered := bytes.Replace(buf.Bytes(), []byte(`"A002"`), []byte(`"A009"`), 1)
	if _, err := ReadExport(bytes.NewReader(tampered)); err == nil {
		t.Fatal("tampered export accepted")
	}
}

func FuzzReadExport(f *testing.F) {
	l, _ := newLedger(f)
	lease(f, l, "L1", "A", 1, 10)
	l.Issue(context.Background(), IssueRequest{Key: "k1", Queue: "A"})
	x, _ := l.ExportDay(context.Background(), l.Today())
	var buf bytes.Buffer
	x.WriteJSON(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte(`{"events":[{"seq":1,"payload":null}]}`))
	f.Add([]byte(`{"events":[{"seq":1,"hall_time":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := ReadExport(bytes.NewReader(data))
		if err != nil {
			return
		}
		// Whatever was accepted must be a linked, correctly hashed chain.
		for i := range x.Events {
			if checkExported(x.Events, i) != nil {
				t.Fatalf("accepted a broken chain at %d", i)
			}
			if !json.Valid(x.Events[i].Payload) {
				t.Fatal("accepted a non-JSON payload")
			}
		}
	})
}

// TestFileCommands: what `hallkiosk ledger verify` and `ledger export`
// run, on a file another process (the firmware) still has open.
func TestFileCommands(t *testing.T) {
	l := issued(t, 2)
	ctx := context.Background()
	rep, err := VerifyFile(ctx, l.Path())
	if err != nil || !rep.OK() || rep.Tickets != 3 {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
	var buf bytes.Buffer
	if err := ExportFile(ctx, l.Path(), "2026-12-03", &buf); err != nil {
		t.Fatal(err)
	}
	x, err := ReadExport(&buf)
	if err != nil || x.Device != "kiosk-1" || len(x.Tickets) != 3 {
		t.Fatalf("export %+v, %v", x, err)
	}
	if err := ExportFile(ctx, l.Path(), "12/03", &buf); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("bad day: %v", err)
	}
	if _, err := VerifyFile(ctx, l.Path()+".missing"); err == nil {
		t.Fatal("missing file verified")
	}
	// Read-only opening wrote nothing: the journal is as it was.
	if seq, _, _ := l.Head(ctx); seq != rep.HeadSeq {
		t.Fatalf("head moved to %d", seq)
	}
}
