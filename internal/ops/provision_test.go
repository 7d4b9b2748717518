package ops

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/idcard/idcardtest"
	"hallkiosk/platform"
	"hallkiosk/platform/ptytest"
	"hallkiosk/printer/printertest"
)

// rig is a kiosk cabinet: a virtual printer and reader on ptys linked into
// a fake /dev, and a real center.
type rig struct {
	env     *centertest.Env
	printer *printertest.Device
	reader  *idcardtest.Sim
	devDir  string
	dataDir string
	cfgPath string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{env: centertest.Start(t), devDir: t.TempDir()}
	dir := t.TempDir()
	r.dataDir, r.cfgPath = filepath.Join(dir, "data"), filepath.Join(dir, "etc", "device.toml")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	pp := ptytest.New(t)
	if err := pp.Link(filepath.Join(r.devDir, "ttyUSB1")); err != nil {
		t.Fatal(err)
	}
	r.printer = printertest.NewDevice(printertest.Options{Log: slog.New(slog.DiscardHandler)})
	go r.printer.Serve(ctx, pp.Master)

	rp := ptytest.New(t)
	if err := rp.Link(filepath.Join(r.devDir, "ttyUSB0")); err != nil {
		t.Fatal(err)
	}
	r.reader = idcardtest.New(idcardtest.Options{})
	go r.reader.Serve(ctx, rp.Master)
	return r
}

func (r *rig) code(t *testing.T, role string) string {
	t.Helper()
	var c api.EnrolCode
	if e := r.env.Client(centertest.AdminToken).Do("POST", "/admin/enrol-codes",
		api.EnrolCodeRequest{Role: role, DeviceName: "kiosk-1"}, &c); e != nil {
		t.Fatal(e)
	}
	return c.Code
}

func (r *rig) provisioner(in string) *Provisioner {
	return &Provisioner{ConfigPath: r.cfgPath, DevDir: r.devDir, In: strings.NewReader(in),
		Out: io.Discard, Interactive: in != ""}
}

func (r *rig) answers(code string) Answers {
	return Answers{Role: "kiosk", DeviceName: "kiosk-1", CenterURL: r.env.URL, Code: code, DataDir: r.dataDir}
}

func TestProvisionFindsDevicesEnrolsAndWrites(t *testing.T) {
	r := newRig(t)
	// A ledger from an earlier provisioning must survive.
	os.MkdirAll(r.dataDir, 0o700)
	ledger := filepath.Join(r.dataDir, "ledger.db")
	os.WriteFile(ledger, []byte("tickets"), 0o600)

	cfg, err := r.provisioner("").Run(context.Background(), r.answers(r.code(t, "kiosk")))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Printer.Port != filepath.Join(r.devDir, "ttyUSB1") || cfg.Reader.Port != filepath.Join(r.devDir, "ttyUSB0") {
		t.Fatalf("printer on %q, reader on %q: probing mixed them up", cfg.Printer.Port, cfg.Reader.Port)
	}
	got, err := platform.LoadConfig(r.cfgPath)
	if err != nil {
		t.Fatalf("written config does not load: %v", err)
	}
	if got.Device.Name != "kiosk-1" || got.Printer.Port != cfg.Printer.Port {
		t.Fatalf("written config %+v", got)
	}
	token, err := platform.LoadSecret(r.dataDir, platform.TokenFile)
	if err != nil || token == "" {
		t.Fatalf("token: %q, %v", token, err)
	}
	if _, err := r.env.Engine.Authenticate(context.Background(), token); err != nil {
		t.Fatalf("the stored token is not one the center knows: %v", err)
	}
	if k, err := platform.LoadSecret(r.dataDir, platform.HallKeyFile); err != nil || k == "" {
		t.Fatalf("hall key: %q, %v", k, err)
	}
	if b, _ := os.ReadFile(ledger); string(b) != "tickets" {
		t.Fatal("re-provisioning touched the ledger")
	}
}

