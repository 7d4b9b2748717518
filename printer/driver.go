package printer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"hallkiosk/platform"
	"hallkiosk/platform/logging"
)

// PaperLowSensor is any input that says the roll is running low, typically
// the kiosk's paper_low GPIO line. The driver merges it into Status.
type PaperLowSensor interface {
	PaperLow() (bool, error)
}

// Options configure a Driver. Zero fields take the defaults noted.
type Options struct {
	// Format is the paper width and code range; see Format for defaults.
	Format Format
	// StatusTimeout bounds the wait for each DLE EOT reply; default 500ms.
	// Printers answer within milliseconds; the margin covers a busy USB
	// adapter. A timeout means no reply (unplugged or off).
	StatusTimeout time.Duration
	// WriteTimeout bounds writing one job; default 10s, which covers a
	// long guide print-out at 9600 baud. A stalled write is cut off and the
	// port closed.
	WriteTimeout time.Duration
	// PrintTimeout bounds the wait for the printer to confirm a job has
	// come out (GS r 1 after the cut); default 5s, above the time a long
	// guide print-out takes at 100 mm/s. It is only reached when the
	// printer has stopped, e.g. out of paper mid-job.
	PrintTimeout time.Duration
	// NoConfirm skips that confirmation, for a printer without GS r: the
	// status after the cut is then read at once and paper that runs out
	// in the last centimetres of a job can go unnoticed.
	NoConfirm bool
	// PaperLow, when set, is read with every status query.
	PaperLow PaperLowSensor
	// Log receives the driver's records; default slog.Default().
	Log *slog.Logger
}

func (o Options) withDefaults() Options {
	o.Format = o.Format.withDefaults()
	if o.StatusTimeout <= 0 {
		o.StatusTimeout = 500 * time.Millisecond
	}
	if o.PrintTimeout <= 0 {
		o.PrintTimeout = 5 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	o.Log = logging.For(o.Log, "printer")
	return o
}

// Driver prints on one ESC/POS printer. Its methods may be called from
// several goroutines; they take turns on the port, because a status request
// written into the middle of a job would be printed as text.
type Driver struct {
	port platform.Port
	opts Options

	mu    sync.Mutex
	drain bool // an earlier reply timed out and may still arrive
	// lateConfirm: a GS r 1 went unanswered (the printer stopped mid-job);
	// its reply comes when the printer resumes, maybe minutes later, and
	// must not be taken for a status byte.
	lateConfirm bool
	closed      bool
}

// New returns a driver on port. The driver owns the port: Close closes it.
func New(port platform.Port, opts Options) *Driver {
	opts = opts.withDefaults()
	opts.Log = opts.Log.With(logging.KeyPort, port.String())
	return &Driver{port: port, opts: opts}
}

// String names the printer for logs.
func (d *Driver) String() string {
	return fmt.Sprintf("escpos %dmm on %s", d.opts.Format.Paper, d.port)
}

// Format returns what the driver encodes for.
func (d *Driver) Format() Format { return d.opts.Format }

// Close closes the port. Later calls fail with ErrClosed.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	return d.port.Close()
}

// Status asks the printer for its state. A printer that does not answer in
// time is reported as Status{NoReply: true} with a nil error; a port that
// fails is an ErrNoReply error; a printer that answers garbage is an
// ErrBadReply error, never a ready status.
func (d *Driver) Status(ctx context.Context) (Status, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.status(ctx)
}

func (d *Driver) status(ctx context.Context) (Status, error) {
	if d.closed {
		return Status{}, newError("status", ErrClosed, nil)
	}
	if err := ctx.Err(); err != nil {
		return Status{}, fmt.Errorf("printer status: %w", err)
	}
	st, err := d.askPrinter()
	if err != nil {
		return Status{}, err
	}
	d.readSensor(&st)
	return st, nil
}

