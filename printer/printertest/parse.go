package printertest

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Op is a decoded ESC/POS command.
type Op int

// The commands the virtual printer knows: exactly those the driver sends.
const (
	OpUnknown     Op = iota // not understood; Cmd.Err says why
	OpText                  // printable characters
	OpLF                    // 0A: print the line and feed
	OpInit                  // ESC @
	OpBold                  // ESC E n
	OpAlign                 // ESC a n
	OpFeed                  // ESC d n: feed n lines
	OpSize                  // GS ! n
	OpCut                   // GS V m [n]
	OpChineseOn             // FS &
	OpChineseOff            // FS .
	OpStatus                // DLE EOT n
	OpFirmware              // GS I n
	OpQRModel               // GS ( k fn 65
	OpQRModule              // GS ( k fn 67
	OpQRLevel               // GS ( k fn 69
	OpQRStore               // GS ( k fn 80
	OpQRPrint               // GS ( k fn 81
	OpPaperSensor           // GS r n: paper sensor status, answered in turn
)

var opNames = [...]string{"unknown", "text", "LF", "ESC @", "ESC E", "ESC a", "ESC d",
	"GS !", "GS V", "FS &", "FS .", "DLE EOT", "GS I", "QR model", "QR module",
	"QR level", "QR store", "QR print", "GS r"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("op(%d)", int(o))
}

// Cmd is one decoded command.
type Cmd struct {
	Op   Op
	Off  int // offset of its first byte in the stream
	Len  int // bytes it took
	Arg  int // n for commands with one argument; m for GS V
	Arg2 int // n of GS V 65/66 (feed before cut)
	Text string
	// FourByte is set when Text holds a GB18030 4-byte code, which a
	// 2-byte printer garbles.
	FourByte bool
	Data     []byte // QR store data
	Err      string // why the command is unknown or invalid
}

// Decode decodes a whole stream, starting outside Chinese mode as a
// printer does after power-on. A command cut short by the end of the data is
// returned as OpUnknown with Err "truncated". Decode is a pure function and
// the fuzz target.
func Decode(b []byte) []Cmd {
	var d Decoder
	cmds := d.Feed(b)
	if len(d.buf) > 0 {
		cmds = append(cmds, Cmd{Op: OpUnknown, Off: d.off, Len: len(d.buf),
			Err: fmt.Sprintf("truncated command % x", d.buf)})
	}
	return cmds
}

// Decoder decodes a stream that arrives in pieces. It keeps the Chinese
// mode (which changes how bytes above 0x7F read) and any incomplete command
// until the rest arrives.
type Decoder struct {
	chinese bool
	buf     []byte
	off     int // stream offset of buf[0]
}

// Feed decodes the complete commands in b plus what was held back.
func (d *Decoder) Feed(b []byte) []Cmd {
	d.buf = append(d.buf, b...)
	var out []Cmd
	for len(d.buf) > 0 {
		c, n := Parse(d.buf, d.chinese)
		if n == 0 {
			break
		}
		c.Off, c.Len = d.off, n
		d.track(c)
		out = append(out, c)
		d.buf, d.off = d.buf[n:], d.off+n
	}
	d.buf = append([]byte(nil), d.buf...) // do not pin the caller's slice
	return out
}

func (d *Decoder) track(c Cmd) {
	switch c.Op {
	case OpChineseOn:
		d.chinese = true
	case OpChineseOff, OpInit:
		d.chinese = false
	}
}

// Parse decodes the command at the start of b. It returns the bytes taken;
// 0 means b holds only the beginning of a command and more is needed.
// Unknown input is returned as OpUnknown taking at least one byte, so a
// decoder always makes progress.
func Parse(b []byte, chinese bool) (Cmd, int) {
	switch b[0] {
	case 0x0a:
		return Cmd{Op: OpLF}, 1
	case 0x10:
		return parseDLE(b)
	case 0x1b:
		return parseESC(b)
	case 0x1c:
		return parseFS(b)
	case 0x1d:
		return parseGS(b)
	}
	return parseText(b, chinese)
}

