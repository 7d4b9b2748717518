package systemd

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hallkiosk/platform/systemd/systemdtest"
)

// A fake systemd notify socket receives READY=1 and then watchdog pings
// only while the liveness probe passes.
func TestWatchdogFeedsOnlyWhileAlive(t *testing.T) {
	sock := systemdtest.Listen(t)
	sock.Setenv(t, 40*time.Millisecond) // pings every 20 ms

	var alive atomic.Bool
	alive.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		(&Watchdog{Alive: func(context.Context) bool { return alive.Load() }}).Run(ctx)
		close(done)
	}()

	if got := sock.Next(2 * time.Second); got != "READY=1" {
		t.Fatalf("first message %q, want READY=1", got)
	}
	if got := sock.Next(2 * time.Second); got != "WATCHDOG=1" {
		t.Fatalf("second message %q, want WATCHDOG=1", got)
	}
	alive.Store(false)
	time.Sleep(60 * time.Millisecond)
	// Drain what was in flight when the probe started failing.
	for sock.Next(100*time.Millisecond) != "" {
	}
	if got := sock.Next(150 * time.Millisecond); strings.Contains(got, "WATCHDOG") {
		t.Fatalf("fed the watchdog while the probe failed: %q", got)
	}
	cancel()
	<-done
}

func TestWatchdogOutsideSystemd(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	done := make(chan struct{})
	go func() { (&Watchdog{}).Run(context.Background()); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return outside systemd")
	}
}

// loop is an event loop like fyne's: functions posted without waiting run
// one after another on its goroutine. freeze blocks it, as a UI thread
// stuck in a draw or a handler would be.
type loop struct {
	q      chan func()
	posted atomic.Int32
	gate   chan struct{} // closed while the loop runs freely
	mu     sync.Mutex
}

func newLoop() *loop {
	l := &loop{q: make(chan func(), 1000), gate: make(chan struct{})}
	close(l.gate)
	return l
}

func (l *loop) post(f func()) { l.posted.Add(1); l.q <- f }

func (l *loop) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case f := <-l.q:
			l.mu.Lock()
			gate := l.gate
			l.mu.Unlock()
			select {
			case <-gate:
			case <-ctx.Done():
				return
			}
			f()
		}
	}
}

func (l *loop) freeze() { l.mu.Lock(); l.gate = make(chan struct{}); l.mu.Unlock() }
func (l *loop) thaw()   { l.mu.Lock(); close(l.gate); l.mu.Unlock() }

// The device firmware's watchdog (issue 10.5): READY=1 only once the UI
// loop has drawn, pings only while the loop answers, none while it is
// frozen (so systemd restarts a frozen screen), pings again once it
// thaws, and STOPPING=1 at the end.
func TestWatchUIFeedsOnlyWhileLoopAnswers(t *testing.T) {
	sock := systemdtest.Listen(t)
	sock.Setenv(t, 100*time.Millisecond) // pings every 50 ms
	l := newLoop()
	var shown atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		WatchUI(ctx, l.post, nil, func() { shown.Add(1) })
		close(done)
	}()

	// The loop has not started: the window is not up, nothing is said.
	if got := sock.Next(200 * time.Millisecond); got != "" || shown.Load() != 0 {
		t.Fatalf("before the first frame: %q, shown %d", got, shown.Load())
	}
	loopCtx, stopLoop := context.WithCancel(ctx)
	defer stopLoop()
	go l.run(loopCtx)
	if got := sock.Next(2 * time.Second); got != "READY=1" || shown.Load() != 1 {
		t.Fatalf("after the first frame: %q, shown %d", got, shown.Load())
	}
	if got := sock.Next(2 * time.Second); got != "WATCHDOG=1" {
		t.Fatalf("loop answering: %q, want WATCHDOG=1", got)
	}

	// Frozen: after what was in flight, no ping, and no pile of probes.
	l.freeze()
	for sock.Next(150*time.Millisecond) != "" {
	}
	before := l.posted.Load()
	if got := sock.Next(300 * time.Millisecond); got != "" {
		t.Fatalf("fed the watchdog while the UI loop was frozen: %q", got)
	}
	if n := l.posted.Load() - before; n > 1 {
		t.Fatalf("%d probes queued on a frozen loop, want at most 1", n)
	}

	l.thaw()
	if got := sock.Next(2 * time.Second); got != "WATCHDOG=1" {
		t.Fatalf("after the loop thawed: %q, want WATCHDOG=1", got)
	}
	cancel()
	<-done
	for {
		got := sock.Next(2 * time.Second)
		if got == "STOPPING=1" {
			break
		}
		if got != "WATCHDOG=1" {
			t.Fatalf("at the end: %q, want STOPPING=1", got)
		}
	}
}

// Outside systemd WatchUI still reports the first frame, then returns.
func TestWatchUIOutsideSystemd(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	l := newLoop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go l.run(ctx)
	shown := make(chan struct{})
	done := make(chan struct{})
	go func() { WatchUI(ctx, l.post, nil, func() { close(shown) }); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("WatchUI did not return outside systemd")
	}
	select {
	case <-shown:
	default:
		t.Fatal("first frame not reported")
	}
}

// A probe that gave up on a stuck loop is not counted when the loop runs
// it late: the next probe asks again, and is alive when that is answered.
func TestLoopProbeStaleAnswer(t *testing.T) {
	queued := make(chan func(), 10)
	probe := LoopProbe(func(f func()) { queued <- f })
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	if probe(expired) {
		t.Fatal("alive with the loop stuck")
	}
	if probe(expired) || len(queued) != 1 {
		t.Fatalf("second probe on a stuck loop: %d queued, want 1", len(queued))
	}
	(<-queued)() // the loop wakes and runs the old probe

	alive := make(chan bool)
	go func() { alive <- probe(context.Background()) }()
	select {
	case ok := <-alive:
		t.Fatalf("a late answer counted (alive %v)", ok)
	case f := <-queued: // the fresh probe
		f()
	}
	if !<-alive {
		t.Fatal("not alive after the loop answered the current probe")
	}
}
