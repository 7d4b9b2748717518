package ops

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"hallkiosk/center/api"
	"hallkiosk/platform"
	"hallkiosk/platform/atomicfile"
)

// Answers are what provisioning needs to know. Empty fields are asked for
// (interactive) or found (ports and bauds by probing).
type Answers struct {
	Role        string
	DeviceName  string
	CenterURL   string
	Fingerprint string // SHA-256 of the center's certificate; https only
	Code        string // one-time enrolment code from the center's admin
	DataDir     string
	PrinterPort string
	PrinterBaud int
	Paper       int
	ReaderPort  string // "none" means no reader is fitted
	ReaderBaud  int
	GPIO        platform.GPIOConfig
	Orientation string
}

// Provisioner turns Answers into an enrolled, configured device.
type Provisioner struct {
	ConfigPath  string
	Interactive bool      // ask for what is missing; otherwise it is an error
	In          io.Reader // the technician's answers
	Out         io.Writer // prompts and progress
	DevDir      string    // where serial nodes are; default /dev
	// Probe functions; default ProbePrinter and ProbeReader.
	ProbePrinter, ProbeReader Prober
	// Timeout for each request to the center; default 10 s.
	Timeout time.Duration

	in *bufio.Reader
}

// Errors a technician acts on. Nothing is written when any of them occurs.
var (
	ErrMissingAnswer = errors.New("missing answer")
	ErrNotConfirmed  = errors.New("center fingerprint not confirmed")
	ErrEnrolRefused  = errors.New("the center refused the enrolment code")
	ErrUnreachable   = errors.New("cannot reach the center")
	ErrNoPrinter     = errors.New("no printer answered on any serial port")
)

func (p *Provisioner) defaults() {
	if p.DevDir == "" {
		p.DevDir = "/dev"
	}
	if p.ProbePrinter == nil {
		p.ProbePrinter = ProbePrinter
	}
	if p.ProbeReader == nil {
		p.ProbeReader = ProbeReader
	}
	if p.Timeout == 0 {
		p.Timeout = 10 * time.Second
	}
	if p.In == nil {
		p.In = strings.NewReader("")
	}
	p.in = bufio.NewReader(p.In)
}

// Run provisions the device. The order matters: everything that can fail
// without side effects (answers, devices, the center's certificate) comes
// before the enrolment code is spent, and files are written only after the
// center accepted it. An existing ledger in the data directory is left as
// it is, so re-provisioning never loses tickets.
func (p *Provisioner) Run(ctx context.Context, a Answers) (*platform.Config, error) {
	p.defaults()
	cfg, err := p.gather(&a)
	if err != nil {
		return nil, err
	}
	if err := p.findDevices(ctx, cfg); err != nil {
		return nil, err
	}
	if probs := cfg.Check(); len(probs) > 0 {
		return nil, &platform.ConfigError{Path: p.ConfigPath, Problems: probs}
	}
	if err := p.trustCenter(ctx, cfg); err != nil {
		return nil, err
	}
	enrolled, err := p.enrol(ctx, cfg, a.Code)
	if err != nil {
		return nil, err
	}
	if err := p.write(cfg, enrolled); err != nil {
		return nil, err
	}
	fmt.Fprintf(p.Out, "provisioned %s as %s (device id %s); config %s\n", cfg.Device.Name, cfg.Role, enrolled.DeviceID, p.ConfigPath)
	return cfg, nil
}

