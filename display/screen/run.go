package screen

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"math"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"hallkiosk/center/api"
	"hallkiosk/display"
	"hallkiosk/display/stream"
	"hallkiosk/display/voice"
	"hallkiosk/internal/buildinfo"
	"hallkiosk/internal/fynetheme"
	"hallkiosk/platform"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/logging"
	"hallkiosk/platform/systemd"
)

// RunOptions wire the display. Zero values take the documented defaults.
type RunOptions struct {
	Log *slog.Logger
	// Resolver reaches the GPIO lines; default platform.HostResolver.
	Resolver platform.Resolver
	// Sink overrides the audio output (e.g. a voice.FileSink for a box
	// without speakers); default aplay.
	Sink voice.Sink
	// Capture, when set, saves the window's first frames to this PNG after
	// CaptureAfter and quits: the screenshots in docs/screens are made so.
	Capture      string
	CaptureAfter time.Duration
}

// Run is `hallkiosk display`: it shows the cached state at once, follows
// the center's stream, announces calls and draws them until ctx ends. It
// must be called on the main goroutine (fyne's rule).
func Run(ctx context.Context, cfg *platform.Config, o RunOptions) error {
	started := time.Now()
	log := logging.For(o.Log, "display")
	// A display box is small too: the same soft limit as the kiosk (T6).
	log.Info("go memory limit", "bytes", platform.LimitMemory(platform.DefaultMemoryLimit))
	cache := loadCache(cfg, log)

	th, err := loadTheme(cfg)
	if err != nil {
		return err
	}
	a := fyneapp.NewWithID("hallkiosk.display")
	a.Settings().SetTheme(th)
	scr := New(Options{Portrait: cfg.Screen.Orientation == "portrait"})
	w := newWindow(a, cfg, scr)
	scr.Show(cache.State, time.Now())

	vo := voiceOptions(cfg, o, log)
	ann := voice.New(vo)
	ctrl := display.NewController(cache, display.ControllerOptions{
		View:     func(st display.State) { fyne.Do(func() { scr.Show(st, time.Now()) }) },
		Announce: ann.Enqueue,
		Save: func(c display.Cache) error {
			return display.SaveCache(display.CachePath(cfg.DataDir), c)
		},
		Log: o.Log,
	})
	client, err := newClient(cfg, log, o.Log, cache.StreamID)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go ann.Run(ctx)
	go animate(ctx, scr)
	first := make(chan struct{})
	go beat(ctx, client, ctrl, health(vo), cfg.DataDir, log, first)
	go func() {
		// The first heartbeat tells the center's clock before any call is
		// judged too old to announce; it is bounded by the request timeout.
		<-first
		client.Run(ctx, ctrl)
	}()
	go quitWhenDone(ctx, a, w, o, log)
	// Under systemd (Type=notify, WatchdogSec) the display is ready once its
	// first frame is up, and a frozen UI thread stops feeding the watchdog.
	go systemd.WatchUI(ctx, fyne.Do, log, func() {
		log.Info("first frame", "after", time.Since(started).Round(time.Millisecond))
	})
	w.ShowAndRun()
	return nil
}

func loadCache(cfg *platform.Config, log *slog.Logger) display.Cache {
	c, err := display.LoadCache(display.CachePath(cfg.DataDir))
	if err != nil {
		log.Warn("display cache unreadable; starting empty", logging.KeyErr, err)
		return display.Cache{State: display.State{Link: display.LinkOffline}}
	}
	return c
}

func loadTheme(cfg *platform.Config) (*fynetheme.Theme, error) {
	font, err := platform.FindCJKFont(cfg.FontPath)
	if err != nil {
		return nil, fmt.Errorf("display: %w", err)
	}
	return fynetheme.Load(font, fynetheme.Options{Scale: 1})
}

func newWindow(a fyne.App, cfg *platform.Config, scr *Screen) fyne.Window {
	w := a.NewWindow("hallkiosk display")
	w.SetContent(scr.Object())
	w.SetPadded(false)
	w.Resize(fyne.NewSize(float32(cfg.Screen.Width), float32(cfg.Screen.Height)))
	w.SetFullScreen(cfg.Screen.Fullscreen)
	return w
}

// voiceOptions picks espeak-ng, aplay and the chime line; each one missing
// is logged once, clearly, and the screen works without it. The volume
// schedule is the config's, else the announcer's default.
func voiceOptions(cfg *platform.Config, o RunOptions, log *slog.Logger) voice.Options {
	// The volume steps are hall times, whatever zone the box is set to.
	vo := voice.Options{Log: o.Log, Sink: o.Sink, Clock: clock.Zoned{Loc: api.HallLocation()}}
	for _, st := range cfg.Voice.Volume { // checked by platform.Config.Check
		vo.Volume = append(vo.Volume, voice.VolumeStep{From: st.From, Volume: st.Volume})
	}
	if eng, err := voice.FindEspeak(); err != nil {
		log.Warn("no speech engine", logging.KeyErr, err)
	} else {
		vo.Engine = eng
	}
	if vo.Sink == nil {
		if sink, err := voice.FindAplay(""); err != nil {
			log.Warn("no audio output", logging.KeyErr, err)
		} else {
			vo.Sink = sink
		}
	}
	if cfg.GPIO.Chime != "" {
		resolve := o.Resolver
		if resolve == nil {
			resolve = platform.HostResolver
		}
		lines, err := platform.OpenLines(platform.GPIOConfig{Chime: cfg.GPIO.Chime}, resolve)
		if err != nil {
			log.Warn("chime line not available; calls are not pulsed", logging.KeyErr, err)
		} else {
			vo.Line = lines.Chime
		}
	}
	return vo
}

