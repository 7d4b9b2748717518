package e2e

import (
	"context"
	"net/url"
	"testing"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/ledger"
)

var hallDay = centertest.Morning.Format("2006-01-02")

// tally compares the tickets a device's ledger holds with the center's for
// one day: lost are the ledger's tickets the center lacks, doubled are
// numbers that appear more than once on either side (G2).
type tally struct {
	issued, lost, doubled int
}

func compareTickets(t testing.TB, local []ledger.Ticket, remote []api.Ticket) tally {
	t.Helper()
	seen := map[string]int{}
	for _, tk := range remote {
		seen[tk.Number]++
	}
	tl := tally{issued: len(local)}
	mine := map[string]int{}
	for _, tk := range local {
		mine[tk.Label]++
		if seen[tk.Label] == 0 {
			tl.lost++
			t.Errorf("ledger ticket %s (seq %d, %s) is not at the center", tk.Label, tk.Seq, tk.Source)
		}
	}
	for n, c := range seen {
		if c > 1 {
			tl.doubled++
			t.Errorf("number %s is at the center %d times", n, c)
		}
	}
	for n, c := range mine {
		if c > 1 {
			tl.doubled++
			t.Errorf("number %s is in the ledger %d times", n, c)
		}
	}
	return tl
}

func hostOf(t testing.TB, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	must(t, err)
	return u.Host
}

// Journey d: the center stops; the kiosk sees it is offline and keeps
// issuing walk-in tickets from its leased reserve (G4); the center comes
// back on the same store and the day reconciles with nothing lost and
// nothing doubled (G2: no number twice; G3: every event once, the
// journal's count and hash chain match).
func TestCenterStopsKioskIssuesFromReserveThenReconciles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env1 := centertest.Start(t, centertest.WithDir(dir))
	link := newProxy(t, hostOf(t, env1.URL))
	w := newKiosk(t, env1, "kiosk-e2e", link.URL(), "")

	online := []string{w.walkIn("A").Number, w.walkIn("A").Number}

	// The center stops: its process is gone, and the link refuses.
	link.set(linkDrop, "")
	env1.Server.CloseClientConnections()
	env1.Server.Close()
	must(t, env1.Engine.Close())
	if err := w.parts.Syncer.SyncOnce(ctx); err == nil {
		t.Fatal("sync with the center stopped succeeded")
	}
	w.m.Tick()
	if w.m.State().Online {
		t.Fatal("the kiosk still says it is online")
	}
	var offline []string
	for range 6 {
		tk := w.walkIn("A")
		offline = append(offline, tk.Number)
	}

	// The center is back on the same store.
	env2 := centertest.Start(t, centertest.WithDir(dir))
	env2.Clock.Set(env1.Clock.Now())
	link.set(linkPass, hostOf(t, env2.URL))
	w.env = env2
	w.sync()
	rep, err := w.parts.Syncer.Reconcile(ctx, hallDay)
	must(t, err)
	if !rep.Match {
		t.Fatalf("reconciliation: %s", rep)
	}
	after := w.walkIn("A").Number // online again, numbered by the center

	local, err := w.parts.Ledger.Tickets(ctx, hallDay)
	must(t, err)
	remote, err := env2.Engine.Tickets(ctx, hallDay)
	must(t, err)
	tl := compareTickets(t, local, remote)
	if tl.issued != len(online)+len(offline)+1 {
		t.Fatalf("ledger holds %d tickets, want %d", tl.issued, len(online)+len(offline)+1)
	}
	t.Logf("online %v, offline %v, after %s; %s; issued %d lost %d doubled %d",
		online, offline, after, rep, tl.issued, tl.lost, tl.doubled)
}