// gather fills the answers that are not probed and builds the config.
func (p *Provisioner) gather(a *Answers) (*platform.Config, error) {
	cfg := platform.DefaultConfig()
	if prev, err := platform.LoadConfig(p.ConfigPath); err == nil {
		cfg = *prev // re-provisioning starts from the current settings
	}
	steps := []struct {
		dst    *string
		cur    string
		prompt string
	}{
		{&a.Role, cfg.Role, "设备角色 Role (kiosk / display)"},
		{&a.DeviceName, cfg.Device.Name, "设备名称 Device name (e.g. kiosk-1f-01)"},
		{&a.CenterURL, cfg.Center.URL, "中心地址 Center URL (https://…)"},
		{&a.Code, "", "注册码 Enrolment code (from the center's admin page)"},
	}
	for _, s := range steps {
		if *s.dst != "" {
			continue
		}
		v, err := p.ask(s.prompt, s.cur)
		if err != nil {
			return nil, err
		}
		*s.dst = v
	}
	cfg.Role, cfg.Device.Name, cfg.Center.URL = a.Role, a.DeviceName, a.CenterURL
	cfg.Center.Fingerprint = platform.NormalizeFingerprint(a.Fingerprint)
	if a.DataDir != "" {
		cfg.DataDir = a.DataDir
	}
	if a.Paper != 0 {
		cfg.Printer.Paper = a.Paper
	}
	if a.Orientation != "" {
		cfg.Screen.Orientation = a.Orientation
	}
	if a.GPIO != (platform.GPIOConfig{}) {
		cfg.GPIO = a.GPIO
	}
	cfg.Printer.Port, cfg.Printer.Baud = a.PrinterPort, a.PrinterBaud
	cfg.Reader.Port, cfg.Reader.Baud = a.ReaderPort, a.ReaderBaud
	return &cfg, nil
}

// ask prompts for one answer; def is offered and taken on an empty line.
func (p *Provisioner) ask(prompt, def string) (string, error) {
	if !p.Interactive {
		return "", fmt.Errorf("%w: %s (give it as a flag, or run without --yes to be asked)", ErrMissingAnswer, prompt)
	}
	if def != "" {
		fmt.Fprintf(p.Out, "%s [%s]: ", prompt, def)
	} else {
		fmt.Fprintf(p.Out, "%s: ", prompt)
	}
	line, err := p.in.ReadString('\n')
	line = strings.TrimSpace(line)
	if line == "" && def != "" {
		return def, nil
	}
	if line == "" {
		if err != nil {
			return "", fmt.Errorf("%w: %s", ErrMissingAnswer, prompt)
		}
		return p.ask(prompt, def)
	}
	return line, nil
}

// findDevices probes for the kiosk's printer and reader where the answers
// did not name them, and for the baud where only the port was named.
func (p *Provisioner) findDevices(ctx context.Context, cfg *platform.Config) error {
	if cfg.Role != platform.RoleKiosk {
		cfg.Printer, cfg.Reader = platform.PrinterConfig{Baud: 115200, Paper: cfg.Printer.Paper}, platform.ReaderConfig{Baud: 115200}
		return nil
	}
	all := SerialCandidates(p.DevDir)
	taken := map[string]bool{}
	port, baud, ok := p.locate(ctx, p.ProbePrinter, cfg.Printer.Port, cfg.Printer.Baud, all, taken)
	if !ok {
		return fmt.Errorf("%w (tried %s at %v baud): check power and cable, or name it with --printer-port",
			ErrNoPrinter, summarise(all), ProbeBauds)
	}
	cfg.Printer.Port, cfg.Printer.Baud = port, baud
	taken[realPath(port)] = true
	fmt.Fprintf(p.Out, "打印机 printer: %s at %d baud\n", port, baud)

	if cfg.Reader.Port == "none" {
		cfg.Reader = platform.ReaderConfig{Baud: 115200}
		fmt.Fprintln(p.Out, "身份证读卡器 ID-card reader: none fitted; check-in by keypad")
		return nil
	}
	port, baud, ok = p.locate(ctx, p.ProbeReader, cfg.Reader.Port, cfg.Reader.Baud, all, taken)
	if !ok {
		if cfg.Reader.Port != "" {
			return fmt.Errorf("no ID-card reader answered on %s: check power and cable, or pass --reader-port none", cfg.Reader.Port)
		}
		cfg.Reader = platform.ReaderConfig{Baud: 115200}
		fmt.Fprintln(p.Out, "身份证读卡器 ID-card reader: none found; check-in by keypad (re-provision when one is fitted)")
		return nil
	}
	cfg.Reader.Port, cfg.Reader.Baud = port, baud
	fmt.Fprintf(p.Out, "身份证读卡器 ID-card reader: %s at %d baud\n", port, baud)
	return nil
}

