package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hallkiosk/internal/cli"
)

// `hallkiosk config check FILE`: 0 on a good file; on a bad one 78, which
// the unit's RestartPreventExitStatus stops a restart loop on, with every
// problem naming its key, the bad value and what is wanted.
func TestConfigCheckExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("role = \"kiosk\"\ncolour = \"red\"\n[device]\nname = \"k1\"\n"+
		"[printer]\nport = \"/dev/ttyUSB0\"\npaper = 76\n"), 0o600)
	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"config", "check", "../../configs/kiosk.example.toml"}, cli.ExitOK,
			[]string{"ok (role kiosk"}},
		{[]string{"config", "check", bad}, cli.ExitConfig,
			[]string{"colour: unknown key", `printer.paper = "76": want 58 or 80`, "2 problem(s)"}},
		{[]string{"config", "check", filepath.Join(dir, "none.toml")}, cli.ExitConfig,
			[]string{"no such file"}},
		{[]string{"config", "check"}, cli.ExitUsage, []string{"name one config file"}},
	} {
		var out, errs bytes.Buffer
		code := app.Run(context.Background(), tc.args, strings.NewReader(""), &out, &errs)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d\n%s%s", tc.args, code, tc.code, &out, &errs)
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String()+errs.String(), w) {
				t.Errorf("%v: output lacks %q:\n%s%s", tc.args, w, &out, &errs)
			}
		}
	}
}
