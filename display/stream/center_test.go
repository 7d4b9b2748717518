package stream_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/display"
	"hallkiosk/display/stream"
)

// calls records what the controller announced, for the test to wait on.
type calls struct {
	mu  sync.Mutex
	got []display.Call
	ch  chan struct{}
}

func (c *calls) add(call display.Call) {
	c.mu.Lock()
	c.got = append(c.got, call)
	c.mu.Unlock()
	c.ch <- struct{}{}
}

func (c *calls) wait(t *testing.T, n int) []display.Call {
	t.Helper()
	for {
		c.mu.Lock()
		got := append([]display.Call(nil), c.got...)
		c.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-c.ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("announced %d calls, want %d", len(got), n)
		}
	}
}

// issue takes n walk-in tickets in queue A through a kiosk.
func issue(t *testing.T, env *centertest.Env, n int) {
	kiosk := env.Client(env.Enrol(api.RoleKiosk, "kiosk-test").Token)
	matter := env.Matter("A")
	for i := range n {
		var tk api.Ticket
		req := api.TicketRequest{ID: fmt.Sprintf("ticket-%04d-%s", i, t.Name()[:4]), Matter: matter}
		if e := kiosk.Do("POST", "/tickets", req, &tk); e != nil {
			t.Fatalf("issue: %v", e)
		}
	}
}

// callNext is the counter's "call next" on window w; it returns the number.
func callNext(t *testing.T, staff *centertest.Client, w, key int) string {
	var tk api.Ticket
	if e := staff.Do("POST", fmt.Sprintf("/windows/%d/call-next", w),
		api.CallRequest{Key: fmt.Sprintf("call-key-%06d", key)}, &tk); e != nil {
		t.Fatalf("call next: %v", e)
	}
	return tk.Number
}

// G7 against the real center: the connection is cut three times while
// window staff keep calling; every call is announced once, in order, and
// the screen ends on the last one.
func TestRealCenterResumeNoCallLostOrDoubled(t *testing.T) {
	env := centertest.Start(t)
	issue(t, env, 12)
	staff := env.Client(centertest.AdminToken)
	// The staff console's own connection must not be cut with the display's.
	staff.HTTP = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	token := env.Enrol(api.RoleDisplay, "display-test").Token

	rec := &calls{ch: make(chan struct{}, 100)}
	ctrl := display.NewController(display.Cache{}, display.ControllerOptions{
		Announce: rec.add, Clock: env.Clock, Log: slog.New(slog.DiscardHandler)})
	c := stream.New(stream.Options{URL: env.URL, Token: token, MinBackoff: 5 * time.Millisecond,
		MaxBackoff: 50 * time.Millisecond, Log: slog.New(slog.DiscardHandler)}, 0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx, ctrl); close(done) }()
	defer func() { cancel(); <-done }()
	for ctrl.State().Link != display.LinkLive {
		time.Sleep(time.Millisecond) // bounded by the test timeout; nothing timed
	}

	var want []string
	for round := range 4 {
		for i := range 3 {
			want = append(want, callNext(t, staff, 1, round*10+i))
		}
		if round < 3 {
			env.Server.CloseClientConnections() // the network drops mid-stream
		}
	}
	rec.wait(t, len(want))
	time.Sleep(100 * time.Millisecond) // let any duplicate arrive before counting
	got := rec.wait(t, len(want))
	if len(got) != len(want) {
		t.Fatalf("announced %d calls, want %d: %v", len(got), len(want), got)
	}
	for i, call := range got {
		if call.Number != want[i] {
			t.Fatalf("call %d announced %s, want %s (all: %v)", i, call.Number, want[i], want)
		}
		if i > 0 && call.EventID <= got[i-1].EventID {
			t.Fatalf("event ids out of order: %d after %d", call.EventID, got[i-1].EventID)
		}
	}
	if n, _ := ctrl.State().Newest(); n.Number != want[len(want)-1] {
		t.Fatalf("screen shows %s, want %s", n.Number, want[len(want)-1])
	}
}

