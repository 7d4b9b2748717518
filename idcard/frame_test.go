package idcard

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"hallkiosk/idcard/idcardtest"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The request frames as GA/T 467 modules document them, written out by hand.
func TestEncodeRequests(t *testing.T) {
	tests := []struct {
		cmd  Command
		want string
	}{
		{CmdReset, "AA AA AA 96 69 00 03 10 FF EC"},
		{CmdStatus, "AA AA AA 96 69 00 03 11 FF ED"},
		{CmdSAMID, "AA AA AA 96 69 00 03 12 FF EE"},
		{CmdFind, "AA AA AA 96 69 00 03 20 01 22"},
		{CmdSelect, "AA AA AA 96 69 00 03 20 02 21"},
		{CmdRead, "AA AA AA 96 69 00 03 30 01 32"},
		{CmdReadFull, "AA AA AA 96 69 00 03 30 10 23"},
	}
	for _, tt := range tests {
		t.Run(tt.cmd.String(), func(t *testing.T) {
			if got := tt.cmd.Encode(); !bytes.Equal(got, unhex(t, tt.want)) {
				t.Fatalf("got % X\nwant %s", got, tt.want)
			}
			if got := idcardtest.Request(tt.cmd.Cmd, tt.cmd.Para); !bytes.Equal(got, unhex(t, tt.want)) {
				t.Fatalf("idcardtest.Request disagrees: % X", got)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	found := "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97"
	tests := []struct {
		name    string
		in      string
		wantSW3 byte
		wantN   int
		wantErr error
	}{
		{"find reply", found, 0x9F, 15, nil},
		{"garbage first", "00 13 AA 96 " + found, 0x9F, 19, nil},
		{"preamble lookalike first", "AA AA 96 69 " + found, 0x9F, 19, nil},
		{"no card", "AA AA AA 96 69 00 04 00 00 80 84", 0x80, 11, nil},
		{"empty", "", 0, 0, ErrIncomplete},
		{"garbage only keeps a partial preamble", "01 02 03 AA AA", 0, 3, ErrIncomplete},
		{"header cut", "AA AA AA 96 69 00", 0, 0, ErrIncomplete},
		{"body cut", "AA AA AA 96 69 00 08 00 00 9F", 0, 0, ErrIncomplete},
		{"bad checksum", "AA AA AA 96 69 00 04 00 00 80 85", 0, 1, ErrChecksum},
		{"length too small", "AA AA AA 96 69 00 02 00 00", 0, 1, ErrLength},
		{"length too large", "AA AA AA 96 69 FF FF 00 00", 0, 1, ErrLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, n, err := Split(unhex(t, tt.in))
			if !errors.Is(err, tt.wantErr) || n != tt.wantN {
				t.Fatalf("got n=%d err=%v, want n=%d err=%v", n, err, tt.wantN, tt.wantErr)
			}
			if err != nil {
				return
			}
			sw3, _, err := f.Reply()
			if err != nil || sw3 != tt.wantSW3 {
				t.Fatalf("reply sw3 %02X, %v; want %02X", sw3, err, tt.wantSW3)
			}
		})
	}
}

// A truncated frame followed by a good one: resynchronising by one byte at
// a time finds the good frame behind the bad one.
func TestSplitResyncAfterTruncatedFrame(t *testing.T) {
	good := idcardtest.Frame(0x90, []byte{1, 2, 3})
	in := append(append([]byte{}, good[:9]...), good...)
	var errs int
	for len(in) > 0 {
		f, n, err := Split(in)
		in = in[n:]
		if err == nil {
			if _, data, _ := f.Reply(); !bytes.Equal(data, []byte{1, 2, 3}) {
				t.Fatalf("data % X", data)
			}
			return
		}
		if errors.Is(err, ErrIncomplete) {
			break
		}
		errs++
	}
	t.Fatalf("good frame not found after %d errors", errs)
}

func TestReplyRefusesShiftedStatus(t *testing.T) {
	f, _, err := Split(unhex(t, "AA AA AA 96 69 00 04 01 00 90 95"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Reply(); !errors.Is(err, ErrFrame) {
		t.Fatalf("got %v, want ErrFrame", err)
	}
}

// Frames from the codec and from idcardtest's independent builder agree.
func TestEncodeReplyMatchesIndependentBuilder(t *testing.T) {
	data := bytes.Repeat([]byte{0xAA, 0x96, 0x69}, 400)
	if !bytes.Equal(EncodeReply(0x90, data), idcardtest.Frame(0x90, data)) {
		t.Fatal("codec and idcardtest build different frames")
	}
}

func TestStatusErrorMapping(t *testing.T) {
	tests := []struct {
		sw3  byte
		want error
	}{
		{0x80, ErrFindFailed}, {0x81, ErrSelectFailed}, {0x41, ErrReadFailed},
		{0x10, ErrChecksum}, {0x11, ErrLength}, {0x21, ErrCommand},
		{0x60, ErrSAM}, {0x31, ErrSAM}, {0x77, ErrSAM},
	}
	for _, tt := range tests {
		err := error(&StatusError{Cmd: CmdFind, SW3: tt.sw3})
		if !errors.Is(err, tt.want) {
			t.Errorf("SW3 %02X: %v is not %v", tt.sw3, err, tt.want)
		}
	}
}
