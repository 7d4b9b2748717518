package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"hallkiosk/idcard/idcardtest"
	"hallkiosk/internal/cli"
	"hallkiosk/platform"
)

func init() {
	app.Register(cli.Command{
		Name:    "idcard",
		Summary: "virtual SAM ID-card reader (GA/T 467) on a pseudo-terminal",
		Run:     runIDCard,
	})
}

const idcardUsage = `hallsim idcard --link PATH [--card FILE.json]
                      [--control 127.0.0.1:PORT] [--baud B]

Serves a virtual ID-card reader on a pseudo-terminal linked at PATH: the
kiosk opens PATH as its reader port. Cards are JSON card files (shape in
docs/idcard.md; samples in idcard/testdata/cards/). The reader logs each
frame it receives and sends by command, status and length, never card text.

`

func runIDCard(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "idcard", idcardUsage+idcardtest.ControlUsage+"\n\nFlags:")
	link := fs.String("link", "", "path to link the reader's port at (required)")
	card := fs.String("card", "", "card file placed on the reader at start")
	control := fs.String("control", "127.0.0.1:0", "loopback address of the control API")
	baud := fs.Int("baud", 115200, "pace replies at this baud rate; 0 sends at once")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	if *link == "" {
		return cli.Usage("--link is required")
	}
	ln, err := listenLoopback(*control)
	if err != nil {
		return cli.Usage("%v", err)
	}
	defer ln.Close()

	sim := idcardtest.New(idcardtest.Options{Baud: *baud, Log: env.Log})
	if *card != "" {
		if err := placeFile(sim, *card); err != nil {
			return cli.Usage("%v", err)
		}
	}
	return serveIDCard(ctx, env, sim, ln, *link)
}

// listenLoopback refuses any address but loopback: the control API places
// cards and injects faults, which no one off the machine may do.
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

func placeFile(sim *idcardtest.Sim, path string) error {
	c, err := idcardtest.LoadCard(path)
	if err != nil {
		return err
	}
	return sim.Place(c, path)
}

// serveIDCard runs the reader on a pty and the control API until ctx ends.
func serveIDCard(ctx context.Context, env *cli.Env, sim *idcardtest.Sim, ln net.Listener,
	link string) error {
	p, err := platform.OpenPTY()
	if err != nil {
		return err
	}
	defer p.Close()
	if err := p.Link(link); err != nil {
		return err
	}
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	fmt.Fprintf(env.Stdout, "idcard reader on %s (%s), control http://%s\n",
		link, p.SlavePath, ln.Addr())

	done := make(chan error, 1)
	go func() { done <- sim.Serve(ctx, p.Master) }()
	select {
	case <-ctx.Done():
		p.Close() // unblocks Serve's read
		<-done
		return nil
	case err := <-done:
		if err == nil {
			err = errors.New("the pseudo-terminal closed")
		}
		return err
	}
}
