package idcardtest

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"syscall"
	"time"
)

// Status bytes (SW3) the virtual reader answers with.
const (
	swOK       = 0x90
	swFound    = 0x9F
	swChecksum = 0x10
	swLength   = 0x11
	swCommand  = 0x21
	swRead     = 0x41
	swSelfTest = 0x60
	swNoCard   = 0x80
	swSelect   = 0x81
)

// Fault kinds the virtual reader can inject into its next replies.
const (
	FaultBadChecksum = "bad_checksum" // the reply's checksum byte is wrong
	FaultTruncate    = "truncate"     // only the first half of the reply is sent
	FaultSlow        = "slow"         // the reply comes after DelayMS
	FaultReadFailed  = "read_failed"  // SW3 41 instead of the card text
	FaultSAMError    = "sam_error"    // SW3 60 (SAM self-test failed), or SW3
	FaultGarbage     = "garbage"      // noise bytes before the reply
	FaultSilent      = "silent"       // no reply at all
)

// Fault is an injected fault. It applies to the next Count replies
// (default 1) to command Cmd ("find", "select", "read", "reset", "sam-id",
// "status"; default any, except read_failed which defaults to "read").
type Fault struct {
	Kind    string `json:"kind"`
	Cmd     string `json:"cmd,omitempty"`
	Count   int    `json:"count,omitempty"`
	DelayMS int    `json:"delay_ms,omitempty"` // slow; default 3000
	SW3     string `json:"sw3,omitempty"`      // sam_error, hex; default 60
}

func (f Fault) validate() (Fault, error) {
	switch f.Kind {
	case FaultBadChecksum, FaultTruncate, FaultSlow, FaultGarbage, FaultSilent, FaultSAMError:
	case FaultReadFailed:
		if f.Cmd == "" {
			f.Cmd = "read"
		}
	default:
		return f, fmt.Errorf("fault kind %q unknown", f.Kind)
	}
	if f.Cmd != "" && !knownCmd(f.Cmd) {
		return f, fmt.Errorf("fault cmd %q unknown", f.Cmd)
	}
	if f.Count <= 0 {
		f.Count = 1
	}
	if f.Kind == FaultSlow && f.DelayMS <= 0 {
		f.DelayMS = 3000
	}
	if f.SW3 == "" {
		f.SW3 = "60"
	}
	if b, err := hex.DecodeString(f.SW3); err != nil || len(b) != 1 {
		return f, fmt.Errorf("fault sw3 %q: want one hex byte", f.SW3)
	}
	return f, nil
}

// commands names the requests the virtual reader answers.
var commands = map[[2]byte]string{
	{0x10, 0xFF}: "reset", {0x11, 0xFF}: "status", {0x12, 0xFF}: "sam-id",
	{0x20, 0x01}: "find", {0x20, 0x02}: "select",
	{0x30, 0x01}: "read", {0x30, 0x10}: "read-full",
}

func knownCmd(name string) bool {
	for _, n := range commands {
		if n == name {
			return true
		}
	}
	return false
}

// Options configure a Sim.
type Options struct {
	// Baud paces replies at the wire speed of a real line (10 bits a
	// byte); 0 sends them at once.
	Baud int
	// SAMID is the 16-byte SAM identity; a fixed made-up one if nil.
	SAMID []byte
	// Log receives one line per frame received and sent: command, status,
	// length. Never card text.
	Log *slog.Logger
}

// Sim is a virtual SAM reader. Its methods are safe for concurrent use:
// the control API places cards while Serve answers the kiosk.
type Sim struct {
	opt Options
	log *slog.Logger

	mu       sync.Mutex
	text     []byte // card text, nil when no card is on the reader
	label    string // what was placed, for State
	selected bool   // select succeeded since the card was placed or reset
	faults   []Fault
	requests int
	lastCmd  string
}

