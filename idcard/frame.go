package idcard

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Preamble starts every frame in both directions.
var Preamble = []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69}

// Frame limits. The length field counts everything after itself, checksum
// included.
const (
	headerLen = 7 // preamble + 2 length bytes
	// minFrameLen is the shortest body+checksum: a request's CMD PARA CHK.
	minFrameLen = 3
	// MaxFrameLen is the longest length field accepted. The largest real
	// reply (30 10 with a fingerprint) is 2321 bytes; anything far beyond
	// is line noise and is refused before we wait for it.
	MaxFrameLen = 4096
)

// Command is a request to the SAM: a command byte, a parameter byte and
// optional data.
type Command struct {
	Cmd, Para byte
	Data      []byte
}

// Commands of GA/T 467 the driver uses.
var (
	CmdReset    = Command{Cmd: 0x10, Para: 0xFF}
	CmdStatus   = Command{Cmd: 0x11, Para: 0xFF}
	CmdSAMID    = Command{Cmd: 0x12, Para: 0xFF}
	CmdFind     = Command{Cmd: 0x20, Para: 0x01}
	CmdSelect   = Command{Cmd: 0x20, Para: 0x02}
	CmdRead     = Command{Cmd: 0x30, Para: 0x01}
	CmdReadFull = Command{Cmd: 0x30, Para: 0x10} // text, photo and fingerprint
)

// String names the command for logs ("find 20 01").
func (c Command) String() string {
	name := map[[2]byte]string{
		{0x10, 0xFF}: "reset", {0x11, 0xFF}: "status", {0x12, 0xFF}: "sam-id",
		{0x20, 0x01}: "find", {0x20, 0x02}: "select",
		{0x30, 0x01}: "read", {0x30, 0x10}: "read-full",
	}[[2]byte{c.Cmd, c.Para}]
	if name == "" {
		name = "cmd"
	}
	return fmt.Sprintf("%s %02X %02X", name, c.Cmd, c.Para)
}

// Encode builds the request frame for c.
func (c Command) Encode() []byte {
	body := append([]byte{c.Cmd, c.Para}, c.Data...)
	return encodeBody(body)
}

// EncodeReply builds a reply frame with status words 00 00 sw3 and data.
// Only the virtual reader in tests needs it; idcardtest has its own builder
// so the two can check each other.
func EncodeReply(sw3 byte, data []byte) []byte {
	body := append([]byte{0x00, 0x00, sw3}, data...)
	return encodeBody(body)
}

func encodeBody(body []byte) []byte {
	out := make([]byte, 0, headerLen+len(body)+1)
	out = append(out, Preamble...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(body)+1))
	out = append(out, body...)
	return append(out, xor(out[len(Preamble):]))
}

// xor is the frame checksum: XOR of the length bytes and the body.
func xor(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}

// Frame is a decoded frame: the bytes between the length field and the
// checksum. For a request they are CMD PARA data; for a reply SW1 SW2 SW3
// data.
type Frame struct {
	Body []byte
}

// Request reads f as a request.
func (f Frame) Request() (Command, error) {
	if len(f.Body) < 2 {
		return Command{}, fmt.Errorf("request body of %d bytes: %w", len(f.Body), ErrLength)
	}
	return Command{Cmd: f.Body[0], Para: f.Body[1], Data: f.Body[2:]}, nil
}

// Reply reads f as a reply: its SW3 status and data. SW1 and SW2 are 00 in
// every status the standard defines; anything else is a length error in
// disguise (a shifted frame) and is refused.
func (f Frame) Reply() (sw3 byte, data []byte, err error) {
	if len(f.Body) < 3 {
		return 0, nil, fmt.Errorf("reply body of %d bytes: %w", len(f.Body), ErrLength)
	}
	if f.Body[0] != 0 || f.Body[1] != 0 {
		return 0, nil, fmt.Errorf("status words %02X %02X: %w", f.Body[0], f.Body[1], ErrFrame)
	}
	return f.Body[2], f.Body[3:], nil
}

// Split finds the first frame in b. It returns the frame, how many bytes of
// b were used up, and an error:
//
//   - nil: f is a whole frame with a good checksum; drop b[:n].
//   - ErrIncomplete: no whole frame yet; drop b[:n] (garbage before a
//     possible preamble) and call again with more bytes.
//   - ErrLength or ErrChecksum: a frame header was found but the frame is
//     bad; drop b[:n] (its first byte only, so a good frame hiding behind a
//     truncated one is still found) and call again to resynchronise.
//
// Split never panics and never looks past b.
func Split(b []byte) (f Frame, n int, err error) {
	i := bytes.Index(b, Preamble)
	if i < 0 {
		return Frame{}, garbageLen(b), ErrIncomplete
	}
	if len(b)-i < headerLen {
		return Frame{}, i, ErrIncomplete
	}
	l := int(binary.BigEndian.Uint16(b[i+5:]))
	if l < minFrameLen || l > MaxFrameLen {
		return Frame{}, i + 1, fmt.Errorf("length field %d (want %d to %d): %w",
			l, minFrameLen, MaxFrameLen, ErrLength)
	}
	end := i + headerLen + l
	if len(b) < end {
		return Frame{}, i, ErrIncomplete
	}
	if got, want := b[end-1], xor(b[i+5:end-1]); got != want {
		return Frame{}, i + 1, fmt.Errorf("checksum %02X, computed %02X: %w", got, want, ErrChecksum)
	}
	body := bytes.Clone(b[i+headerLen : end-1])
	return Frame{Body: body}, end, nil
}

// garbageLen is how much of b, which holds no whole preamble, can be
// dropped: all but a tail that may be the start of one.
func garbageLen(b []byte) int {
	keep := 0
	for k := min(len(Preamble)-1, len(b)); k > 0; k-- {
		if bytes.Equal(b[len(b)-k:], Preamble[:k]) {
			keep = k
			break
		}
	}
	return len(b) - keep
}
