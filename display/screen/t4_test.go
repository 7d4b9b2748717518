package screen

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/display"
	"hallkiosk/display/stream"
)

// arrivals records when each event id reached each display.
type arrivals struct {
	mu   sync.Mutex
	at   map[int64][]time.Time
	wake chan struct{}
}

func (a *arrivals) add(id int64) {
	now := time.Now()
	a.mu.Lock()
	a.at[id] = append(a.at[id], now)
	a.mu.Unlock()
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// wait returns the arrival times of id once n displays have it.
func (a *arrivals) wait(t *testing.T, id int64, n int) []time.Time {
	deadline := time.After(10 * time.Second)
	for {
		a.mu.Lock()
		got := slices.Clone(a.at[id])
		a.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-a.wake:
		case <-time.After(5 * time.Millisecond):
		case <-deadline:
			t.Fatalf("event %d reached %d of %d displays", id, len(got), n)
		}
	}
}

// headless is a display without a screen: it only records arrivals.
type headless struct{ a *arrivals }

func (h headless) Snapshot(api.Snapshot) {}
func (h headless) Event(ev api.CallEvent) {
	if ev.Kind == api.CallKindCalled {
		h.a.add(ev.ID)
	}
}
func (h headless) Notices([]api.Notice) {}
func (h headless) Hall(api.Hall)        {}
func (h headless) Status(bool)          {}

// TestT4CallToDrawn measures T4: a counter's "call next" (POST to the real
// center over loopback) until the call is drawn on a display (stream
// client, controller, reducer, Screen.Show on the fyne test canvas), with
// 49 more headless displays on the same stream. It reports the latency to
// the drawn display and to the last of the 50. Run it with
//
//	HALLKIOSK_BENCH=1 go test -run T4 -v ./display/screen
func TestT4CallToDrawn(t *testing.T) {
	if os.Getenv("HALLKIOSK_BENCH") == "" {
		t.Skip("set HALLKIOSK_BENCH=1 to measure T4")
	}
	env := centertest.Start(t)
	plan := []struct {
		queue  string
		window int
		n      int
	}{{"A", 1, 50}, {"B", 4, 40}, {"D", 7, 40}, {"P", 13, 50}, {"Q", 15, 20}}
	kiosk := env.Client(env.Enrol(api.RoleKiosk, "kiosk-t4").Token)
	for _, p := range plan {
		for i := range p.n {
			req := api.TicketRequest{ID: fmt.Sprintf("t4-%s-%04d", p.queue, i), Matter: env.Matter(p.queue)}
			if e := kiosk.Do("POST", "/tickets", req, nil); e != nil {
				t.Fatalf("issue: %v", e)
			}
		}
	}
	token := env.Enrol(api.RoleDisplay, "display-t4").Token
	drawn := &arrivals{at: map[int64][]time.Time{}, wake: make(chan struct{}, 1)}
	heard := &arrivals{at: map[int64][]time.Time{}, wake: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	start := func(h stream.Handler) {
		c := stream.New(stream.Options{URL: env.URL, Token: token, Log: slog.New(slog.DiscardHandler)}, 0)
		wg.Add(1)
		go func() { defer wg.Done(); c.Run(ctx, h) }()
	}

	scr, _ := newScreen(t, false)
	ctrl := display.NewController(display.Cache{}, display.ControllerOptions{
		Log: slog.New(slog.DiscardHandler),
		View: func(st display.State) {
			fyne.DoAndWait(func() { scr.Show(st, time.Now()) })
			if c, ok := st.Newest(); ok && c.EventID == st.LastEventID {
				drawn.add(c.EventID)
			}
		},
	})
	start(ctrl)
	for range 49 {
		start(headless{heard})
	}
	time.Sleep(time.Second) // let the 50 streams connect

	staff := env.Client(centertest.AdminToken)
	staff.HTTP = &http.Client{}
	var toDrawn, toAll, post []time.Duration
	key := 0
	for _, p := range plan {
		for range p.n {
			key++
			var tk api.Ticket
			t0 := time.Now()
			if e := staff.Do("POST", fmt.Sprintf("/windows/%d/call-next", p.window),
				api.CallRequest{Key: fmt.Sprintf("t4-call-%06d", key)}, &tk); e != nil {
				t.Fatalf("call next: %v", e)
			}
			post = append(post, time.Since(t0))
			id := lastCall(t, env, tk.Number)
			d := drawn.wait(t, id, 1)[0]
			all := heard.wait(t, id, 49)
			last := slices.MaxFunc(append(all, d), func(a, b time.Time) int { return a.Compare(b) })
			toDrawn = append(toDrawn, d.Sub(t0))
			toAll = append(toAll, last.Sub(t0))
		}
	}
	report(t, "call next → drawn on the screen", toDrawn)
	report(t, "call next → reached all 50 displays", toAll)
	report(t, "(for scale) the call-next POST round trip alone", post)
}

// lastCall finds the event id of the call of number through the snapshot.
func lastCall(t *testing.T, env *centertest.Env, number string) int64 {
	var snap api.Snapshot
	if e := env.Client(centertest.AdminToken).Do("GET", "/stream/snapshot", nil, &snap); e != nil {
		t.Fatalf("snapshot: %v", e)
	}
	for _, ev := range snap.Recent {
		if ev.Number == number && ev.Kind == api.CallKindCalled {
			return ev.ID
		}
	}
	t.Fatalf("call of %s not in the snapshot", number)
	return 0
}

func report(t *testing.T, what string, ds []time.Duration) {
	slices.Sort(ds)
	pct := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	t.Logf("T4 %s: n=%d p50=%v p90=%v p99=%v max=%v", what, len(ds),
		pct(0.50).Round(10*time.Microsecond), pct(0.90).Round(10*time.Microsecond),
		pct(0.99).Round(10*time.Microsecond), ds[len(ds)-1].Round(10*time.Microsecond))
}
