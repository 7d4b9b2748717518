package main

import (
	"context"
	"fmt"
	"strings"

	"hallkiosk/internal/cli"
	"hallkiosk/platform"
	"hallkiosk/platform/doctor"
)

func init() {
	app.Register(cli.Command{
		Name:    "doctor",
		Summary: "check config, serial ports, GPIO, font, display, disk and center; one line each",
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
	results := d.Run(ctx)
	if !doctor.Print(env.Stdout, results) {
		return fmt.Errorf("failed: %s (each FAIL line says the fix)",
			strings.Join(doctor.Failed(results), ", "))
	}
	return nil
}
