package main

import (
	"context"

	"hallkiosk/idcard/idcardtest"
	"hallkiosk/internal/cli"
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
	return serveDevice(ctx, env, "idcard reader", sim.Serve, sim.Handler(), ln, *link)
}

func placeFile(sim *idcardtest.Sim, path string) error {
	c, err := idcardtest.LoadCard(path)
	if err != nil {
		return err
	}
	return sim.Place(c, path)
}
