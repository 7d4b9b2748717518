// Package doctor answers a technician's first question at a device: is
// everything this firmware needs present and configured? Each check prints
// one line; a failing check names what is wrong and how to fix it.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/image/font/sfnt"

	"hallkiosk/platform"
)

// Status of a check.
type Status string

// Statuses. Warn is informative and does not fail the run.
const (
	OK   Status = "ok"
	Warn Status = "warn"
	Fail Status = "FAIL"
)

// Result is one check's outcome.
type Result struct {
	Name   string
	Status Status
	Detail string // what was found
	Fix    string // what to do, when not OK
}

// Doctor holds what the checks look at; zero fields take the machine's own.
type Doctor struct {
	ConfigPath string                       // default platform.DefaultConfigPath
	DevDir     string                       // default "/dev"
	X11Dir     string                       // default "/tmp/.X11-unix"
	Getenv     func(string) string          // default os.Getenv
	HTTP       *http.Client                 // default: 3 s timeout
	Resolve    platform.Resolver            // default platform.HostResolver
	Chips      func() ([]ChipInfo, error)   // default: periph's gpioioctl chips
	DiskFree   func(string) (uint64, error) // default platform.DiskFree
	cfg        *platform.Config             // set by the config check
}

// Free space in the data directory below which the disk check fails or
// warns: a ticket commit that cannot be synced to disk is not issued (G1),
// and a day's journal and a knowledge base come to tens of megabytes.
const (
	DiskFailBelow = 100 << 20
	DiskWarnBelow = 1 << 30
)

// ChipInfo describes one GPIO chip for the report.
type ChipInfo struct {
	Name  string
	Label string
	Lines int
}

func (d *Doctor) defaults() {
	if d.ConfigPath == "" {
		d.ConfigPath = platform.DefaultConfigPath
	}
	if d.DevDir == "" {
		d.DevDir = "/dev"
	}
	if d.X11Dir == "" {
		d.X11Dir = "/tmp/.X11-unix"
	}
	if d.Getenv == nil {
		d.Getenv = os.Getenv
	}
	if d.HTTP == nil {
		d.HTTP = &http.Client{Timeout: 3 * time.Second}
	}
	if d.Resolve == nil {
		d.Resolve = platform.HostResolver
	}
	if d.Chips == nil {
		d.Chips = hostChips
	}
	if d.DiskFree == nil {
		d.DiskFree = platform.DiskFree
	}
}

// Run performs every check in order and returns the results.
func (d *Doctor) Run(ctx context.Context) []Result {
	d.defaults()
	checks := []func(context.Context) Result{
		d.checkConfig, d.checkSerial, d.checkGPIO, d.checkFont, d.checkDisplay, d.checkDisk,
		d.checkCenter,
	}
	out := make([]Result, 0, len(checks))
	for _, c := range checks {
		out = append(out, c(ctx))
	}
	return out
}

// Print writes one line per result and returns whether all passed.
func Print(w io.Writer, results []Result) bool {
	ok := true
	for _, r := range results {
		line := fmt.Sprintf("%-4s %-8s %s", r.Status, r.Name, r.Detail)
		if r.Status != OK && r.Fix != "" {
			line += " — fix: " + r.Fix
		}
		fmt.Fprintln(w, line)
		if r.Status == Fail {
			ok = false
		}
	}
	return ok
}

// Failed names the checks that failed, in order, for the exit message.
func Failed(results []Result) []string {
	var names []string
	for _, r := range results {
		if r.Status == Fail {
			names = append(names, r.Name)
		}
	}
	return names
}

func (d *Doctor) checkConfig(context.Context) Result {
	r := Result{Name: "config"}
	cfg, err := platform.LoadConfig(d.ConfigPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		r.Status, r.Detail = Fail, d.ConfigPath+" not found"
		r.Fix = "run 'hallkiosk provision', or pass --config FILE"
	case err != nil:
		r.Status, r.Detail = Fail, strings.ReplaceAll(err.Error(), "\n", ";")
		r.Fix = "correct the keys named, then 'hallkiosk config check " + d.ConfigPath + "'"
	default:
		d.cfg = cfg
		r.Status, r.Detail = OK, fmt.Sprintf("%s (role %s, device %s)", d.ConfigPath, cfg.Role, cfg.Device.Name)
	}
	return r
}

// serialNodes lists the serial device nodes present.
func (d *Doctor) serialNodes() []string {
	var nodes []string
	for _, pat := range []string{"ttyS*", "ttyUSB*", "ttyACM*", "serial/by-id/*"} {
		m, _ := filepath.Glob(filepath.Join(d.DevDir, pat))
		nodes = append(nodes, m...)
	}
	sort.Strings(nodes)
	return nodes
}

func (d *Doctor) checkSerial(context.Context) Result {
	r := Result{Name: "serial", Status: OK}
	nodes := d.serialNodes()
	r.Detail = fmt.Sprintf("%d port(s) present: %s", len(nodes), summarise(nodes, 6))
	if d.cfg == nil {
		if len(nodes) == 0 {
			r.Status, r.Fix = Warn, "no serial ports found; plug in the printer and reader adapters"
		}
		return r
	}
	var bad []string
	for role, port := range map[string]string{"printer": d.cfg.Printer.Port, "reader": d.cfg.Reader.Port} {
		if port == "" {
			continue
		}
		p, err := platform.OpenSerial(platform.SerialConfig{Path: port, Baud: 115200})
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s port %s: %v", role, port, err))
			continue
		}
		p.Close()
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		r.Status, r.Detail = Fail, strings.Join(bad, "; ")
		r.Fix = "check the cable and the udev rule, or run 'hallkiosk provision' to choose the port"
	}
	return r
}

