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
	"strconv"
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
	ConfigPath string
	// Interactive asks for what is missing and lets the technician choose
	// among the devices found; otherwise a missing required answer is an
	// error and the first device that answers is taken.
	Interactive bool
	In          io.Reader // the technician's answers
	Out         io.Writer // prompts and progress
	DevDir      string    // where serial nodes are; default /dev
	// Probe functions; default ProbePrinter and ProbeReader.
	ProbePrinter, ProbeReader Prober
	// Timeout for each request to the center; default 10 s.
	Timeout time.Duration

	in    *bufio.Reader
	inErr error // set once a prompt gave up; In may still be mid-read
}

// Errors a technician acts on. Nothing is written when any of them occurs.
var (
	ErrMissingAnswer = errors.New("missing answer")
	ErrNotConfirmed  = errors.New("center fingerprint not confirmed")
	ErrEnrolRefused  = errors.New("the center refused the enrolment code")
	ErrUnreachable   = errors.New("cannot reach the center")
	ErrNoPrinter     = errors.New("no printer answered on any serial port")
	ErrInterrupted   = errors.New("provisioning interrupted")
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
	if p.Out == nil {
		p.Out = io.Discard
	}
	p.in, p.inErr = bufio.NewReader(p.In), nil
}

// Run provisions the device. The order matters: everything that can fail
// without side effects (answers, devices, the center's certificate) comes
// before the enrolment code is spent, and files are written only after the
// center accepted it. An existing ledger in the data directory is left as
// it is, so re-provisioning never loses tickets.
func (p *Provisioner) Run(ctx context.Context, a Answers) (*platform.Config, error) {
	p.defaults()
	cfg, err := p.gather(ctx, &a)
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
	fmt.Fprintf(p.Out, "provisioned %s as %s (device id %s); config %s\n",
		cfg.Device.Name, cfg.Role, enrolled.DeviceID, p.ConfigPath)
	return cfg, nil
}

// gather fills the answers that are not probed and builds the config. The
// enrolment code is asked last, once everything else is settled.
func (p *Provisioner) gather(ctx context.Context, a *Answers) (*platform.Config, error) {
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
	}
	for _, s := range steps {
		if *s.dst != "" {
			continue
		}
		v, err := p.ask(ctx, s.prompt, s.cur)
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
	if err := p.gatherScreen(ctx, a, &cfg); err != nil {
		return nil, err
	}
	if err := p.gatherGPIO(ctx, a, &cfg); err != nil {
		return nil, err
	}
	cfg.Printer.Port, cfg.Printer.Baud = a.PrinterPort, a.PrinterBaud
	cfg.Reader.Port, cfg.Reader.Baud = a.ReaderPort, a.ReaderBaud
	if a.Code == "" {
		code, err := p.ask(ctx, "注册码 Enrolment code (from the center's admin page)", "")
		if err != nil {
			return nil, err
		}
		a.Code = code
	}
	return &cfg, nil
}

// gatherScreen takes the orientation from the answers, or asks for it with
// the current one offered; without a terminal the current one stays.
func (p *Provisioner) gatherScreen(ctx context.Context, a *Answers, cfg *platform.Config) error {
	if a.Orientation != "" {
		cfg.Screen.Orientation = a.Orientation
		return nil
	}
	if !p.Interactive {
		return nil
	}
	for {
		v, err := p.ask(ctx, "屏幕方向 Screen orientation (portrait / landscape)",
			cfg.Screen.Orientation)
		if err != nil {
			return err
		}
		if v == "portrait" || v == "landscape" {
			cfg.Screen.Orientation = v
			return nil
		}
		fmt.Fprintln(p.Out, "  请输入 portrait 或 landscape; answer portrait or landscape")
	}
}

// gpioRoles are the lines a technician wires for each role.
var gpioRoles = map[string][]string{
	platform.RoleKiosk:   {platform.GPIOPaperLow, platform.GPIODoorOpen, platform.GPIOStatusLED},
	platform.RoleDisplay: {platform.GPIODoorOpen, platform.GPIOStatusLED, platform.GPIOChime},
}

// gpioPrompts say in both languages what each role's line is for.
var gpioPrompts = map[string]string{
	platform.GPIOPaperLow:  "缺纸传感器 paper_low input",
	platform.GPIODoorOpen:  "柜门开关 door_open input",
	platform.GPIOStatusLED: "状态灯 status_led output",
	platform.GPIOChime:     "提示音 chime output",
}

