package main

import (
	"context"
	"fmt"

	"hallkiosk/internal/cli"
	"hallkiosk/platform"
)

func init() {
	app.Register(cli.Command{
		Name:    "run",
		Summary: "start the role the config names (kiosk or display); what the systemd unit runs",
		Run:     runRole,
	})
}

// runRole reads the config once to learn the role, then hands over to that
// role's command with the same config file.
func runRole(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "run", "hallkiosk run [--config FILE]")
	cfgPath := fs.String("config", platform.DefaultConfigPath, "device config file")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	cfg, err := platform.LoadConfig(*cfgPath)
	if err != nil {
		return cli.ConfigError(err)
	}
	cmd, ok := app.Lookup(cfg.Role)
	if !ok {
		return fmt.Errorf("role %s is not built into this firmware", cfg.Role)
	}
	env.Args = []string{"--config", *cfgPath}
	return cmd.Run(ctx, env)
}
