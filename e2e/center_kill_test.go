package e2e

import (
	"context"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/ledger"
	"hallkiosk/platform/clock"
)

// Fault b: the shipped center (the hallcenter binary) is killed with
// SIGKILL while a kiosk's ledger pushes a backlog of offline tickets, and
// restarted on the same data directory, several times. The push resumes
// where the center's store says it stopped; after the last restart the
// day reconciles (G3) and the center's store holds every ticket of the
// ledger once (G1, G2).
func TestCenterKilledDuringSyncNothingLostOrDoubled(t *testing.T) {
	slow(t)
	kills := 6
	binaries(t)
	data, addr := filepath.Join(t.TempDir(), "center"), freeAddr(t)
	c := startCenter(t, data, addr)
	link := newProxy(t, addr)
	enr := c.enrol(api.RoleKiosk, "kiosk-center-killed")
	devClock := clock.NewFake(centertest.Morning)
	d := openLedger(t, enr, link.URL(), devClock, 2*time.Second, t.TempDir())
	ctx := context.Background()
	syncUntilDone(t, d.s, 3)
	hall, err := d.l.Hall(ctx)
	must(t, err)
	matter := matterOf(t, hall, "A")
	rng := rand.New(rand.NewPCG(3, 5))

	issued, interrupted := 0, 0
	for range kills {
		// A backlog issued offline from the leased reserve (G4).
		link.set(linkDrop, "")
		for range 20 {
			_, err := d.l.Issue(ctx, ledger.IssueRequest{Key: ledger.NewKey(), Matter: matter})
			if errors.Is(err, ledger.ErrNoNumbers) {
				break
			}
			must(t, err)
			issued++
			devClock.Advance(10 * time.Second)
		}
		link.set(linkPass, "")

		// Push it, and kill the center part-way.
		done := make(chan error, 1)
		go func() { done <- d.s.SyncOnce(ctx) }()
		time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
		c.p.kill()
		if err := <-done; err != nil {
			interrupted++
		}
		c = startCenter(t, data, addr)
	}

	syncUntilDone(t, d.s, 5)
	rep, err := d.s.Reconcile(ctx, hallDay)
	must(t, err)
	if !rep.Match {
		t.Fatalf("reconciliation: %s", rep)
	}
	c.p.kill()
	local, err := d.l.Tickets(ctx, hallDay)
	must(t, err)
	remote := storedTickets(t, data)
	tl := compareTickets(t, local, remote)
	t.Logf("center kills %d (sync interrupted %d); tickets issued %d, at the center %d, "+
		"lost %d, doubled %d; %s", kills, interrupted, tl.issued, len(remote), tl.lost, tl.doubled, rep)
	if issued == 0 {
		t.Fatal("no ticket issued offline: the test proved nothing")
	}
}

// matterOf is a matter code of queue q in the device's cached hall.
func matterOf(t testing.TB, h *api.Hall, q string) string {
	t.Helper()
	for _, d := range h.Departments {
		if d.QueuePrefix != q {
			continue
		}
		for _, m := range h.Matters {
			if m.Department == d.Name {
				return m.Code
			}
		}
	}
	t.Fatalf("no matter of queue %s in the device's hall", q)
	return ""
}

// storedTickets opens the stopped center's store in process and lists the
// day's tickets: the binary's own record, read after it is gone.
func storedTickets(t testing.TB, data string) []api.Ticket {
	t.Helper()
	eng, err := center.Open(context.Background(), center.Options{Dir: data,
		Clock: clock.NewFake(centertest.Morning), Log: quiet})
	must(t, err)
	defer eng.Close()
	ts, err := eng.Tickets(context.Background(), hallDay)
	must(t, err)
	return ts
}
