package main

import (
	"context"
	"os"
	"path/filepath"

	"hallkiosk/internal/cli"
	"hallkiosk/platform"
	"hallkiosk/printer/printertest"
)

func init() {
	app.Register(cli.Command{
		Name:    "printer",
		Summary: "virtual ESC/POS thermal printer on a pseudo-terminal, pages saved as PNG",
		Run:     runPrinter,
	})
}

const printerUsage = `hallsim printer --link PATH --out DIR [--paper 58|80] [--baud B]
                       [--control 127.0.0.1:PORT] [--font FILE] [--four-byte]

Serves a virtual ESC/POS printer on a pseudo-terminal linked at PATH: the
kiosk opens PATH as its printer port. Every byte is decoded; a command the
printer does not know is logged as an error with its stream offset. Each
cut page is saved as DIR/NNNN.png (rendered at the paper's dot width) and
DIR/NNNN.bin (the bytes received since the previous cut). Status requests
(DLE EOT) are answered from a state the control endpoint switches. Page
cuts and state changes are logged; run 'hallsim --log-level debug printer'
to log every command received, with its offset.

`

func runPrinter(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "printer", printerUsage+printertest.ControlHelp+"\n\nFlags:")
	link := fs.String("link", "", "path to link the printer's port at (required)")
	out := fs.String("out", "", "directory for the pages (required)")
	paper := fs.Int("paper", 80, "paper width in mm: 58 (384 dots) or 80 (576 dots)")
	baud := fs.Int("baud", 115200, "take bytes no faster than this baud rate; 0 = at once")
	control := fs.String("control", "127.0.0.1:0", "loopback address of the control endpoint")
	fontPath := fs.String("font", "", "CJK TTF/OTF for rendering (default: platform.FindCJKFont)")
	fourByte := fs.Bool("four-byte", false, "print GB18030 4-byte codes (default: 2-byte only)")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	if *link == "" || *out == "" {
		return cli.Usage("--link and --out are required")
	}
	dots := map[int]int{58: 384, 80: 576}[*paper]
	if dots == 0 {
		return cli.Usage("--paper %d: want 58 or 80", *paper)
	}
	rend, err := renderer(*fontPath)
	if err != nil {
		return cli.ConfigError(err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	ln, err := listenLoopback(*control)
	if err != nil {
		return cli.Usage("%v", err)
	}
	defer ln.Close()

	first := countPages(*out)
	dev := printertest.NewDevice(printertest.Options{Dots: dots, Baud: *baud, FourByte: *fourByte,
		Log: env.Log, OnPage: func(n int, p *printertest.Page) {
			if err := printertest.SavePage(*out, first+n, p, rend); err != nil {
				env.Log.Error("save page", "err", err)
			}
		}})
	return serveDevice(ctx, env, "printer", dev.Serve, dev.Handler(), ln, *link)
}

func renderer(fontPath string) (*printertest.Renderer, error) {
	path, err := platform.FindCJKFont(fontPath)
	if err != nil {
		return nil, err
	}
	return printertest.NewRenderer(path)
}

// countPages finds how many pages an earlier run left in dir, so a restart
// numbers on instead of overwriting them.
func countPages(dir string) int {
	m, _ := filepath.Glob(filepath.Join(dir, "[0-9][0-9][0-9][0-9].bin"))
	return len(m)
}
