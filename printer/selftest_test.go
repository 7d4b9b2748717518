package printer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"hallkiosk/printer"
	"hallkiosk/printer/printertest"
)

func TestSelfTest(t *testing.T) {
	now := func() time.Time { return issued }
	cases := []struct {
		name    string
		state   printertest.State
		kind    error
		advice  string
		warning bool
	}{
		{"ready", printertest.State{}, nil, "", false},
		{"near end warns", printertest.State{PaperNearEnd: true}, nil, "", true},
		{"paper end", printertest.State{PaperEnd: true}, printer.ErrPaperEnd, "paper roll", false},
		{"unplugged", printertest.State{NoReply: true}, printer.ErrNoReply, "serial cable", false},
		{"garbage", printertest.State{Garbage: true}, printer.ErrBadReply, "baud rate", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, rigOpts{paper: printer.Paper58})
			r.dev.SetState(c.state)
			rep, err := printer.SelfTest(context.Background(), r.drv, printer.TestPage{Device: "kiosk-01"}, now)
			if c.kind == nil {
				if err != nil || !rep.Printed || rep.Firmware != "VP-1.0 hallsim" {
					t.Fatalf("report %+v, %v", rep, err)
				}
				if (rep.Warning != "") != c.warning {
					t.Errorf("warning %q", rep.Warning)
				}
				text := r.dev.Pages()[0].Text()
				if !strings.Contains(text, "VP-1.0 hallsim") || !strings.Contains(text, "kiosk-01") {
					t.Errorf("test page lacks firmware or device:\n%s", text)
				}
				return
			}
			if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.advice) || rep.Printed {
				t.Errorf("got %v (printed %v), want %v with advice %q", err, rep.Printed, c.kind, c.advice)
			}
		})
	}
}

// TestEveryKindHasMessages: each kind of failure has text for the citizen
// in Chinese and English and advice for the technician, so no error
// reaches the kiosk screen without words a citizen can read.
func TestEveryKindHasMessages(t *testing.T) {
	for _, k := range []error{printer.ErrPaperEnd, printer.ErrCoverOpen, printer.ErrOffline,
		printer.ErrNoReply, printer.ErrFault, printer.ErrBadReply, printer.ErrWriteStalled,
		printer.ErrWriteFailed, printer.ErrQRData, printer.ErrClosed} {
		e := &printer.Error{Op: "print", Kind: k}
		if m := e.Citizen(); m.Zh == "" || m.En == "" || e.Technician() == "" {
			t.Errorf("%v: citizen %+v, technician %q", k, m, e.Technician())
		}
		if m := printer.CitizenMessage(fmt.Errorf("kiosk: %w", e)); m != e.Citizen() {
			t.Errorf("%v: wrapped error gives %+v", k, m)
		}
	}
}
