package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"hallkiosk/internal/cli"
	"hallkiosk/ledger"
	"hallkiosk/platform"
)

func init() {
	app.Register(cli.Command{
		Name:    "ledger verify",
		Summary: "check the ledger's hash chain and SQLite integrity",
		Run:     runLedgerVerify,
	})
	app.Register(cli.Command{
		Name:    "ledger export",
		Summary: "write one day of the ledger as JSON for audit, without personal data",
		Run:     runLedgerExport,
	})
}

// ledgerFlags adds --db and --config; the database defaults to the data
// directory of the device config.
func ledgerFlags(fs *flag.FlagSet) func() (string, error) {
	db := fs.String("db", "", "ledger file (default: ledger.db in the config's data_dir)")
	cfgPath := fs.String("config", platform.DefaultConfigPath, "device config file")
	return func() (string, error) {
		if *db != "" {
			return *db, nil
		}
		cfg, err := platform.LoadConfig(*cfgPath)
		if err != nil {
			return "", cli.ConfigError(fmt.Errorf("%w (or name the ledger with --db)", err))
		}
		return ledger.DefaultPath(cfg.DataDir), nil
	}
}

func runLedgerVerify(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "ledger verify", "hallkiosk ledger verify [--db FILE]")
	path := ledgerFlags(fs)
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	db, err := path()
	if err != nil {
		return err
	}
	rep, err := ledger.VerifyFile(ctx, db)
	if err != nil {
		return &cli.ExitError{Code: cli.ExitFailure, Err: err}
	}
	for _, p := range rep.Integrity {
		fmt.Fprintf(env.Stdout, "integrity_check: %s\n", p)
	}
	if !rep.OK() {
		bad := rep.FirstBad
		if bad == "" {
			bad = "integrity_check: " + rep.Integrity[0]
		}
		return &cli.ExitError{Code: cli.ExitFailure,
			Err: fmt.Errorf("%s: first bad record: %s", db, bad)}
	}
	fmt.Fprintf(env.Stdout, "%s: ok: %d events, head seq %d %.16s, %d tickets checked\n",
		db, rep.Events, rep.HeadSeq, rep.HeadHash, rep.Tickets)
	return nil
}

func runLedgerExport(ctx context.Context, env *cli.Env) error {
	fs := cli.Flags(env, "ledger export", "hallkiosk ledger export --day YYYY-MM-DD [--db FILE]")
	day := fs.String("day", "", "hall day to export, YYYY-MM-DD (required)")
	path := ledgerFlags(fs)
	if err := cli.Parse(fs, env); err != nil {
		return err
	}
	if *day == "" {
		return cli.Usage("--day is required")
	}
	db, err := path()
	if err != nil {
		return err
	}
	err = ledger.ExportFile(ctx, db, *day, env.Stdout)
	if errors.Is(err, ledger.ErrBadRequest) {
		return cli.Usage("%v", err)
	}
	return err
}
