package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"hallkiosk/internal/cli"
	"hallkiosk/platform"
)

// listenLoopback refuses any address but loopback: the control API places
// cards, runs printers out of paper and injects faults, which no one off
// the machine may do.
func listenLoopback(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--control %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--control %q: only a loopback address is allowed", addr)
	}
	return net.Listen("tcp", addr)
}

// serveDevice runs a virtual device on the master end of a new pty linked
// at link, with its control API on ln, until ctx ends.
func serveDevice(ctx context.Context, env *cli.Env, name string,
	serve func(context.Context, io.ReadWriter) error, control http.Handler,
	ln net.Listener, link string) error {
	p, err := platform.OpenPTY()
	if err != nil {
		return err
	}
	defer p.Close()
	if err := p.Link(link); err != nil {
		return err
	}
	srv := &http.Server{Handler: control, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	fmt.Fprintf(env.Stdout, "%s on %s (%s), control http://%s\n", name, link, p.SlavePath, ln.Addr())

	done := make(chan error, 1)
	go func() { done <- serve(ctx, p.Master) }()
	select {
	case <-ctx.Done():
		p.Close() // unblocks serve's read
		<-done
		return nil
	case err := <-done:
		if err == nil {
			err = errors.New("the pseudo-terminal closed")
		}
		return err
	}
}
