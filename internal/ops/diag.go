package ops

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"time"

	"hallkiosk/internal/buildinfo"
	"hallkiosk/ledger"
	"hallkiosk/platform"
	"hallkiosk/platform/doctor"
)

// Bundle collects what a remote engineer needs to diagnose a device,
// without secrets or personal data: the config with anything secret-looking
// blanked, versions, recent logs, the ledger check and the doctor's report.
type Bundle struct {
	ConfigPath string
	// Logs returns recent log lines; default: journalctl for the
	// hallkiosk unit.
	Logs func(ctx context.Context) ([]byte, error)
	// Doctor runs the device checks; default: doctor.Doctor on ConfigPath.
	Doctor func(ctx context.Context) []doctor.Result
	Now    func() time.Time
}

// secretLine matches config lines whose value must not leave the device.
var secretLine = regexp.MustCompile(`(?i)^(\s*[a-z0-9_.]*(token|secret|password|passwd|key|pin)[a-z0-9_.]*\s*=\s*).*$`)

// Write writes the bundle as tar.gz to w. A section that cannot be
// gathered is written as a file saying why, so the bundle is always whole.
func (b *Bundle) Write(ctx context.Context, w io.Writer) error {
	b.defaults()
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	for _, s := range []struct {
		name string
		fn   func(context.Context) ([]byte, error)
	}{
		{"config.toml", b.config},
		{"versions.txt", b.versions},
		{"logs.txt", b.Logs},
		{"ledger-verify.txt", b.ledgerVerify},
		{"doctor.txt", b.doctor},
	} {
		data, err := s.fn(ctx)
		if err != nil {
			data = append(data, fmt.Sprintf("\n(could not gather %s: %v)\n", s.name, err)...)
		}
		hdr := &tar.Header{Name: "hallkiosk-diag/" + s.name, Mode: 0o644, Size: int64(len(data)), ModTime: b.Now()}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("diag bundle: %w", err)
		}
		if _, err := tw.Write(data); err != nil {
			return fmt.Errorf("diag bundle: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("diag bundle: %w", err)
	}
	return gz.Close()
}

func (b *Bundle) defaults() {
	if b.Now == nil {
		b.Now = time.Now
	}
	if b.Logs == nil {
		b.Logs = journalLogs
	}
	if b.Doctor == nil {
		b.Doctor = func(ctx context.Context) []doctor.Result {
			return (&doctor.Doctor{ConfigPath: b.ConfigPath}).Run(ctx)
		}
	}
}

// config returns the config file with secret-looking values blanked.
func (b *Bundle) config(context.Context) ([]byte, error) {
	raw, err := os.ReadFile(b.ConfigPath)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		out.WriteString(secretLine.ReplaceAllString(sc.Text(), `$1"(removed)"`) + "\n")
	}
	return out.Bytes(), sc.Err()
}

func (b *Bundle) versions(ctx context.Context) ([]byte, error) {
	var out bytes.Buffer
	fmt.Fprintf(&out, "%s\ngo %s %s/%s\ncollected %s\n", buildinfo.String("hallkiosk"),
		runtime.Version(), runtime.GOOS, runtime.GOARCH, b.Now().Format(time.RFC3339))
	if u, err := exec.CommandContext(ctx, "uname", "-a").Output(); err == nil {
		out.Write(u)
	}
	if osr, err := os.ReadFile("/etc/os-release"); err == nil {
		out.Write(osr)
	}
	return out.Bytes(), nil
}

func journalLogs(ctx context.Context) ([]byte, error) {
	if _, err := exec.LookPath("journalctl"); err != nil {
		return nil, errors.New("journalctl not available on this machine")
	}
	return exec.CommandContext(ctx, "journalctl", "-u", "hallkiosk", "-n", "2000", "--no-pager").CombinedOutput()
}

func (b *Bundle) ledgerVerify(ctx context.Context) ([]byte, error) {
	cfg, err := platform.LoadConfig(b.ConfigPath)
	if err != nil {
		return nil, err
	}
	path := ledger.DefaultPath(cfg.DataDir)
	rep, err := ledger.VerifyFile(ctx, path)
	if err != nil {
		return []byte(path + "\n"), err
	}
	var out strings.Builder
	fmt.Fprintf(&out, "%s\nevents %d, head seq %d, head hash %s, tickets %d\n", path, rep.Events, rep.HeadSeq, rep.HeadHash, rep.Tickets)
	if rep.OK() {
		out.WriteString("ok\n")
	} else {
		fmt.Fprintf(&out, "FIRST BAD RECORD: %s\nintegrity: %s\n", rep.FirstBad, strings.Join(rep.Integrity, "; "))
	}
	return []byte(out.String()), nil
}

func (b *Bundle) doctor(ctx context.Context) ([]byte, error) {
	var out bytes.Buffer
	doctor.Print(&out, b.Doctor(ctx))
	return out.Bytes(), nil
}
