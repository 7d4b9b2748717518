package main

import (
	"context"
	"errors"

	"hallkiosk/internal/cli"
	"hallkiosk/platform"
	"hallkiosk/platform/doctor"
)

func init() {
	app.Register(cli.Command{
		Name:    "doctor",
		Summary: "check serial ports, GPIO, font, display, config and center; one line each",
		Run:     runDoctor,
	})
}

func runDoctor(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "doctor", "hallkiosk doctor [--config FILE]")
	cfgPath := fs.String("config", platform.DefaultConfigPath, "device config file")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	d := &doctor.Doctor{ConfigPath: *cfgPath}
	if !doctor.Print(env.Stdout, d.Run(ctx)) {
		return errors.New("some checks failed (see the lines marked FAIL)")
	}
	return nil
}
