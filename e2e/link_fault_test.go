package e2e

import (
	"context"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/ledger"
	"hallkiosk/platform/clock"
)

// device is a kiosk's ledger and sync loop without the screen: the fault
// tests drive issuing and sync directly.
type device struct {
	l    *ledger.Ledger
	s    *ledger.Syncer
	path string
}

// openDevice enrols a device at env and opens its ledger, talking to the
// center at url with a short request timeout so a stalled link costs
// little test time.
func openDevice(t testing.TB, env *centertest.Env, url string, timeout time.Duration) *device {
	t.Helper()
	return openDeviceIn(t, env, url, timeout, t.TempDir())
}

// openDeviceIn is openDevice with the ledger in dir.
func openDeviceIn(t testing.TB, env *centertest.Env, url string, timeout time.Duration,
	dir string) *device {
	t.Helper()
	enr := env.Enrol(api.RoleKiosk, "kiosk-fault")
	return openLedger(t, enr, url, env.Clock, timeout, dir)
}

// openLedger opens an enrolled device's ledger in dir and its syncer.
func openLedger(t testing.TB, enr api.EnrolResponse, url string, clk clock.Clock,
	timeout time.Duration, dir string) *device {
	t.Helper()
	d := &device{path: filepath.Join(dir, "ledger.db")}
	var err error
	d.l, err = ledger.Open(d.path, ledger.Options{Device: enr.DeviceID, Clock: clk, Log: quiet})
	must(t, err)
	t.Cleanup(func() { d.l.Close() })
	hc := &http.Client{Timeout: timeout, Transport: &http.Transport{}}
	d.s = ledger.NewSyncer(d.l, ledger.NewHTTPCenter(url, enr.Token, hc),
		ledger.SyncOptions{Clock: clk, Log: quiet})
	return d
}

// roomy raises every department's half-day capacity so the fault loops
// measure faults, not the walk-in quota (R9).
var roomy = centertest.WithHall(func(h *api.Hall) {
	for i := range h.Departments {
		h.Departments[i].Capacity = 1000
	}
})

// issue takes one walk-in ticket of matter through the ledger, online or
// from the reserve, as the kiosk does.
func (d *device) issue(t testing.TB, matter string) ledger.Ticket {
	t.Helper()
	req := ledger.IssueRequest{Key: ledger.NewKey(), Matter: matter}
	tk, err := d.l.Issue(context.Background(), req)
	must(t, err)
	return tk
}

// Fault c: the link to the center is cut and stalled by a loopback proxy
// while the device issues and syncs: requests fail, hang until their
// timeout, or lose their reply after the center acted. Afterwards sync
// recovers, the day reconciles (G3) and no number is doubled (G2), none
// lost (G1).
func TestLinkDroppedAndStalledSyncRecoversNothingDoubled(t *testing.T) {
	rounds := 8
	if testingSlow() {
		rounds = 30
	}
	env := centertest.Start(t, roomy)
	link := newProxy(t, hostOf(t, env.URL))
	d := openDevice(t, env, link.URL(), 300*time.Millisecond)
	ctx := context.Background()
	must(t, d.s.SyncOnce(ctx))
	matter := env.Matter("A")
	rng := rand.New(rand.NewPCG(11, uint64(rounds)))

	syncErrs := 0
	for range rounds {
		mode := []int{linkPass, linkDrop, linkStall}[rng.IntN(3)]
		link.set(mode, "")
		cut := make(chan struct{})
		if mode == linkPass {
			// Cut the link once mid-round: some replies are lost after
			// the center has acted on the request.
			delay := time.Duration(rng.IntN(60)) * time.Millisecond
			go func() { time.Sleep(delay); link.set(linkPass, ""); close(cut) }()
		} else {
			close(cut)
		}
		for range 1 + rng.IntN(3) {
			d.issue(t, matter)
		}
		if err := d.s.SyncOnce(ctx); err != nil {
			syncErrs++
		}
		<-cut
		env.Clock.Advance(time.Minute)
	}

	link.set(linkPass, "")
	tries := syncUntilDone(t, d.s, 5)
	rep, err := d.s.Reconcile(ctx, hallDay)
	must(t, err)
	if !rep.Match {
		t.Fatalf("reconciliation: %s", rep)
	}
	local, err := d.l.Tickets(ctx, hallDay)
	must(t, err)
	remote, err := env.Engine.Tickets(ctx, hallDay)
	must(t, err)
	tl := compareTickets(t, local, remote)
	t.Logf("rounds %d, failed syncs %d, sync rounds to recover %d, tickets issued %d "+
		"(center holds %d), lost %d, doubled %d; %s",
		rounds, syncErrs, tries, tl.issued, len(remote), tl.lost, tl.doubled, rep)
}

// syncUntilDone runs sync rounds, as the device's sync loop would, until
// one succeeds (at most n): the first request on a link that was just
// restored may still meet a connection the cut closed.
func syncUntilDone(t testing.TB, s *ledger.Syncer, n int) int {
	t.Helper()
	var err error
	for i := 1; i <= n; i++ {
		if err = s.SyncOnce(context.Background()); err == nil {
			return i
		}
	}
	t.Fatalf("sync did not recover in %d rounds: %v", n, err)
	return n
}
