package printer

import "fmt"

// Paper is a roll width. Its geometry is the printer's font A: 12 x 24 dots
// per half-width cell, so a Chinese character (24 x 24) takes two columns.
type Paper int

// Paper widths in millimetres.
const (
	Paper58 Paper = 58
	Paper80 Paper = 80
)

// ParsePaper accepts 58 or 80.
func ParsePaper(mm int) (Paper, error) {
	switch Paper(mm) {
	case Paper58, Paper80:
		return Paper(mm), nil
	}
	return 0, fmt.Errorf("paper width %d mm: want 58 or 80", mm)
}

// Dots is the printable width at 203 dpi.
func (p Paper) Dots() int {
	if p == Paper58 {
		return 384
	}
	return 576
}

// Columns is the number of half-width cells on a line at size 1.
func (p Paper) Columns() int { return p.Dots() / cellDots }

// cellDots is the width of one half-width cell of font A.
const cellDots = 12

// Align is the ESC a argument.
type Align byte

// Alignments.
const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// Size multiplies the character cell: W across, H down, each 1 to 8. The
// zero value is normal size.
type Size struct{ W, H int }

// Common sizes.
var (
	Normal = Size{1, 1}
	Tall   = Size{1, 2}
	Double = Size{2, 2}
	// Huge is the ticket number. The digits of the 24-dot font stand about
	// 17 dots tall, so x4 gives about 68 dots of ink (8.5 mm at 203 dpi),
	// above the 8 mm a citizen must read across the hall; the cell is 96
	// dots. Four times 12 dots wide, 8 characters still fit on 58 mm.
	Huge = Size{4, 4}
)

func (s Size) w() int { return clamp(s.W) }
func (s Size) h() int { return clamp(s.H) }

func clamp(n int) int { return min(max(n, 1), 8) }

// QRLevel is the QR error correction level.
type QRLevel byte

// QR error correction levels (7, 15, 25, 30 % of codewords recoverable).
const (
	QRLevelL QRLevel = iota
	QRLevelM
	QRLevelQ
	QRLevelH
)

// Doc is a print-out: blocks printed top to bottom. A Doc with no Cut block
// is cut at the end.
type Doc struct {
	Blocks []Block
}

// Add appends blocks and returns d for chaining.
func (d *Doc) Add(b ...Block) *Doc {
	d.Blocks = append(d.Blocks, b...)
	return d
}

// Block is one element of a Doc. The set is closed: Text, Row, Rule, Feed,
// QR and Cut.
type Block interface{ encode(e *encoder) error }

// Text is a paragraph, wrapped to the paper width at its size. Newlines in
// Text start new lines. Hang indents the wrapped lines after the first by
// that many columns (at most half the line), for numbered lists.
type Text struct {
	Text  string
	Size  Size
	Bold  bool
	Align Align
	Hang  int
}

// Row is one line with Left at the left edge and Right at the right edge,
// for "label ... value" lines. When both do not fit, Right goes on its own
// right-aligned line below.
type Row struct {
	Left, Right string
	Bold        bool
}

// Rule is a dashed line across the paper.
type Rule struct{}

// Feed advances the paper by Lines blank lines.
type Feed struct{ Lines int }

// QR is a QR code. Module is the module size in dots (default 6); it is
// reduced, down to 3, when the symbol would not fit the paper, and the data
// is refused when even that is too wide.
type QR struct {
	Data   string
	Module int
	Level  QRLevel
	Align  Align
}

// Cut feeds the paper past the blade and cuts it.
type Cut struct{}
