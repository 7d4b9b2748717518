package ops

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/platform"
	"hallkiosk/platform/ptytest"
)

// A technician answers every prompt at a real terminal: wrong answers are
// asked again, Enter takes what is offered, the printer and reader are
// chosen from the ports where a device answered, and the config written
// holds exactly what was chosen.
func TestProvisionPromptsInATerminal(t *testing.T) {
	r := newRig(t)
	code := r.code(t, "kiosk")
	tm := ptytest.NewTerm(t)
	p := &Provisioner{ConfigPath: r.cfgPath, DevDir: r.devDir, In: tm.Slave, Out: tm.Slave,
		Interactive: true}
	type result struct {
		cfg *platform.Config
		err error
	}
	done := make(chan result, 1)
	go func() {
		cfg, err := p.Run(context.Background(), Answers{DataDir: r.dataDir})
		done <- result{cfg, err}
	}()

	tm.Expect("Role (kiosk / display) [kiosk]: ")
	tm.Enter("")
	tm.Expect("Device name (e.g. kiosk-1f-01): ")
	tm.Enter("kiosk-1")
	tm.Expect("kiosk-1\r\n") // echoed as typed
	tm.Expect("Center URL (https://…) [http://127.0.0.1:8080]: ")
	tm.Enter(r.env.URL)
	tm.Expect("Screen orientation (portrait / landscape) [portrait]: ")
	tm.Enter("sideways")
	tm.Expect("answer portrait or landscape")
	tm.Expect("Screen orientation")
	tm.Enter("landscape")
	tm.Expect("paper_low input")
	tm.Enter("pin 17")
	tm.Expect("is not a line name")
	tm.Expect("paper_low input")
	tm.Enter("!GPIO17")
	tm.Expect("door_open input")
	tm.Expect("[none]: ")
	tm.Enter("")
	tm.Expect("status_led output")
	tm.Enter("GPIO5")
	tm.Expect("Enrolment code (from the center's admin page): ")
	tm.Enter(code)
	tm.Expect("printer answered on:")
	tm.Expect("1) " + filepath.Join(r.devDir, "ttyUSB1") + " at 115200 baud")
	tm.Expect("[1]: ")
	tm.Enter("7")
	tm.Expect("answer a number from 1 to 1")
	tm.Expect("[1]: ")
	tm.Enter("1")
	tm.Expect("ID-card reader answered on:")
	tm.Expect("1) " + filepath.Join(r.devDir, "ttyUSB0"))
	tm.Expect("(number, or none) [1]: ")
	tm.Enter("")
	tm.Expect("provisioned kiosk-1 as kiosk")

	var res result
	select {
	case res = <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("provisioning did not finish; screen:\n%s", tm.Screen())
	}
	if res.err != nil {
		t.Fatalf("%v; screen:\n%s", res.err, tm.Screen())
	}
	got, err := platform.LoadConfig(r.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	want := platform.GPIOConfig{PaperLow: "!GPIO17", StatusLED: "GPIO5"}
	if got.Screen.Orientation != "landscape" || got.GPIO != want ||
		got.Printer.Port != filepath.Join(r.devDir, "ttyUSB1") ||
		got.Reader.Port != filepath.Join(r.devDir, "ttyUSB0") {
		t.Fatalf("written config: screen %+v, gpio %+v, printer %+v, reader %+v",
			got.Screen, got.GPIO, got.Printer, got.Reader)
	}
}

// Ctrl-C at a prompt ends provisioning at once with nothing written, even
// though the terminal read it was waiting on cannot be interrupted.
func TestProvisionPromptGivesUpWhenInterrupted(t *testing.T) {
	r := newRig(t)
	tm := ptytest.NewTerm(t)
	p := &Provisioner{ConfigPath: r.cfgPath, DevDir: r.devDir, In: tm.Slave, Out: tm.Slave,
		Interactive: true}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := p.Run(ctx, Answers{DataDir: r.dataDir})
		done <- err
	}()
	tm.Expect("Role (kiosk / display)")
	cancel() // what the signal handler does on SIGINT
	select {
	case err := <-done:
		if !errors.Is(err, ErrInterrupted) || !strings.Contains(err.Error(), "nothing was changed") {
			t.Fatalf("got %v, want ErrInterrupted saying nothing was changed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the prompt did not give up when interrupted")
	}
	for _, f := range []string{r.cfgPath, filepath.Join(r.dataDir, platform.TokenFile)} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s written by an interrupted provisioning", f)
		}
	}
}
