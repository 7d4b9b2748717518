package main

import (
	"context"
	"errors"

	"hallkiosk/internal/cli"
	"hallkiosk/internal/ops"
	"hallkiosk/platform"
)

func init() {
	app.Register(cli.Command{
		Name:    "provision",
		Summary: "enrol this device with the center, find printer and reader, write the config",
		Run:     runProvision,
	})
}

func runProvision(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "provision",
		"hallkiosk provision [flags]   (asks for anything not given, unless --yes)")
	cfgPath := fs.String("config", platform.DefaultConfigPath, "config file to write")
	yes := fs.Bool("yes", false,
		"do not ask: answers come from flags, the rest from the current config (for scripts)")
	var a ops.Answers
	fs.StringVar(&a.Role, "role", "", "kiosk or display")
	fs.StringVar(&a.DeviceName, "name", "", "device name, e.g. kiosk-1f-01")
	fs.StringVar(&a.CenterURL, "center", "", "center URL, https://… (http only to this machine)")
	fs.StringVar(&a.Fingerprint, "fingerprint", "",
		"SHA-256 of the center's certificate, as its admin page shows it")
	fs.StringVar(&a.Code, "code", "", "one-time enrolment code from the center's admin page")
	fs.StringVar(&a.DataDir, "data-dir", "", "data directory (default /var/lib/hallkiosk)")
	fs.StringVar(&a.PrinterPort, "printer-port", "",
		"printer serial port (default: probe every port, and ask which when interactive)")
	fs.IntVar(&a.PrinterBaud, "printer-baud", 0, "printer baud (default: probe)")
	fs.IntVar(&a.Paper, "paper", 0, "paper width in mm, 58 or 80 (default 80)")
	fs.StringVar(&a.ReaderPort, "reader-port", "",
		`ID-card reader port (default: probe; "none" when not fitted)`)
	fs.IntVar(&a.ReaderBaud, "reader-baud", 0, "reader baud (default: probe)")
	fs.StringVar(&a.GPIO.PaperLow, "gpio-paper-low", "", "paper_low input line, e.g. !GPIO17")
	fs.StringVar(&a.GPIO.DoorOpen, "gpio-door-open", "", "door_open input line")
	fs.StringVar(&a.GPIO.StatusLED, "gpio-status-led", "", "status_led output line")
	fs.StringVar(&a.GPIO.Chime, "gpio-chime", "", "chime output line (display)")
	fs.StringVar(&a.Orientation, "orientation", "", "portrait or landscape (default: ask, "+
		"or keep the current)")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	p := &ops.Provisioner{ConfigPath: *cfgPath, Interactive: !*yes, In: env.Stdin, Out: env.Stdout}
	_, err := p.Run(ctx, a)
	var ce *platform.ConfigError
	switch {
	case errors.As(err, &ce), errors.Is(err, ops.ErrMissingAnswer):
		return cli.Usage("%v", err)
	}
	return err
}