// New returns a Sim with no card on it.
func New(opt Options) *Sim {
	if opt.SAMID == nil {
		// 05.01-20120420-0000183473-1141225432, as printed on a module.
		opt.SAMID = []byte{0x05, 0x00, 0x01, 0x00, 0x64, 0x03, 0x33, 0x01, 0xB1, 0xCC,
			0x02, 0x00, 0xD8, 0xB7, 0x05, 0x44}
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sim{opt: opt, log: log.With("subsystem", "idcard-sim")}
}

// Place puts a card on the reader, replacing any card there. label names
// it in State and logs (a file name, not personal data).
func (s *Sim) Place(c CardFile, label string) error {
	text, err := c.Text()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.text, s.label, s.selected = text, label, false
	s.log.Info("card placed", "card", label)
	return nil
}

// Remove takes the card off the reader.
func (s *Sim) Remove() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.text, s.label, s.selected = nil, "", false
	s.log.Info("card removed")
}

// Inject queues a fault.
func (s *Sim) Inject(f Fault) error {
	f, err := f.validate()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
	return nil
}

// State is what GET /state reports.
type State struct {
	Card     bool   `json:"card"`
	Label    string `json:"label,omitempty"`
	Selected bool   `json:"selected"`
	Faults   int    `json:"faults_pending"`
	Requests int    `json:"requests"`
	LastCmd  string `json:"last_cmd,omitempty"`
}

// State reports the reader's state.
func (s *Sim) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	pending := 0
	for _, f := range s.faults {
		pending += f.Count
	}
	return State{Card: s.text != nil, Label: s.label, Selected: s.selected,
		Faults: pending, Requests: s.requests, LastCmd: s.lastCmd}
}

// Serve answers requests read from rw until rw fails or ctx ends. Bytes
// that are not a request are skipped up to the next preamble, as a SAM
// does. ctx is looked at between reads, so a caller stopping a Serve that
// waits on a quiet line closes rw too; a closed line ends Serve with nil.
func (s *Sim) Serve(ctx context.Context, rw io.ReadWriter) error {
	var in []byte
	buf := make([]byte, 4096)
	for ctx.Err() == nil {
		n, err := rw.Read(buf)
		in = append(in, buf[:n]...)
		in = s.answerAll(ctx, rw, in)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe) ||
				errors.Is(err, os.ErrClosed) || errors.Is(err, syscall.EIO) {
				return nil
			}
			return fmt.Errorf("virtual reader: read: %w", err)
		}
	}
	return ctx.Err()
}

// answerAll answers every whole request in in and returns what is left.
func (s *Sim) answerAll(ctx context.Context, w io.Writer, in []byte) []byte {
	for {
		body, sw3, rest, ok := nextRequest(in)
		in = rest
		if !ok {
			return in
		}
		reply, f := s.reply(body, sw3)
		if err := s.send(ctx, w, reply, f); err != nil {
			s.log.Warn("reply not sent", "err", err)
		}
	}
}

// nextRequest finds the next request frame. For a frame the SAM must
// refuse, sw3 is the refusal status (checksum or length error).
func nextRequest(in []byte) (body []byte, sw3 byte, rest []byte, ok bool) {
	i := bytes.Index(in, []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69})
	if i < 0 {
		return nil, 0, in[max(0, len(in)-4):], false
	}
	in = in[i:]
	if len(in) < 7 {
		return nil, 0, in, false
	}
	n := int(in[5])<<8 | int(in[6])
	if n < 3 || n > 4096 {
		return nil, swLength, in[1:], true
	}
	if len(in) < 7+n {
		return nil, 0, in, false
	}
	var x byte
	for _, b := range in[5 : 7+n-1] {
		x ^= b
	}
	if x != in[7+n-1] {
		return nil, swChecksum, in[7+n:], true
	}
	return in[7 : 7+n-1], 0, in[7+n:], true
}

