package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"hallkiosk/center/api"
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

// FuzzVerifyJournal writes an arbitrary row after a sound journal (a
// damaged disk or a forger could leave anything there) and runs Verify,
// which decodes every row: it must run to the end without an error, and
// accept the row only when the center would take it as the chain's next
// event. With seal set the row gets its correct hash, so the fuzzer also
// reaches rows that ought to pass; those must.
func FuzzVerifyJournal(f *testing.F) {
	f.Add(int64(1), "2026-12-03T09:01:00+08:00", "2026-12-03", "ticket.printed",
		[]byte(`{"ticket_id":"x","outcome":"ok"}`), true, true, "")
	f.Add(int64(1), "2026-12-03T09:01:00Z", "2026-12-03", "x", []byte(`null`), true, true, "")
	f.Add(int64(2), "2026-12-03T09:01:00+08:00", "2026-12-03", "k", []byte(`{}`), true, true, "")
	f.Add(int64(1), "not a time", "2026-12-03", "k", []byte(`{}`), true, true, "")
	f.Add(int64(1), "2026-12-03T09:01:00+08:00", "2026-12-04", "k", []byte(`{`), false, false,
		"00")
	// One ledger for all inputs, each row removed after its run (the
	// append-only trigger is dropped for that): a fresh file per input
	// made the fuzzer crawl.
	l, _ := newLedger(f)
	lease(f, l, "L1", "A", 1, 5)
	ctx := context.Background()
	if _, err := l.Issue(ctx, IssueRequest{Key: NewKey(), Queue: "A"}); err != nil {
		f.Fatal(err)
	}
	if _, err := l.w.ExecContext(ctx, "DROP TRIGGER journal_no_delete"); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, delta int64, hall, day, kind string, payload []byte,
		linked, seal bool, hash string) {
		head, prev, _ := l.Head(ctx)
		if head != 2 {
			t.Fatalf("head %d: a previous input's row was left behind", head)
		}
		e := api.Event{Seq: head + delta, Kind: kind, Payload: payload}
		if !linked {
			prev = hash
		}
		if ht, err := time.Parse(timeFormat, hall); err == nil && seal {
			e.Time = ht
			e.Seal(prev)
			hash = e.Hash
		}
		if _, err := l.w.ExecContext(ctx, `INSERT INTO journal (seq, device_time, hall_time,
			day, kind, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, hall, hall, day, kind, payload, prev, hash); err != nil {
			return // a seq or hash already taken, a NULL payload: not a row
		}
		defer l.w.ExecContext(ctx, "DELETE FROM journal WHERE seq = ?", e.Seq)
		rep, err := l.Verify(ctx)
		if err != nil {
			t.Fatalf("verify failed to run: %v", err)
		}
		ht, terr := time.Parse(timeFormat, hall)
		e.Time, e.Hash = ht, hash
		next := terr == nil && delta == 1 && e.Valid(prev) && linked &&
			json.Valid(payload) && day == ht.Format(dayFormat)
		if rep.OK() != next {
			t.Fatalf("row seq+%d %q %q %q %q: verify ok %v, want %v (%s)", delta, hall, day,
				kind, payload, rep.OK(), next, rep.FirstBad)
		}
	})
}
