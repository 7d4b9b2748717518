package idcard

import (
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"hallkiosk/idcard/idcardtest"
	"hallkiosk/platform/clock"
)

// quiet drops the driver's log in tests that do not look at it.
var quiet = slog.New(slog.DiscardHandler)

// lineReader puts a virtual reader on an in-memory line and a driver on
// the kiosk end.
func lineReader(t *testing.T, opt Options) (*idcardtest.Sim, *Reader) {
	t.Helper()
	sim := idcardtest.New(idcardtest.Options{})
	line := idcardtest.NewLine(sim)
	t.Cleanup(func() { line.Close() })
	if opt.ReplyTimeout == 0 {
		opt.ReplyTimeout = 300 * time.Millisecond
	}
	if opt.Clock == nil {
		opt.Clock = clock.NewFake(today)
	}
	if opt.Log == nil {
		opt.Log = quiet
	}
	return sim, New(line, opt)
}

func place(t testing.TB, sim *idcardtest.Sim, name string) {
	t.Helper()
	c, err := idcardtest.LoadCard(filepath.Join("testdata", "cards", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Place(c, name); err != nil {
		t.Fatal(err)
	}
}

func TestReaderSequence(t *testing.T) {
	for _, fp := range []bool{false, true} {
		sim, r := lineReader(t, Options{Fingerprint: fp})
		if err := r.Find(); !errors.Is(err, ErrFindFailed) {
			t.Fatalf("empty reader: find %v, want ErrFindFailed", err)
		}
		place(t, sim, "resident")
		if _, err := r.Read(); !errors.Is(err, ErrReadFailed) {
			t.Fatalf("read before select: %v, want ErrReadFailed", err)
		}
		if err := r.Find(); err != nil {
			t.Fatal(err)
		}
		if err := r.Select(); err != nil {
			t.Fatal(err)
		}
		c, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		if c.Name() != "王小明" || c.MaskedID() != "310***********1004" {
			t.Fatalf("fingerprint %t: read %q %q", fp, c.Name(), c.MaskedID())
		}
	}
}

func TestSAMID(t *testing.T) {
	_, r := lineReader(t, Options{})
	id, err := r.SAMID()
	if err != nil || id != "05.01-20120420-0000183473-1141225432" {
		t.Fatalf("got %q, %v", id, err)
	}
}

// Each fault gives the error it should, and the very next exchange works:
// the driver drains the line and resynchronises.
func TestReaderFaults(t *testing.T) {
	tests := []struct {
		fault idcardtest.Fault
		want  error
	}{
		{idcardtest.Fault{Kind: idcardtest.FaultBadChecksum}, ErrChecksum},
		{idcardtest.Fault{Kind: idcardtest.FaultTruncate, Cmd: "read"}, ErrTimeout},
		{idcardtest.Fault{Kind: idcardtest.FaultSilent}, ErrTimeout},
		{idcardtest.Fault{Kind: idcardtest.FaultSlow, DelayMS: 600}, ErrTimeout},
		{idcardtest.Fault{Kind: idcardtest.FaultReadFailed}, ErrReadFailed},
		{idcardtest.Fault{Kind: idcardtest.FaultSAMError}, ErrSAM},
		{idcardtest.Fault{Kind: idcardtest.FaultSAMError, SW3: "21"}, ErrCommand},
		{idcardtest.Fault{Kind: idcardtest.FaultGarbage}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.fault.Kind+"-"+tt.fault.SW3, func(t *testing.T) {
			sim, r := lineReader(t, Options{})
			place(t, sim, "resident")
			if err := sim.Inject(tt.fault); err != nil {
				t.Fatal(err)
			}
			_, err := readCard(r)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if tt.fault.Kind == idcardtest.FaultSlow {
				time.Sleep(400 * time.Millisecond) // let the late reply land
			}
			if c, err := readCard(r); err != nil || c.Name() != "王小明" {
				t.Fatalf("after the fault: %v", err)
			}
		})
	}
}

func readCard(r *Reader) (*Card, error) {
	if err := r.Find(); err != nil {
		return nil, err
	}
	if err := r.Select(); err != nil {
		return nil, err
	}
	return r.Read()
}

func TestSplitRead(t *testing.T) {
	text := make([]byte, 256)
	tests := []struct {
		name string
		data []byte
		fp   bool
		ok   bool
	}{
		{"30 01", idcardtest.ReadReply(text, 1024, 0, false), false, true},
		{"30 10", idcardtest.ReadReply(text, 1024, 1024, true), true, true},
		{"30 10 without fingerprint", idcardtest.ReadReply(text, 1024, 0, true), true, true},
		{"photo cut", idcardtest.ReadReply(text, 1024, 0, false)[:1000], false, false},
		{"text length 128", idcardtest.ReadReply(text[:128], 1024, 0, false), false, false},
		{"lengths only", []byte{1, 0}, false, false},
	}
	for _, tt := range tests {
		got, err := SplitRead(tt.data, tt.fp)
		if tt.ok != (err == nil) || (err == nil && len(got) != 256) {
			t.Errorf("%s: %d bytes, %v", tt.name, len(got), err)
		}
		if err != nil && !errors.Is(err, ErrLength) {
			t.Errorf("%s: %v is not ErrLength", tt.name, err)
		}
	}
}
