// Package ui draws the kiosk's State with fyne and feeds taps back to the
// kiosk.Machine. It holds no journey logic: every decision is the
// machine's, so this package only lays out screens for portrait
// (1080×1920) and landscape (1920×1080) and keeps the window a kiosk:
// fullscreen, no decorations, no cursor, no keyboard shortcuts.
package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"hallkiosk/internal/fynetheme"
	"hallkiosk/kiosk"
	"hallkiosk/platform/clock"
)

// Theme scales: the kiosk reads from arm's length, the elderly mode from
// further (适老化: large text, high contrast, bigger targets).
var (
	normalLook = fynetheme.Options{Scale: 1.5}
	largeLook  = fynetheme.Options{Scale: 2.1, HighContrast: true}
)

// Options configure the UI.
type Options struct {
	Theme    *fynetheme.Theme // the CJK font theme; its options are replaced
	Portrait bool             // 1080×1920; false is 1920×1080
	Clock    clock.Clock
	Center   string // center name when the hall has none yet
}

// UI is the kiosk's window.
type UI struct {
	app   fyne.App
	win   fyne.Window
	m     *kiosk.Machine
	opts  Options
	dirty bool
	large bool
	clock *canvas.Text
}

// New binds a machine to a window. Call Flush after every change the UI
// did not cause itself (replies applied through a Runner).
func New(app fyne.App, win fyne.Window, m *kiosk.Machine, opts Options) *UI {
	u := &UI{app: app, win: win, m: m, opts: opts, dirty: true}
	m.OnChange(func() { u.dirty = true })
	app.Settings().SetTheme(opts.Theme.With(normalLook))
	u.harden()
	u.Flush()
	return u
}

// harden makes the window a kiosk: keys do nothing and closing is refused
// (the technician exits from the maintenance panel).
func (u *UI) harden() {
	c := u.win.Canvas()
	c.SetOnTypedKey(func(*fyne.KeyEvent) {})
	c.SetOnTypedRune(func(rune) {})
	u.win.SetCloseIntercept(func() {})
	u.win.SetPadded(false)
}

// Flush redraws when the machine changed.
func (u *UI) Flush() {
	if !u.dirty {
		return
	}
	u.dirty = false
	st := u.m.State()
	if st.Large != u.large {
		u.large = st.Large
		look := normalLook
		if st.Large {
			look = largeLook
		}
		u.app.Settings().SetTheme(u.opts.Theme.With(look))
	}
	u.win.SetContent(u.screen(st))
}

// Tick advances the machine's clocks and the header's time; the product
// calls it every second on the UI thread.
func (u *UI) Tick() {
	u.m.Tick()
	if u.clock != nil {
		u.clock.Text = u.now()
		u.clock.Refresh()
	}
	u.Flush()
}

// act wraps a tap handler so the screen follows the machine.
func (u *UI) act(f func()) func() {
	return func() {
		f()
		u.Flush()
	}
}

// Runner returns the product's runner: work on a goroutine, the reply on
// the UI thread through fyne.Do.
func (u *UI) Runner() kiosk.Runner { return fyneRunner{u} }

type fyneRunner struct{ u *UI }

// Go implements kiosk.Runner.
func (r fyneRunner) Go(work func() func()) {
	go func() {
		apply := work()
		fyne.Do(func() {
			apply()
			r.u.Flush()
		})
	}()
}

func (u *UI) t(m kiosk.Msg, args ...any) string { return kiosk.T(u.m.State().Lang, m, args...) }

func (u *UI) now() string {
	return kiosk.DateTime(u.m.State().Lang, u.opts.Clock.Now())
}

func (u *UI) cols(portrait, landscape int) int {
	if u.opts.Portrait {
		return portrait
	}
	return landscape
}

func (u *UI) centerName() string {
	if h := u.m.Hall(); h != nil && h.Center != "" {
		return h.Center
	}
	return u.opts.Center
}

func fg() color.Color { return theme.Color(theme.ColorNameForeground) }

func accent() color.Color { return theme.Color(theme.ColorNamePrimary) }

func warn() color.Color { return theme.Color(theme.ColorNameError) }

// screen builds the whole window content for a state.
func (u *UI) screen(st kiosk.State) fyne.CanvasObject {
	if st.Screen == kiosk.ScreenAttract {
		return u.attract()
	}
	body := u.body(st)
	top := container.NewVBox(u.header(st))
	if b := u.banner(st); b != nil {
		top.Add(b)
	}
	var bottom fyne.CanvasObject
	if st.Screen != kiosk.ScreenHome {
		bottom = u.footer(st)
	}
	return container.NewBorder(top, bottom, nil, nil, container.NewPadded(body))
}

// ShowEvery runs f on the UI thread every period until stop closes.
func ShowEvery(period time.Duration, stop <-chan struct{}, f func()) {
	go func() {
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				fyne.Do(f)
			}
		}
	}()
}