// reply computes the reply to one request and takes the fault, if any,
// that applies to it.
func (s *Sim) reply(body []byte, refuse byte) ([]byte, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if refuse != 0 {
		s.log.Info("frame refused", "sw3", fmt.Sprintf("%02X", refuse))
		return Frame(refuse, nil), nil
	}
	name := "unknown"
	if len(body) >= 2 {
		if n, ok := commands[[2]byte{body[0], body[1]}]; ok {
			name = n
		}
	}
	s.lastCmd = name
	f := s.takeFault(name)
	sw3, data := s.answer(name)
	if f != nil && f.Kind == FaultReadFailed {
		sw3, data = swRead, nil
	}
	if f != nil && f.Kind == FaultSAMError {
		b, _ := hex.DecodeString(f.SW3)
		sw3, data = b[0], nil
	}
	attrs := []any{"cmd", name, "len", len(body), "sw3", fmt.Sprintf("%02X", sw3),
		"reply_len", len(data)}
	if f != nil {
		attrs = append(attrs, "fault", f.Kind)
	}
	s.log.Info("frame", attrs...)
	return Frame(sw3, data), f
}

// takeFault removes one use of the first fault that applies to cmd.
func (s *Sim) takeFault(cmd string) *Fault {
	for i := range s.faults {
		f := s.faults[i]
		if f.Cmd != "" && f.Cmd != cmd && !(f.Cmd == "read" && cmd == "read-full") {
			continue
		}
		s.faults[i].Count--
		if s.faults[i].Count == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return &f
	}
	return nil
}

// answer is the protocol: find, then select, then read, as a SAM enforces.
func (s *Sim) answer(cmd string) (byte, []byte) {
	switch cmd {
	case "reset":
		s.selected = false
		return swOK, nil
	case "status":
		return swOK, nil
	case "sam-id":
		return swOK, s.opt.SAMID
	case "find":
		if s.text == nil {
			return swNoCard, nil
		}
		return swFound, make([]byte, 4)
	case "select":
		if s.text == nil {
			return swSelect, nil
		}
		s.selected = true
		return swOK, make([]byte, 8)
	case "read", "read-full":
		if s.text == nil || !s.selected {
			return swRead, nil
		}
		return swOK, ReadReply(s.text, 1024, fingerprintLen(cmd), cmd == "read-full")
	}
	return swCommand, nil
}

// fingerprintLen is the size of the fingerprint a 30 10 reply carries.
func fingerprintLen(cmd string) int {
	if cmd == "read-full" {
		return 1024
	}
	return 0
}

// send writes a reply, shaped by its fault and paced at the baud rate.
func (s *Sim) send(ctx context.Context, w io.Writer, reply []byte, f *Fault) error {
	if f != nil {
		switch f.Kind {
		case FaultSilent:
			return nil
		case FaultBadChecksum:
			reply[len(reply)-1] ^= 0x5A
		case FaultTruncate:
			reply = reply[:len(reply)/2]
		case FaultGarbage:
			reply = append([]byte{0x00, 0xAA, 0x13, 0xAA, 0xAA, 0x96, 0xFF, 0x42, 0x69}, reply...)
		case FaultSlow:
			select {
			case <-time.After(time.Duration(f.DelayMS) * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return s.paced(w, reply)
}

// paced writes b no faster than the configured baud rate would carry it,
// so benchmarks over a pty see the wire time of a real reader.
func (s *Sim) paced(w io.Writer, b []byte) error {
	if s.opt.Baud <= 0 {
		_, err := w.Write(b)
		return err
	}
	start := time.Now()
	const chunk = 64
	for off := 0; off < len(b); off += chunk {
		end := min(off+chunk, len(b))
		if _, err := w.Write(b[off:end]); err != nil {
			return err
		}
		due := start.Add(time.Duration(end*10) * time.Second / time.Duration(s.opt.Baud))
		time.Sleep(time.Until(due))
	}
	return nil
}
