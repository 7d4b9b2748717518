package idcard

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"hallkiosk/idcard/idcardtest"
	"hallkiosk/platform"
	"hallkiosk/platform/clock"
)

// G8: no byte sequence makes the frame decoder panic, stall or accept a
// frame whose checksum is wrong.
func FuzzSplit(f *testing.F) {
	f.Add(idcardtest.Frame(0x9F, []byte{0, 0, 0, 0}))
	f.Add(append([]byte{1, 2, 0xAA}, idcardtest.Frame(0x90, make([]byte, 300))...))
	f.Add([]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x02})
	f.Add([]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF, 0x00})
	f.Add(idcardtest.Frame(0x90, nil)[:9])
	f.Fuzz(func(t *testing.T, b []byte) {
		for len(b) > 0 {
			fr, n, err := Split(b)
			if n < 0 || n > len(b) {
				t.Fatalf("consumed %d of %d", n, len(b))
			}
			if err == nil && !bytes.Equal(encodeBody(fr.Body), b[n-len(fr.Body)-8:n]) {
				t.Fatalf("accepted a frame that does not re-encode to its bytes")
			}
			if errors.Is(err, ErrIncomplete) {
				return
			}
			if err != nil && !errors.Is(err, ErrLength) && !errors.Is(err, ErrChecksum) {
				t.Fatalf("unexpected error %v", err)
			}
			if n == 0 {
				t.Fatal("no progress")
			}
			b = b[n:]
		}
	})
}

// G8: no text makes the decoder panic; what it accepts is self-consistent.
func FuzzDecodeText(f *testing.F) {
	for _, name := range []string{"resident", "longterm", "foreign", "permit", "expired"} {
		f.Add(cardText(f, name))
	}
	f.Add(make([]byte, 256))
	f.Add([]byte("short"))
	f.Fuzz(func(t *testing.T, text []byte) {
		c, err := DecodeText(text, today)
		if err != nil {
			if !errors.Is(err, ErrText) || c != nil {
				t.Fatalf("got %v, %v", c, err)
			}
			return
		}
		if c.Name() == "" || c.RevealIDNumberForOnSiteBooking() == "" || len(c.Birth()) != 8 {
			t.Fatalf("accepted a card without name, number or birth date")
		}
		if c.Gender() == "" || (c.Type() == TypeResident && c.Nation() == "") {
			t.Fatalf("accepted an unknown code")
		}
	})
}

// fuzzPort answers every request with the same bytes.
type fuzzPort struct {
	reply []byte
	left  []byte
}

func (p *fuzzPort) Write(b []byte) (int, error) { p.left = p.reply; return len(b), nil }

func (p *fuzzPort) ReadTimeout(b []byte, _ time.Duration) (int, error) {
	if len(p.left) == 0 {
		return 0, platform.ErrTimeout
	}
	n := copy(b, p.left[:min(len(p.left), 7)]) // arrive in pieces
	p.left = p.left[n:]
	return n, nil
}

// G8 end to end: whatever the line carries back, the driver's exchanges
// return a card or an error, never a panic.
func FuzzReaderReply(f *testing.F) {
	text := cardText(f, "resident")
	f.Add(idcardtest.Frame(0x90, idcardtest.ReadReply(text, 1024, 0, false)))
	f.Add(idcardtest.Frame(0x90, idcardtest.ReadReply(text, 10, 0, false)))
	f.Add(idcardtest.Frame(0x90, make([]byte, 16)))
	f.Add([]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x41, 0x45})
	f.Fuzz(func(t *testing.T, reply []byte) {
		r := New(&fuzzPort{reply: reply}, Options{ReplyTimeout: time.Millisecond,
			Clock: clock.NewFake(today)})
		if c, err := r.Read(); (c == nil) == (err == nil) {
			t.Fatalf("card %v with error %v", c, err)
		}
		r.SAMID()
		r.Find()
	})
}
