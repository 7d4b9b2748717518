package platform_test

import (
	"errors"
	"testing"
	"time"

	"hallkiosk/platform"
	"hallkiosk/platform/ptytest"
)

// A printer that stops taking bytes (jam, dead adapter) must not freeze the
// kiosk: the write is cut off at the timeout and the port closed.
func TestSerialWriteStallIsCutOff(t *testing.T) {
	p := ptytest.New(t)
	port, err := platform.OpenSerial(platform.SerialConfig{Path: p.SlavePath, WriteTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := port.Write(make([]byte, 1<<20)); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, platform.ErrWriteStalled) {
			t.Fatalf("got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Write did not return within 5s of a 300ms timeout")
	}
	// The far end comes back to life: the port stays closed (the stalled
	// job failed) and a new open works.
	if _, err := port.Write([]byte("x")); !errors.Is(err, platform.ErrClosed) {
		t.Fatalf("write after a stall: %v, want ErrClosed", err)
	}
	closed := make(chan struct{})
	go func() { port.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked after a stalled write")
	}
	again, err := platform.OpenSerial(platform.SerialConfig{Path: p.SlavePath})
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
}
