package printer

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/skip2/go-qrcode"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Format says what the printer can take.
type Format struct {
	// Paper is the roll width; default Paper80.
	Paper Paper
	// FourByte is true when the printer prints GB18030 4-byte codes. Most
	// kiosk printers read only the 2-byte range (GBK), so it defaults to
	// false and 4-byte characters are replaced.
	FourByte bool
}

func (f Format) withDefaults() Format {
	if f.Paper == 0 {
		f.Paper = Paper80
	}
	return f
}

// Encoded is a Doc turned into the printer's byte stream.
type Encoded struct {
	Bytes []byte
	// Replaced counts characters the printer cannot print that were
	// replaced by Replacement. The caller logs it: nothing is dropped
	// silently.
	Replaced int
	// Lines counts printed text lines, for estimating paper use.
	Lines int
}

// Replacement stands in for a character the printer cannot print. It is a
// 2-byte GB18030 character, so it prints on every Chinese printer and is
// plainly visible on paper.
const Replacement = '□'

// Default QR module size and the smallest the driver will shrink it to; below
// 3 dots a phone camera struggles with thermal print.
const (
	qrModuleDefault = 6
	qrModuleMin     = 3
)

// Encode renders doc to ESC/POS for the given format. It fails before
// producing anything when a block cannot be printed (a QR code too large for
// the paper), so nothing half-made reaches the printer.
func Encode(doc *Doc, f Format) (Encoded, error) {
	e := newEncoder(f.withDefaults())
	e.put(cmdInit())
	e.put(cmdChineseOn())
	for i, b := range doc.Blocks {
		if err := b.encode(e); err != nil {
			return Encoded{}, fmt.Errorf("block %d: %w", i, err)
		}
	}
	if n := len(doc.Blocks); n == 0 || !isCut(doc.Blocks[n-1]) {
		Cut{}.encode(e)
	}
	return Encoded{Bytes: e.buf, Replaced: e.replaced, Lines: e.lines}, nil
}

func isCut(b Block) bool {
	_, ok := b.(Cut)
	return ok
}

// encoder holds the output and the style last sent, so a style command is
// sent only when it changes. A negative field means "not sent yet".
type encoder struct {
	f        Format
	gb       *encoding.Encoder // not safe for concurrent use: one per encoder
	buf      []byte
	replaced int
	lines    int

	align Align
	size  Size
	bold  int
}

func newEncoder(f Format) *encoder {
	return &encoder{
		f:     f,
		gb:    simplifiedchinese.GB18030.NewEncoder(),
		buf:   make([]byte, 0, 2048),
		align: 255, size: Size{-1, -1}, bold: -1,
	}
}

func (e *encoder) put(b []byte) { e.buf = append(e.buf, b...) }

// style sends only the style commands that change something.
func (e *encoder) style(a Align, s Size, bold bool) {
	if a != e.align {
		e.put(cmdAlign(a))
		e.align = a
	}
	s = Size{s.w(), s.h()}
	if s != e.size {
		e.put(cmdSize(s))
		e.size = s
	}
	if int(b2i(bold)) != e.bold {
		e.put(cmdBold(bold))
		e.bold = int(b2i(bold))
	}
}

// line writes one line of cells and ends it.
func (e *encoder) line(cells []cell) {
	for _, c := range cells {
		e.put(c.b)
	}
	e.buf = append(e.buf, lf)
	e.lines++
}

func (t Text) encode(e *encoder) error {
	e.style(t.Align, t.Size, t.Bold)
	cols := e.f.Paper.Columns() / t.Size.w()
	hang := min(max(t.Hang, 0), cols/2)
	indent := e.cells(strings.Repeat(" ", hang))
	for _, par := range strings.Split(t.Text, "\n") {
		lines := wrap(e.cells(par), cols, hang)
		if len(lines) == 0 {
			e.line(nil)
		}
		for i, l := range lines {
			if i > 0 {
				l = append(indent[:hang:hang], l...)
			}
			e.line(l)
		}
	}
	return nil
}

func (r Row) encode(e *encoder) error {
	e.style(AlignLeft, Normal, r.Bold)
	cols := e.f.Paper.Columns()
	left, right := e.cells(r.Left), e.cells(r.Right)
	lw, rw := width(left), width(right)
	if lw+1+rw <= cols {
		gap := e.cells(strings.Repeat(" ", cols-lw-rw))
		e.line(append(append(left, gap...), right...))
		return nil
	}
	for _, l := range wrap(left, cols, 0) {
		e.line(l)
	}
	return Text{Text: r.Right, Bold: r.Bold, Align: AlignRight}.encode(e)
}

