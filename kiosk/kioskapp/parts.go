// Package kioskapp wires the kiosk to its real parts from the device
// config and runs it in a fyne window: `hallkiosk kiosk` is a thin main
// over Run. Open builds the parts without a window, so journey tests can
// drive the machine over the real ledger, center, printer and reader.
package kioskapp

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/idcard"
	"hallkiosk/kiosk"
	"hallkiosk/kiosk/adapt"
	"hallkiosk/ledger"
	"hallkiosk/platform"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/logging"
	"hallkiosk/printer"
)

// Parts are the kiosk's real components. A nil Reader means no reader is
// configured or it could not be opened: keypad check-in only.
type Parts struct {
	Ports   kiosk.Ports
	Ledger  *ledger.Ledger
	Syncer  *ledger.Syncer
	Store   *adapt.Ledger
	Center  *adapt.Center
	Printer *adapt.Printer
	Reader  *adapt.Reader
	Tech    *Tech
	closers []func() error
	// noReader says why Reader is nil ("not fitted", or the open error),
	// for the heartbeat; "" when a reader is open.
	noReader string
	lines    *platform.Lines // the [gpio] lines that opened; nil when none is wired
}

// Options tune Open.
type Options struct {
	Log     *slog.Logger
	Clock   clock.Clock // default clock.Real{}
	Version string
	Logs    *LogRing // last log lines for the technician panel
	Exit    func()   // called by the panel's exit button
	// Resolver reaches the GPIO lines ([gpio] paper_low, door_open,
	// status_led); default
	// platform.HostResolver.
	Resolver platform.Resolver
}

// Open builds the parts from the config: the ledger in cfg.DataDir with
// its sync loop to cfg.Center.URL, the printer on cfg.Printer.Port and
// the reader on cfg.Reader.Port. A missing reader or voice is logged and
// left out; a missing printer port or ledger is an error.
func Open(ctx context.Context, cfg *platform.Config, o Options) (*Parts, error) {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	log := logging.For(o.Log, "kiosk")
	p := &Parts{}
	steps := []func(context.Context, *platform.Config, Options) error{
		p.openLedger, p.openCenter, p.openGPIO, p.openPrinter, p.openReader}
	for _, step := range steps {
		if err := step(ctx, cfg, o); err != nil {
			p.Close()
			return nil, err
		}
	}
	p.Tech = &Tech{Parts: p, Logs: o.Logs, OnExit: o.Exit, URL: cfg.Center.URL}
	p.Ports = kiosk.Ports{Catalog: p.Store, Tickets: p.Store, Bookings: p.Center,
		Search: &adapt.Search{Ledger: p.Store, Center: p.Center}, Printer: p.Printer,
		Link: p.Center, Tech: p.Tech}
	if p.Reader != nil {
		p.Ports.Reader = p.Reader
	}
	if sp, err := adapt.NewSpeaker(); err != nil {
		log.Warn("no voice for the elderly mode", logging.KeyErr, err)
	} else {
		p.Ports.Speaker = sp
	}
	return p, nil
}

func (p *Parts) openLedger(ctx context.Context, cfg *platform.Config, o Options) error {
	l, err := ledger.Open(ledger.DefaultPath(cfg.DataDir), ledger.Options{Clock: o.Clock,
		Log: o.Log, PurgeAfterDays: cfg.Privacy.PurgeAfterDays})
	if err != nil {
		return fmt.Errorf("kiosk: %w", err)
	}
	p.Ledger = l
	p.closers = append(p.closers, l.Close)
	key, err := hallKey(cfg.DataDir)
	if err != nil {
		return err
	}
	p.Store = &adapt.Ledger{L: l, HallKey: key}
	_ = p.Store.Refresh(ctx) // no hall before the first sync is a state, not an error
	return nil
}

func hallKey(dir string) ([]byte, error) {
	s, err := platform.LoadSecret(dir, platform.HallKeyFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("kiosk: no hall key in %s: provision the kiosk first", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("kiosk: %w", err)
	}
	key, err := hex.DecodeString(s)
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("kiosk: hall key in %s is not hex: provision again", dir)
	}
	return key, nil
}

