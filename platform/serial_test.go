package platform_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"hallkiosk/platform"
	"hallkiosk/platform/ptytest"
)

func openPair(t *testing.T) (*platform.PTY, *platform.SerialPort) {
	t.Helper()
	p := ptytest.New(t)
	port, err := platform.OpenSerial(platform.SerialConfig{Path: p.SlavePath, Baud: 115200})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { port.Close() })
	return p, port
}

func TestSerialWriteReachesFarEndByteForByte(t *testing.T) {
	p, port := openPair(t)
	// Every byte value, including those a cooked terminal would translate
	// (CR, LF, XON/XOFF, DEL), must pass unchanged.
	want := make([]byte, 256)
	for i := range want {
		want[i] = byte(i)
	}
	if _, err := port.Write(want); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(want))
	if _, err := io.ReadFull(p.Master, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("bytes changed on the way:\n got %x\nwant %x", got, want)
	}
}

func TestSerialReadReturnsFarEndBytes(t *testing.T) {
	p, port := openPair(t)
	want := []byte{0x12, 0x0d, 0x0a, 0x11, 0x13, 0xff}
	if _, err := p.Master.Write(want); err != nil {
		t.Fatal(err)
	}
	var got []byte
	buf := make([]byte, 16)
	for len(got) < len(want) {
		n, err := port.ReadTimeout(buf, time.Second)
		if err != nil {
			t.Fatalf("after %x: %v", got, err)
		}
		got = append(got, buf[:n]...)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("got %x, want %x", got, want)
	}
}

func TestSerialReadTimeout(t *testing.T) {
	_, port := openPair(t)
	start := time.Now()
	n, err := port.ReadTimeout(make([]byte, 4), 300*time.Millisecond)
	if !errors.Is(err, platform.ErrTimeout) || n != 0 {
		t.Fatalf("got (%d, %v), want (0, ErrTimeout)", n, err)
	}
	if el := time.Since(start); el < 250*time.Millisecond {
		t.Fatalf("returned after %v, before the timeout", el)
	}
}

func TestSerialFarEndGoneThenBack(t *testing.T) {
	p, port := openPair(t)
	link := t.TempDir() + "/printer"
	if err := p.Link(link); err != nil {
		t.Fatal(err)
	}
	p.Close() // the adapter is pulled
	_, err := port.ReadTimeout(make([]byte, 4), 300*time.Millisecond)
	if err == nil {
		t.Fatal("read from a vanished device succeeded")
	}
	if _, err := platform.OpenSerial(platform.SerialConfig{Path: link}); err == nil {
		t.Fatal("opened a link whose device is gone")
	}

	// The adapter comes back under the same stable name.
	p2 := ptytest.New(t)
	if err := p2.Link(link); err != nil {
		t.Fatal(err)
	}
	port2, err := platform.OpenSerial(platform.SerialConfig{Path: link})
	if err != nil {
		t.Fatal(err)
	}
	defer port2.Close()
	if _, err := port2.Write([]byte("ok")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 2)
	if _, err := io.ReadFull(p2.Master, got); err != nil || string(got) != "ok" {
		t.Fatalf("got %q, %v", got, err)
	}
}
