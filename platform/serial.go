package platform

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/tarm/serial"
)

// Serial errors. Drivers compare with errors.Is.
var (
	// ErrTimeout means nothing arrived within the read timeout.
	ErrTimeout = errors.New("serial: read timed out")
	// ErrWriteStalled means a write did not finish within the write timeout;
	// the port is closed because the stalled write cannot be taken back.
	ErrWriteStalled = errors.New("serial: write stalled")
	// ErrClosed means the port was closed.
	ErrClosed = errors.New("serial: port closed")
)

// Port is a serial line as the printer and ID-card drivers use it.
type Port interface {
	// ReadTimeout reads at least one byte, waiting at most timeout. It
	// returns ErrTimeout when nothing arrived.
	ReadTimeout(p []byte, timeout time.Duration) (int, error)
	// Write writes all of p or fails (ErrWriteStalled after the port's
	// write timeout).
	Write(p []byte) (int, error)
	Close() error
	String() string
}

// Parity of a serial line.
type Parity byte

// Parities.
const (
	ParityNone Parity = 'N'
	ParityOdd  Parity = 'O'
	ParityEven Parity = 'E'
)

// SerialConfig says how to open a serial port. Zero fields take the
// defaults noted on each.
type SerialConfig struct {
	Path     string
	Baud     int    // default 115200
	DataBits int    // default 8
	Parity   Parity // default ParityNone
	StopBits int    // 1 (default) or 2
	// WriteTimeout bounds one Write; default 5s. A thermal printer that
	// stops taking bytes (paper jam, unplugged adapter) must not freeze the
	// kiosk.
	WriteTimeout time.Duration
}

func (c SerialConfig) withDefaults() SerialConfig {
	if c.Baud == 0 {
		c.Baud = 115200
	}
	if c.DataBits == 0 {
		c.DataBits = 8
	}
	if c.Parity == 0 {
		c.Parity = ParityNone
	}
	if c.StopBits == 0 {
		c.StopBits = 1
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 5 * time.Second
	}
	return c
}

// pollStep is the termios VTIME the port is opened with. tarm/serial turns
// a read timeout into VMIN=0/VTIME in 0.1 s steps and reports an expired
// VTIME as (0, io.EOF) on Linux; ReadTimeout loops over such steps, so a
// per-call timeout is honoured to within one step while data that arrives
// is returned at once.
const pollStep = 100 * time.Millisecond

// SerialPort is a Port on a real (or pseudo-) terminal device.
type SerialPort struct {
	cfg SerialConfig
	p   *serial.Port

	rmu sync.Mutex // one reader at a time
	wmu sync.Mutex // one writer at a time

	mu     sync.Mutex
	closed bool
}

var _ Port = (*SerialPort)(nil)

// OpenSerial opens the device at cfg.Path in raw mode.
func OpenSerial(cfg SerialConfig) (*SerialPort, error) {
	cfg = cfg.withDefaults()
	if cfg.Path == "" {
		return nil, errors.New("serial: no device path given")
	}
	var stop serial.StopBits
	switch cfg.StopBits {
	case 1:
		stop = serial.Stop1
	case 2:
		stop = serial.Stop2
	default:
		return nil, fmt.Errorf("serial: stop bits %d not supported (use 1 or 2)", cfg.StopBits)
	}
	if cfg.DataBits < 5 || cfg.DataBits > 8 {
		return nil, fmt.Errorf("serial: data bits %d not supported (use 5 to 8)", cfg.DataBits)
	}
	p, err := serial.OpenPort(&serial.Config{
		Name:        cfg.Path,
		Baud:        cfg.Baud,
		Size:        byte(cfg.DataBits),
		Parity:      serial.Parity(cfg.Parity),
		StopBits:    stop,
		ReadTimeout: pollStep,
	})
	if err != nil {
		return nil, fmt.Errorf("open serial %s at %d baud: %w%s", cfg.Path, cfg.Baud, err, permissionHint(err))
	}
	return &SerialPort{cfg: cfg, p: p}, nil
}

// permissionHint tells the operator what to do when the node exists but
// cannot be opened.
func permissionHint(err error) string {
	if err != nil && strings.Contains(err.Error(), "permission denied") {
		return " (run as root or add the user to the dialout group)"
	}
	return ""
}

// String names the port for logs.
func (s *SerialPort) String() string {
	return fmt.Sprintf("%s@%d", s.cfg.Path, s.cfg.Baud)
}

// ReadTimeout implements Port.
func (s *SerialPort) ReadTimeout(b []byte, timeout time.Duration) (int, error) {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	deadline := time.Now().Add(timeout)
	for {
		if s.isClosed() {
			return 0, ErrClosed
		}
		n, err := s.p.Read(b)
		if n > 0 {
			return n, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			if s.isClosed() {
				return 0, ErrClosed
			}
			return 0, fmt.Errorf("read %s: %w", s.cfg.Path, err)
		}
		// (0, io.EOF) or (0, nil): one VTIME step passed with no data.
		if !time.Now().Before(deadline) {
			return 0, ErrTimeout
		}
	}
}

// Write implements Port. The write runs in a goroutine so a device that
// stops draining cannot block the caller past WriteTimeout; after a stall
// the port is closed, because the bytes still queued cannot be recalled.
func (s *SerialPort) Write(b []byte) (int, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.isClosed() {
		return 0, ErrClosed
	}
	done := make(chan writeResult, 1)
	go func() {
		n, err := s.p.Write(b)
		done <- writeResult{n, err}
	}()
	timer := time.NewTimer(s.cfg.WriteTimeout)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.err != nil {
			return r.n, fmt.Errorf("write %s: %w", s.cfg.Path, r.err)
		}
		return r.n, nil
	case <-timer.C:
		if s.markClosed() {
			go s.abandon(done)
		}
		return 0, fmt.Errorf("write %d bytes to %s: %w after %v", len(b), s.cfg.Path, ErrWriteStalled, s.cfg.WriteTimeout)
	}
}

type writeResult struct {
	n   int
	err error
}

// abandon gets a stalled write out of the kernel and closes the port. A
// blocked write(2) on a terminal is not interrupted by close(2), and Go's
// Close waits for it; discarding the queued output (TCIOFLUSH) makes room,
// so the write finishes and the descriptor can really be closed. The bytes
// discarded belong to the job that already failed.
func (s *SerialPort) abandon(done <-chan writeResult) {
	defer s.p.Close()
	for i := 0; i < 200; i++ { // up to about 2 s
		select {
		case <-done:
			return
		default:
		}
		s.p.Flush()
		time.Sleep(10 * time.Millisecond)
	}
	// BUG(hallkiosk): a device that still will not drain keeps this
	// goroutine and its descriptor until it does; the next open uses a new
	// descriptor, so the kiosk carries on.
	<-done
}

// Close closes the port. It is safe to call more than once, and while a
// write is stalled (that write's own cleanup then closes the device).
func (s *SerialPort) Close() error {
	if !s.markClosed() {
		return nil
	}
	return s.p.Close()
}

// markClosed sets the closed flag and reports whether this call set it.
func (s *SerialPort) markClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.closed = true
	return true
}

func (s *SerialPort) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}
