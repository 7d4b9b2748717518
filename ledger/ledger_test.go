package ledger

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/platform/clock"
)

// TestMain keeps the ledger's and the sync client's logs out of test
// output; tests check behaviour, not log lines.
func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	os.Exit(m.Run())
}

// thursday0900 is a workday morning in the hall's zone.
var thursday0900 = time.Date(2026, 12, 3, 9, 0, 0, 0, HallLocation())

// newLedger opens a fresh ledger on a fake clock.
func newLedger(t testing.TB) (*Ledger, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(thursday0900)
	l, err := Open(filepath.Join(t.TempDir(), "ledger.db"), Options{Device: "kiosk-1", Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, clk
}

// lease gives l a lease of numbers [from, to] for queue today.
func lease(t testing.TB, l *Ledger, id, queue string, from, to int) {
	t.Helper()
	err := l.AddLease(context.Background(), api.Lease{ID: id, Queue: queue, Day: l.Today(),
		From: from, To: to, Device: l.Device()})
	if err != nil {
		t.Fatal(err)
	}
}

// mustVerify fails the test unless Verify finds nothing wrong.
func mustVerify(t testing.TB, l *Ledger) Report {
	t.Helper()
	rep, err := l.Verify(context.Background())
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
	return rep
}

func TestOpenPragmas(t *testing.T) {
	l, _ := newLedger(t)
	ctx := context.Background()
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2",
		"foreign_keys": "1", "user_version": "4"} {
		var got string
		if err := l.w.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s = %s, want %s", pragma, got, want)
		}
	}
	if l.String() == "" || l.Path() == "" {
		t.Error("no name")
	}
}

// TestIssueFromLease: G2 offline numbering takes lease numbers in order
// and stops when the reserve is spent.
func TestIssueFromLease(t *testing.T) {
	l, _ := newLedger(t)
	ctx := context.Background()
	lease(t, l, "L1", "A", 10, 11)
	lease(t, l, "L2", "A", 40, 40)
	var got []string
	for range 3 {
		tk, err := l.Issue(ctx, IssueRequest{Key: NewKey(), Queue: "A", Matter: "m"})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Source != SourceLease || tk.Kind != api.KindWalkIn || tk.Day != "2026-12-03" {
			t.Fatalf("ticket %+v", tk)
		}
		got = append(got, tk.Label)
	}
	if want := []string{"A010", "A011", "A040"}; !equal(got, want) {
		t.Fatalf("numbers %v, want %v", got, want)
	}
	_, err := l.Issue(ctx, IssueRequest{Key: NewKey(), Queue: "A"})
	if !errors.Is(err, ErrNoNumbers) {
		t.Fatalf("err = %v, want ErrNoNumbers", err)
	}
	if n, _ := l.Reserve(ctx, "A", l.Today()); n != 0 {
		t.Fatalf("reserve %d", n)
	}
	rep := mustVerify(t, l)
	if rep.Tickets != 3 || rep.Events != 5 {
		t.Fatalf("report %+v", rep)
	}
}

