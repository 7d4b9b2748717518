package printertest

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/skip2/go-qrcode"
)

// State is the printer condition the test or operator sets. It is what DLE
// EOT reports, and what decides whether anything gets onto paper.
type State struct {
	// NoReply models a printer that is off or unplugged: it answers
	// nothing and prints nothing.
	NoReply       bool `json:"no_reply"`
	Offline       bool `json:"offline"` // e.g. the feed button held
	CoverOpen     bool `json:"cover_open"`
	PaperNearEnd  bool `json:"paper_near_end"`
	PaperEnd      bool `json:"paper_end"`
	CutterError   bool `json:"cutter_error"`
	Unrecoverable bool `json:"unrecoverable"`
	// Garbage makes every status reply 0xFF, which is not a status byte:
	// a broken printer, or another device on the port.
	Garbage bool `json:"garbage"`
	// Stalled stops the printer taking bytes, as a jammed printer with a
	// full buffer does; only the serving loop honours it.
	Stalled bool `json:"stalled"`
	// PaperLeftMM, when above zero, is the paper left on the roll: the
	// printer runs out after printing that much, mid-job if need be, and
	// sets PaperEnd. Zero means an endless roll.
	PaperLeftMM int `json:"paper_left_mm"`
}

// ready reports whether the mechanism prints.
func (s State) ready() bool {
	return !s.PaperEnd && !s.CoverOpen && !s.Offline && !s.CutterError && !s.Unrecoverable
}

// Geometry of font A at 203 dpi.
const (
	CellW       = 12 // half-width cell; a Chinese character takes two
	CellH       = 24
	lineSpacing = 6 // added below each text line: 30 dots a line at 1x
	lineDots    = CellH + lineSpacing
	dotsPerMM   = 8 // 203 dpi
)

// Glyph is one character as printed.
type Glyph struct {
	R    rune
	Wide bool // a multi-byte code: a 24-dot wide glyph
	W, H int  // size multipliers
	Bold bool
}

// Width is the glyph's width in dots.
func (g Glyph) Width() int {
	if g.Wide {
		return 2 * CellW * g.W
	}
	return CellW * g.W
}

// ItemKind says what an Item is.
type ItemKind int

// Item kinds.
const (
	ItemText ItemKind = iota
	ItemFeed
	ItemQR
)

// Item is one band of paper: a text line, blank feed or a QR symbol.
type Item struct {
	Kind   ItemKind
	Align  int
	Height int // dots of paper it takes
	Glyphs []Glyph
	QR     [][]bool // modules, quiet zone included
	Module int
	Bold   bool
}

// Text returns a text line's characters.
func (it Item) Text() string {
	r := make([]rune, len(it.Glyphs))
	for i, g := range it.Glyphs {
		r[i] = g.R
	}
	return string(r)
}

// Page is the paper between two cuts, with the bytes that made it.
type Page struct {
	Items []Item
	Raw   []byte
	Dots  int // paper width
	// Truncated means paper ran out or the printer stopped while printing
	// this page: the citizen holds an incomplete slip.
	Truncated bool
	// Lost counts lines and symbols not printed because the printer could
	// not print.
	Lost int
	// AutoWrapped counts lines the printer broke itself because they were
	// wider than the paper; the driver should never cause one.
	AutoWrapped int
	Errors      []string
}

// Height is the page length in dots.
func (p *Page) Height() int {
	h := 0
	for _, it := range p.Items {
		h += it.Height
	}
	return h
}

// Text returns the page's text lines joined by newlines, for tests.
func (p *Page) Text() string {
	s := ""
	for _, it := range p.Items {
		if it.Kind == ItemText {
			s += it.Text() + "\n"
		}
	}
	return s
}

// Machine is the printer mechanism: it applies decoded commands to the
// paper and answers status requests. It has no I/O, so tests drive it
// directly; Device runs it on a pseudo-terminal.
type Machine struct {
	dots     int
	fourByte bool
	firmware string
	state    State
	leftDots int // paper left when State.PaperLeftMM > 0

	align, w, h int
	bold        bool
	qrData      []byte
	qrModule    int
	qrLevel     int

	// owed counts GS r requests received while the printer could not
	// print; a real printer answers them once it resumes.
	owed int

	line []Glyph
	page Page
	// Errs collects every decoding and protocol error with its offset.
	Errs []string
}

