package doctor

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hallkiosk/platform/gpiofake"
	"hallkiosk/platform/ptytest"
)

// healthy builds a machine on which every check passes: a config naming a
// pty as the printer, fake GPIO, a live X socket and a live center.
func healthy(t *testing.T) (*Doctor, string) {
	t.Helper()
	dir := t.TempDir()
	pty := ptytest.New(t)
	center := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(center.Close)

	cfg := "role = \"kiosk\"\n[device]\nname = \"kiosk-1\"\n[center]\nurl = \"" + center.URL +
		"\"\n[printer]\nport = \"" + pty.SlavePath + "\"\n[gpio]\npaper_low = \"GPIO17\"\n"
	cfgPath := filepath.Join(dir, "device.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	x11 := filepath.Join(dir, "x11")
	os.Mkdir(x11, 0o755)
	l, err := net.Listen("unix", filepath.Join(x11, "X7"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()

	dev := filepath.Join(dir, "dev")
	os.MkdirAll(filepath.Join(dev, "serial", "by-id"), 0o755)
	os.WriteFile(filepath.Join(dev, "ttyUSB0"), nil, 0o600)
	env := map[string]string{"DISPLAY": ":7"}
	return &Doctor{
		ConfigPath: cfgPath, DevDir: dev, X11Dir: x11,
		Getenv:   func(k string) string { return env[k] },
		Resolve:  gpiofake.NewBoard().Resolve,
		Chips:    func() ([]ChipInfo, error) { return []ChipInfo{{"gpiochip0", "fake", 32}}, nil },
		DiskFree: func(string) (uint64, error) { return 8 << 30, nil },
	}, dir
}

func TestAllChecksPassOnAHealthyDevice(t *testing.T) {
	d, _ := healthy(t)
	var out strings.Builder
	if !Print(&out, d.Run(context.Background())) {
		t.Fatalf("a healthy device failed:\n%s", out.String())
	}
	for _, name := range []string{"config", "serial", "gpio", "font", "display", "disk",
		"center"} {
		if !strings.Contains(out.String(), name) {
			t.Errorf("no line for %s:\n%s", name, out.String())
		}
	}
}

// Each fault fails exactly its own check and names the fix.
func TestEachFaultFailsItsCheck(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(d *Doctor, dir string)
		check  string
		fix    string
	}{
		{"no config", func(d *Doctor, dir string) { d.ConfigPath = filepath.Join(dir, "none.toml") }, "config", "provision"},
		{"bad config", func(d *Doctor, dir string) {
			os.WriteFile(d.ConfigPath, []byte("role = \"toaster\"\n"), 0o600)
		}, "config", "config check"},
		{"printer unplugged", func(d *Doctor, dir string) {
			b, _ := os.ReadFile(d.ConfigPath)
			s := strings.Replace(string(b), "port = \"/dev/pts/", "port = \"/dev/pts/9999", 1)
			os.WriteFile(d.ConfigPath, []byte(s), 0o600)
		}, "serial", "udev"},
		{"gpio line missing", func(d *Doctor, dir string) {
			b := gpiofake.NewBoard()
			b.Missing["GPIO17"] = true
			d.Resolve = b.Resolve
		}, "gpio", "gpioinfo"},
		{"no display", func(d *Doctor, dir string) { d.Getenv = func(string) string { return "" } }, "display", "Xvfb"},
		{"x server dead", func(d *Doctor, dir string) {
			d.Getenv = func(k string) string { return map[string]string{"DISPLAY": ":9"}[k] }
		}, "display", "X server"},
		{"disk full", func(d *Doctor, dir string) {
			d.DiskFree = func(string) (uint64, error) { return 20 << 20, nil }
		}, "disk", "free space"},
		{"center down", func(d *Doctor, dir string) {
			b, _ := os.ReadFile(d.ConfigPath)
			s := strings.Replace(string(b), "url = \"http://127.0.0.1:", "url = \"http://127.0.0.1:1", 1)
			os.WriteFile(d.ConfigPath, []byte(s), 0o600)
		}, "center", "offline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, dir := healthy(t)
			tt.break_(d, dir)
			var failed []Result
			results := d.Run(context.Background())
			for _, r := range results {
				if r.Status == Fail {
					failed = append(failed, r)
				}
			}
			if len(failed) == 0 || failed[0].Name != tt.check {
				t.Fatalf("failed checks %+v, want %s first", failed, tt.check)
			}
			// The exit message names the failed checks.
			if names := Failed(results); len(names) != len(failed) || names[0] != tt.check {
				t.Fatalf("Failed named %v, want %s first of %d", names, tt.check, len(failed))
			}
			if !strings.Contains(failed[0].Fix, tt.fix) {
				t.Fatalf("fix %q does not mention %q", failed[0].Fix, tt.fix)
			}
		})
	}
}

func TestFontCheckRejectsNonFont(t *testing.T) {
	d, dir := healthy(t)
	junk := filepath.Join(dir, "junk.ttf")
	os.WriteFile(junk, []byte("not a font"), 0o600)
	b, _ := os.ReadFile(d.ConfigPath)
	os.WriteFile(d.ConfigPath, append([]byte("font_path = \""+junk+"\"\n"), b...), 0o600)
	d.defaults()
	d.checkConfig(context.Background())
	if r := d.checkFont(context.Background()); r.Status != Fail {
		t.Fatalf("junk font passed: %+v", r)
	}
}