// TestIssueIdempotent: G5, a repeated key returns the first ticket.
func TestIssueIdempotent(t *testing.T) {
	l, _ := newLedger(t)
	ctx := context.Background()
	lease(t, l, "L1", "A", 1, 10)
	key := NewKey()
	a, err := l.Issue(ctx, IssueRequest{Key: key, Queue: "A"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Issue(ctx, IssueRequest{Key: key, Queue: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != b.ID || a.Label != b.Label || a.Seq != b.Seq {
		t.Fatalf("second issue %+v differs from first %+v", b, a)
	}
	if n, _ := l.Reserve(ctx, "A", l.Today()); n != 9 {
		t.Fatalf("reserve %d, want 9: a second number was taken", n)
	}
	if _, err := l.Issue(ctx, IssueRequest{Queue: "A"}); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("missing key: %v", err)
	}
}

// TestIssueConcurrent: G2, many goroutines issuing at once never share a
// number.
func TestIssueConcurrent(t *testing.T) {
	l, _ := newLedger(t)
	ctx := context.Background()
	lease(t, l, "L1", "A", 1, 200)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := l.Issue(ctx, IssueRequest{Key: NewKey(), Queue: "A"}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	ts, _ := l.Tickets(ctx, l.Today())
	seen := map[string]bool{}
	for _, tk := range ts {
		if seen[tk.Label] {
			t.Fatalf("number %s issued twice", tk.Label)
		}
		seen[tk.Label] = true
	}
	if len(seen) != 160 {
		t.Fatalf("%d tickets", len(seen))
	}
	mustVerify(t, l)
}

// TestIssueFromQueueOfMatter: with no queue named, the cached hall maps
// the matter to its department's queue.
func TestIssueFromQueueOfMatter(t *testing.T) {
	l, _ := newLedger(t)
	ctx := context.Background()
	h := &api.Hall{Version: 3, Departments: []api.Department{{Name: "区税务局", QueuePrefix: "D"}},
		Matters: []api.Matter{{Code: "M1", Name: "发票领用", Department: "区税务局"}}}
	if err := l.SaveHall(ctx, h); err != nil {
		t.Fatal(err)
	}
	lease(t, l, "L1", "D", 5, 5)
	tk, err := l.Issue(ctx, IssueRequest{Key: NewKey(), Matter: "M1"})
	if err != nil || tk.Label != "D005" {
		t.Fatalf("ticket %+v, %v", tk, err)
	}
	if _, err := l.Issue(ctx, IssueRequest{Key: NewKey(), Matter: "nope"}); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("unknown matter: %v", err)
	}
}

func TestMarkPrinted(t *testing.T) {
	l, _ := newLedger(t)
	ctx := context.Background()
	lease(t, l, "L1", "A", 1, 1)
	tk, err := l.Issue(ctx, IssueRequest{Key: NewKey(), Queue: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.MarkPrinted(ctx, tk.ID, "ok"); err != nil {
		t.Fatal(err)
	}
	if err := l.MarkPrinted(ctx, "nope", "ok"); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("unknown ticket: %v", err)
	}
	ts, _ := l.Tickets(ctx, l.Today())
	if ts[0].Print != "ok" {
		t.Fatalf("print = %q", ts[0].Print)
	}
	es, _ := l.Events(ctx, 0, 10)
	if es[len(es)-1].Kind != KindTicketPrinted {
		t.Fatalf("last event %s", es[len(es)-1].Kind)
	}
	mustVerify(t, l)
}

// TestJournalAppendOnly: the triggers refuse to rewrite history.
func TestJournalAppendOnly(t *testing.T) {
	l, _ := newLedger(t)
	lease(t, l, "L1", "A", 1, 1)
	ctx := context.Background()
	if _, err := l.w.ExecContext(ctx, "UPDATE journal SET kind = 'x'"); err == nil {
		t.Fatal("update allowed")
	}
	if _, err := l.w.ExecContext(ctx, "DELETE FROM journal"); err == nil {
		t.Fatal("delete allowed")
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestIssueTwoHandles: G2 across connections: two ledgers open on one
// file (a second process by mistake) issuing at once still never share a
// number, because each issue starts with BEGIN IMMEDIATE.
func TestIssueTwoHandles(t *testing.T) {
	a, clk := newLedger(t)
	lease(t, a, "L1", "A", 1, 1000)
	b, err := Open(a.Path(), Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for _, l := range []*Ledger{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				if _, err := l.Issue(ctx, IssueRequest{Key: NewKey(), Queue: "A"}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	ts, _ := a.Tickets(ctx, a.Today())
	seen := map[int]bool{}
	for _, tk := range ts {
		if seen[tk.Number] {
			t.Fatalf("number %s issued twice", tk.Label)
		}
		seen[tk.Number] = true
	}
	if len(seen) != 100 {
		t.Fatalf("%d tickets", len(seen))
	}
	mustVerify(t, a)
}
