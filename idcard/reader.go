package idcard

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"hallkiosk/platform"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/logging"
)

// Port is what the driver needs of a serial line; platform.Port has it.
type Port interface {
	// ReadTimeout reads at least one byte or returns platform.ErrTimeout.
	ReadTimeout(p []byte, timeout time.Duration) (int, error)
	Write(p []byte) (int, error)
}

// Options configure a Reader. Zero fields take the default noted on each.
type Options struct {
	// Baud is the line speed, used only to size ReplyTimeout; 115200.
	Baud int
	// ReplyTimeout bounds one exchange from request to the whole reply;
	// default 500 ms plus the wire time of the longest reply at Baud.
	ReplyTimeout time.Duration
	// PollInterval is the pause between find-card polls; 250 ms, so a
	// card is noticed within a quarter second of being placed.
	PollInterval time.Duration
	// Fingerprint reads with 30 10 (text, photo and fingerprint) instead
	// of 30 01, for modules configured that way; the extra data is
	// discarded like the photo.
	Fingerprint bool
	// ReadAttempts is how many times a found card is selected and read
	// before it is reported unreadable; 3.
	ReadAttempts int
	// RemoveAfter is how many consecutive empty finds mark a resting card
	// removed; 2, so one missed poll does not read the card twice.
	RemoveAfter int
	// ResetAfter is how many consecutive line or SAM failures trigger a
	// SAM reset (10 FF); 3.
	ResetAfter int
	// MaxBackoff caps the pause between polls after failures, which
	// doubles from PollInterval; 5 s.
	MaxBackoff time.Duration
	// Clock paces polls and dates expiry; clock.Real{}. Exchanges
	// themselves time out by the wall clock, since the port does.
	Clock clock.Clock
	// Log receives frame-level diagnostics (commands, status words,
	// lengths; never card text); slog.Default().
	Log *slog.Logger
}

// maxReplyBytes is the longest reply, 30 10 with a fingerprint.
const maxReplyBytes = 2328