func (d *Doctor) checkGPIO(context.Context) Result {
	r := Result{Name: "gpio", Status: OK}
	chips, err := d.Chips()
	var names []string
	for _, c := range chips {
		names = append(names, fmt.Sprintf("%s[%s] %d lines", c.Name, c.Label, c.Lines))
	}
	switch {
	case err != nil:
		r.Detail = "no GPIO chips: " + err.Error()
	case len(chips) == 0:
		r.Detail = "no GPIO chips on this machine"
	default:
		r.Detail = strings.Join(names, ", ")
	}
	if d.cfg == nil || d.cfg.GPIO == (platform.GPIOConfig{}) {
		r.Detail += "; no lines configured"
		return r
	}
	if _, err := platform.OpenLines(d.cfg.GPIO, d.Resolve); err != nil {
		r.Status, r.Detail = Fail, strings.ReplaceAll(err.Error(), "\n", "; ")
		r.Fix = "name lines as the kernel does (see 'gpioinfo') or as gpiochipN:OFFSET in [gpio]"
		return r
	}
	r.Detail += "; configured lines set up"
	return r
}

func (d *Doctor) checkFont(context.Context) Result {
	r := Result{Name: "font"}
	configured := ""
	if d.cfg != nil {
		configured = d.cfg.FontPath
	}
	path, err := platform.FindCJKFont(configured)
	if err != nil {
		r.Status, r.Detail, r.Fix = Fail, err.Error(), "apt-get install fonts-droid-fallback, or set font_path"
		return r
	}
	data, err := os.ReadFile(path)
	if err == nil {
		var f *sfnt.Font
		if f, err = sfnt.Parse(data); err == nil {
			err = hasGlyph(f, '号')
		}
	}
	if err != nil {
		r.Status, r.Detail, r.Fix = Fail, fmt.Sprintf("%s: %v", path, err), "use a TTF/OTF that covers Chinese"
		return r
	}
	r.Status, r.Detail = OK, path+" (has Chinese glyphs)"
	return r
}

func hasGlyph(f *sfnt.Font, r rune) error {
	var buf sfnt.Buffer
	idx, err := f.GlyphIndex(&buf, r)
	if err != nil {
		return err
	}
	if idx == 0 {
		return fmt.Errorf("no glyph for %q", r)
	}
	return nil
}

func (d *Doctor) checkDisplay(context.Context) Result {
	r := Result{Name: "display"}
	if w := d.Getenv("WAYLAND_DISPLAY"); w != "" {
		r.Status, r.Detail = OK, "Wayland "+w
		return r
	}
	disp := d.Getenv("DISPLAY")
	if disp == "" {
		r.Status, r.Detail = Fail, "no DISPLAY or WAYLAND_DISPLAY set"
		r.Fix = "start the kiosk session (see docs/deploy.md), or run under Xvfb for tests"
		return r
	}
	num := strings.TrimPrefix(disp, ":")
	num, _, _ = strings.Cut(num, ".")
	sock := filepath.Join(d.X11Dir, "X"+num)
	c, err := net.DialTimeout("unix", sock, time.Second)
	if err != nil {
		r.Status, r.Detail = Fail, fmt.Sprintf("DISPLAY=%s but %s does not answer: %v", disp, sock, err)
		r.Fix = "check that the X server is running"
		return r
	}
	c.Close()
	r.Status, r.Detail = OK, "X11 DISPLAY="+disp+" answers"
	return r
}

func (d *Doctor) checkDisk(context.Context) Result {
	r := Result{Name: "disk"}
	dataDir := platform.DefaultConfig().DataDir // where provisioning will put it
	if d.cfg != nil {
		dataDir = d.cfg.DataDir
	}
	free, err := d.DiskFree(dataDir)
	if err != nil {
		r.Status, r.Detail = Fail, err.Error()
		r.Fix = "check data_dir in the config and the disk it is on"
		return r
	}
	r.Detail = fmt.Sprintf("%d MiB free for %s", free>>20, dataDir)
	switch {
	case free < DiskFailBelow:
		r.Status = Fail
		r.Fix = "free space (old logs, diag bundles) or move data_dir to a larger disk"
	case free < DiskWarnBelow:
		r.Status, r.Fix = Warn, "free space soon: the ledger stops issuing on a full disk"
	default:
		r.Status = OK
	}
	return r
}

func (d *Doctor) checkCenter(ctx context.Context) Result {
	r := Result{Name: "center"}
	if d.cfg == nil {
		r.Status, r.Detail, r.Fix = Fail, "unknown: no valid config", "fix the config first"
		return r
	}
	url := strings.TrimRight(d.cfg.Center.URL, "/") + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		r.Status, r.Detail = Fail, err.Error()
		return r
	}
	resp, err := d.HTTP.Do(req)
	if err != nil {
		r.Status, r.Detail = Fail, fmt.Sprintf("%s: %v", url, err)
		r.Fix = "check the network and center.url; the kiosk keeps working offline meanwhile"
		return r
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		r.Status, r.Detail = Fail, fmt.Sprintf("%s answered %s", url, resp.Status)
		r.Fix = "check the center's logs"
		return r
	}
	r.Status, r.Detail = OK, url+" answers"
	return r
}

func summarise(items []string, n int) string {
	if len(items) == 0 {
		return "none"
	}
	if len(items) <= n {
		return strings.Join(items, " ")
	}
	return strings.Join(items[:n], " ") + fmt.Sprintf(" and %d more", len(items)-n)
}
