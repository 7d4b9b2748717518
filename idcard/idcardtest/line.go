package idcardtest

import (
	"context"
	"io"
	"sync"
	"time"

	"hallkiosk/platform"
)

// Line is an in-memory serial line with a Sim on the far end, for unit
// tests that need neither a pty nor the 100 ms read steps of a tty. Its
// kiosk end has the platform.Port methods the driver uses.
type Line struct {
	toSim, toHost *pipe
	stop          context.CancelFunc
	done          chan struct{}
}

// NewLine starts s on a new in-memory line. Close stops it.
func NewLine(s *Sim) *Line {
	ctx, stop := context.WithCancel(context.Background())
	l := &Line{toSim: newPipe(), toHost: newPipe(), stop: stop, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		s.Serve(ctx, simEnd{l})
	}()
	return l
}

// ReadTimeout implements platform.Port.
func (l *Line) ReadTimeout(b []byte, d time.Duration) (int, error) {
	return l.toHost.read(b, d)
}

// Write implements platform.Port.
func (l *Line) Write(b []byte) (int, error) { return l.toSim.write(b) }

// String names the line.
func (l *Line) String() string { return "memory-line" }

// Close stops the Sim and closes both directions.
func (l *Line) Close() error {
	l.stop()
	l.toSim.close()
	l.toHost.close()
	<-l.done
	return nil
}

// simEnd is the Sim's side: blocking reads.
type simEnd struct{ l *Line }

func (e simEnd) Read(b []byte) (int, error) {
	for {
		n, err := e.l.toSim.read(b, time.Hour)
		if err != platform.ErrTimeout {
			return n, err
		}
	}
}

func (e simEnd) Write(b []byte) (int, error) { return e.l.toHost.write(b) }

// pipe is one direction of a Line.
type pipe struct {
	mu     sync.Mutex
	buf    []byte
	closed bool
	ready  chan struct{}
}

func newPipe() *pipe { return &pipe{ready: make(chan struct{}, 1)} }

func (p *pipe) write(b []byte) (int, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return 0, platform.ErrClosed
	}
	p.buf = append(p.buf, b...)
	p.mu.Unlock()
	p.wake()
	return len(b), nil
}

func (p *pipe) wake() {
	select {
	case p.ready <- struct{}{}:
	default:
	}
}

func (p *pipe) read(b []byte, d time.Duration) (int, error) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		p.mu.Lock()
		if len(p.buf) > 0 {
			n := copy(b, p.buf)
			p.buf = p.buf[n:]
			p.mu.Unlock()
			return n, nil
		}
		closed := p.closed
		p.mu.Unlock()
		if closed {
			return 0, io.EOF
		}
		select {
		case <-p.ready:
		case <-timer.C:
			return 0, platform.ErrTimeout
		}
	}
}

func (p *pipe) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.wake()
}
