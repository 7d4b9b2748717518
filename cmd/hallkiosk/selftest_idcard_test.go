package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hallkiosk/idcard/idcardtest"
	"hallkiosk/internal/cli"
	"hallkiosk/platform/ptytest"
)

// `hallkiosk selftest idcard --config FILE` reads the way the kiosk does:
// with 30 10 when [reader] fingerprint is true, unless --fingerprint says
// otherwise. The virtual SAM fails 30 10 only, so the exit code tells which
// command was used.
func TestSelftestIDCardFingerprintFromConfig(t *testing.T) {
	for _, tc := range []struct {
		config bool
		flags  []string
		code   int
	}{
		{false, nil, cli.ExitOK},
		{true, nil, cli.ExitFailure},
		{true, []string{"--fingerprint=false"}, cli.ExitOK},
		{false, []string{"--fingerprint"}, cli.ExitFailure},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		pty := ptytest.New(t)
		sim := idcardtest.New(idcardtest.Options{})
		go sim.Serve(ctx, pty.Master)
		must(t, sim.Inject(idcardtest.Fault{Kind: idcardtest.FaultReadFailed, Cmd: "read-full",
			Count: 100}))
		card, err := idcardtest.LoadCard("../../idcard/testdata/cards/resident.json")
		must(t, err)
		must(t, sim.Place(card, "resident"))
		cfg := filepath.Join(t.TempDir(), "device.toml")
		must(t, os.WriteFile(cfg, []byte(fmt.Sprintf("role = \"kiosk\"\n[device]\n"+
			"name = \"kiosk-1\"\n[printer]\nport = \"/dev/ttyS9\"\n[reader]\nport = %q\n"+
			"fingerprint = %v\n", pty.SlavePath, tc.config)), 0o600))

		args := append([]string{"selftest", "idcard", "--config", cfg, "--timeout", "10s"},
			tc.flags...)
		var out, errs bytes.Buffer
		code := app.Run(ctx, args, strings.NewReader(""), &out, &errs)
		cancel()
		if code != tc.code {
			t.Errorf("fingerprint = %v in the file, flags %v: exit %d, want %d\n%s%s",
				tc.config, tc.flags, code, tc.code, &out, &errs)
		}
		if code == cli.ExitOK && !strings.Contains(out.String(), `"id_valid": true`) {
			t.Errorf("no card report:\n%s", &out)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
