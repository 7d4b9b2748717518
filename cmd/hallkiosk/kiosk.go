package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"hallkiosk/internal/cli"
	"hallkiosk/kiosk/kioskapp"
	"hallkiosk/platform"
	"hallkiosk/platform/atomicfile"
)

func init() {
	app.Register(cli.Command{
		Name:    "kiosk",
		Summary: "run the ticket kiosk: check-in, walk-in tickets, on-site booking, service search",
		Run:     runKiosk,
	})
}

func runKiosk(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "kiosk", "hallkiosk kiosk [--config FILE] [--set-pin]")
	cfgPath := fs.String("config", platform.DefaultConfigPath, "device config file")
	setPIN := fs.Bool("set-pin", false, "read a new technician PIN from stdin, store its bcrypt hash, exit")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	cfg, err := platform.LoadConfig(*cfgPath)
	if err != nil {
		return cli.ConfigError(err)
	}
	if cfg.Role != platform.RoleKiosk {
		return cli.ConfigError(fmt.Errorf("%s: role is %q; the kiosk needs role = \"kiosk\"", *cfgPath, cfg.Role))
	}
	if *setPIN {
		return storePIN(env.Stdin, cfg.DataDir)
	}
	ring := kioskapp.NewLogRing(200)
	// The panel shows the last lines; logs carry no personal data (G6).
	log := slog.New(slog.NewMultiHandler(env.Log.Handler(), slog.NewTextHandler(ring, nil)))
	return kioskapp.Run(ctx, cfg, kioskapp.RunOptions{Log: log, Logs: ring})
}

// storePIN hashes the PIN with bcrypt; only the hash is kept.
func storePIN(in io.Reader, dir string) error {
	line, _ := bufio.NewReader(in).ReadString('\n')
	pin := strings.TrimSpace(line)
	if len(pin) < 4 || len(pin) > 12 || strings.Trim(pin, "0123456789") != "" {
		return cli.Usage("the PIN is 4 to 12 digits")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pin), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("hash pin: %w", err)
	}
	return atomicfile.Write(filepath.Join(dir, kioskapp.PINFile), hash, 0o600)
}
