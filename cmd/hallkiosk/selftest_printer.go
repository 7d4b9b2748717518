package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"hallkiosk/internal/buildinfo"
	"hallkiosk/internal/cli"
	"hallkiosk/platform"
	"hallkiosk/printer"
)

func init() {
	app.Register(cli.Command{
		Name:    "selftest printer",
		Summary: "print the printer's test page and report its status",
		Run:     runSelftestPrinter,
	})
}

const selftestPrinterUsage = `hallkiosk selftest printer [--config FILE | --port PATH --baud B --paper 58|80]

Reads the printer's status (DLE EOT) and firmware version, prints the test
page (sizes, Chinese sample, column ruler, QR code, status) and prints a JSON
report. Exits 1 with the reason and what to do when the printer cannot
print; exits 78 when the configuration is wrong.`

func runSelftestPrinter(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "selftest printer", selftestPrinterUsage)
	cfgPath := fs.String("config", "", "device config file whose [printer] and [gpio] paper_low are used\n"+
		"(default "+platform.DefaultConfigPath+" when --port is not given)")
	port := fs.String("port", "", "serial port of the printer, e.g. /dev/ttyUSB0")
	baud := fs.Int("baud", 115200, "baud rate, with --port")
	paper := fs.Int("paper", 80, "paper width in mm (58 or 80), with --port")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	setup, err := printerSetup(*cfgPath, *port, *baud, *paper)
	if err != nil {
		return err
	}
	sp, err := platform.OpenSerial(setup.line)
	if err != nil {
		return err
	}
	d := printer.New(sp, printer.Options{Format: printer.Format{Paper: setup.paper},
		PaperLow: setup.sensor, Log: env.Log})
	defer d.Close()

	page := printer.TestPage{Device: setup.device, Software: buildinfo.String("hallkiosk")}
	rep, err := printer.SelfTest(ctx, d, page, time.Now)
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	enc.Encode(rep)
	return err
}

type printerLine struct {
	line   platform.SerialConfig
	paper  printer.Paper
	device string
	sensor printer.PaperLowSensor
}

// printerSetup takes the line from --port, else from the config file, with
// the paper_low GPIO line when the config names one.
func printerSetup(cfgPath, port string, baud, paper int) (printerLine, error) {
	if port != "" && cfgPath != "" {
		return printerLine{}, cli.Usage("give --config or --port, not both")
	}
	if port != "" {
		p, err := printer.ParsePaper(paper)
		if err != nil {
			return printerLine{}, cli.Usage("%v", err)
		}
		return printerLine{line: platform.SerialConfig{Path: port, Baud: baud}, paper: p}, nil
	}
	if cfgPath == "" {
		cfgPath = platform.DefaultConfigPath
	}
	cfg, err := platform.LoadConfig(cfgPath)
	if err != nil {
		return printerLine{}, cli.ConfigError(err)
	}
	return printerFromConfig(cfgPath, cfg)
}

func printerFromConfig(cfgPath string, cfg *platform.Config) (printerLine, error) {
	if cfg.Printer.Port == "" {
		return printerLine{}, cli.ConfigError(fmt.Errorf("%s: printer.port is empty", cfgPath))
	}
	p, err := printer.ParsePaper(cfg.Printer.Paper)
	if err != nil {
		return printerLine{}, cli.ConfigError(fmt.Errorf("%s: printer.paper: %w", cfgPath, err))
	}
	pl := printerLine{line: platform.SerialConfig{Path: cfg.Printer.Port, Baud: cfg.Printer.Baud},
		paper: p, device: cfg.Device.Name}
	if cfg.GPIO.PaperLow != "" {
		lines, err := platform.OpenLines(platform.GPIOConfig{PaperLow: cfg.GPIO.PaperLow}, platform.HostResolver)
		if err != nil {
			return printerLine{}, err
		}
		pl.sensor = printer.SensorFunc(lines.PaperLow.Active)
	}
	return pl, nil
}