func (Rule) encode(e *encoder) error {
	e.style(AlignLeft, Normal, false)
	e.line(e.cells(strings.Repeat("-", e.f.Paper.Columns())))
	return nil
}

func (f Feed) encode(e *encoder) error {
	if f.Lines > 0 {
		e.put(cmdFeed(min(f.Lines, 255)))
	}
	return nil
}

func (Cut) encode(e *encoder) error {
	e.put(cmdFeedCut(cutFeedDots))
	return nil
}

// cutFeedDots is fed before the cut so the last line clears the blade.
const cutFeedDots = 48

func (q QR) encode(e *encoder) error {
	module, err := qrFit(q, e.f.Paper)
	if err != nil {
		return err
	}
	e.style(q.Align, Normal, false)
	e.put(cmdQRModel2())
	e.put(cmdQRModule(module))
	e.put(cmdQRLevel(q.Level))
	e.put(cmdQRStore([]byte(q.Data)))
	e.put(cmdQRPrint())
	return nil
}

// qrFit picks the module size: the requested one, shrunk until the symbol
// and its 4-module quiet zone fit the paper. The printer picks the symbol
// version the same way go-qrcode does (the smallest that holds the data).
func qrFit(q QR, p Paper) (int, error) {
	if q.Data == "" {
		return 0, fmt.Errorf("qr code: %w", ErrQRData)
	}
	sym, err := qrcode.New(q.Data, qrLevel(q.Level))
	if err != nil {
		return 0, fmt.Errorf("qr code of %d bytes: %w (%v)", len(q.Data), ErrQRData, err)
	}
	modules := 17 + 4*sym.VersionNumber + 8
	module := q.Module
	if module <= 0 {
		module = qrModuleDefault
	}
	module = min(module, 16)
	for module > qrModuleMin && modules*module > p.Dots() {
		module--
	}
	if modules*module > p.Dots() {
		return 0, fmt.Errorf("qr code of %d bytes needs %d modules, over %d dots: %w",
			len(q.Data), modules, p.Dots(), ErrQRData)
	}
	return module, nil
}

func qrLevel(l QRLevel) qrcode.RecoveryLevel {
	return [...]qrcode.RecoveryLevel{qrcode.Low, qrcode.Medium, qrcode.High, qrcode.Highest}[l&3]
}

// cell is one printable character: its printer bytes and its width in
// half-width columns. The printer draws every multi-byte GB18030 code as a
// full-width glyph, so the width follows from the byte count and no width
// table can disagree with the paper.
type cell struct {
	b     []byte
	cols  int
	space bool
	word  bool // part of a run of Latin letters/digits that should not be split
}

var replacementCell = mustCell(Replacement)

func mustCell(r rune) cell {
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(string(r)))
	if err != nil {
		panic(err)
	}
	return cell{b: b, cols: 2}
}

// cells turns text into printable cells, replacing what the printer cannot
// print and counting it.
func (e *encoder) cells(s string) []cell {
	out := make([]cell, 0, len(s))
	for _, r := range s {
		c, ok := e.cell(r)
		if !ok {
			e.replaced++
			c = replacementCell
		}
		out = append(out, c)
	}
	return out
}

func (e *encoder) cell(r rune) (cell, bool) {
	switch {
	case r == '\t':
		r = ' '
	case r == '¥':
		// ¥ (U+00A5) is a 4-byte code that 2-byte printers garble; the
		// full-width ￥ is 2-byte and reads the same to a citizen.
		r = '￥'
	}
	if r >= 0x20 && r < 0x7f {
		return cell{b: []byte{byte(r)}, cols: 1, space: r == ' ', word: isWordByte(r)}, true
	}
	if r < 0xa0 || r > 0xffff || r == utf8.RuneError {
		// Control codes would be taken as commands; beyond the BMP are
		// emoji and rare ideographs no printer font carries.
		return cell{}, false
	}
	b, err := e.gb.Bytes([]byte(string(r)))
	if err != nil || (len(b) == 4 && !e.f.FourByte) {
		return cell{}, false
	}
	return cell{b: b, cols: 2}, true
}

func isWordByte(r rune) bool {
	return r > ' ' && r < 0x7f && !strings.ContainsRune("，,。.;；:!?)]}、/", r)
}

func width(cs []cell) int {
	n := 0
	for _, c := range cs {
		n += c.cols
	}
	return n
}