// newClient builds the stream client with the device token, if the device
// was provisioned with one (data_dir/token).
func newClient(cfg *platform.Config, log, root *slog.Logger, lastID int64) (*stream.Client, error) {
	token, err := platform.LoadSecret(cfg.DataDir, platform.TokenFile)
	if errors.Is(err, fs.ErrNotExist) {
		log.Warn("no device token; a center that requires one will refuse the stream",
			"file", cfg.DataDir+"/"+platform.TokenFile)
	} else if err != nil {
		return nil, fmt.Errorf("display: %w", err)
	}
	hc, err := platform.CenterClient(cfg.Center, 0)
	if err != nil {
		return nil, fmt.Errorf("display: %w", err)
	}
	o := stream.Options{URL: cfg.Center.URL, Token: token, HTTP: hc, Log: root}
	return stream.New(o, lastID), nil
}

// HeartbeatEvery is how often the display reports to the center's device
// health and re-reads the center's clock.
const HeartbeatEvery = time.Minute

// beat posts a heartbeat every HeartbeatEvery; its reply gives the center's
// clock, which the controller uses to judge a call's age. first is closed
// after the first attempt, delivered or not.
func beat(ctx context.Context, c *stream.Client, ctrl *display.Controller,
	static map[string]string, dataDir string, log *slog.Logger, first chan<- struct{}) {
	started := time.Now()
	disk := func() (uint64, error) { return platform.DiskFree(dataDir) }
	var offset *time.Duration // unknown until a heartbeat is answered
	for {
		hb := heartbeat(static, ctrl.State(), time.Since(started), offset, disk)
		off, err := c.Beat(ctx, hb)
		if err != nil {
			log.Info("heartbeat not delivered", logging.KeyErr, err)
		} else {
			ctrl.SetClockOffset(off)
			offset = &off
		}
		if first != nil {
			close(first)
			first = nil
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(HeartbeatEvery):
		}
	}
}

// heartbeat is the display's report to the center (issue 10.3): version,
// uptime, its parts and the stream's state, when it last heard the center
// (its sync) and the free disk of its data directory. The last sync goes on
// the center's clock, so it is sent only once the offset is measured: a
// box whose clock is wrong must not look behind.
func heartbeat(static map[string]string, st display.State, up time.Duration,
	offset *time.Duration, disk func() (uint64, error)) api.Heartbeat {
	h := maps.Clone(static)
	h["stream"] = string(st.Link)
	hb := api.Heartbeat{Version: buildinfo.Version, Uptime: int64(up.Seconds()), Health: h}
	if offset != nil && !st.Heard.IsZero() {
		hb.LastSync = st.Heard.Add(*offset)
	}
	if n, err := disk(); err == nil {
		free := int64(min(n, math.MaxInt64))
		hb.DiskFree = &free
	}
	return hb
}

// health names what the display lacks, for the center's device page.
func health(vo voice.Options) map[string]string {
	h := map[string]string{"voice": "ok", "audio": "ok"}
	if vo.Engine == nil {
		h["voice"] = voice.ErrNoEngine.Error()
	}
	if vo.Sink == nil {
		h["audio"] = voice.ErrNoPlayer.Error()
	}
	return h
}

// animate drives the clock, the flash and the marquee. Every change goes
// through fyne.Do: fyne objects belong to the UI goroutine.
func animate(ctx context.Context, scr *Screen) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	frame := time.NewTicker(40 * time.Millisecond)
	defer frame.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			fyne.Do(func() { scr.Tick(now) }) // the screen reads it in the hall's zone
		case <-frame.C:
			fyne.Do(func() { scr.Scroll(4) })
		}
	}
}

// quitWhenDone stops the app when ctx ends, or after a capture.
func quitWhenDone(ctx context.Context, a fyne.App, w fyne.Window, o RunOptions, log *slog.Logger) {
	if o.Capture != "" {
		select {
		case <-ctx.Done():
		case <-time.After(max(o.CaptureAfter, time.Second)):
			fyne.DoAndWait(func() {
				if err := savePNG(o.Capture, w.Canvas().Capture()); err != nil {
					log.Error("capture failed", logging.KeyErr, err)
				}
			})
		}
		fyne.Do(a.Quit)
		return
	}
	<-ctx.Done()
	fyne.Do(a.Quit)
}
