package printertest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"hallkiosk/platform/atomicfile"
	"hallkiosk/platform/logging"
)

// Options configure a Device. Zero fields take the defaults noted.
type Options struct {
	Dots     int    // paper width in dots; default 576 (80 mm)
	Baud     int    // pace input like a serial line at this rate; 0 = no pacing
	FourByte bool   // prints GB18030 4-byte codes; default false (2-byte only)
	Firmware string // GS I 65 answer; default "VP-1.0 hallsim"
	// OnPage is called, from the serving goroutine, with each cut page.
	OnPage func(n int, p *Page)
	Log    *slog.Logger
}

// Device is the virtual printer on one end of a byte stream, normally the
// master side of a pseudo-terminal. Its state may be changed while it runs.
type Device struct {
	opts Options

	mu    sync.Mutex
	m     *Machine
	dec   Decoder
	pages []*Page
	recv  int
}

// NewDevice returns a virtual printer.
func NewDevice(opts Options) *Device {
	if opts.Dots == 0 {
		opts.Dots = 576
	}
	if opts.Firmware == "" {
		opts.Firmware = "VP-1.0 hallsim"
	}
	opts.Log = logging.For(opts.Log, "vprinter")
	return &Device{opts: opts, m: NewMachine(opts.Dots, opts.FourByte, opts.Firmware)}
}

// State returns the printer's condition.
func (d *Device) State() State {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.m.State()
}

// SetState switches the condition; it takes effect from the next byte.
func (d *Device) SetState(s State) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.m.SetState(s)
	d.opts.Log.Info("state changed", "state", fmt.Sprintf("%+v", s))
}

// Pages returns the pages cut so far.
func (d *Device) Pages() []*Page {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*Page(nil), d.pages...)
}

// Errors returns every decoding or protocol error so far, with offsets.
func (d *Device) Errors() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.m.Errs...)
}

// Received is the number of bytes taken so far.
func (d *Device) Received() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.recv
}

// Serve reads rw until it fails or ctx ends, answering on rw. Closing the
// far end (or the pty) ends it too. While the state says Stalled it stops
// reading, so the writer's buffer fills as with a jammed printer.
func (d *Device) Serve(ctx context.Context, rw io.ReadWriter) error {
	buf := make([]byte, 64) // small reads keep the pacing fine-grained
	pace := newPacer(d.opts.Baud)
	full := false // the last read filled buf: more bytes were waiting
	for ctx.Err() == nil {
		if d.State().Stalled {
			// A jammed printer holds the host back (flow control): the
			// bytes after a stall start afresh, not in a burst.
			full = false
			time.Sleep(10 * time.Millisecond)
			continue
		}
		start := time.Now()
		n, err := rw.Read(buf)
		if n > 0 {
			pace.wait(n, full && time.Since(start) < queuedRead)
			full = n == len(buf)
			if werr := d.take(buf[:n], rw); werr != nil {
				return werr
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, os.ErrClosed) {
				return nil
			}
			return fmt.Errorf("virtual printer read: %w", err)
		}
	}
	return ctx.Err()
}

// take decodes and executes b, writing any replies.
func (d *Device) take(b []byte, w io.Writer) error {
	d.mu.Lock()
	replies, pages := d.process(b)
	d.mu.Unlock()
	for _, p := range pages {
		d.opts.Log.Info("page cut", "page", p.n, "lines", len(p.p.Items), "bytes", len(p.p.Raw),
			"truncated", p.p.Truncated, "errors", len(p.p.Errors))
		if d.opts.OnPage != nil {
			d.opts.OnPage(p.n, p.p)
		}
	}
	if len(replies) == 0 {
		return nil
	}
	if _, err := w.Write(replies); err != nil {
		return fmt.Errorf("virtual printer reply: %w", err)
	}
	return nil
}

type numbered struct {
	n int
	p *Page
}

func (d *Device) process(b []byte) (replies []byte, pages []numbered) {
	d.recv += len(b)
	// The commands below may begin in bytes held back from the last read.
	all := append(append([]byte(nil), d.dec.buf...), b...)
	base := d.dec.off
	for _, c := range d.dec.Feed(b) {
		raw := all[c.Off-base : c.Off-base+c.Len]
		d.logCmd(c, raw)
		reply, cut := d.m.Apply(c, raw)
		replies = append(replies, reply...)
		if cut != nil {
			d.pages = append(d.pages, cut)
			pages = append(pages, numbered{len(d.pages), cut})
		}
	}
	return replies, pages
}

func (d *Device) logCmd(c Cmd, raw []byte) {
	if c.Op == OpUnknown {
		d.opts.Log.Error("unknown command", "offset", c.Off, "bytes", fmt.Sprintf("% x", raw), "err", c.Err)
		return
	}
	d.opts.Log.Debug("received", "offset", c.Off, "cmd", c.Op.String(), "arg", c.Arg, "len", c.Len)
}

// pacer sleeps so that input is taken no faster than a serial line at baud
// (10 bits a byte: start, 8 data, stop). Idle time is not banked: bytes
// that arrive after a pause still take their full wire time. Lateness is:
// bytes of a stream that were already queued when the printer came to read
// them were on the wire meanwhile, as a real UART receives while the
// firmware is busy, so a late wake-up or a slow page save does not stretch
// the line.
type pacer struct {
	baud  int
	due   time.Time // when the bytes taken so far have fully arrived
	now   func() time.Time
	until func(time.Time) // returns at the given time or a little later
}

// queuedRead: a read that returns sooner than this, after one that filled
// the buffer, took bytes that were waiting.
const queuedRead = 200 * time.Microsecond

func newPacer(baud int) *pacer {
	return &pacer{baud: baud, now: time.Now, until: sleepUntil}
}

// wait holds n bytes back until the line would have carried them. queued
// says they were waiting when the read began, so the line was busy.
func (p *pacer) wait(n int, queued bool) {
	if p.baud <= 0 {
		return
	}
	now := p.now()
	if p.due.IsZero() || (!queued && p.due.Before(now)) {
		p.due = now
	}
	p.due = p.due.Add(time.Duration(n) * 10 * time.Second / time.Duration(p.baud))
	if p.due.After(now) {
		p.until(p.due)
	}
}

// spinBelow: time.Sleep wakes up to about a millisecond late on some
// virtual machines, four times the 0.26 ms a 3-byte status request takes at
// 115200 baud. Waits this short are spun instead, so the virtual line's
// round trips are those of a real one.
const spinBelow = 1500 * time.Microsecond

func sleepUntil(t time.Time) {
	if d := time.Until(t); d >= spinBelow {
		time.Sleep(d)
		return
	}
	for time.Now().Before(t) {
		runtime.Gosched()
	}
}

// SavePage writes page n as dir/NNNN.png (rendered) and dir/NNNN.bin (the
// bytes received since the previous cut).
func SavePage(dir string, n int, p *Page, r *Renderer) error {
	base := filepath.Join(dir, fmt.Sprintf("%04d", n))
	if err := atomicfile.Write(base+".bin", p.Raw, 0o644); err != nil {
		return fmt.Errorf("save page %d: %w", n, err)
	}
	png, err := EncodePNG(r.Render(p))
	if err != nil {
		return fmt.Errorf("save page %d: %w", n, err)
	}
	return atomicfile.Write(base+".png", png, 0o644)
}
