package platform

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"hallkiosk/platform/clock"
)

// ErrDeviceGone means the device node could not be opened; the port will
// try again after its backoff. Drivers report it as "unplugged".
var ErrDeviceGone = errors.New("serial: device not available")

// ReopenOptions tunes a ReopeningPort. Zero fields take the defaults noted.
type ReopenOptions struct {
	Clock      clock.Clock   // default clock.Real{}
	MinBackoff time.Duration // first wait after a failure; default 200ms
	MaxBackoff time.Duration // cap on the doubling wait; default 5s
}

// ReopeningPort keeps a serial device usable across its node disappearing
// and returning, as USB-serial adapters do when knocked loose. tarm/serial
// raises no error on unplugging, so a failed read or write (other than a
// timeout) is what drops the port; the next call after the backoff reopens
// it. Calls never sleep: while the device is away they fail at once with
// ErrDeviceGone, so a kiosk screen is never frozen by a missing printer.
type ReopeningPort struct {
	open func() (Port, error)
	opts ReopenOptions
	name string

	mu       sync.Mutex
	cur      Port
	failures int
	next     time.Time // no open attempt before this
	lastErr  error
}

var _ Port = (*ReopeningPort)(nil)

// NewReopeningPort wraps open, which makes one attempt to open the device.
func NewReopeningPort(name string, open func() (Port, error), opts ReopenOptions) *ReopeningPort {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.MinBackoff == 0 {
		opts.MinBackoff = 200 * time.Millisecond
	}
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = 5 * time.Second
	}
	return &ReopeningPort{open: open, opts: opts, name: name}
}

// ReopenSerial is NewReopeningPort over OpenSerial(cfg).
func ReopenSerial(cfg SerialConfig, opts ReopenOptions) *ReopeningPort {
	return NewReopeningPort(cfg.Path, func() (Port, error) { return OpenSerial(cfg) }, opts)
}

// String names the port.
func (r *ReopeningPort) String() string { return r.name + " (reopening)" }

// open1 makes at most one open attempt, honouring the backoff.
func (r *ReopeningPort) open1() (Port, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur != nil {
		return r.cur, nil
	}
	now := r.opts.Clock.Now()
	if now.Before(r.next) {
		return nil, fmt.Errorf("%s: %w (next try in %v): %v", r.name, ErrDeviceGone, r.next.Sub(now).Round(time.Millisecond), r.lastErr)
	}
	p, err := r.open()
	if err != nil {
		r.failures++
		r.lastErr = err
		r.next = now.Add(r.backoff())
		return nil, fmt.Errorf("%s: %w: %v", r.name, ErrDeviceGone, err)
	}
	r.cur, r.failures, r.lastErr = p, 0, nil
	return p, nil
}

func (r *ReopeningPort) backoff() time.Duration {
	d := r.opts.MinBackoff
	for i := 1; i < r.failures && d < r.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, r.opts.MaxBackoff)
}

// drop closes the current port after an I/O error so the next call reopens.
func (r *ReopeningPort) drop(p Port) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == p {
		r.cur.Close()
		r.cur = nil
	}
}

// ReadTimeout implements Port.
func (r *ReopeningPort) ReadTimeout(b []byte, timeout time.Duration) (int, error) {
	p, err := r.open1()
	if err != nil {
		return 0, err
	}
	n, err := p.ReadTimeout(b, timeout)
	if err != nil && !errors.Is(err, ErrTimeout) {
		r.drop(p)
	}
	return n, err
}

// Write implements Port.
func (r *ReopeningPort) Write(b []byte) (int, error) {
	p, err := r.open1()
	if err != nil {
		return 0, err
	}
	n, err := p.Write(b)
	if err != nil {
		r.drop(p)
	}
	return n, err
}

// Connected reports whether a device is open now.
func (r *ReopeningPort) Connected() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur != nil
}

// WaitOpen retries with backoff until the device opens or ctx ends; used at
// start-up and by self-tests that want to wait for a technician to plug in.
func (r *ReopeningPort) WaitOpen(ctx context.Context) error {
	for {
		_, err := r.open1()
		if err == nil {
			return nil
		}
		r.mu.Lock()
		wait := r.next.Sub(r.opts.Clock.Now())
		r.mu.Unlock()
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", r.name, errors.Join(ctx.Err(), err))
		case <-r.opts.Clock.After(wait):
		}
	}
}

// Close closes the current device, if any.
func (r *ReopeningPort) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == nil {
		return nil
	}
	err := r.cur.Close()
	r.cur = nil
	return err
}
