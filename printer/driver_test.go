package printer_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hallkiosk/platform"
	"hallkiosk/printer"
	"hallkiosk/printer/printertest"
)

// TestStatusMatrix sets each printer condition on the virtual printer and
// reads it back through DLE EOT over a pseudo-terminal.
func TestStatusMatrix(t *testing.T) {
	r := newRig(t, rigOpts{})
	cases := []struct {
		name  string
		state printertest.State
		want  printer.Status
		kind  error // Problem(); nil = can print
	}{
		{"ready", printertest.State{}, printer.Status{}, nil},
		{"near end still prints", printertest.State{PaperNearEnd: true},
			printer.Status{PaperNearEnd: true}, nil},
		{"paper end", printertest.State{PaperEnd: true},
			printer.Status{Offline: true, PaperEnd: true}, printer.ErrPaperEnd},
		{"cover open", printertest.State{CoverOpen: true},
			printer.Status{Offline: true, CoverOpen: true}, printer.ErrCoverOpen},
		{"offline", printertest.State{Offline: true},
			printer.Status{Offline: true}, printer.ErrOffline},
		{"cutter error", printertest.State{CutterError: true},
			printer.Status{Offline: true, CutterError: true}, printer.ErrFault},
		{"unrecoverable", printertest.State{Unrecoverable: true},
			printer.Status{Offline: true, Unrecoverable: true}, printer.ErrFault},
		{"cover open and near end", printertest.State{CoverOpen: true, PaperNearEnd: true},
			printer.Status{Offline: true, CoverOpen: true, PaperNearEnd: true}, printer.ErrCoverOpen},
		{"no reply", printertest.State{NoReply: true},
			printer.Status{NoReply: true}, printer.ErrNoReply},
		{"back after no reply", printertest.State{}, printer.Status{}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r.dev.SetState(c.state)
			got, err := r.drv.Status(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("status %+v, want %+v", got, c.want)
			}
			if p := got.Problem(); !errors.Is(p, c.kind) || (p == nil) != (c.kind == nil) {
				t.Errorf("Problem() = %v, want %v", p, c.kind)
			}
		})
	}
}

// TestStatusGarbage: a printer answering bytes that are not status bytes is
// an error, never "ready", and gets no job (G8).
func TestStatusGarbage(t *testing.T) {
	r := newRig(t, rigOpts{})
	r.dev.SetState(printertest.State{Garbage: true})
	st, err := r.drv.Status(context.Background())
	if !errors.Is(err, printer.ErrBadReply) {
		t.Fatalf("got %+v, %v; want ErrBadReply", st, err)
	}
	res, err := r.drv.Print(context.Background(), layouts(printer.Paper80)["walkin"])
	if !errors.Is(err, printer.ErrBadReply) || res.Reached {
		t.Fatalf("print on a garbling printer: %+v, %v", res, err)
	}
	if len(r.dev.Pages()) != 0 {
		t.Error("a page came out")
	}
}

// TestRoundTrip prints every layout at both widths through the pty onto the
// virtual printer and renders the pages: the PNG is what the citizen holds.
func TestRoundTrip(t *testing.T) {
	font, err := platform.FindCJKFont("")
	if err != nil {
		t.Skip(err)
	}
	rend, err := printertest.NewRenderer(font)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for _, p := range papers {
		r := newRig(t, rigOpts{paper: p})
		ls := layouts(p)
		for _, name := range []string{"walkin", "booking", "slip", "guide", "testpage"} {
			res, err := r.drv.Print(context.Background(), ls[name])
			if err != nil || !res.Printed || !res.Confirmed || res.Sent != res.Total {
				t.Fatalf("%s: %+v, %v", name, res, err)
			}
			pages := r.dev.Pages()
			page := pages[len(pages)-1]
			enc, _ := printer.Encode(ls[name], r.drv.Format())
			if !strings.HasSuffix(string(page.Raw), string(enc.Bytes)) {
				t.Errorf("%s: bytes changed on the way", name)
			}
			if err := printertest.SavePage(out, len(pages), page, rend); err != nil {
				t.Fatal(err)
			}
			png := filepath.Join(out, fmt.Sprintf("%04d.png", len(pages)))
			checkPNG(t, png, p.Dots())
			if name == "walkin" || name == "booking" {
				checkNumberInk(t, rend, page, fmt.Sprintf("%s-%d", name, p))
			}
			keepPNG(t, png, fmt.Sprintf("%s-%d.png", name, p))
		}
		if errs := r.dev.Errors(); len(errs) > 0 {
			t.Errorf("virtual printer errors: %v", errs)
		}
	}
}

var pngDir = flag.String("png", "", "copy the round trip's rendered pages to this directory, to look at")

