package systemd

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A fake systemd notify socket receives READY=1 and then watchdog pings
// only while the liveness probe passes.
func TestWatchdogFeedsOnlyWhileAlive(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	t.Setenv("WATCHDOG_USEC", "40000") // 40 ms: pings every 20 ms

	var alive atomic.Bool
	alive.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		(&Watchdog{Alive: func(context.Context) bool { return alive.Load() }}).Run(ctx)
		close(done)
	}()

	read := func() string {
		buf := make([]byte, 256)
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, _, err := conn.ReadFromUnix(buf)
		if err != nil {
			return ""
		}
		return string(buf[:n])
	}
	if got := read(); got != "READY=1" {
		t.Fatalf("first message %q, want READY=1", got)
	}
	if got := read(); got != "WATCHDOG=1" {
		t.Fatalf("second message %q, want WATCHDOG=1", got)
	}
	alive.Store(false)
	time.Sleep(60 * time.Millisecond)
	// Drain what was in flight when the probe started failing.
	for {
		conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		buf := make([]byte, 64)
		if _, _, err := conn.ReadFromUnix(buf); err != nil {
			break
		}
	}
	conn.SetReadDeadline(time.Now().Add(150 * time.Millisecond))
	buf := make([]byte, 64)
	if n, _, err := conn.ReadFromUnix(buf); err == nil && strings.Contains(string(buf[:n]), "WATCHDOG") {
		t.Fatalf("fed the watchdog while the probe failed: %q", buf[:n])
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