// locate probes a named port for its baud, or every candidate.
func (p *Provisioner) locate(ctx context.Context, probe Prober, port string, baud int, all []string, taken map[string]bool) (string, int, bool) {
	switch {
	case port != "" && baud != 0:
		return port, baud, probe(ctx, port, baud)
	case port != "":
		return findDevice(ctx, probe, []string{port}, nil)
	default:
		return findDevice(ctx, probe, all, taken)
	}
}

// trustCenter pins the center's certificate: the one given must match what
// the center presents; without one, the technician confirms what it shows.
func (p *Provisioner) trustCenter(ctx context.Context, cfg *platform.Config) error {
	if !strings.HasPrefix(cfg.Center.URL, "https://") {
		return nil // loopback http, allowed by the config check
	}
	got, err := platform.FetchFingerprint(ctx, cfg.Center.URL)
	if err != nil {
		return fmt.Errorf("%w at %s: %v", ErrUnreachable, cfg.Center.URL, err)
	}
	if cfg.Center.Fingerprint != "" {
		if got != cfg.Center.Fingerprint {
			return fmt.Errorf("%w: the center at %s presents %s, not %s; check the address, or ask the admin for the current fingerprint",
				platform.ErrFingerprintMismatch, cfg.Center.URL, got, cfg.Center.Fingerprint)
		}
		return nil
	}
	if !p.Interactive {
		return fmt.Errorf("%w: pass --fingerprint (the center at %s presents %s; compare it with the admin page)", ErrMissingAnswer, cfg.Center.URL, got)
	}
	fmt.Fprintf(p.Out, "中心证书指纹 The center presents certificate\n  %s\n", got)
	ans, err := p.ask("与中心管理页面一致吗？ Does it match the center's admin page? (yes/no)", "")
	if err != nil {
		return err
	}
	if a := strings.ToLower(ans); a != "yes" && a != "y" && a != "是" {
		return ErrNotConfirmed
	}
	cfg.Center.Fingerprint = got
	return nil
}

// enrol spends the code for the device's token.
func (p *Provisioner) enrol(ctx context.Context, cfg *platform.Config, code string) (api.EnrolResponse, error) {
	var out api.EnrolResponse
	client, err := platform.CenterClient(cfg.Center, p.Timeout)
	if err != nil {
		return out, err
	}
	body, _ := json.Marshal(api.EnrolRequest{Code: strings.TrimSpace(code), DeviceName: cfg.Device.Name})
	url := strings.TrimRight(cfg.Center.URL, "/") + api.Prefix + "/enrol"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return out, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return out, fmt.Errorf("%w at %s: %v; nothing was changed", ErrUnreachable, cfg.Center.URL, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, api.MaxBody))
	if resp.StatusCode != http.StatusOK {
		var e api.Error
		json.Unmarshal(data, &e)
		return out, fmt.Errorf("%w (%s: %s); ask the admin for a new code; nothing was changed", ErrEnrolRefused, resp.Status, e.Message)
	}
	if err := json.Unmarshal(data, &out); err != nil || out.Token == "" {
		return out, fmt.Errorf("enrol: the center's reply is not an enrolment: %v", err)
	}
	if out.Role != cfg.Role {
		return out, fmt.Errorf("enrol: the code is for a %s, but this device is being set up as a %s; ask for a %s code",
			out.Role, cfg.Role, cfg.Role)
	}
	return out, nil
}

// write stores the credentials, then the config, each atomically.
func (p *Provisioner) write(cfg *platform.Config, e api.EnrolResponse) error {
	if err := platform.SaveSecret(cfg.DataDir, platform.TokenFile, e.Token); err != nil {
		return err
	}
	if e.HallKey != "" {
		if err := platform.SaveSecret(cfg.DataDir, platform.HallKeyFile, e.HallKey); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Written by hallkiosk provision on %s. Keys and defaults: platform/config.go.\n",
		time.Now().Format(time.RFC3339))
	if err := toml.NewEncoder(&buf).Encode(cfg); err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(p.ConfigPath), 0o755); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return atomicfile.Write(p.ConfigPath, buf.Bytes(), 0o640)
}

func summarise(ports []string) string {
	if len(ports) == 0 {
		return "no serial ports"
	}
	return strings.Join(ports, ", ")
}