func keepPNG(t *testing.T, src, name string) {
	if *pngDir == "" {
		return
	}
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*pngDir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkPNG: the page is the paper's width and has ink on it.
func checkPNG(t *testing.T, path string, dots int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if w := img.Bounds().Dx(); w != dots {
		t.Errorf("%s: %d dots wide, want %d", path, w, dots)
	}
	black := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := 0; x < dots; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r == 0 {
				black++
			}
		}
	}
	if black < 1000 {
		t.Errorf("%s: only %d black dots", path, black)
	}
}

// checkNumberInk renders the ticket number's line on its own and measures
// the ink from its top row to its bottom row: a citizen must read the
// number across the hall, which takes at least 8 mm, 64 dots at 203 dpi.
// The cell height alone (96 dots at x4) would also pass at x3, whose digits
// stand only about 48 dots tall.
func checkNumberInk(t *testing.T, rend *printertest.Renderer, page *printertest.Page,
	name string) {
	t.Helper()
	for _, it := range page.Items {
		if it.Kind != printertest.ItemText || len(it.Glyphs) == 0 || it.Glyphs[0].H < 2 ||
			!strings.ContainsAny(it.Text(), "0123456789") {
			continue
		}
		img := rend.Render(&printertest.Page{Items: []printertest.Item{it}, Dots: page.Dots})
		top, bottom := -1, -1
		for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
			for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
				if img.GrayAt(x, y).Y == 0 {
					if top < 0 {
						top = y
					}
					bottom = y
					break
				}
			}
		}
		if h := bottom - top + 1; top < 0 || h < 64 {
			t.Errorf("%s: ticket number %q is %d dots of ink high, want >= 64 (8 mm)",
				name, it.Text(), h)
		}
		return
	}
	t.Errorf("%s: no enlarged line with the ticket number", name)
}

// TestRefuseBeforePrinting: a printer that cannot print gets nothing.
func TestRefuseBeforePrinting(t *testing.T) {
	r := newRig(t, rigOpts{})
	for _, c := range []struct {
		state printertest.State
		kind  error
	}{
		{printertest.State{PaperEnd: true}, printer.ErrPaperEnd},
		{printertest.State{CoverOpen: true}, printer.ErrCoverOpen},
		{printertest.State{Offline: true}, printer.ErrOffline},
		{printertest.State{NoReply: true}, printer.ErrNoReply},
		{printertest.State{CutterError: true}, printer.ErrFault},
	} {
		r.dev.SetState(c.state)
		before := r.dev.Received()
		res, err := r.drv.Print(context.Background(), layouts(printer.Paper80)["walkin"])
		if !errors.Is(err, c.kind) {
			t.Errorf("%+v: err %v, want %v", c.state, err, c.kind)
		}
		if res.Reached || res.Sent != 0 || res.Printed {
			t.Errorf("%+v: result %+v, want nothing sent", c.state, res)
		}
		var pe *printer.Error
		if !errors.As(err, &pe) || pe.Citizen().Zh == "" || pe.Citizen().En == "" || pe.Technician() == "" {
			t.Errorf("%v: no citizen or technician message", err)
		}
		// Only status requests (3 bytes each) went out.
		if sent := r.dev.Received() - before; sent%3 != 0 || sent > 12 {
			t.Errorf("%+v: %d bytes reached the printer", c.state, sent)
		}
	}
}

// TestPaperEndMidJob: the roll runs out part way down the ticket. The job
// must be reported failed, with bytes on paper (so the kiosk does not
// print a second ticket blindly, G5).
func TestPaperEndMidJob(t *testing.T) {
	r := newRig(t, rigOpts{})
	r.dev.SetState(printertest.State{PaperLeftMM: 20})
	res, err := r.drv.Print(context.Background(), layouts(printer.Paper80)["walkin"])
	if !errors.Is(err, printer.ErrPaperEnd) {
		t.Fatalf("err %v, want ErrPaperEnd", err)
	}
	if res.Printed || res.Confirmed || !res.Reached || res.Sent != res.Total || !res.After.PaperEnd {
		t.Errorf("result %+v", res)
	}
	pages := r.dev.Pages()
	if len(pages) != 1 || !pages[0].Truncated || pages[0].Lost == 0 {
		t.Fatalf("want one truncated page, got %d", len(pages))
	}
	if h := pages[0].Height(); h > 20*8 {
		t.Errorf("printed %d dots on 20 mm of paper", h)
	}
	// Refilled: the printer now answers the GS r it owed, before the next
	// job's first status reply; the driver must not take it for garbage.
	r.dev.SetState(printertest.State{})
	res, err = r.drv.Print(context.Background(), layouts(printer.Paper80)["walkin"])
	if err != nil || !res.Printed || !res.Confirmed {
		t.Errorf("after refill: %+v, %v", res, err)
	}
}

