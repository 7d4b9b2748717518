package idcard

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"hallkiosk/idcard/idcardtest"
	"hallkiosk/platform"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/ptytest"
)

// ptyRig is the kiosk's driver on the slave end of a real pseudo-terminal,
// opened with platform.OpenSerial, and the virtual reader on the master.
type ptyRig struct {
	sim  *idcardtest.Sim
	pty  *platform.PTY
	port *platform.SerialPort
}

func newPTYRig(t testing.TB, simOpt idcardtest.Options) *ptyRig {
	t.Helper()
	p := ptytest.New(t)
	port, err := platform.OpenSerial(platform.SerialConfig{Path: p.SlavePath, Baud: 115200})
	if err != nil {
		t.Fatal(err)
	}
	sim := idcardtest.New(simOpt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sim.Serve(ctx, p.Master) }()
	t.Cleanup(func() {
		cancel()
		port.Close()
		p.Close()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("virtual reader: %v", err)
		}
	})
	return &ptyRig{sim: sim, pty: p, port: port}
}

func TestPTYReadsEveryTestCard(t *testing.T) {
	rig := newPTYRig(t, idcardtest.Options{})
	r := New(rig.port, Options{Clock: clock.NewFake(today), Log: quiet})
	cards := []string{"resident", "resident-x", "longterm", "expired", "foreign", "permit"}
	for _, name := range cards {
		place(t, rig.sim, name)
		c, err := readCard(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, _ := DecodeText(cardText(t, name), today)
		if c.Name() != want.Name() || c.MaskedID() != want.MaskedID() || c.Type() != want.Type() {
			t.Fatalf("%s: read %q %q %s", name, c.Name(), c.MaskedID(), c.Type())
		}
	}
}

// G8: serial garbage, malformed frames and a reader that stops mid-frame
// each give a clear error and no panic, and the next good frame works.
func TestPTYFaultsRecover(t *testing.T) {
	rig := newPTYRig(t, idcardtest.Options{})
	r := New(rig.port, Options{Clock: clock.NewFake(today), ReplyTimeout: 300 * time.Millisecond,
		Log: quiet})
	place(t, rig.sim, "resident")
	tests := []struct {
		fault idcardtest.Fault
		want  error
	}{
		{idcardtest.Fault{Kind: idcardtest.FaultBadChecksum, Cmd: "read"}, ErrChecksum},
		{idcardtest.Fault{Kind: idcardtest.FaultTruncate, Cmd: "read"}, ErrTimeout},
		{idcardtest.Fault{Kind: idcardtest.FaultSilent, Cmd: "select"}, ErrTimeout},
		{idcardtest.Fault{Kind: idcardtest.FaultSAMError, Cmd: "find"}, ErrSAM},
		{idcardtest.Fault{Kind: idcardtest.FaultGarbage}, nil},
	}
	for _, tt := range tests {
		if err := rig.sim.Inject(tt.fault); err != nil {
			t.Fatal(err)
		}
		_, err := readCard(r)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Fatalf("%s: got %v, want %v", tt.fault.Kind, err, tt.want)
		}
		if c, err := readCard(r); err != nil || c.Name() != "王小明" {
			t.Fatalf("after %s: %v", tt.fault.Kind, err)
		}
	}
}

// Bytes the kiosk never asked for (a noisy line) are skipped.
func TestPTYUnsolicitedNoise(t *testing.T) {
	rig := newPTYRig(t, idcardtest.Options{})
	r := New(rig.port, Options{Clock: clock.NewFake(today), Log: quiet})
	place(t, rig.sim, "resident")
	noise := []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF, 0x13, 0xAA, 0x00, 0x96}
	if _, err := rig.pty.Master.Write(noise); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	var err error
	for i := 0; i < 3; i++ { // at most the first exchange may be spoiled
		if _, err = readCard(r); err == nil {
			return
		}
	}
	t.Fatalf("no recovery from noise: %v", err)
}

// syncBuffer is a log sink shared by the driver and the virtual reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// G6: nothing personal is ever logged. The reader runs at debug level with
// a card placed, read, faulted, removed, and the kiosk logs the events it
// receives; the log holds no name, number, birth date or address.
func TestLogLeaksNothing(t *testing.T) {
	var sink syncBuffer
	log := slog.New(slog.NewTextHandler(&sink, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rig := newPTYRig(t, idcardtest.Options{Log: log})
	r := New(rig.port, Options{Log: log, PollInterval: 5 * time.Millisecond,
		ReplyTimeout: 300 * time.Millisecond})
	events := run(t, r)
	next(t, events, ReaderReady)

	place(t, rig.sim, "resident-x")
	e := next(t, events, CardPlaced)
	log.Info("kiosk got event", "event", e, "card", e.Card)
	rig.sim.Inject(idcardtest.Fault{Kind: idcardtest.FaultBadChecksum, Cmd: "find", Count: 3})
	next(t, events, ReaderFault)
	next(t, events, ReaderRecovered)
	rig.sim.Remove()
	next(t, events, CardRemoved)

	out := sink.String()
	if !strings.Contains(out, "card read") || !strings.Contains(out, "sw3=") {
		t.Fatalf("the log does not show the exchanges, so the test proves nothing:\n%s", out)
	}
	for _, secret := range []string{"李春花", "31011719851122106X", "31011719851122106x",
		"19851122", "样板街道", "\\u674e"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q", secret)
		}
	}
}
