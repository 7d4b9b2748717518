package center_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// bigHall lifts capacities so R9 does not refuse a load test.
func bigHall(h *api.Hall) {
	for i := range h.Departments {
		h.Departments[i].Capacity = 1_000_000
	}
}

func ticketID(kiosk, n int) string { return fmt.Sprintf("k%03d-t%05d-0000", kiosk, n) }

// TestG2ConcurrentKiosks: 50 kiosks issue 200 tickets each at once over
// HTTP, each retrying some requests with the same id. The center must hold
// exactly 10,000 tickets whose numbers run 1..n per queue with no
// duplicate and no gap (G2, G5).
func TestG2ConcurrentKiosks(t *testing.T) {
	kiosks, each := 50, 200
	if testing.Short() {
		kiosks, each = 10, 50
	}
	env := centertest.Start(t, centertest.WithHall(bigHall))
	queues := []string{"A", "B", "C", "D", "E", "F", "H", "P", "Q", "R"}
	matters := map[string]string{}
	for _, q := range queues {
		matters[q] = env.Matter(q)
	}
	var wg sync.WaitGroup
	errs := make(chan error, kiosks)
	for k := range kiosks {
		dev := env.Enrol(api.RoleKiosk, "kiosk "+strconv.Itoa(k))
		c := env.Client(dev.Token)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- issueMany(c, k, each, queues, matters)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	checkNumbers(t, env, kiosks*each)
}

func issueMany(c *centertest.Client, k, each int, queues []string, matters map[string]string) error {
	for n := range each {
		q := queues[(k+n)%len(queues)]
		req := api.TicketRequest{ID: ticketID(k, n), Matter: matters[q]}
		var first, again api.Ticket
		if e := c.Do("POST", "/tickets", req, &first); e != nil {
			return fmt.Errorf("kiosk %d ticket %d: %v", k, n, e)
		}
		if n%10 != 0 {
			continue
		}
		// A retry after a lost reply: the same id must give the same number.
		if e := c.Do("POST", "/tickets", req, &again); e != nil || again.Number != first.Number {
			return fmt.Errorf("kiosk %d retry of %s: got %s, %v", k, first.Number, again.Number, e)
		}
	}
	return nil
}

// checkNumbers asserts the day's tickets number 1..n per queue, each once.
func checkNumbers(t *testing.T, env *centertest.Env, want int) {
	t.Helper()
	day := env.Engine.CurrentHall().Day(env.Clock.Now())
	tickets, err := env.Engine.Tickets(context.Background(), day)
	if err != nil {
		t.Fatal(err)
	}
	if len(tickets) != want {
		t.Fatalf("center holds %d tickets, want %d", len(tickets), want)
	}
	seen := map[string]bool{}
	next := map[string]int{}
	for _, tk := range tickets {
		if seen[tk.Number] {
			t.Fatalf("number %s issued twice", tk.Number)
		}
		seen[tk.Number] = true
		next[tk.Number[:1]]++
		if wantNum := api.FormatNumber(tk.Number[:1], next[tk.Number[:1]]); tk.Number != wantNum {
			t.Fatalf("gap: found %s where %s was due", tk.Number, wantNum)
		}
	}
}

// TestG2AcrossRestart: numbers continue after the center restarts on the
// same store, and a display resumes the call stream across the restart.
func TestG2AcrossRestart(t *testing.T) {
	dir := t.TempDir()
	env := centertest.Start(t, centertest.WithDir(dir))
	for range 3 {
		if _, err := walkIn(env, "A"); err != nil {
			t.Fatal(err)
		}
	}
	env.Engine.CallNext(ctx, 1, "before-restart")
	env.Server.Close()
	env.Engine.Close()

	env2 := centertest.Start(t, centertest.WithDir(dir))
	tk, err := walkIn(env2, "A")
	if err != nil || tk.Number != "A004" {
		t.Fatalf("after restart: %s, %v; want A004", tk.Number, err)
	}
	env2.Engine.CallNext(ctx, 1, "after-restart")
	events, err := env2.Engine.Stream(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 7 {
		ev := <-events
		got = append(got, fmt.Sprint(ev.ID, ev.Kind, ev.Number))
	}
	if fmt.Sprint(got) != "[1issuedA001 2issuedA002 3issuedA003 4calledA001 "+
		"5issuedA004 6finishedA001 7calledA002]" {
		t.Fatalf("stream across restart: %v", got)
	}
}

// A fresh install names a data directory that does not exist yet.
func TestOpenCreatesDataDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "var", "lib", "hallcenter")
	e, err := center.Open(context.Background(), center.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	if _, err := os.Stat(filepath.Join(dir, "center.db")); err != nil {
		t.Fatal(err)
	}
}