// TestPrinterVanishesMidJob pulls the printer (closes the pty master) while
// a slow job is on the line: a failure that says bytes reached the printer,
// so the kiosk does not print the ticket again blindly (G5).
func TestPrinterVanishesMidJob(t *testing.T) {
	r := newRig(t, rigOpts{baud: 9600})
	done := make(chan struct{})
	var res printer.Result
	var err error
	go func() {
		defer close(done)
		res, err = r.drv.Print(context.Background(), layouts(printer.Paper80)["guide"])
	}()
	waitFor(t, func() bool { return r.dev.Received() > 100 })
	r.pty.Master.Close()
	<-done
	if err == nil || res.Printed {
		t.Fatalf("job on a vanished printer: %+v, %v", res, err)
	}
	if !errors.Is(err, printer.ErrNoReply) && !errors.Is(err, printer.ErrWriteFailed) {
		t.Errorf("err %v, want ErrNoReply or ErrWriteFailed", err)
	}
	if !res.Reached {
		t.Errorf("bytes did reach the printer, result says not: %+v", res)
	}
}

// TestWriteStalls: a printer that stops taking bytes is cut off by the
// driver's write timeout, reported as having reached the printer (G5), and
// the port closed.
func TestWriteStalls(t *testing.T) {
	r := newRig(t, rigOpts{writeTO: 500 * time.Millisecond})
	// The job (about 160 KB) is larger than the pty's buffers, so a printer
	// that stops reading after the status check blocks the write.
	doc := new(printer.Doc)
	for i := range 4000 {
		doc.Add(printer.Text{Text: fmt.Sprintf("第%04d行 padding padding padding", i)})
	}
	// The stall is set from another goroutine, which must not call
	// t.Fatal: it polls for at most 5 s and stalls the printer regardless.
	go func() {
		for i := 0; i < 1000 && r.dev.Received() <= 20; i++ {
			time.Sleep(5 * time.Millisecond)
		}
		r.dev.SetState(printertest.State{Stalled: true})
	}()
	res, err := r.drv.Print(context.Background(), doc)
	if !errors.Is(err, printer.ErrWriteStalled) {
		t.Fatalf("err %v, want ErrWriteStalled (result %+v)", err, res)
	}
	if res.Printed || !res.Reached || res.Sent >= res.Total {
		t.Errorf("result %+v", res)
	}
	if _, err := r.drv.Status(context.Background()); !errors.Is(err, printer.ErrClosed) {
		t.Errorf("driver still usable after a stall: %v", err)
	}
}

func TestFirmware(t *testing.T) {
	r := newRig(t, rigOpts{})
	v, err := r.drv.Firmware(context.Background())
	if err != nil || v != "VP-1.0 hallsim" {
		t.Fatalf("got %q, %v", v, err)
	}
	r.dev.SetState(printertest.State{NoReply: true})
	if _, err := r.drv.Firmware(context.Background()); !errors.Is(err, printer.ErrNoReply) {
		t.Errorf("no reply: %v", err)
	}
	r.dev.SetState(printertest.State{})
	if _, err := r.drv.Status(context.Background()); err != nil {
		t.Errorf("status after a missed firmware reply: %v", err)
	}
}

type fakeSensor struct {
	low  atomic.Bool
	fail atomic.Bool
}

func (f *fakeSensor) PaperLow() (bool, error) {
	if f.fail.Load() {
		return false, errors.New("gpio read failed")
	}
	return f.low.Load(), nil
}

func TestPaperLowSensorMerged(t *testing.T) {
	s := &fakeSensor{}
	r := newRig(t, rigOpts{sensor: s})
	s.low.Store(true)
	st, err := r.drv.Status(context.Background())
	if err != nil || !st.PaperLow || !st.Low() || st.Problem() != nil {
		t.Fatalf("got %+v, %v", st, err)
	}
	s.fail.Store(true)
	st, err = r.drv.Status(context.Background())
	if err != nil || st.SensorErr == "" {
		t.Fatalf("sensor failure not reported: %+v, %v", st, err)
	}
}

func TestClosedDriver(t *testing.T) {
	r := newRig(t, rigOpts{})
	r.drv.Close()
	if _, err := r.drv.Print(context.Background(), layouts(printer.Paper80)["walkin"]); !errors.Is(err, printer.ErrClosed) {
		t.Errorf("print after close: %v", err)
	}
	if !strings.Contains(r.drv.String(), "80mm") {
		t.Errorf("String() = %q", r.drv.String())
	}
}

// waitFor polls cond for up to 5 s; it bounds a wait, it does not time
// anything.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestCancelledBeforePrint: a caller that gave up before the job started
// sends nothing.
func TestCancelledBeforePrint(t *testing.T) {
	r := newRig(t, rigOpts{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := r.drv.Print(ctx, layouts(printer.Paper80)["walkin"])
	if !errors.Is(err, context.Canceled) || res.Reached {
		t.Fatalf("got %+v, %v", res, err)
	}
	if n := r.dev.Received(); n != 0 {
		t.Errorf("%d bytes sent after cancel", n)
	}
}
