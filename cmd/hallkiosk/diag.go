package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"hallkiosk/internal/cli"
	"hallkiosk/internal/ops"
	"hallkiosk/platform"
)

func init() {
	app.Register(cli.Command{
		Name:    "diag bundle",
		Summary: "write a tar.gz for remote diagnosis: config without secrets, versions, logs, ledger check, doctor",
		Run:     runDiagBundle,
	})
}

func runDiagBundle(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "diag bundle", "hallkiosk diag bundle [--config FILE] [--out FILE]")
	cfgPath := fs.String("config", platform.DefaultConfigPath, "device config file")
	out := fs.String("out", "", "output file (default hallkiosk-diag-TIME.tar.gz in the current directory)")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	if *out == "" {
		*out = fmt.Sprintf("hallkiosk-diag-%s.tar.gz", time.Now().Format("20060102-150405"))
	}
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("create bundle: %w", err)
	}
	if err := (&ops.Bundle{ConfigPath: *cfgPath}).Write(ctx, f); err != nil {
		f.Close()
		os.Remove(*out)
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s\n", *out)
	return nil
}
