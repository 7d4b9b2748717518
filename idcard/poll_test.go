package idcard

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"hallkiosk/idcard/idcardtest"
	"hallkiosk/platform/clock"
)

// stepClock fires every wait at once and records how long the loop asked
// to wait, so backoff is checked without waiting for it.
type stepClock struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (c *stepClock) Now() time.Time { return today }

func (c *stepClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- today
	return ch
}

func (c *stepClock) recorded() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// run starts the poll loop and returns its events; it stops with the test.
func run(t *testing.T, r *Reader) <-chan Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan Event)
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, events) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run ended with %v, want context.Canceled", err)
		}
	})
	return events
}

func next(t *testing.T, events <-chan Event, want EventKind) Event {
	t.Helper()
	select {
	case e := <-events:
		if e.Kind != want {
			t.Fatalf("event %v (err %v), want %v", e.Kind, e.Err, want)
		}
		return e
	case <-time.After(10 * time.Second):
		t.Fatalf("no %v event", want)
	}
	return Event{}
}

// waitPolls lets the loop make n more exchanges; a loop stuck sending an
// unexpected event makes none, and the test fails.
func waitPolls(t *testing.T, sim *idcardtest.Sim, n int) {
	t.Helper()
	start := sim.State().Requests
	deadline := time.Now().Add(10 * time.Second)
	for sim.State().Requests < start+n {
		if time.Now().After(deadline) {
			t.Fatalf("the loop stopped polling after %d requests", sim.State().Requests-start)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRunReadsRestingCardOnce(t *testing.T) {
	sim, r := lineReader(t, Options{Clock: &stepClock{}})
	events := run(t, r)
	if e := next(t, events, ReaderReady); e.SAMID == "" {
		t.Fatal("ready without a SAM id")
	}
	waitPolls(t, sim, 3)

	place(t, sim, "resident")
	if e := next(t, events, CardPlaced); e.Card.Name() != "王小明" {
		t.Fatalf("placed %q", e.Card.Name())
	}
	waitPolls(t, sim, 20) // the card rests; no second CardPlaced

	sim.Remove()
	next(t, events, CardRemoved)
	place(t, sim, "expired")
	if e := next(t, events, CardPlaced); !e.Card.Expired() {
		t.Fatal("expired card not reported expired")
	}
}

// Options.ResetAfter failures in a row: one ReaderFault, a SAM reset, the
// pause doubling per failure, and ReaderRecovered when the SAM answers.
func TestRunFaultResetsAndRecovers(t *testing.T) {
	clk := &stepClock{}
	sim, r := lineReader(t, Options{Clock: clk, PollInterval: 100 * time.Millisecond,
		ReplyTimeout: 50 * time.Millisecond})
	events := run(t, r)
	next(t, events, ReaderReady)
	silent := idcardtest.Fault{Kind: idcardtest.FaultSilent, Cmd: "find", Count: 3}
	if err := sim.Inject(silent); err != nil {
		t.Fatal(err)
	}
	if e := next(t, events, ReaderFault); !errors.Is(e.Err, ErrTimeout) {
		t.Fatalf("fault event error %v, want ErrTimeout", e.Err)
	}
	next(t, events, ReaderRecovered)

	var backoff []time.Duration
	for _, d := range clk.recorded() {
		if d != 100*time.Millisecond {
			backoff = append(backoff, d)
		}
	}
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}
	if len(backoff) != 3 || backoff[0] != want[0] || backoff[1] != want[1] || backoff[2] != want[2] {
		t.Fatalf("backoff %v, want %v", backoff, want)
	}
}

func TestBackoffCapped(t *testing.T) {
	r := New(nil, Options{PollInterval: time.Second, MaxBackoff: 5 * time.Second})
	for _, tt := range []struct {
		failures int
		want     time.Duration
	}{
		{0, time.Second}, {1, 2 * time.Second}, {2, 4 * time.Second},
		{3, 5 * time.Second}, {60, 5 * time.Second},
	} {
		if got := r.backoff(tt.failures); got != tt.want {
			t.Errorf("backoff(%d) = %v, want %v", tt.failures, got, tt.want)
		}
	}
}

// A SAM reset while a card rests does not read the card a second time.
func TestRunResetKeepsRestingCard(t *testing.T) {
	sim, r := lineReader(t, Options{Clock: &stepClock{}, ReplyTimeout: 50 * time.Millisecond})
	events := run(t, r)
	next(t, events, ReaderReady)
	place(t, sim, "resident")
	next(t, events, CardPlaced)
	bad := idcardtest.Fault{Kind: idcardtest.FaultBadChecksum, Cmd: "find", Count: 3}
	if err := sim.Inject(bad); err != nil {
		t.Fatal(err)
	}
	if e := next(t, events, ReaderFault); !errors.Is(e.Err, ErrChecksum) {
		t.Fatalf("fault %v", e.Err)
	}
	next(t, events, ReaderRecovered)
	waitPolls(t, sim, 20)
	if sim.State().Faults != 0 {
		t.Fatal("faults not consumed")
	}
}

// A card that cannot be read is reported once, after ReadAttempts tries,
// and not retried until it is taken away.
func TestRunUnreadableCard(t *testing.T) {
	sim, r := lineReader(t, Options{Clock: &stepClock{}})
	events := run(t, r)
	next(t, events, ReaderReady)
	if err := sim.Inject(idcardtest.Fault{Kind: idcardtest.FaultReadFailed, Count: 3}); err != nil {
		t.Fatal(err)
	}
	place(t, sim, "resident")
	if e := next(t, events, CardUnreadable); !errors.Is(e.Err, ErrReadFailed) {
		t.Fatalf("unreadable because %v", e.Err)
	}
	waitPolls(t, sim, 10)
	sim.Remove()
	next(t, events, CardRemoved)
	place(t, sim, "resident")
	next(t, events, CardPlaced)
}

func TestWaitCardNoAnswer(t *testing.T) {
	sim, r := lineReader(t, Options{ReplyTimeout: 20 * time.Millisecond, Clock: &stepClock{}})
	if err := sim.Inject(idcardtest.Fault{Kind: idcardtest.FaultSilent, Count: 100}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _, err := WaitCard(ctx, r)
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "failing") {
		t.Fatalf("got %v", err)
	}
}

func TestWaitCardNoCard(t *testing.T) {
	sim, r := lineReader(t, Options{PollInterval: 5 * time.Millisecond, Clock: clock.Real{}})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, samID, err := WaitCard(ctx, r)
	if n := sim.State().Requests; n < 3 {
		t.Errorf("only %d requests: the loop did not keep polling", n)
	}
	if !errors.Is(err, context.DeadlineExceeded) || samID == "" ||
		!strings.Contains(err.Error(), "no card placed") {
		t.Fatalf("got %q, %v", samID, err)
	}
}
