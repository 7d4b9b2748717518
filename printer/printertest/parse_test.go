package printertest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseCommands(t *testing.T) {
	cases := []struct {
		name string
		in   string
		ops  []Op
		errs int
	}{
		{"init and chinese", "\x1b@\x1c&", []Op{OpInit, OpChineseOn}, 0},
		{"styles", "\x1bE\x01\x1ba\x01\x1d!\x33\x1bd\x02", []Op{OpBold, OpAlign, OpSize, OpFeed}, 0},
		{"text and LF", "ab\n", []Op{OpText, OpLF}, 0},
		{"chinese text", "\x1c&\xd6\xd0\xce\xc4\n", []Op{OpChineseOn, OpText, OpLF}, 0},
		{"4-byte code", "\x1c&\x81\x39\xee\x39", []Op{OpChineseOn, OpText}, 0},
		{"gb bytes outside chinese mode", "\xd6\xd0", []Op{OpUnknown, OpUnknown}, 2},
		{"status", "\x10\x04\x01\x10\x04\x04", []Op{OpStatus, OpStatus}, 0},
		{"status n out of range", "\x10\x04\x07", []Op{OpUnknown}, 1},
		{"cuts", "\x1dV\x01\x1dVB\x30", []Op{OpCut, OpCut}, 0},
		{"qr", "\x1d(k\x04\x001A2\x00\x1d(k\x03\x001C\x05\x1d(k\x03\x001E1" +
			"\x1d(k\x05\x001P0hi\x1d(k\x03\x001Q0",
			[]Op{OpQRModel, OpQRModule, OpQRLevel, OpQRStore, OpQRPrint}, 0},
		{"firmware", "\x1dIA", []Op{OpFirmware}, 0},
		{"unknown ESC", "\x1bt\x00", []Op{OpUnknown, OpUnknown}, 2},
		{"unknown control", "\x07a", []Op{OpUnknown, OpText}, 1},
		{"truncated at end", "\x1d(k\x05\x001P0h", []Op{OpUnknown}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmds := Decode([]byte(c.in))
			var ops []Op
			errs := 0
			for _, cmd := range cmds {
				ops = append(ops, cmd.Op)
				if cmd.Op == OpUnknown {
					errs++
				}
			}
			if !equalOps(ops, c.ops) || errs != c.errs {
				t.Errorf("got %v (%d unknown), want %v (%d)", ops, errs, c.ops, c.errs)
			}
		})
	}
}

func equalOps(a, b []Op) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestUnknownHasOffset: an unknown command is reported at its offset.
func TestUnknownHasOffset(t *testing.T) {
	m := NewMachine(576, false, "")
	for _, c := range Decode([]byte("\x1b@abc\x1b~")) {
		m.Apply(c, nil)
	}
	if len(m.Errs) != 1 || !strings.HasPrefix(m.Errs[0], "offset 5:") {
		t.Errorf("errors %q, want one at offset 5", m.Errs)
	}
}

// FuzzDecode checks the decoder on any bytes: it never panics, its commands
// tile the input exactly, and feeding the bytes in two pieces decodes the
// same as feeding them at once (the pty delivers arbitrary pieces). The
// machine must take any command sequence without panicking.
func FuzzDecode(f *testing.F) {
	for _, seed := range seeds(f) {
		f.Add(seed, len(seed)/2)
	}
	f.Fuzz(func(t *testing.T, data []byte, split int) {
		whole := Decode(data)
		off := 0
		for _, c := range whole {
			if c.Off != off || c.Len <= 0 {
				t.Fatalf("command %+v at %d does not follow the previous one", c, off)
			}
			off += c.Len
		}
		if off != len(data) {
			t.Fatalf("commands cover %d of %d bytes", off, len(data))
		}
		split = min(max(split, 0), len(data))
		var d Decoder
		pieces := append(d.Feed(data[:split]), d.Feed(data[split:])...)
		if len(d.buf) > 0 {
			pieces = append(pieces, Decode(nil)...) // nothing: compare below
		}
		checkSameCommands(t, whole, pieces, len(d.buf))
		m := NewMachine(384, false, "fw")
		for _, c := range whole {
			m.Apply(c, data[c.Off:c.Off+c.Len])
		}
	})
}

func checkSameCommands(t *testing.T, whole, pieces []Cmd, held int) {
	t.Helper()
	// Text may be split differently, and a held-back tail is reported
	// by Decode as truncated: compare the bytes each side accounts for.
	n := 0
	for _, c := range pieces {
		n += c.Len
	}
	m := 0
	for _, c := range whole {
		m += c.Len
	}
	if n+held != m {
		t.Fatalf("split decoding accounts for %d+%d bytes, whole for %d", n, held, m)
	}
	var a, b []Op
	for _, c := range whole {
		if c.Op != OpText {
			a = append(a, c.Op)
		}
	}
	for _, c := range pieces {
		if c.Op != OpText {
			b = append(b, c.Op)
		}
	}
	if held > 0 && len(a) > 0 && a[len(a)-1] == OpUnknown {
		a = a[:len(a)-1]
	}
	if !equalOps(a, b) {
		t.Fatalf("split decoding differs:\n whole %v\npieces %v", a, b)
	}
}

// seeds are the driver's golden streams plus a few hostile inputs.
func seeds(f *testing.F) [][]byte {
	out := [][]byte{nil, {0x1d, '(', 'k', 0xff, 0xff}, {0x1c, '&', 0x81}, {0x10, 0x04}, []byte("\x1bE")}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "golden", "*.bin"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	if len(files) == 0 {
		f.Fatal("no golden streams to seed from")
	}
	return append(out, bytes.Repeat([]byte{0x1b}, 3))
}
