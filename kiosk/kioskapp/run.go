package kioskapp

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"hallkiosk/internal/buildinfo"
	"hallkiosk/internal/fynetheme"
	"hallkiosk/kiosk"
	"hallkiosk/kiosk/adapt"
	"hallkiosk/kiosk/ui"
	"hallkiosk/platform"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/logging"
	"hallkiosk/platform/systemd"
	"hallkiosk/printer"
)

// PINFile is the technician PIN's bcrypt hash in the data directory
// (written by `hallkiosk kiosk --set-pin`). Without it the maintenance
// entry is off.
const PINFile = "maintenance.pin"

// RunOptions tune Run.
type RunOptions struct {
	Log  *slog.Logger
	Logs *LogRing
}

// Run opens the parts and shows the kiosk until the technician exits or
// ctx ends. It must be called on the main goroutine (fyne's GL driver).
func Run(ctx context.Context, cfg *platform.Config, o RunOptions) error {
	start := time.Now()
	log := logging.For(o.Log, "kiosk")
	// T6: keep resident memory flat (see platform.DefaultMemoryLimit).
	// BUG(hallkiosk): resident memory is about 210 MB under Xvfb with
	// software GL, over T6's 150 MB; docs/kiosk.md says where it goes.
	log.Info("go memory limit", "bytes", platform.LimitMemory(platform.DefaultMemoryLimit))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a := app.NewWithID("hallkiosk.kiosk")
	parts, err := Open(ctx, cfg, Options{Log: o.Log, Logs: o.Logs, Version: buildinfo.Version,
		Exit: func() { fyne.Do(a.Quit) }})
	if err != nil {
		return err
	}
	defer parts.Close()
	th, err := loadTheme(cfg)
	if err != nil {
		return err
	}
	w := window(a, cfg)
	m, u := build(a, w, cfg, parts, th, log)
	go func() { _ = parts.Syncer.Run(ctx) }()
	go parts.Store.RefreshEvery(ctx, 5*time.Second, nil)
	feed(ctx, parts, m, u)
	ui.ShowEvery(time.Second, ctx.Done(), u.Tick)
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.Show()
	// Under systemd (Type=notify, WatchdogSec) the kiosk is ready once its
	// first frame is up, and a frozen UI thread stops feeding the watchdog.
	go systemd.WatchUI(ctx, fyne.Do, log, func() {
		log.Info("first frame", "after", time.Since(start).Round(time.Millisecond))
	})
	a.Run()
	return nil
}

func loadTheme(cfg *platform.Config) (*fynetheme.Theme, error) {
	font, err := platform.FindCJKFont(cfg.FontPath)
	if err != nil {
		return nil, fmt.Errorf("kiosk: %w", err)
	}
	return fynetheme.Load(font, fynetheme.Options{Scale: 1})
}

// window is the kiosk's window: fullscreen, so no decorations, at the
// configured size otherwise.
func window(a fyne.App, cfg *platform.Config) fyne.Window {
	w := a.NewWindow("hallkiosk kiosk")
	w.Resize(fyne.NewSize(float32(cfg.Screen.Width), float32(cfg.Screen.Height)))
	w.SetFullScreen(cfg.Screen.Fullscreen)
	return w
}

func build(a fyne.App, w fyne.Window, cfg *platform.Config, p *Parts, th *fynetheme.Theme,
	log *slog.Logger) (*kiosk.Machine, *ui.UI) {
	pin, err := os.ReadFile(filepath.Join(cfg.DataDir, PINFile))
	if errors.Is(err, fs.ErrNotExist) {
		log.Warn("no maintenance PIN set; the technician panel is off", "file", PINFile)
	}
	lang := kiosk.ZH
	if cfg.Language == "en" {
		lang = kiosk.EN
	}
	var run lateRunner
	// R7 windows and the date on screen are hall times.
	clk := clock.Zoned{Loc: p.Ledger.Location()}
	m := kiosk.New(p.Ports, clk, &run, kiosk.Options{Lang: lang, PINHash: pin, Logger: log})
	u := ui.New(a, w, m, ui.Options{Theme: th, Clock: clk, Center: cfg.Device.Name,
		Portrait: cfg.Screen.Orientation != "landscape"})
	run.r = u.Runner()
	return m, u
}

// lateRunner lets the machine exist before the UI that runs its calls.
type lateRunner struct{ r kiosk.Runner }

// Go implements kiosk.Runner.
func (l *lateRunner) Go(work func() func()) { l.r.Go(work) }

// feed carries reader events and printer status changes to the machine on
// the UI thread.
func feed(ctx context.Context, p *Parts, m *kiosk.Machine, u *ui.UI) {
	if p.Reader != nil {
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case ev := <-p.Reader.Events():
					fyne.Do(func() { m.CardEvent(ev); u.Flush() })
				}
			}
		}()
	}
	changes := printer.Watch(ctx, p.Printer.D, 5*time.Second, clock.Real{})
	go func() {
		for c := range changes {
			st := adapt.StateOf(c.Status)
			if c.Err != nil {
				st = kiosk.PrinterOffline
			}
			fyne.Do(func() { m.PrinterChanged(st); u.Flush() })
		}
	}()
}
