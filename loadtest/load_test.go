package loadtest_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/loadtest"
)

// The hall of the suite: 20 kiosks, 50 displays, 20 consoles (issue 11.4).
const (
	kiosks   = 20
	displays = 50
	consoles = 20
)

// openHall turns the demo hall into one that issues at any hour of any
// day with no quota: the suite runs on the real clock (T4 and T5 are
// wall-clock figures), so it must not meet R7's pick-up hours, a weekend
// or R9's walk-in quota. Windows 17–20 are added so that each console has
// a window of its own.
func openHall(h *api.Hall) {
	// TODO: the hall's day ends at 23:59 (a period cannot end at 24:00),
	// so a run inside that last minute, hall time, is refused as closed;
	// allowing "24:00" in center/hall.go would close the gap.
	allDay := [][2]string{{"00:00", "23:59"}}
	h.Booking.Periods, h.Booking.Pickup = allDay, allDay
	for i := range h.Departments {
		h.Departments[i].Capacity = 1_000_000
	}
	for w := 17; w <= consoles; w++ {
		d := &h.Departments[(w-17)%len(h.Departments)]
		d.Windows = append(d.Windows, w)
	}
	h.Windows = nil // rebuilt from the departments' windows (S1)
	loc, err := time.LoadLocation(h.Timezone)
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	// A weekend day becomes a make-up workday (and so does the next one,
	// for a run across midnight).
	for _, d := range []time.Time{time.Now(), time.Now().Add(time.Hour)} {
		day := d.In(loc)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			h.Calendar.Workdays = append(h.Calendar.Workdays, day.Format(api.DayLayout))
		}
	}
	h.Calendar.Holidays = nil
}

// duration is HALLKIOSK_LOAD (e.g. 60s), 10 s by default, at most 10 min.
func duration(t *testing.T) time.Duration {
	v := os.Getenv("HALLKIOSK_LOAD")
	if v == "" {
		return 10 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("HALLKIOSK_LOAD=%q: want a duration such as 60s", v)
	}
	return min(d, 10*time.Minute)
}

// TestLoad (issue 11.4, T4, T5, G2, G7): 20 kiosks issue ~20 tickets/s
// and sync, 50 displays hold the call stream and 20 consoles call and
// finish tickets, all over HTTP on 127.0.0.1 against one real center on
// the wall clock. It prints T4 (call-next until each display read the
// call) and T5 (latency by endpoint); it fails on request errors and on
// correctness: no number issued twice, and every display read every
// event exactly once, in order. Timing is reported, never asserted (the
// build machine is shared). Runs with HALLKIOSK_SLOW=1 (`make test` sets
// it); HALLKIOSK_LOAD=60s runs longer.
func TestLoad(t *testing.T) {
	if os.Getenv("HALLKIOSK_SLOW") == "" {
		t.Skip("set HALLKIOSK_SLOW=1 to run the load suite")
	}
	env := centertest.Start(t, centertest.WithRealClock(), centertest.WithHall(openHall))
	tgt := enrolAll(env)

	res, err := loadtest.Run(context.Background(), tgt, loadtest.Config{Duration: duration(t)})
	if err != nil {
		t.Fatal(err)
	}

	report(t, res)
	for _, line := range res.Errors.Lines() {
		t.Errorf("request errors: %s", line)
	}
	for _, err := range res.Check() {
		t.Error(err)
	}
	checkLedger(t, env, res)
}

// enrolAll enrols every device of the suite on env.
func enrolAll(env *centertest.Env) loadtest.Target {
	tgt := loadtest.Target{URL: env.URL}
	enrol := func(role string, n int) []string {
		var toks []string
		for i := range n {
			toks = append(toks, env.Enrol(role, fmt.Sprintf("load-%s-%d", role, i)).Token)
		}
		return toks
	}
	tgt.Kiosks = enrol(api.RoleKiosk, kiosks)
	tgt.Displays = enrol(api.RoleDisplay, displays)
	tgt.Consoles = enrol(api.RoleConsole, consoles)
	for w := 1; w <= consoles; w++ {
		tgt.Windows = append(tgt.Windows, w)
	}
	h := env.Engine.CurrentHall()
	for _, d := range h.Departments {
		tgt.Matters = append(tgt.Matters, env.Matter(d.QueuePrefix))
	}
	return tgt
}

// report logs the figures; tools/benchtable reads the LOAD lines.
func report(t *testing.T, res *loadtest.Result) {
	cfg := res.Config
	t.Logf("load: %d kiosks, %d displays, %d consoles for %v: %d tickets (%.1f/s), "+
		"%d calls, %d call-nexts on an empty queue, events %d..%d, %d request errors",
		kiosks, displays, consoles, cfg.Duration, len(res.Issued),
		float64(len(res.Issued))/cfg.Duration.Seconds(), res.Calls(), res.QueueEmpty,
		res.FirstID, res.LastID, res.Errors.Total())
	t4 := res.T4()
	t.Logf("LOAD T4 n=%d p50-ms=%.2f p99-ms=%.2f max-ms=%.2f", t4.N, loadtest.Ms(t4.P50),
		loadtest.Ms(t4.P99), loadtest.Ms(t4.Max))
	for _, s := range res.Latencies.Summaries() {
		t.Logf("LOAD T5 %s n=%d p50-ms=%.2f p99-ms=%.2f max-ms=%.2f", s.Name, s.N,
			loadtest.Ms(s.P50), loadtest.Ms(s.P99), loadtest.Ms(s.Max))
	}
	t.Logf("LOAD totals errors=%d calls=%d tickets=%d", res.Errors.Total(), res.Calls(),
		len(res.Issued))
}

// checkLedger is G2 on the center's own books: each queue's numbers of
// the day run 1..n with no duplicate and no gap, and the center holds
// every ticket the kiosks were given.
func checkLedger(t *testing.T, env *centertest.Env, res *loadtest.Result) {
	days := map[string]bool{}
	for _, tk := range res.Issued {
		days[tk.Day] = true
	}
	held := 0
	for day := range days {
		tickets, err := env.Engine.Tickets(context.Background(), day)
		if err != nil {
			t.Fatal(err)
		}
		held += len(tickets)
		byQueue := map[string][]int{}
		for _, tk := range tickets {
			n, _ := strconv.Atoi(strings.TrimPrefix(tk.Number, tk.Queue))
			byQueue[tk.Queue] = append(byQueue[tk.Queue], n)
		}
		for q, ns := range byQueue {
			slices.Sort(ns)
			for i, n := range ns {
				if n != i+1 {
					t.Errorf("G2: queue %s on %s: numbers %v... not 1..%d", q, day,
						ns[:min(len(ns), 10)], len(ns))
					break
				}
			}
		}
	}
	if held != len(res.Issued) {
		t.Errorf("center holds %d tickets, kiosks were given %d", held, len(res.Issued))
	}
}
