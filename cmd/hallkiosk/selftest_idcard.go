package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"hallkiosk/idcard"
	"hallkiosk/internal/cli"
	"hallkiosk/platform"
)

func init() {
	app.Register(cli.Command{
		Name:    "selftest idcard",
		Summary: "wait for an ID card on the reader and print what was read, as JSON",
		Run:     runSelftestIDCard,
	})
}

const selftestIDCardUsage = `hallkiosk selftest idcard [--config FILE | --port PATH --baud B]
                          [--timeout 30s] [--reveal] [--fingerprint]

Waits for a card on the ID-card reader and prints one JSON object: name,
gender, nation, birth, address, id (masked unless --reveal), id_valid,
authority, valid_from, valid_to, expired, card_type, sam_id. Exits 1 with
the reason when no card comes in time or the reader fails. The card is read
with 30 10 when --fingerprint is given or the config's [reader]
fingerprint is true (--fingerprint=false overrides the config).`

func runSelftestIDCard(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "selftest idcard", selftestIDCardUsage)
	cfgPath := fs.String("config", "", "device config file whose [reader] port and baud are used\n"+
		"(default "+platform.DefaultConfigPath+" when --port is not given)")
	port := fs.String("port", "", "serial port of the reader, e.g. /dev/ttyUSB0")
	baud := fs.Int("baud", 115200, "baud rate, with --port")
	timeout := fs.Duration("timeout", 30*time.Second, "how long to wait for a card")
	reveal := fs.Bool("reveal", false, "print the full ID number (the technician's console only)")
	fingerprint := fs.Bool("fingerprint", false, "read with 30 10 (text, photo and fingerprint);\n"+
		"default: the config's [reader] fingerprint")
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	line, fromConfig, err := readerLine(*cfgPath, *port, *baud)
	if err != nil {
		return err
	}
	if !flagGiven(fs, "fingerprint") {
		*fingerprint = fromConfig
	}
	sp, err := platform.OpenSerial(line)
	if err != nil {
		return err
	}
	defer sp.Close()

	r := idcard.New(sp, idcard.Options{Baud: line.Baud, Fingerprint: *fingerprint, Log: env.Log})
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	card, samID, err := idcard.WaitCard(ctx, r)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(idcard.NewReport(card, samID, *reveal))
}

// readerLine picks the serial line from --port, else from the config file,
// with the config's [reader] fingerprint (false with --port).
func readerLine(cfgPath, port string, baud int) (platform.SerialConfig, bool, error) {
	if port != "" && cfgPath != "" {
		return platform.SerialConfig{}, false, cli.Usage("give --config or --port, not both")
	}
	if port != "" {
		return platform.SerialConfig{Path: port, Baud: baud}, false, nil
	}
	if cfgPath == "" {
		cfgPath = platform.DefaultConfigPath
	}
	cfg, err := platform.LoadConfig(cfgPath)
	if err != nil {
		return platform.SerialConfig{}, false, cli.ConfigError(err)
	}
	if cfg.Reader.Port == "" {
		return platform.SerialConfig{}, false, cli.ConfigError(fmt.Errorf(
			"%s: reader.port is empty, so no reader is configured", cfgPath))
	}
	line := platform.SerialConfig{Path: cfg.Reader.Port, Baud: cfg.Reader.Baud}
	return line, cfg.Reader.Fingerprint, nil
}

// flagGiven reports whether the flag name was on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