// A display restarted while staff kept calling shows its cached state at
// once (marked cached), then resumes from the cached stream id: the calls
// made while it was down are announced, once, and nothing before them.
func TestRealCenterRestartResumesFromCache(t *testing.T) {
	env := centertest.Start(t)
	issue(t, env, 6)
	staff := env.Client(centertest.AdminToken)
	token := env.Enrol(api.RoleDisplay, "display-test").Token
	path := display.CachePath(t.TempDir())
	save := func(c display.Cache) error { return display.SaveCache(path, c) }
	quiet := slog.New(slog.DiscardHandler)

	runFor := func(cache display.Cache, rec *calls, until func(*display.Controller) bool) {
		ctrl := display.NewController(cache, display.ControllerOptions{
			Announce: rec.add, Save: save, Clock: env.Clock, Log: quiet})
		c := stream.New(stream.Options{URL: env.URL, Token: token, Log: quiet}, cache.StreamID)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { c.Run(ctx, ctrl); close(done) }()
		for !until(ctrl) {
			time.Sleep(time.Millisecond)
		}
		cancel()
		<-done
	}

	first := &calls{ch: make(chan struct{}, 100)}
	var before []string
	runFor(display.Cache{}, first, func(ctrl *display.Controller) bool {
		if ctrl.State().Link != display.LinkLive {
			return false
		}
		if len(before) == 0 {
			before = []string{callNext(t, staff, 1, 1), callNext(t, staff, 2, 2)}
		}
		return len(first.wait(t, 2)) == 2 && ctrl.StreamID() > 0
	})

	// Down: two more calls nobody hears.
	missed := []string{callNext(t, staff, 1, 3), callNext(t, staff, 3, 4)}

	cache, err := display.LoadCache(path)
	if err != nil {
		t.Fatal(err)
	}
	if cache.State.Link != display.LinkCached {
		t.Fatalf("restarted state is %s, want cached", cache.State.Link)
	}
	if n, _ := cache.State.Newest(); n.Number != before[1] {
		t.Fatalf("cache shows %s, want %s", n.Number, before[1])
	}
	second := &calls{ch: make(chan struct{}, 100)}
	runFor(cache, second, func(ctrl *display.Controller) bool {
		return ctrl.State().Link == display.LinkLive && len(second.wait(t, 2)) == 2
	})
	time.Sleep(50 * time.Millisecond)
	got := second.wait(t, 2)
	if len(got) != 2 || got[0].Number != missed[0] || got[1].Number != missed[1] {
		t.Fatalf("after restart announced %v, want exactly %v", got, missed)
	}
}

// The heartbeat reply carries the center's clock; with that offset a
// display whose own clock is hours off (here: the real clock against the
// test center's morning) still judges a fresh call fresh and announces it.
func TestRealCenterHeartbeatGivesClockOffset(t *testing.T) {
	env := centertest.Start(t)
	token := env.Enrol(api.RoleDisplay, "display-test").Token
	c := stream.New(stream.Options{URL: env.URL, Token: token, Log: slog.New(slog.DiscardHandler)}, 0)
	off, err := c.Beat(context.Background(), api.Heartbeat{Version: "test",
		Health: map[string]string{"voice": "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	want := time.Until(env.Clock.Now())
	if d := off - want; d < -5*time.Second || d > 5*time.Second {
		t.Fatalf("offset %v, want about %v", off, want)
	}

	rec := &calls{ch: make(chan struct{}, 10)}
	ctrl := display.NewController(display.Cache{}, display.ControllerOptions{
		Announce: rec.add, Log: slog.New(slog.DiscardHandler)})
	ev := api.CallEvent{ID: 1, Kind: api.CallKindCalled, Window: 1, Queue: "A", Number: "A001",
		TicketID: "t1", Time: env.Clock.Now()}
	ctrl.Event(ev) // no offset yet: hours old on this clock, shown but not said
	ctrl.SetClockOffset(off)
	ev.ID, ev.Number = 2, "A002"
	ctrl.Event(ev)
	if got := rec.wait(t, 1); len(got) != 1 || got[0].Number != "A002" {
		t.Fatalf("announced %v, want only A002", got)
	}
}
