package platform_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"hallkiosk/platform"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/ptytest"
)

// A USB adapter is pulled and plugged back under the same udev name; the
// port fails fast while it is away, waits out its backoff on the injected
// clock, and carries bytes again once it is back.
func TestReopeningPortSurvivesUnplug(t *testing.T) {
	link := filepath.Join(t.TempDir(), "printer")
	first, err := platform.OpenPTY()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Link(link); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	rp := platform.ReopenSerial(platform.SerialConfig{Path: link},
		platform.ReopenOptions{Clock: clk, MinBackoff: time.Second, MaxBackoff: 4 * time.Second})
	defer rp.Close()

	if _, err := rp.Write([]byte("a")); err != nil {
		t.Fatal(err)
	}
	expect(t, first, "a")

	first.Close() // unplugged: the link goes too
	if _, err := rp.Write([]byte("b")); err == nil {
		t.Fatal("write to an unplugged device succeeded")
	}
	if _, err := rp.Write([]byte("b")); !errors.Is(err, platform.ErrDeviceGone) {
		t.Fatalf("got %v, want ErrDeviceGone", err)
	}
	if rp.Connected() {
		t.Fatal("still connected after unplug")
	}

	second := ptytest.New(t)
	if err := second.Link(link); err != nil {
		t.Fatal(err)
	}
	// Plugged back, but the backoff has not run out: no attempt yet.
	if _, err := rp.Write([]byte("c")); !errors.Is(err, platform.ErrDeviceGone) {
		t.Fatalf("reopened before the backoff ran out: %v", err)
	}
	clk.Advance(4 * time.Second)
	if _, err := rp.Write([]byte("d")); err != nil {
		t.Fatalf("not reopened after backoff: %v", err)
	}
	expect(t, second, "d")
}

func TestReopeningPortWaitOpen(t *testing.T) {
	link := filepath.Join(t.TempDir(), "reader")
	clk := clock.NewFake(time.Unix(0, 0))
	rp := platform.ReopenSerial(platform.SerialConfig{Path: link},
		platform.ReopenOptions{Clock: clk, MinBackoff: time.Second})
	defer rp.Close()

	done := make(chan error, 1)
	go func() { done <- rp.WaitOpen(context.Background()) }()
	waitFor(t, func() bool { return clk.Waiters() == 1 })

	p := ptytest.New(t)
	if err := p.Link(link); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("WaitOpen did not return after the device appeared")
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rp2 := platform.ReopenSerial(platform.SerialConfig{Path: link + "-none"}, platform.ReopenOptions{Clock: clk})
	if err := rp2.WaitOpen(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func expect(t *testing.T, p *platform.PTY, want string) {
	t.Helper()
	got := make([]byte, len(want))
	if _, err := io.ReadFull(p.Master, got); err != nil || string(got) != want {
		t.Fatalf("far end got %q, %v; want %q", got, err, want)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not reached in 5s")
}
