package ops

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hallkiosk/ledger"
	"hallkiosk/platform"
	"hallkiosk/platform/doctor"
)

func TestDiagBundleHasEverySectionAndNoSecrets(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cfgPath := filepath.Join(dir, "device.toml")
	cfg := "role = \"kiosk\"\ndata_dir = \"" + data + "\"\n[device]\nname = \"kiosk-1\"\n" +
		"[center]\nurl = \"http://127.0.0.1:8080\"\n[printer]\nport = \"/dev/ttyUSB0\"\n" +
		"# a technician pasted this by mistake\nadmin_token = \"tok-SECRET-42\"\n"
	os.WriteFile(cfgPath, []byte(cfg), 0o600)
	platform.SaveSecret(data, platform.TokenFile, "tok-SECRET-99")
	l, err := ledger.Open(ledger.DefaultPath(data), ledger.Options{Device: "kiosk-1"})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()

	b := &Bundle{
		ConfigPath: cfgPath,
		Logs:       func(context.Context) ([]byte, error) { return []byte("level=INFO msg=started\n"), nil },
		Doctor: func(context.Context) []doctor.Result {
			return []doctor.Result{{Name: "font", Status: doctor.OK, Detail: "droid"}}
		},
	}
	var buf bytes.Buffer
	if err := b.Write(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	files := untar(t, buf.Bytes())
	for _, name := range []string{"config.toml", "versions.txt", "logs.txt", "ledger-verify.txt", "doctor.txt"} {
		if _, ok := files["hallkiosk-diag/"+name]; !ok {
			t.Errorf("bundle lacks %s (has %v)", name, keys(files))
		}
	}
	for name, content := range files {
		if strings.Contains(content, "SECRET") {
			t.Errorf("%s leaks a secret:\n%s", name, content)
		}
	}
	if v := files["hallkiosk-diag/ledger-verify.txt"]; !strings.Contains(v, "ok") {
		t.Errorf("ledger verify section: %q", v)
	}
	if c := files["hallkiosk-diag/config.toml"]; !strings.Contains(c, `admin_token = "(removed)"`) || !strings.Contains(c, "kiosk-1") {
		t.Errorf("config section: %q", c)
	}
}

func TestDiagBundleSaysWhatItCouldNotGather(t *testing.T) {
	b := &Bundle{ConfigPath: filepath.Join(t.TempDir(), "missing.toml"),
		Logs:   func(context.Context) ([]byte, error) { return nil, io.ErrUnexpectedEOF },
		Doctor: func(context.Context) []doctor.Result { return nil }}
	var buf bytes.Buffer
	if err := b.Write(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	files := untar(t, buf.Bytes())
	if !strings.Contains(files["hallkiosk-diag/config.toml"], "could not gather") ||
		!strings.Contains(files["hallkiosk-diag/logs.txt"], "unexpected EOF") {
		t.Fatalf("failures not reported: %v", files)
	}
}

func untar(t *testing.T, b []byte) map[string]string {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		out[h.Name] = string(data)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
