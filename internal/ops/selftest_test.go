package ops

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"

	"hallkiosk/center"
	"hallkiosk/center/centertest"
	"hallkiosk/idcard/idcardtest"
	"hallkiosk/platform"
	"hallkiosk/platform/gpiofake"
)

func provisioned(t *testing.T) (*rig, *platform.Config) {
	t.Helper()
	r := newRig(t)
	cfg, err := r.provisioner("").Run(context.Background(), r.answers(r.code(t, "kiosk")))
	if err != nil {
		t.Fatal(err)
	}
	cfg.GPIO = platform.GPIOConfig{PaperLow: "!GPIO17", StatusLED: "GPIO5"}
	return r, cfg
}

func parts(rs []CheckResult) map[string]CheckResult {
	m := map[string]CheckResult{}
	for _, r := range rs {
		m[r.Part] = r
	}
	return m
}

func TestSelfTestAllOnAHealthyKiosk(t *testing.T) {
	r, cfg := provisioned(t)
	board := gpiofake.NewBoard()
	board.Pin("GPIO17").L = gpio.High // active-low sensor idle: paper fine
	card, err := idcardtest.LoadCard("../../idcard/testdata/cards/resident.json")
	if err != nil {
		t.Fatal(err)
	}
	r.reader.Place(card, "resident")

	st := &SelfTest{Config: cfg, Resolve: board.Resolve, Blink: time.Millisecond,
		Screen: func(context.Context) error { return nil }}
	res := st.Run(context.Background())
	var out bytes.Buffer
	if !PrintTable(&out, res) {
		t.Fatalf("a healthy kiosk failed its self-test:\n%s", out.String())
	}
	p := parts(res)
	if !strings.Contains(p["reader"].Detail, "card read") || strings.Contains(p["reader"].Detail, "张") {
		t.Errorf("reader line %q: want a masked card read", p["reader"].Detail)
	}
	if !strings.Contains(p["gpio"].Detail, "paper_low=false") || !strings.Contains(p["gpio"].Detail, "status_led pulsed") {
		t.Errorf("gpio line %q", p["gpio"].Detail)
	}
	if p["center"].Status != Pass || p["printer"].Status != Pass || p["display"].Status != Pass {
		t.Errorf("table:\n%s", out.String())
	}
	if pages := r.printer.Pages(); len(pages) != 1 {
		t.Errorf("printer got %d pages, want the test page", len(pages))
	}
}

// Each broken part fails its own line and only that line.
func TestSelfTestAllNamesTheFailingPart(t *testing.T) {
	r, cfg := provisioned(t)
	st := r.printer.State()
	st.PaperEnd = true
	r.printer.SetState(st)
	platform.SaveSecret(cfg.DataDir, platform.TokenFile, "revoked-or-wrong")

	res := (&SelfTest{Config: cfg, Resolve: gpiofake.NewBoard().Resolve, Blink: time.Millisecond,
		CardWait: 200 * time.Millisecond,
		Screen:   func(context.Context) error { return errors.New("bar 3 is black") }}).Run(context.Background())
	p := parts(res)
	for part, want := range map[string]CheckStatus{"printer": Failed, "center": Failed, "display": Failed,
		"reader": Pass, "gpio": Pass} {
		if p[part].Status != want {
			t.Errorf("%s: %s (%s), want %s", part, p[part].Status, p[part].Detail, want)
		}
	}
	if got := strings.Join(FailedParts(res), ","); got != "printer,center,display" {
		t.Errorf("the exit message would name %q, want printer,center,display", got)
	}
	if !strings.Contains(p["printer"].Detail, "paper") {
		t.Errorf("printer failure does not say paper: %q", p["printer"].Detail)
	}
	if !strings.Contains(p["reader"].Detail, "no card placed") {
		t.Errorf("reader line %q", p["reader"].Detail)
	}
}

// The self-test's round trip to the center only reads: a heartbeat from it
// would replace what the device last reported and clear the center's paper
// and backlog alerts while the device is under maintenance (10.3).
func TestSelfTestLeavesTheCentersViewOfTheDevice(t *testing.T) {
	r, cfg := provisioned(t)
	var mu sync.Mutex
	var writes []string
	h := center.NewServer(r.env.Engine, centertest.AdminToken, nil).Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet {
			mu.Lock()
			writes = append(writes, req.Method+" "+req.URL.Path)
			mu.Unlock()
		}
		h.ServeHTTP(w, req)
	}))
	defer srv.Close()
	cfg.Center.URL = srv.URL

	st := &SelfTest{Config: cfg, Resolve: gpiofake.NewBoard().Resolve, Blink: time.Millisecond,
		CardWait: time.Millisecond}
	if p := parts(st.Run(context.Background())); p["center"].Status != Pass {
		t.Fatalf("center line: %+v", p["center"])
	}
	mu.Lock()
	defer mu.Unlock()
	if len(writes) != 0 {
		t.Fatalf("the self-test wrote to the center: %v", writes)
	}
}

// A reader configured for fingerprint cards is read with 30 10, in the
// self-test as in service ([reader] fingerprint).
func TestSelfTestReadsWithFingerprintWhenConfigured(t *testing.T) {
	r, cfg := provisioned(t)
	cfg.Reader.Fingerprint = true
	card, err := idcardtest.LoadCard("../../idcard/testdata/cards/resident.json")
	if err != nil {
		t.Fatal(err)
	}
	r.reader.Place(card, "resident")
	st := &SelfTest{Config: cfg, Resolve: gpiofake.NewBoard().Resolve, Blink: time.Millisecond,
		Screen: func(context.Context) error { return nil }}
	p := parts(st.Run(context.Background()))
	if !strings.Contains(p["reader"].Detail, "card read") {
		t.Fatalf("reader line %q: want a card read", p["reader"].Detail)
	}
	if got := r.reader.State().LastCmd; got != "read-full" {
		t.Errorf("last reader command %q, want read-full (30 10)", got)
	}
}
