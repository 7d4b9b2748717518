package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"hallkiosk/internal/buildinfo"
)

func testApp(ran *[]string) *App {
	a := &App{Name: "hk", Summary: "test app"}
	a.Register(Command{Name: "selftest printer", Summary: "print a test page", Run: func(ctx context.Context, env *Env) error {
		fs := Flags(env, "selftest printer", "hk selftest printer [--port P]")
		port := fs.String("port", "", "serial port")
		if err := Parse(fs, env); err != nil {
			return err
		}
		*ran = append(*ran, "printer:"+*port)
		return nil
	}})
	a.Register(Command{Name: "selftest idcard", Summary: "read a card", Run: func(ctx context.Context, env *Env) error {
		return errors.New("reader did not answer")
	}})
	a.Register(Command{Name: "config check", Summary: "check", Run: func(ctx context.Context, env *Env) error {
		return ConfigError(fmt.Errorf("printer.paper = 76: want 58 or 80"))
	}})
	return a
}

func run(a *App, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := a.Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestDispatch(t *testing.T) {
	var ran []string
	a := testApp(&ran)
	buildinfo.Version, buildinfo.Commit = "1.2.3", "abc123"

	tests := []struct {
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{[]string{"--help"}, ExitOK, "selftest printer", ""},
		{nil, ExitUsage, "Commands:", ""},
		{[]string{"version"}, ExitOK, "hk 1.2.3 (commit abc123)", ""},
		{[]string{"selftest", "printer", "--port", "/dev/x"}, ExitOK, "", ""},
		{[]string{"selftest", "printer", "--help"}, ExitOK, "--port", ""},
		{[]string{"selftest", "printer", "--nope"}, ExitUsage, "", "flag provided but not defined"},
		{[]string{"selftest"}, ExitUsage, "", "selftest idcard"},
		{[]string{"selftest", "idcard"}, ExitFailure, "", "reader did not answer"},
		{[]string{"config", "check"}, ExitConfig, "", "printer.paper"},
		{[]string{"frobnicate"}, ExitUsage, "", `unknown command "frobnicate"`},
		{[]string{"--log-level", "loud", "selftest", "printer"}, ExitUsage, "", "log level"},
		{[]string{"--log-format", "json", "selftest", "printer", "--port", "/dev/y"}, ExitOK, "", ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errs := run(a, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stdout %q, stderr %q)", code, tt.code, out, errs)
			}
			if !strings.Contains(out, tt.inStdout) {
				t.Errorf("stdout %q lacks %q", out, tt.inStdout)
			}
			if !strings.Contains(errs, tt.inStderr) {
				t.Errorf("stderr %q lacks %q", errs, tt.inStderr)
			}
		})
	}
	if strings.Join(ran, ",") != "printer:/dev/x,printer:/dev/y" {
		t.Fatalf("ran %v", ran)
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("second registration of a name did not panic")
		}
	}()
	a := &App{Name: "hk"}
	a.Register(Command{Name: "x"})
	a.Register(Command{Name: "x"})
}