func unknown(n int, format string, a ...any) (Cmd, int) {
	return Cmd{Op: OpUnknown, Err: fmt.Sprintf(format, a...)}, n
}

func parseDLE(b []byte) (Cmd, int) {
	if len(b) < 3 {
		return need(b, 1, 0x04)
	}
	if b[1] != 0x04 {
		return unknown(2, "DLE %#02x", b[1])
	}
	if b[2] < 1 || b[2] > 4 {
		return unknown(3, "DLE EOT %d: n must be 1-4", b[2])
	}
	return Cmd{Op: OpStatus, Arg: int(b[2])}, 3
}

// need waits for more bytes when b is a prefix of a known command, and
// reports the command as unknown when its second byte already rules that out.
func need(b []byte, at int, want ...byte) (Cmd, int) {
	if len(b) <= at {
		return Cmd{}, 0
	}
	for _, w := range want {
		if b[at] == w {
			return Cmd{}, 0
		}
	}
	return unknown(at+1, "% x", b[:at+1])
}

func parseESC(b []byte) (Cmd, int) {
	if len(b) < 2 {
		return Cmd{}, 0
	}
	if b[1] == '@' {
		return Cmd{Op: OpInit}, 2
	}
	op, ok := map[byte]Op{'E': OpBold, 'a': OpAlign, 'd': OpFeed}[b[1]]
	if !ok {
		return unknown(2, "ESC %#02x", b[1])
	}
	if len(b) < 3 {
		return Cmd{}, 0
	}
	c := Cmd{Op: op, Arg: int(b[2])}
	if op == OpAlign {
		c.Arg %= 48 // ESC a takes 0-2 or '0'-'2'
		if c.Arg > 2 {
			return unknown(3, "ESC a %d", b[2])
		}
	}
	return c, 3
}

func parseFS(b []byte) (Cmd, int) {
	if len(b) < 2 {
		return Cmd{}, 0
	}
	switch b[1] {
	case '&':
		return Cmd{Op: OpChineseOn}, 2
	case '.':
		return Cmd{Op: OpChineseOff}, 2
	}
	return unknown(2, "FS %#02x", b[1])
}

func parseGS(b []byte) (Cmd, int) {
	if len(b) < 3 {
		return need(b, 1, '!', 'V', 'I', '(', 'r')
	}
	switch b[1] {
	case '!':
		return Cmd{Op: OpSize, Arg: int(b[2])}, 2 + 1
	case 'I':
		return Cmd{Op: OpFirmware, Arg: int(b[2])}, 3
	case 'r':
		if b[2] != 1 && b[2] != 49 {
			return unknown(3, "GS r %d: only 1 (paper sensor) is known", b[2])
		}
		return Cmd{Op: OpPaperSensor, Arg: 1}, 3
	case 'V':
		return parseCut(b)
	case '(':
		return parseQR(b)
	}
	return unknown(2, "GS %#02x", b[1])
}

func parseCut(b []byte) (Cmd, int) {
	switch m := b[2]; m {
	case 0, 1, 48, 49:
		return Cmd{Op: OpCut, Arg: int(m)}, 3
	case 65, 66:
		if len(b) < 4 {
			return Cmd{}, 0
		}
		return Cmd{Op: OpCut, Arg: int(m), Arg2: int(b[3])}, 4
	}
	return unknown(3, "GS V %d", b[2])
}

// parseQR decodes GS ( k pL pH cn fn [args]: pL pH count the bytes after
// themselves.
func parseQR(b []byte) (Cmd, int) {
	if b[2] != 'k' {
		return unknown(3, "GS ( %#02x", b[2])
	}
	if len(b) < 5 {
		return Cmd{}, 0
	}
	size := int(b[3]) | int(b[4])<<8
	total := 5 + size
	if len(b) < total {
		return Cmd{}, 0
	}
	if size < 2 || b[5] != 49 {
		return unknown(total, "GS ( k with cn/size % x: only QR (cn 49) is known", b[3:min(total, 7)])
	}
	return qrFunc(b[6], b[7:total], total)
}

