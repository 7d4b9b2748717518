package center_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// latencies collects request durations by kind.
type latencies struct {
	mu sync.Mutex
	by map[string][]time.Duration
}

func (l *latencies) add(kind string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.by[kind] = append(l.by[kind], d)
	l.by["all"] = append(l.by["all"], d)
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func (l *latencies) report(t testing.TB) {
	kinds := make([]string, 0, len(l.by))
	for k := range l.by {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		ds := l.by[k]
		t.Logf("%-10s n=%6d p50=%7.2fms p99=%7.2fms max=%7.2fms", k, len(ds),
			ms(pct(ds, 0.50)), ms(pct(ds, 0.99)), ms(pct(ds, 1)))
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// TestT5Load (T5): 200 devices syncing (heartbeat, bookings pull, journal
// push every ~2 s each) while kiosks issue 20 tickets/s, over HTTP on
// loopback. It prints p50/p99 latencies and does not gate on them. Run with
// HALLCENTER_T5=10s (or 60s) go test ./center -run TestT5Load -v.
func TestT5Load(t *testing.T) {
	dur, err := time.ParseDuration(os.Getenv("HALLCENTER_T5"))
	if err != nil || dur <= 0 {
		t.Skip("set HALLCENTER_T5=10s to run the T5 load test")
	}
	dur = min(dur, 5*time.Minute)
	env := centertest.Start(t, centertest.WithHall(bigHall))
	tr := &http.Transport{MaxIdleConnsPerHost: 300}
	defer tr.CloseIdleConnections()
	const devices = 200
	clients := make([]*centertest.Client, devices)
	for i := range clients {
		clients[i] = env.Client(env.Enrol(api.RoleKiosk, fmt.Sprint("sim", i)).Token)
		clients[i].HTTP = &http.Client{Transport: tr, Timeout: 10 * time.Second}
	}
	lat := &latencies{by: map[string][]time.Duration{}}
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	var failures sync.Map
	for i, c := range clients {
		wg.Add(1)
		go func() { defer wg.Done(); syncLoop(c, i, deadline, lat, &failures) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); ticketLoop(env, clients, deadline, lat, &failures) }()
	wg.Wait()
	lat.report(t)
	failures.Range(func(k, v any) bool { t.Errorf("%v: %v", k, v); return true })
	tickets, _ := env.Engine.Tickets(ctx, "2026-12-03")
	t.Logf("T5: %d devices, %v, %d tickets issued (%.1f/s)", devices, dur, len(tickets),
		float64(len(tickets))/dur.Seconds())
}

// syncLoop is one device's periodic sync.
func syncLoop(c *centertest.Client, i int, deadline time.Time, lat *latencies, fail *sync.Map) {
	j := &fakeJournal{}
	var cursor int64
	time.Sleep(time.Duration(rand.IntN(2000)) * time.Millisecond)
	for time.Now().Before(deadline) {
		timed := func(kind, method, path string, in, out any) {
			start := time.Now()
			if e := c.Do(method, path, in, out); e != nil {
				fail.Store(fmt.Sprintf("device %d %s", i, kind), e)
			}
			lat.add(kind, time.Since(start))
		}
		timed("heartbeat", "POST", "/heartbeat", api.Heartbeat{Version: "sim",
			Health: map[string]string{"printer": "ok"}}, nil)
		var pull api.BookingsPull
		timed("bookings", "GET", fmt.Sprintf("/bookings?cursor=%d", cursor), nil, &pull)
		cursor = pull.Cursor
		ev := j.add(time.Now(), "ui.session", map[string]int{"n": int(j.seq)})
		timed("journal", "POST", "/journal", api.JournalPush{Events: []api.Event{ev}}, nil)
		time.Sleep(time.Duration(1500+rand.IntN(1000)) * time.Millisecond)
	}
}

// ticketLoop issues 20 tickets a second from random kiosks.
func ticketLoop(env *centertest.Env, cs []*centertest.Client, deadline time.Time,
	lat *latencies, fail *sync.Map) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	matter := env.Matter("A")
	var wg sync.WaitGroup
	for n := 0; time.Now().Before(deadline); n++ {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			req := api.TicketRequest{ID: fmt.Sprintf("t5-ticket-%06d", n), Matter: matter}
			if e := cs[n%len(cs)].Do("POST", "/tickets", req, nil); e != nil {
				fail.Store(fmt.Sprint("ticket ", n), e)
			}
			lat.add("ticket", time.Since(start))
		}()
	}
	wg.Wait()
}

// BenchmarkT4CallToStream (T4, server side): a console's call-next over
// HTTP until the event is read by each of 50 stream clients on loopback.
// Reports the p50/p99 per client delivery.
func BenchmarkT4CallToStream(b *testing.B) {
	const clients = 50
	env := centertest.Start(b, centertest.WithHall(bigHall))
	display := env.Enrol(api.RoleDisplay, "d").Token
	console := env.Client(env.Enrol(api.RoleConsole, "c").Token)
	streams := make([]<-chan sseEvent, clients)
	for i := range streams {
		ch, cancel := openStream(b, env, display, "")
		defer cancel()
		streams[i] = ch
	}
	var all []time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		walkIn(env, "A")
		b.StartTimer()
		start := time.Now()
		if e := console.Do("POST", "/windows/1/call-next", api.CallRequest{Key: fmt.Sprint("b", i)}, nil); e != nil {
			b.Fatal(e)
		}
		for _, s := range streams {
			for ev := range s {
				if !ev.Ping && ev.Kind == api.CallKindCalled {
					break
				}
			}
			all = append(all, time.Since(start))
		}
	}
	b.StopTimer()
	b.ReportMetric(ms(pct(all, 0.50)), "p50-ms")
	b.ReportMetric(ms(pct(all, 0.99)), "p99-ms")
}