// NewMachine returns a printer for paper dots wide. fourByte says whether
// it prints GB18030 4-byte codes; firmware is what GS I 65 returns.
func NewMachine(dots int, fourByte bool, firmware string) *Machine {
	m := &Machine{dots: dots, fourByte: fourByte, firmware: firmware}
	m.reset()
	m.page.Dots = dots
	return m
}

func (m *Machine) reset() {
	m.align, m.w, m.h, m.bold = 0, 1, 1, false
	m.qrModule, m.qrLevel = 3, 0
}

// State returns the current condition, with the paper left as now.
func (m *Machine) State() State {
	s := m.state
	if s.PaperLeftMM > 0 {
		s.PaperLeftMM = max((m.leftDots+dotsPerMM-1)/dotsPerMM, 1)
	}
	return s
}

// SetState changes the condition, e.g. opens the cover mid-run.
func (m *Machine) SetState(s State) {
	m.state = s
	m.leftDots = s.PaperLeftMM * dotsPerMM
}

// Apply executes one command whose bytes are raw. It returns the bytes the
// printer sends back (status, firmware) and a page when the command cut one.
func (m *Machine) Apply(c Cmd, raw []byte) (reply []byte, cut *Page) {
	if m.state.NoReply {
		return nil, nil // powered off: the bytes go nowhere
	}
	m.page.Raw = append(m.page.Raw, raw...)
	late := m.payOwed()
	switch c.Op {
	case OpStatus:
		return append(late, m.status(c.Arg)...), nil
	case OpPaperSensor:
		return append(late, m.paperSensor()...), nil
	case OpFirmware:
		return m.firmwareReply(c), nil
	case OpCut:
		return late, m.cut(c)
	}
	m.exec(c)
	return late, nil
}

// paperSensor answers GS r 1 after everything before it has printed, which
// in the machine is now; a stopped printer owes the answer until it
// resumes. Bits 4 and 7 are clear; near end is 0x03, paper end 0x0C.
func (m *Machine) paperSensor() []byte {
	if !m.state.ready() {
		m.owed++
		return nil
	}
	return []byte{bit(m.state.PaperNearEnd, 0x03) | bit(m.state.PaperEnd, 0x0c)}
}

// payOwed answers GS r requests held while the printer was stopped.
func (m *Machine) payOwed() []byte {
	if m.owed == 0 || !m.state.ready() {
		return nil
	}
	out := bytes.Repeat(m.paperSensor(), m.owed)
	m.owed = 0
	return out
}

func (m *Machine) exec(c Cmd) {
	switch c.Op {
	case OpUnknown:
		m.fail(c, c.Err)
	case OpText:
		m.text(c)
	case OpLF:
		m.flush(false)
	case OpInit:
		m.reset()
	case OpBold:
		m.bold = c.Arg&1 == 1
	case OpAlign:
		m.align = c.Arg
	case OpSize:
		m.w, m.h = c.Arg>>4&7+1, c.Arg&7+1
	case OpFeed:
		m.put(Item{Kind: ItemFeed, Height: c.Arg * lineDots})
	case OpQRModel, OpChineseOn, OpChineseOff:
		// Model 2 is the only one accepted; Chinese mode is tracked by
		// the decoder.
	case OpQRModule:
		m.qrModule = c.Arg
	case OpQRLevel:
		m.qrLevel = c.Arg
	case OpQRStore:
		m.qrData = c.Data
	case OpQRPrint:
		m.printQR(c)
	}
}

func (m *Machine) fail(c Cmd, msg string) {
	e := fmt.Sprintf("offset %d: %s", c.Off, msg)
	m.Errs = append(m.Errs, e)
	m.page.Errors = append(m.page.Errors, e)
}

