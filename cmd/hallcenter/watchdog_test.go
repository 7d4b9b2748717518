package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"hallkiosk/platform/systemd/systemdtest"
)

// The shipped unit is Type=notify with WatchdogSec: systemd kills a center
// that never says READY=1 and restarts one that stops feeding the watchdog.
// `hallcenter serve` says READY=1 once it listens, then feeds the watchdog
// while its own /healthz answers.
func TestServeNotifiesSystemd(t *testing.T) {
	sock := systemdtest.Listen(t)
	sock.Setenv(t, 400*time.Millisecond) // pings every 200 ms

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		code, _, _ := run(t, ctx, "serve", "--data", t.TempDir(), "--listen", "127.0.0.1:0")
		done <- code
	}()
	if got := sock.Next(10 * time.Second); got != "READY=1" {
		t.Fatalf("first notification %q, want READY=1", got)
	}
	if got := sock.Next(10 * time.Second); got != "WATCHDOG=1" {
		t.Fatalf("second notification %q, want WATCHDOG=1 (the probe of /healthz failed?)", got)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// A center listening on every address is probed over loopback: "[::]"
// dialled as it stands would reach ::1, where nothing listens here.
func TestHealthProbeOnUnspecifiedAddress(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	if !healthProbe(net.JoinHostPort("::", port), false)(context.Background()) {
		t.Fatal("a center listening on every address was probed as dead")
	}
	srv.Close()
	if healthProbe(net.JoinHostPort("::", port), false)(context.Background()) {
		t.Fatal("a stopped center was probed as alive")
	}
}
