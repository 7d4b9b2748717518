package main

import (
	"context"
	"fmt"

	"hallkiosk/internal/cli"
	"hallkiosk/platform"
)

func init() {
	app.Register(cli.Command{
		Name:    "config check",
		Summary: "check a device config file and name every problem",
		Run:     runConfigCheck,
	})
}

func runConfigCheck(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "config check", "hallkiosk config check FILE")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return cli.Usage("name one config file (default location %s)", platform.DefaultConfigPath)
	}
	cfg, err := platform.LoadConfig(fs.Arg(0))
	if err != nil {
		return cli.ConfigError(err)
	}
	fmt.Fprintf(env.Stdout, "%s: ok (role %s, device %s)\n", fs.Arg(0), cfg.Role, cfg.Device.Name)
	return nil
}
