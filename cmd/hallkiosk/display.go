package main

import (
	"context"
	"fmt"
	"os"

	"hallkiosk/display/screen"
	"hallkiosk/display/voice"
	"hallkiosk/internal/cli"
	"hallkiosk/platform"
)

func init() {
	app.Register(cli.Command{
		Name:    "display",
		Summary: "run the hall's calling display: show and announce the center's calls",
		Run:     runDisplay,
	})
}

func runDisplay(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "display",
		"hallkiosk display [--config FILE] [--voice-dir DIR] [--screenshot FILE]")
	cfgPath := fs.String("config", platform.DefaultConfigPath, "device config file")
	voiceDir := fs.String("voice-dir", "", "write announcements here as WAV files, not played")
	shot := fs.String("screenshot", "", "save the window as PNG, then quit")
	after := fs.Duration("screenshot-after", 3e9, "how long to run before the screenshot")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	cfg, err := platform.LoadConfig(*cfgPath)
	if err != nil {
		return cli.ConfigError(err)
	}
	if cfg.Role != platform.RoleDisplay {
		return cli.ConfigError(fmt.Errorf("%s: role is %q; the display needs role = \"display\"",
			*cfgPath, cfg.Role))
	}
	o := screen.RunOptions{Log: env.Log, Capture: *shot, CaptureAfter: *after}
	if *voiceDir != "" {
		if err := os.MkdirAll(*voiceDir, 0o755); err != nil {
			return fmt.Errorf("voice dir: %w", err)
		}
		o.Sink = &voice.FileSink{Dir: *voiceDir}
	}
	return screen.Run(ctx, cfg, o)
}
