package kiosk_test

import (
	"errors"
	"slices"
	"testing"

	"hallkiosk/kiosk"
)

// Issue 10.3: the center hears the printer's first status even when it is
// "ok" and never changes, then each change, and not the same state twice.
func TestPrinterStateReachesCenter(t *testing.T) {
	r := newRig(t, "09:00")
	r.m.PrinterChanged(kiosk.PrinterOK) // the first status poll
	r.m.PrinterChanged(kiosk.PrinterOK)
	r.m.PrinterChanged(kiosk.PrinterPaperLow)
	r.m.PrinterChanged(kiosk.PrinterPaperLow)
	r.m.PrinterChanged(kiosk.PrinterOK)
	want := []string{"printer=ok", "printer=paper low", "printer=ok"}
	if got := r.k.Link.Reports; !slices.Equal(got, want) {
		t.Fatalf("reports %q, want %q", got, want)
	}
}

// Issue 10.3: the reader's state goes to the center as the reader reports
// it: lost, then found again.
func TestReaderStateReachesCenter(t *testing.T) {
	r := newRig(t, "09:00")
	r.m.CardEvent(kiosk.CardEvent{Kind: kiosk.ReaderLost, Err: errors.New("no reply")})
	if r.m.State().Reader {
		t.Fatal("reader still shown as present after it was lost")
	}
	r.m.CardEvent(kiosk.CardEvent{Kind: kiosk.ReaderFound})
	want := []string{"reader=not answering", "reader=ok"}
	if got := r.k.Link.Reports; !slices.Equal(got, want) {
		t.Fatalf("reports %q, want %q", got, want)
	}
	if !r.m.State().Reader {
		t.Fatal("reader not shown as present after it was found")
	}
}
