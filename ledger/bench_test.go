package ledger

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// fillJournal appends n events in one transaction, the way a day offline
// leaves them: a ticket.issued from the leased reserve while numbers last,
// each followed by its ticket.printed, and print outcomes after that.
func fillJournal(tb testing.TB, l *Ledger, n int) {
	tb.Helper()
	ctx := context.Background()
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	queues := []string{"A", "B", "C", "D"}
	reserve := true
	for i := 0; i < n; i++ {
		t := Ticket{ID: NewKey(), Key: NewKey(), Queue: queues[i%4], Day: l.Today(),
			Kind: api.KindWalkIn, Source: SourceLease}
		if reserve && takeLeased(ctx, tx, &t) != nil {
			reserve = false
		}
		if t.Label != "" {
			if err := l.insertTicket(ctx, tx, &t); err != nil {
				tb.Fatal(err)
			}
			i++
		}
		p := map[string]string{"ticket_id": t.ID, "outcome": "ok"}
		if _, err := l.append(ctx, tx, KindTicketPrinted, p); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkT7Reconcile100k is T7 (after a day offline, 100,000 journal
// events reconcile within 10 s): a kiosk synced in the morning, cut off,
// comes back with 100,000 events; the measured time runs from the link's
// return through the push of all of them to a matching reconciliation,
// against a real in-process center.
func BenchmarkT7Reconcile100k(b *testing.B) {
	for range b.N {
		b.StopTimer()
		env := centertest.Start(b)
		k := newKiosk(b, env, 0)
		ctx := context.Background()
		if err := k.s.SyncOnce(ctx); err != nil {
			b.Fatal(err)
		}
		pushed, _, _ := k.l.Head(ctx)
		fillJournal(b, k.l, 100_000)
		head, _, _ := k.l.Head(ctx)
		timed := &timedCenter{Center: k.s.c}
		k.s.c = timed
		b.StartTimer()
		t0 := time.Now()
		if err := k.s.SyncOnce(ctx); err != nil {
			b.Fatal(err)
		}
		rep, err := k.s.Reconcile(ctx, k.l.Today())
		d := time.Since(t0)
		b.StopTimer()
		if err != nil || !rep.Match {
			b.Fatalf("reconcile: %v, %v", rep, err)
		}
		b.ReportMetric(d.Seconds(), "s-reconcile")
		b.ReportMetric(timed.push.Seconds(), "s-in-center-push")
		b.ReportMetric(float64(timed.calls), "pushes")
		b.ReportMetric(float64(head-pushed), "events")
	}
}

// BenchmarkIssue measures the issue transaction (number from the leased
// reserve, ticket row and journal event, committed with synchronous=FULL):
// p50 and p99 in µs.
func BenchmarkIssue(b *testing.B) {
	l, err := Open(filepath.Join(b.TempDir(), "ledger.db"), Options{Device: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	lease(b, l, "L1", "A", 1, 1<<30)
	ctx := context.Background()
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if _, err := l.Issue(ctx, IssueRequest{Key: NewKey(), Queue: "A"}); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(ds[(len(ds)-1)*99/100].Microseconds()), "p99-µs")
}

// timedCenter adds up the time spent waiting for journal pushes: the
// center's share of T7 (request, decoding, storing, reply).
type timedCenter struct {
	Center
	push  time.Duration
	calls int
}

func (t *timedCenter) PushJournal(ctx context.Context, p api.JournalPush) (api.JournalAck, error) {
	t0 := time.Now()
	defer func() { t.push += time.Since(t0); t.calls++ }()
	return t.Center.PushJournal(ctx, p)
}