func (o Options) withDefaults() Options {
	if o.Baud <= 0 {
		o.Baud = 115200
	}
	if o.ReplyTimeout <= 0 {
		wire := time.Duration(maxReplyBytes*10) * time.Second / time.Duration(o.Baud)
		o.ReplyTimeout = (500*time.Millisecond + wire).Round(time.Millisecond)
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 250 * time.Millisecond
	}
	if o.ReadAttempts <= 0 {
		o.ReadAttempts = 3
	}
	if o.RemoveAfter <= 0 {
		o.RemoveAfter = 2
	}
	if o.ResetAfter <= 0 {
		o.ResetAfter = 3
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Second
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	return o
}

// Reader drives one SAM module. Its exchange methods (Find, Select, Read,
// SAMID, Reset) make one attempt each; Run is the poll loop. A Reader is
// not safe for concurrent use: one goroutine owns the line.
type Reader struct {
	port Port
	opt  Options
	log  *slog.Logger
	rx   []byte
	// dirty says the last exchange failed, so a late reply to it may
	// still arrive; the next exchange drains the line first. Draining
	// then, after the poll loop's backoff, catches more than draining at
	// once would.
	dirty bool
}

// New returns a Reader on port.
func New(port Port, opt Options) *Reader {
	opt = opt.withDefaults()
	log := logging.For(opt.Log, "idcard")
	if s, ok := port.(fmt.Stringer); ok {
		log = log.With(logging.KeyPort, s.String())
	}
	return &Reader{port: port, opt: opt, log: log}
}

// String names the reader and its port for logs and diagnostics.
func (r *Reader) String() string {
	if s, ok := r.port.(fmt.Stringer); ok {
		return "idcard reader on " + s.String()
	}
	return "idcard reader"
}

// Exchange sends cmd and returns the reply's SW3 and data: one attempt,
// no retry. A status other than want is a *StatusError. Line trouble is
// ErrTimeout, ErrChecksum, ErrLength or ErrFrame; after it the input is
// drained before the next request, so a late reply cannot answer it.
func (r *Reader) Exchange(cmd Command, want byte) ([]byte, error) {
	if r.dirty {
		r.drain()
	}
	sw3, data, err := r.exchange(cmd)
	r.dirty = err != nil
	if err != nil {
		r.log.Debug("exchange failed", "cmd", cmd.String(), logging.KeyErr, err)
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	r.log.Debug("exchange", "cmd", cmd.String(), "sw3", fmt.Sprintf("%02X", sw3), "len", len(data))
	if sw3 != want {
		return nil, &StatusError{Cmd: cmd, SW3: sw3}
	}
	return data, nil
}

func (r *Reader) exchange(cmd Command) (byte, []byte, error) {
	r.rx = r.rx[:0]
	if _, err := r.port.Write(cmd.Encode()); err != nil {
		return 0, nil, fmt.Errorf("write request: %w", err)
	}
	f, err := r.readFrame(time.Now().Add(r.opt.ReplyTimeout))
	if err != nil {
		return 0, nil, err
	}
	return f.Reply()
}

// readFrame reads until a whole frame, a bad frame or the deadline. Bytes
// before a preamble are skipped, which resynchronises after garbage.
func (r *Reader) readFrame(deadline time.Time) (Frame, error) {
	var buf [512]byte
	for {
		f, n, err := Split(r.rx)
		r.rx = r.rx[:copy(r.rx, r.rx[n:])]
		if !errors.Is(err, ErrIncomplete) {
			return f, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return Frame{}, r.timeoutErr()
		}
		k, err := r.port.ReadTimeout(buf[:], left)
		if err != nil && !errors.Is(err, platform.ErrTimeout) {
			return Frame{}, fmt.Errorf("read reply: %w", err)
		}
		r.rx = append(r.rx, buf[:k]...)
	}
}

func (r *Reader) timeoutErr() error {
	if len(r.rx) > 0 {
		return fmt.Errorf("reply stopped after %d bytes of a frame within %v: %w",
			len(r.rx), r.opt.ReplyTimeout, ErrTimeout)
	}
	return fmt.Errorf("no reply within %v: %w", r.opt.ReplyTimeout, ErrTimeout)
}

// drain discards what is left on the line after a failed exchange: it
// reads until the line is quiet, at most 8 reads.
func (r *Reader) drain() {
	clear(r.rx)
	r.rx = r.rx[:0]
	var buf [512]byte
	for i := 0; i < 8; i++ {
		if _, err := r.port.ReadTimeout(buf[:], 20*time.Millisecond); err != nil {
			return
		}
	}
}

// Find asks whether a card is on the reader: nil if so, ErrFindFailed if
// not.
func (r *Reader) Find() error {
	_, err := r.Exchange(CmdFind, swFound)
	return err
}

// Select selects the card found by Find.
func (r *Reader) Select() error {
	_, err := r.Exchange(CmdSelect, swOK)
	return err
}

// Reset resets the SAM module.
func (r *Reader) Reset() error {
	_, err := r.Exchange(CmdReset, swOK)
	return err
}

// SAMID reads the SAM's identity for diagnostics, formatted as printed on
// the module ("05.01-20120420-0000183473-1141225432").
func (r *Reader) SAMID() (string, error) {
	data, err := r.Exchange(CmdSAMID, swOK)
	if err != nil {
		return "", err
	}
	if len(data) != 16 {
		return "", fmt.Errorf("%s: %d bytes of SAM id (want 16): %w", CmdSAMID, len(data), ErrLength)
	}
	le := binary.LittleEndian
	return fmt.Sprintf("%02d.%02d-%08d-%010d-%010d", le.Uint16(data), le.Uint16(data[2:]),
		le.Uint32(data[4:]), le.Uint32(data[8:]), le.Uint32(data[12:])), nil
}

// Read reads and decodes the selected card. The photo (and fingerprint)
// bytes are zeroed and dropped; so is the raw text once decoded.
func (r *Reader) Read() (*Card, error) {
	cmd := CmdRead
	if r.opt.Fingerprint {
		cmd = CmdReadFull
	}
	data, err := r.Exchange(cmd, swOK)
	defer clear(data)
	defer clear(r.rx[:cap(r.rx)])
	if err != nil {
		return nil, err
	}
	text, err := SplitRead(data, r.opt.Fingerprint)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	return DecodeText(text, r.opt.Clock.Now())
}

// SplitRead checks the length fields of a read reply's data and returns
// the card text within it. withFP says the reply is to 30 10 and carries a
// fingerprint length too.
func SplitRead(data []byte, withFP bool) ([]byte, error) {
	head := 4
	if withFP {
		head = 6
	}
	if len(data) < head {
		return nil, fmt.Errorf("read reply of %d bytes: %w", len(data), ErrLength)
	}
	be := binary.BigEndian
	textLen, rest := int(be.Uint16(data)), int(be.Uint16(data[2:]))
	if withFP {
		rest += int(be.Uint16(data[4:]))
	}
	if textLen != TextLen || len(data) != head+textLen+rest {
		return nil, fmt.Errorf("read reply of %d bytes declares text %d and %d more: %w",
			len(data), textLen, rest, ErrLength)
	}
	return data[head : head+textLen], nil
}