// Each failure is said plainly and leaves nothing behind.
func TestProvisionFailuresChangeNothing(t *testing.T) {
	tests := []struct {
		name string
		edit func(r *rig, a *Answers)
		want error
	}{
		{"wrong code", func(r *rig, a *Answers) { a.Code = "not-a-code" }, ErrEnrolRefused},
		{"unreachable center", func(r *rig, a *Answers) { a.CenterURL = "http://127.0.0.1:1" }, ErrUnreachable},
		{"code for another role", func(r *rig, a *Answers) { a.Role = "display"; a.DeviceName = "display-1" }, nil},
		{"no printer", func(r *rig, a *Answers) { a.PrinterPort = filepath.Join(r.devDir, "ttyUSB0") }, ErrNoPrinter},
		{"missing code, not interactive", func(r *rig, a *Answers) { a.Code = "" }, ErrMissingAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			a := r.answers(r.code(t, "kiosk"))
			tt.edit(r, &a)
			_, err := r.provisioner("").Run(context.Background(), a)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			for _, p := range []string{r.cfgPath, filepath.Join(r.dataDir, platform.TokenFile)} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s was written despite the failure", p)
				}
			}
		})
	}
}

// Over TLS the certificate is pinned: a wrong fingerprint stops before the
// code is spent; the technician may instead confirm the one shown.
func TestProvisionPinsTheCentersCertificate(t *testing.T) {
	r := newRig(t)
	tlsSrv := httptest.NewTLSServer(center.NewServer(r.env.Engine, centertest.AdminToken, nil).Handler())
	defer tlsSrv.Close()
	fp := platform.CertFingerprint(tlsSrv.Certificate().Raw)
	code := r.code(t, "kiosk")

	a := r.answers(code)
	a.CenterURL, a.Fingerprint = tlsSrv.URL, strings.Repeat("0", 64)
	if _, err := r.provisioner("").Run(context.Background(), a); !errors.Is(err, platform.ErrFingerprintMismatch) {
		t.Fatalf("got %v, want a fingerprint mismatch", err)
	}
	if _, err := os.Stat(r.cfgPath); err == nil {
		t.Fatal("config written despite the mismatch")
	}

	// Interactive: everything asked, the fingerprint confirmed.
	// Enter takes the offered orientation, "none" for the three GPIO
	// lines and the first printer and reader found.
	in := strings.Join([]string{"kiosk", "kiosk-1", tlsSrv.URL, "", "", "", "", code,
		"", "", "yes"}, "\n") + "\n"
	cfg, err := r.provisioner(in).Run(context.Background(), Answers{DataDir: r.dataDir})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Center.Fingerprint != fp {
		t.Fatalf("pinned %q, want %q", cfg.Center.Fingerprint, fp)
	}
}

// Re-provisioning a working device with a wrong code, or with the center
// out of reach, leaves its config, token and ledger exactly as they were.
func TestReprovisionFailureKeepsTheWorkingDevice(t *testing.T) {
	r := newRig(t)
	if _, err := r.provisioner("").Run(context.Background(), r.answers(r.code(t, "kiosk"))); err != nil {
		t.Fatal(err)
	}
	ledger := filepath.Join(r.dataDir, "ledger.db")
	os.WriteFile(ledger, []byte("tickets"), 0o600)
	files := []string{r.cfgPath, filepath.Join(r.dataDir, platform.TokenFile),
		filepath.Join(r.dataDir, platform.HallKeyFile), ledger}
	before := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		before[f] = string(b)
	}
	for _, edit := range []func(a *Answers){
		func(a *Answers) { a.Code = "not-a-code" },
		func(a *Answers) { a.CenterURL = "http://127.0.0.1:1" },
	} {
		a := r.answers("")
		a.DeviceName, a.Orientation = "kiosk-2", "landscape"
		edit(&a)
		if _, err := r.provisioner("").Run(context.Background(), a); err == nil {
			t.Fatal("re-provisioning succeeded without a valid code and center")
		}
		for _, f := range files {
			if b, _ := os.ReadFile(f); string(b) != before[f] {
				t.Errorf("%s changed by a failed re-provisioning", filepath.Base(f))
			}
		}
	}
}