func (p *Parts) openCenter(_ context.Context, cfg *platform.Config, o Options) error {
	token, err := platform.LoadSecret(cfg.DataDir, platform.TokenFile)
	if err != nil {
		return fmt.Errorf("kiosk: device token: %w (provision the kiosk first)", err)
	}
	hc, err := platform.CenterClient(cfg.Center, 10*time.Second)
	if err != nil {
		return fmt.Errorf("kiosk: %w", err)
	}
	p.Center = &adapt.Center{Base: cfg.Center.URL, Token: token, HTTP: hc}
	p.Syncer = ledger.NewSyncer(p.Ledger, ledger.NewHTTPCenter(cfg.Center.URL, token, hc),
		ledger.SyncOptions{Clock: o.Clock, Log: o.Log, Version: o.Version,
			Health:   p.health, // the printer's and reader's states reach the center
			DiskFree: func() (uint64, error) { return platform.DiskFree(cfg.DataDir) },
			// The first hall arrives with the first good round: show it
			// at once rather than at the next periodic refresh.
			OnState: func(ledger.State) { go p.Store.Refresh(context.Background()) }})
	p.Center.Syncer = p.Syncer
	return nil
}

func (p *Parts) openPrinter(_ context.Context, cfg *platform.Config, o Options) error {
	paper, err := printer.ParsePaper(cfg.Printer.Paper)
	if err != nil {
		return fmt.Errorf("kiosk: printer: %w", err)
	}
	sc := platform.SerialConfig{Path: cfg.Printer.Port, Baud: cfg.Printer.Baud,
		WriteTimeout: 3 * time.Second}
	port, err := openReopening(sc)
	if err != nil {
		return fmt.Errorf("kiosk: printer: %w", err)
	}
	d := printer.New(port, printer.Options{Format: printer.Format{Paper: paper}, Log: o.Log,
		PaperLow: p.paperSensor()})
	p.closers = append(p.closers, d.Close)
	p.Printer = &adapt.Printer{D: d, Catalog: p.Store, Loc: p.Ledger.Location(),
		Public: cfg.Center.URL}
	return nil
}

func (p *Parts) openReader(ctx context.Context, cfg *platform.Config, o Options) error {
	log := logging.For(o.Log, "kiosk")
	if cfg.Reader.Port == "" {
		log.Info("no ID-card reader configured; keypad check-in only")
		p.noReader = "not fitted"
		return nil
	}
	sp, err := openReopening(platform.SerialConfig{Path: cfg.Reader.Port, Baud: cfg.Reader.Baud})
	if err != nil {
		log.Warn("ID-card reader not available; keypad check-in only", logging.KeyErr, err)
		p.noReader = "cannot open: " + err.Error()
		return nil
	}
	p.closers = append(p.closers, sp.Close)
	// The reader's polls pace by the wall clock, like its exchanges: a
	// test's fake clock must not stall them.
	r := idcard.New(sp, idcard.Options{Baud: cfg.Reader.Baud, Clock: clock.Real{}, Log: o.Log,
		Fingerprint: cfg.Reader.Fingerprint})
	p.Reader = &adapt.Reader{R: r, HallKey: p.Store.HallKey}
	p.Reader.Start(ctx)
	return nil
}

// health is the kiosk's parts in each heartbeat (issue 10.3): the printer
// and the reader as the machine last reported them, "unknown" until the
// first status or reader event, and why there is no reader when there is
// none. The sync loop adds its own line.
func (p *Parts) health(ctx context.Context) map[string]string {
	h := p.Center.Health(ctx)
	if _, ok := h[api.HealthPrinter]; !ok {
		h[api.HealthPrinter] = "unknown"
	}
	if p.noReader != "" {
		h[api.HealthReader] = p.noReader
	} else if _, ok := h[api.HealthReader]; !ok {
		h[api.HealthReader] = "unknown"
	}
	return h
}

// openReopening opens a device that must come back without a restart when
// it is knocked loose and plugged in again under the same name: after an
// I/O error the port reopens the device node. The first open is made here,
// so a device missing at start-up is still reported at once.
func openReopening(sc platform.SerialConfig) (*platform.ReopeningPort, error) {
	sp, err := platform.OpenSerial(sc)
	if err != nil {
		return nil, err
	}
	first := sp
	return platform.NewReopeningPort(sc.Path, func() (platform.Port, error) {
		if p := first; p != nil {
			first = nil
			return p, nil
		}
		return platform.OpenSerial(sc)
	}, platform.ReopenOptions{}), nil
}

// Close releases the parts in reverse order.
func (p *Parts) Close() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		_ = p.closers[i]()
	}
	p.closers = nil
}
