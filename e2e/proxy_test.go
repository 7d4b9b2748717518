package e2e

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Proxy modes: how the loopback link behaves for new and open connections.
const (
	linkPass  = iota // forward both ways
	linkDrop         // close every connection at once
	linkStall        // accept and hold connections, forwarding nothing
)

// proxy is a small TCP proxy on 127.0.0.1 between a device and the center:
// the tests point the device at it, then cut or stall the link, or move
// it to a restarted center, without the device knowing.
type proxy struct {
	ln net.Listener

	mu     sync.Mutex
	target string
	mode   int
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
}

func newProxy(t testing.TB, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// URL is the proxy's base URL for a device's config.
func (p *proxy) URL() string { return "http://" + p.ln.Addr().String() }

// set changes the mode (and, if target is not "", the center behind it)
// and closes the open connections, as a real cut or a moved server would.
func (p *proxy) set(mode int, target string) {
	p.mu.Lock()
	p.mode = mode
	if target != "" {
		p.target = target
	}
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
	p.mu.Unlock()
}

func (p *proxy) close() {
	p.ln.Close()
	p.set(linkDrop, "")
	p.wg.Wait()
}

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		mode, target := p.mode, p.target
		p.conns[c] = true
		p.mu.Unlock()
		switch mode {
		case linkDrop:
			c.Close()
		case linkStall:
			// Held open until the next set or close: the device must time
			// out on its own.
		default:
			p.wg.Add(1)
			go p.forward(c, target)
		}
	}
}

func (p *proxy) forward(c net.Conn, target string) {
	defer p.wg.Done()
	up, err := net.Dial("tcp", target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[up] = true
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		dst.Close()
		src.Close()
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	<-done
}
