package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/idcard"
	"hallkiosk/platform"
	"hallkiosk/printer"
)

// start runs one hallsim command in-process, as the binary would, and
// returns its control URL once it has linked its pty.
func start(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- app.Run(ctx, args, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("hallsim did not stop when cancelled")
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	if err != nil {
		t.Fatalf("hallsim %v printed nothing: %v", args, err)
	}
	i := strings.Index(line, "control http://")
	if i < 0 {
		t.Fatalf("no control address in %q", line)
	}
	return strings.TrimSpace(line[i+len("control "):])
}

func open(t *testing.T, link string) *platform.SerialPort {
	t.Helper()
	p, err := platform.OpenSerial(platform.SerialConfig{Path: link})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The printer a kiosk opens at --link answers status, takes a state change
// from the control API, and saves each cut page as PNG and raw bytes.
func TestHallsimPrinterOverItsLink(t *testing.T) {
	dir := t.TempDir()
	link, out := filepath.Join(dir, "printer"), filepath.Join(dir, "pages")
	ctl := start(t, "printer", "--link", link, "--out", out, "--paper", "58", "--baud", "0")
	d := printer.New(open(t, link), printer.Options{Format: printer.Format{Paper: printer.Paper58}})
	defer d.Close()
	ctx := context.Background()

	resp, err := http.Post(ctl+"/state", "application/json", strings.NewReader(`{"paper_end":true}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if st, err := d.Status(ctx); err != nil || !st.PaperEnd {
		t.Fatalf("status after paper end: %+v, %v", st, err)
	}
	resp, _ = http.Post(ctl+"/state", "application/json", strings.NewReader(`{"paper_end":false}`))
	resp.Body.Close()

	if _, err := printer.SelfTest(ctx, d, printer.TestPage{Device: "t"}, time.Now); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"0001.png", "0001.bin"} {
		if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
			t.Errorf("page file %s: %v", f, err)
		}
	}
}

// The reader at --link answers its SAM id and finds the card placed with
// --card.
func TestHallsimIDCardOverItsLink(t *testing.T) {
	link := filepath.Join(t.TempDir(), "reader")
	card, _ := filepath.Abs("../../idcard/testdata/cards/resident.json")
	start(t, "idcard", "--link", link, "--card", card, "--baud", "0")
	p := open(t, link)
	defer p.Close()
	r := idcard.New(p, idcard.Options{})
	if id, err := r.SAMID(); err != nil || id == "" {
		t.Fatalf("SAM id %q, %v", id, err)
	}
	if err := r.Find(); err != nil {
		t.Fatalf("card placed with --card not found: %v", err)
	}
}