// gatherGPIO takes the lines from the answers when any was given; else it
// asks for each line the role uses, the current one offered and "none"
// for a line that is not wired; without a terminal the current ones stay.
func (p *Provisioner) gatherGPIO(ctx context.Context, a *Answers, cfg *platform.Config) error {
	if a.GPIO != (platform.GPIOConfig{}) {
		cfg.GPIO = a.GPIO
		return nil
	}
	if !p.Interactive {
		return nil
	}
	for _, role := range gpioRoles[cfg.Role] {
		dst := gpioField(&cfg.GPIO, role)
		prompt := "GPIO " + gpioPrompts[role] +
			` (GPIO17, gpiochip0:17, "!" for active-low; none)`
		for {
			v, err := p.ask(ctx, prompt, orNone(*dst))
			if err != nil {
				return err
			}
			if v == "none" || v == "-" {
				*dst = ""
				break
			}
			if platform.ValidGPIOLine(v) {
				*dst = v
				break
			}
			fmt.Fprintf(p.Out, "  %q is not a line name or gpiochipN:OFFSET\n", v)
		}
	}
	return nil
}

func gpioField(g *platform.GPIOConfig, role string) *string {
	switch role {
	case platform.GPIOPaperLow:
		return &g.PaperLow
	case platform.GPIODoorOpen:
		return &g.DoorOpen
	case platform.GPIOStatusLED:
		return &g.StatusLED
	default:
		return &g.Chime
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// ask prompts for one answer; def is offered and taken on an empty line.
// The line is read apart from the caller, so Ctrl-C (ctx ending) stops a
// prompt at once: a read(2) on a terminal is not interrupted by a signal
// that Go has caught.
func (p *Provisioner) ask(ctx context.Context, prompt, def string) (string, error) {
	if !p.Interactive {
		return "", fmt.Errorf("%w: %s (give it as a flag, or run without --yes to be asked)",
			ErrMissingAnswer, prompt)
	}
	for {
		if def != "" {
			fmt.Fprintf(p.Out, "%s [%s]: ", prompt, def)
		} else {
			fmt.Fprintf(p.Out, "%s: ", prompt)
		}
		line, err := p.readLine(ctx)
		if errors.Is(err, ErrInterrupted) {
			fmt.Fprintln(p.Out)
			return "", err
		}
		line = strings.TrimSpace(line)
		switch {
		case line == "" && def != "":
			return def, nil
		case line != "":
			return line, nil
		case err != nil: // end of input with nothing given
			return "", fmt.Errorf("%w: %s", ErrMissingAnswer, prompt)
		}
	}
}

// readLine reads one line, or gives up when ctx ends. A read that was given
// up on keeps the reader, so every later prompt fails too.
func (p *Provisioner) readLine(ctx context.Context) (string, error) {
	if p.inErr != nil {
		return "", p.inErr
	}
	type result struct {
		line string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		line, err := p.in.ReadString('\n')
		got <- result{line, err}
	}()
	select {
	case r := <-got:
		return r.line, r.err
	case <-ctx.Done():
		p.inErr = fmt.Errorf("%w (%v); nothing was changed", ErrInterrupted, context.Cause(ctx))
		return "", p.inErr
	}
}

// findDevices probes for the kiosk's printer and reader where the answers
// did not name them, and for the baud where only the port was named.
func (p *Provisioner) findDevices(ctx context.Context, cfg *platform.Config) error {
	if cfg.Role != platform.RoleKiosk {
		cfg.Printer = platform.PrinterConfig{Baud: 115200, Paper: cfg.Printer.Paper}
		cfg.Reader = platform.ReaderConfig{Baud: 115200}
		return nil
	}
	all := SerialCandidates(p.DevDir)
	taken := map[string]bool{}
	pr := device{what: "打印机 printer", probe: p.ProbePrinter}
	port, baud, err := p.locate(ctx, pr, cfg.Printer.Port, cfg.Printer.Baud, all, taken)
	if err != nil {
		return err
	}
	if port == "" {
		return fmt.Errorf("%w (tried %s at %v baud): check power and cable, "+
			"or name it with --printer-port", ErrNoPrinter, summarise(all), ProbeBauds)
	}
	cfg.Printer.Port, cfg.Printer.Baud = port, baud
	taken[realPath(port)] = true
	fmt.Fprintf(p.Out, "打印机 printer: %s at %d baud\n", port, baud)

	if cfg.Reader.Port == "none" {
		cfg.Reader = platform.ReaderConfig{Baud: 115200}
		fmt.Fprintln(p.Out, "身份证读卡器 ID-card reader: none fitted; check-in by keypad")
		return nil
	}
	rd := device{what: "身份证读卡器 ID-card reader", probe: p.ProbeReader, optional: true}
	named := cfg.Reader.Port
	port, baud, err = p.locate(ctx, rd, named, cfg.Reader.Baud, all, taken)
	if err != nil {
		return err
	}
	if port == "" {
		if named != "" {
			return fmt.Errorf("no ID-card reader answered on %s: check power and cable, "+
				"or pass --reader-port none", named)
		}
		cfg.Reader = platform.ReaderConfig{Baud: 115200}
		fmt.Fprintln(p.Out, "身份证读卡器 ID-card reader: none; check-in by keypad "+
			"(re-provision when one is fitted)")
		return nil
	}
	cfg.Reader.Port, cfg.Reader.Baud = port, baud
	fmt.Fprintf(p.Out, "身份证读卡器 ID-card reader: %s at %d baud\n", port, baud)
	return nil
}

// device is what locate looks for.
type device struct {
	what     string // for prompts, in both languages
	probe    Prober
	optional bool // "none" is an answer (the reader)
}

// found is a port where a device answered.
type found struct {
	port string
	baud int
}

// locate finds a device and returns its port and baud, or an empty port
// when none answered. A port and baud both given are only checked, a port
// alone is probed for its baud. Otherwise the free candidates are probed:
// without a terminal the first that answers is taken; with one, every
// candidate is probed and the technician chooses among those that answered.
func (p *Provisioner) locate(ctx context.Context, d device, port string, baud int,
	all []string, taken map[string]bool) (string, int, error) {
	switch {
	case port != "" && baud != 0:
		if d.probe(ctx, port, baud) {
			return port, baud, nil
		}
		return "", 0, nil
	case port != "":
		port, baud, _ := findDevice(ctx, d.probe, []string{port}, nil)
		return port, baud, nil
	case !p.Interactive:
		port, baud, _ := findDevice(ctx, d.probe, all, taken)
		return port, baud, nil
	}
	fmt.Fprintf(p.Out, "%s: probing %s …\n", d.what, summarise(all))
	var hits []found
	for _, c := range all {
		if port, baud, ok := findDevice(ctx, d.probe, []string{c}, taken); ok {
			hits = append(hits, found{port, baud})
		}
	}
	if ctx.Err() != nil {
		return "", 0, fmt.Errorf("%w (%v); nothing was changed", ErrInterrupted, context.Cause(ctx))
	}
	if len(hits) == 0 {
		return "", 0, nil
	}
	return p.choose(ctx, d, hits)
}

// choose lists the ports where the device answered and asks which one to
// use: a number from the list, "none" for an optional device.
func (p *Provisioner) choose(ctx context.Context, d device, hits []found) (string, int, error) {
	fmt.Fprintf(p.Out, "%s answered on:\n", d.what)
	for i, h := range hits {
		fmt.Fprintf(p.Out, "  %d) %s at %d baud\n", i+1, h.port, h.baud)
	}
	prompt := "选择 Choose " + d.what + " (number)"
	if d.optional {
		prompt = "选择 Choose " + d.what + " (number, or none)"
	}
	for {
		v, err := p.ask(ctx, prompt, "1")
		if err != nil {
			return "", 0, err
		}
		if d.optional && v == "none" {
			return "", 0, nil
		}
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= len(hits) {
			return hits[n-1].port, hits[n-1].baud, nil
		}
		fmt.Fprintf(p.Out, "  请输入 1–%d; answer a number from 1 to %d\n", len(hits), len(hits))
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
			return fmt.Errorf("%w: the center at %s presents %s, not %s; check the address, "+
				"or ask the admin for the current fingerprint",
				platform.ErrFingerprintMismatch, cfg.Center.URL, got, cfg.Center.Fingerprint)
		}
		return nil
	}
	if !p.Interactive {
		return fmt.Errorf("%w: pass --fingerprint (the center at %s presents %s; "+
			"compare it with the admin page)", ErrMissingAnswer, cfg.Center.URL, got)
	}
	fmt.Fprintf(p.Out, "中心证书指纹 The center presents certificate\n  %s\n", got)
	ans, err := p.ask(ctx,
		"与中心管理页面一致吗？ Does it match the center's admin page? (yes/no)", "")
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
func (p *Provisioner) enrol(ctx context.Context, cfg *platform.Config,
	code string) (api.EnrolResponse, error) {
	var out api.EnrolResponse
	client, err := platform.CenterClient(cfg.Center, p.Timeout)
	if err != nil {
		return out, err
	}
	body, _ := json.Marshal(api.EnrolRequest{Code: strings.TrimSpace(code),
		DeviceName: cfg.Device.Name})
	url := strings.TrimRight(cfg.Center.URL, "/") + api.Prefix + "/enrol"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return out, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return out, fmt.Errorf("%w at %s: %v; nothing was changed",
			ErrUnreachable, cfg.Center.URL, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, api.MaxBody))
	if resp.StatusCode != http.StatusOK {
		var e api.Error
		json.Unmarshal(data, &e)
		return out, fmt.Errorf("%w (%s: %s); ask the admin for a new code; nothing was changed",
			ErrEnrolRefused, resp.Status, e.Message)
	}
	if err := json.Unmarshal(data, &out); err != nil || out.Token == "" {
		return out, fmt.Errorf("enrol: the center's reply is not an enrolment: %v", err)
	}
	if out.Role != cfg.Role {
		return out, fmt.Errorf("enrol: the code is for a %s, but this device is being set up "+
			"as a %s; ask for a %s code", out.Role, cfg.Role, cfg.Role)
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
	fmt.Fprintf(&buf, "# Written by hallkiosk provision on %s. "+
		"Keys and defaults: platform/config.go.\n", time.Now().Format(time.RFC3339))
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