// askPrinter sends DLE EOT 1, 2 and 4, and 3 when 2 reports an error.
func (d *Driver) askPrinter() (Status, error) {
	d.drainLate()
	var r [5]byte
	for _, n := range []byte{statusPrinter, statusOffline, statusPaper} {
		b, err := d.query(n)
		if errors.Is(err, errNoAnswer) {
			d.drain = true
			return Status{NoReply: true}, nil
		}
		if err != nil {
			return Status{}, err
		}
		r[n] = b
	}
	if r[statusOffline]&0x40 != 0 {
		// Which error is a detail: a printer in error also reports itself
		// offline (DLE EOT 1), which stops printing. A reply that comes
		// late must not answer the next request.
		b, err := d.query(statusError)
		switch {
		case errors.Is(err, errNoAnswer):
			d.drain = true
		case err != nil:
			return Status{}, err
		}
		r[statusError] = b
	}
	return decodeStatus(r[1], r[2], r[3], r[4]), nil
}

// query sends DLE EOT n and reads the reply. A port that fails (the USB
// adapter pulled, the far end gone) is reported as ErrNoReply with the
// cause: to the kiosk it is the same as a printer that does not answer.
func (d *Driver) query(n byte) (byte, error) {
	if _, err := d.port.Write(cmdStatus(n)); err != nil {
		return 0, newError("status", ErrNoReply, err)
	}
	b, err := readStatus(d.port, d.opts.StatusTimeout, &d.lateConfirm)
	switch {
	case err == nil, errors.Is(err, errNoAnswer):
		return b, err
	case errors.Is(err, errNotStatus):
		return 0, newError("status", ErrBadReply, fmt.Errorf("DLE EOT %d: %w", n, err))
	}
	return 0, newError("status", ErrNoReply, err)
}

// drainLate discards a reply that arrived after its request timed out, so
// it is not taken as the answer to the next request.
func (d *Driver) drainLate() {
	if !d.drain {
		return
	}
	var buf [64]byte
	for {
		n, err := d.port.ReadTimeout(buf[:], time.Millisecond)
		if n > 0 {
			d.opts.Log.Warn("discarded late printer reply", "bytes", fmt.Sprintf("% x", buf[:n]))
		}
		if err != nil {
			break
		}
	}
	d.drain = false
}

func (d *Driver) readSensor(st *Status) {
	if d.opts.PaperLow == nil {
		return
	}
	low, err := d.opts.PaperLow.PaperLow()
	if err != nil {
		st.SensorErr = err.Error()
		d.opts.Log.Warn("paper_low sensor unreadable", logging.KeyErr, err)
		return
	}
	st.PaperLow = low
}

// portError classifies an error from the port.
func (d *Driver) portError(op string, err error) error {
	switch {
	case errors.Is(err, platform.ErrWriteStalled):
		return newError(op, ErrWriteStalled, err)
	case errors.Is(err, platform.ErrClosed):
		return newError(op, ErrNoReply, err)
	}
	return newError(op, ErrWriteFailed, err)
}

// Firmware asks the printer for its firmware version (GS I 65). The reply is
// 0x5F, the version text, then NUL.
func (d *Driver) Firmware(ctx context.Context) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return "", newError("firmware", ErrClosed, nil)
	}
	d.drainLate()
	if _, err := d.port.Write(cmdFirmware()); err != nil {
		return "", d.portError("firmware", err)
	}
	var reply []byte
	var b [1]byte
	for len(reply) < 80 {
		if err := readByte(d.port, b[:], d.opts.StatusTimeout); err != nil {
			d.drain = true
			return "", newError("firmware", ErrNoReply, err)
		}
		if len(reply) == 0 && d.lateConfirm && b[0]&0x90 == 0 {
			d.lateConfirm = false // the owed GS r reply, not the version
			continue
		}
		if b[0] == 0 {
			break
		}
		reply = append(reply, b[0])
	}
	if len(reply) == 0 || reply[0] != 0x5f || bytes.ContainsFunc(reply[1:], isControl) {
		return "", newError("firmware", ErrBadReply, fmt.Errorf("reply % x", reply))
	}
	return string(reply[1:]), nil
}

func isControl(r rune) bool { return r < 0x20 || r >= 0x7f }