func qrFunc(fn byte, args []byte, total int) (Cmd, int) {
	bad := func() (Cmd, int) { return unknown(total, "QR fn %d args % x", fn, args) }
	switch fn {
	case 65:
		if len(args) != 2 || args[0] != 50 {
			return bad()
		}
		return Cmd{Op: OpQRModel, Arg: int(args[0])}, total
	case 67:
		if len(args) != 1 || args[0] < 1 || args[0] > 16 {
			return bad()
		}
		return Cmd{Op: OpQRModule, Arg: int(args[0])}, total
	case 69:
		if len(args) != 1 || args[0] < 48 || args[0] > 51 {
			return bad()
		}
		return Cmd{Op: OpQRLevel, Arg: int(args[0]) - 48}, total
	case 80:
		if len(args) < 1 || args[0] != 48 {
			return bad()
		}
		return Cmd{Op: OpQRStore, Data: append([]byte(nil), args[1:]...)}, total
	case 81:
		if len(args) != 1 || args[0] != 48 {
			return bad()
		}
		return Cmd{Op: OpQRPrint}, total
	}
	return bad()
}

// parseText takes a run of printable characters: ASCII, and in Chinese
// mode GB18030 2- and 4-byte codes. A byte that starts nothing printable is
// unknown.
func parseText(b []byte, chinese bool) (Cmd, int) {
	var raw []byte
	four, i := false, 0
	for i < len(b) {
		n := charLen(b[i:], chinese)
		if n <= 0 {
			if n < 0 && i == 0 {
				return textError(b, chinese)
			}
			break
		}
		raw = append(raw, b[i:i+n]...)
		four = four || n == 4
		i += n
	}
	if i == 0 {
		return Cmd{}, 0
	}
	s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
	if err != nil {
		return unknown(i, "undecodable text % x", raw)
	}
	return Cmd{Op: OpText, Text: string(s), FourByte: four}, i
}

func textError(b []byte, chinese bool) (Cmd, int) {
	if b[0] >= 0x80 && !chinese {
		return unknown(1, "byte %#02x outside Chinese mode (FS & not sent)", b[0])
	}
	if b[0] >= 0x80 {
		return unknown(1, "invalid GB18030 sequence % x", b[:min(len(b), 4)])
	}
	return unknown(1, "unknown byte %#02x", b[0])
}

// charLen is the length of the printable character at b[0]: 1, 2 or 4; 0
// when b ends inside one; -1 when b[0] does not start one.
func charLen(b []byte, chinese bool) int {
	c := b[0]
	switch {
	case c >= 0x20 && c < 0x7f:
		return 1
	case !chinese || c < 0x81 || c == 0xff:
		return -1
	case len(b) < 2:
		return 0
	case b[1] >= 0x40 && b[1] <= 0xfe && b[1] != 0x7f:
		return 2
	case b[1] < 0x30 || b[1] > 0x39:
		return -1
	case len(b) < 4:
		return 0
	case b[2] >= 0x81 && b[2] <= 0xfe && b[3] >= 0x30 && b[3] <= 0x39:
		return 4
	}
	return -1
}

// Listing returns one line per command, "offset  command  detail", for
// reading a byte stream (golden files, logs) without a hex dump.
func Listing(b []byte) string {
	var sb strings.Builder
	for _, c := range Decode(b) {
		line := fmt.Sprintf("%5d  %-9s %s", c.Off, c.Op, c.detail())
		sb.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return sb.String()
}

func (c Cmd) detail() string {
	switch c.Op {
	case OpText:
		return strconv.Quote(c.Text)
	case OpQRStore:
		return strconv.Quote(string(c.Data))
	case OpUnknown:
		return "ERROR " + c.Err
	case OpSize:
		return fmt.Sprintf("%#02x (%dx%d)", c.Arg, c.Arg>>4&7+1, c.Arg&7+1)
	case OpCut:
		return fmt.Sprintf("%d %d", c.Arg, c.Arg2)
	case OpLF, OpInit, OpChineseOn, OpChineseOff, OpQRPrint, OpPaperSensor:
		return ""
	}
	return strconv.Itoa(c.Arg)
}
