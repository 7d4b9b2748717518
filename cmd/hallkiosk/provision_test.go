package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/platform"
	"hallkiosk/platform/ptytest"
)

// asBinary makes the test binary behave as hallkiosk itself when a test
// starts it with this variable set, so a test can run the real command
// table, flags, signal handling and exit codes under a terminal.
const asBinary = "HALLKIOSK_TEST_AS_BINARY"

func TestMain(m *testing.M) {
	if os.Getenv(asBinary) == "1" {
		app.Main()
	}
	os.Exit(m.Run())
}

// hallkiosk starts this binary as `hallkiosk args...` at a terminal.
func hallkiosk(t *testing.T, args ...string) (*exec.Cmd, *ptytest.Term) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asBinary+"=1", "LANG=en_US.UTF-8")
	return cmd, ptytest.StartTerm(t, cmd)
}

// wait returns the exit code, failing the test after 20 s.
func wait(t *testing.T, cmd *exec.Cmd, tm *ptytest.Term) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(20 * time.Second):
		t.Fatalf("hallkiosk did not exit; screen:\n%s", tm.Screen())
		return -1
	}
}

func enrolCode(t *testing.T, env *centertest.Env, role, name string) string {
	t.Helper()
	var c api.EnrolCode
	if e := env.Client(centertest.AdminToken).Do("POST", "/admin/enrol-codes",
		api.EnrolCodeRequest{Role: role, DeviceName: name}, &c); e != nil {
		t.Fatal(e)
	}
	return c.Code
}

// `hallkiosk provision` at a real terminal: the technician answers each
// prompt in turn, and the device is enrolled with its token kept 0600.
func TestProvisionAtATerminal(t *testing.T) {
	env := centertest.Start(t)
	code := enrolCode(t, env, "display", "display-1")
	dir := t.TempDir()
	cfgPath, data := filepath.Join(dir, "etc", "device.toml"), filepath.Join(dir, "data")
	cmd, tm := hallkiosk(t, "provision", "--config", cfgPath, "--data-dir", data)

	tm.Expect("Role (kiosk / display) [kiosk]: ")
	tm.Enter("display")
	tm.Expect("Device name (e.g. kiosk-1f-01): ")
	tm.Enter("display-1")
	tm.Expect("Center URL (https://…) [http://127.0.0.1:8080]: ")
	tm.Enter(env.URL)
	tm.Expect("Screen orientation (portrait / landscape) [portrait]: ")
	tm.Enter("landscape")
	tm.Expect("door_open input")
	tm.Enter("")
	tm.Expect("status_led output")
	tm.Enter("")
	tm.Expect("chime output")
	tm.Enter("GPIO6")
	tm.Expect("Enrolment code (from the center's admin page): ")
	tm.Enter(code)
	tm.Expect("provisioned display-1 as display")
	if code := wait(t, cmd, tm); code != 0 {
		t.Fatalf("exit %d; screen:\n%s", code, tm.Screen())
	}

	cfg, err := platform.LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Role != "display" || cfg.Screen.Orientation != "landscape" || cfg.GPIO.Chime != "GPIO6" {
		t.Fatalf("written config: role %s, screen %+v, gpio %+v", cfg.Role, cfg.Screen, cfg.GPIO)
	}
	fi, err := os.Stat(filepath.Join(data, platform.TokenFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("device token: %v, %v; want mode 0600", fi, err)
	}
}

// Ctrl-C at a prompt stops provisioning at once with nothing written. A
// read on a terminal is not interrupted by a signal Go has caught, so
// without care the prompt would sit there until Enter was pressed.
func TestProvisionCtrlCAtAPrompt(t *testing.T) {
	env := centertest.Start(t)
	dir := t.TempDir()
	cfgPath, data := filepath.Join(dir, "device.toml"), filepath.Join(dir, "data")
	cmd, tm := hallkiosk(t, "provision", "--config", cfgPath, "--data-dir", data)

	tm.Expect("Role (kiosk / display) [kiosk]: ")
	tm.Enter("display")
	tm.Expect("Device name")
	tm.Enter("display-1")
	tm.Expect("Center URL")
	tm.Enter(env.URL)
	tm.Expect("Screen orientation")
	tm.Interrupt()
	tm.Expect("nothing was changed")
	if code := wait(t, cmd, tm); code == 0 {
		t.Fatalf("exit 0 after Ctrl-C; screen:\n%s", tm.Screen())
	}
	for _, f := range []string{cfgPath, filepath.Join(data, platform.TokenFile)} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s written by an interrupted provisioning", f)
		}
	}
}