// text adds characters to the line, breaking it where it would pass the
// paper edge as a real printer does (and counting that: the driver should
// have wrapped).
func (m *Machine) text(c Cmd) {
	if c.FourByte && !m.fourByte {
		m.fail(c, "GB18030 4-byte code sent to a 2-byte printer (prints as garbage)")
	}
	for _, r := range c.Text {
		g := Glyph{R: r, Wide: utf8.RuneLen(r) > 1, W: m.w, H: m.h, Bold: m.bold}
		if lineWidth(m.line)+g.Width() > m.dots {
			m.flush(true)
		}
		m.line = append(m.line, g)
	}
}

func lineWidth(gs []Glyph) int {
	w := 0
	for _, g := range gs {
		w += g.Width()
	}
	return w
}

// flush prints the pending line; an empty line feeds one line.
func (m *Machine) flush(auto bool) {
	if auto {
		m.page.AutoWrapped++
	}
	h := CellH
	for _, g := range m.line {
		h = max(h, CellH*g.H)
	}
	m.put(Item{Kind: ItemText, Align: m.align, Height: h + lineSpacing, Glyphs: m.line})
	m.line = nil
}

// put lays an item on the paper if the mechanism can print, using up the
// roll; paper that runs out mid-item stops the printer there.
func (m *Machine) put(it Item) {
	if !m.state.ready() {
		m.page.Lost++
		m.page.Truncated = true
		return
	}
	if m.state.PaperLeftMM > 0 {
		if it.Height > m.leftDots {
			m.state.PaperEnd, m.state.PaperLeftMM = true, 0
			m.page.Lost++
			m.page.Truncated = true
			return
		}
		m.leftDots -= it.Height
	}
	m.page.Items = append(m.page.Items, it)
}

func (m *Machine) printQR(c Cmd) {
	if len(m.line) > 0 {
		m.flush(false)
	}
	if len(m.qrData) == 0 {
		m.fail(c, "QR print with no data stored")
		return
	}
	levels := []qrcode.RecoveryLevel{qrcode.Low, qrcode.Medium, qrcode.High, qrcode.Highest}
	q, err := qrcode.New(string(m.qrData), levels[m.qrLevel])
	if err != nil {
		m.fail(c, "QR data not encodable: "+err.Error())
		return
	}
	bits := q.Bitmap()
	if len(bits)*m.qrModule > m.dots {
		m.fail(c, fmt.Sprintf("QR symbol %d modules x %d dots is wider than the paper", len(bits), m.qrModule))
		return
	}
	m.put(Item{Kind: ItemQR, Align: m.align, Height: len(bits) * m.qrModule, QR: bits, Module: m.qrModule})
}

// cut ends the page. GS V 65/66 feed n dots first.
func (m *Machine) cut(c Cmd) *Page {
	if len(m.line) > 0 {
		m.flush(false)
	}
	if c.Arg2 > 0 {
		m.put(Item{Kind: ItemFeed, Height: c.Arg2})
	}
	if m.state.CutterError {
		m.fail(c, "cut with the cutter jammed")
	}
	p := m.page
	m.page = Page{Dots: m.dots}
	return &p
}

// status answers DLE EOT n from the current state. Every reply has bits 1
// and 4 set, bits 0 and 7 clear.
func (m *Machine) status(n int) []byte {
	s := m.state
	if s.Garbage {
		return []byte{0xff}
	}
	b := byte(0x12)
	switch n {
	case 1:
		b |= bit(!s.ready(), 0x08)
	case 2:
		b |= bit(s.CoverOpen, 0x04) | bit(s.PaperEnd, 0x20) | bit(s.CutterError || s.Unrecoverable, 0x40)
	case 3:
		b |= bit(s.CutterError, 0x08) | bit(s.Unrecoverable, 0x20)
	case 4:
		b |= bit(s.PaperNearEnd, 0x0c) | bit(s.PaperEnd, 0x60)
	}
	return []byte{b}
}

func bit(on bool, v byte) byte {
	if on {
		return v
	}
	return 0
}

// firmwareReply answers GS I 65 with 0x5F, the version and NUL. Other GS I
// requests are not implemented and logged.
func (m *Machine) firmwareReply(c Cmd) []byte {
	if c.Arg != 65 {
		m.fail(c, fmt.Sprintf("GS I %d not supported", c.Arg))
		return nil
	}
	return append(append([]byte{0x5f}, m.firmware...), 0)
}
