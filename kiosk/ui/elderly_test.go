package ui_test

import (
	"image/color"
	"math"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/kiosk"
	"hallkiosk/kiosk/ui"
)

// luminance is the WCAG relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of two colours (1 to 21).
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// visible tells whether o lies wholly inside the window, so a citizen can
// tap it without scrolling.
func (r *rig) visible(o fyne.CanvasObject) bool {
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	win := r.w.Canvas().Size()
	return pos.X >= 0 && pos.Y >= 0 && pos.X+o.Size().Width <= win.Width+0.5 &&
		pos.Y+o.Size().Height <= win.Height+0.5
}

// tapVisible taps the tile titled s and fails if it is off screen.
func (r *rig) tapVisible(s string) {
	r.t.Helper()
	ts := r.tiles(s)
	if len(ts) == 0 || !r.visible(ts[0]) {
		r.t.Fatalf("tile %q not on screen on %v", s, r.m.State().Screen)
	}
	test.Tap(ts[0])
	r.m.Wait() // the prompt of the new screen is said before the next tap
	r.settle()
}

// 适老化 through the touchscreen: large text, high contrast, bigger targets,
// every screen's prompt spoken, and every journey reached within three taps
// of home on tiles that are on screen without scrolling.
func TestElderlyMode(t *testing.T) {
	t.Run("portrait", func(t *testing.T) { elderly(t, true) })
	t.Run("landscape", func(t *testing.T) { elderly(t, false) })
}

func elderly(t *testing.T, portrait bool) {
	r := newRig(t, portrait)
	r.tapVisible("现场取号")
	normalText := theme.Size(theme.SizeNameText)
	normalTile := r.tiles("区市场监管局")[0].MinSize()
	r.m.Home()
	r.u.Flush()

	r.tapVisible("大字模式")
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	if got := th.Size(theme.SizeNameText); got < 1.35*normalText {
		t.Fatalf("large text %v, normal %v", got, normalText)
	}
	fg, bg := th.Color(theme.ColorNameForeground, v), th.Color(theme.ColorNameBackground, v)
	tile, accent := th.Color(theme.ColorNameButton, v), th.Color(theme.ColorNamePrimary, v)
	for _, p := range [][2]color.Color{{fg, bg}, {fg, tile}, {ui.ReadableOn(accent), accent}} {
		if c := contrast(p[0], p[1]); c < 7 { // WCAG AAA for normal text
			t.Fatalf("contrast %.1f:1 of %v on %v, want at least 7:1", c, p[0], p[1])
		}
	}

	// Every journey within three taps; the walk-in's third tap reaches the
	// confirmation, whose one deliberate tap prints (G5).
	for _, j := range []struct {
		taps []string
		want kiosk.Screen
	}{
		{[]string{"预约签到"}, kiosk.ScreenCheckIn},
		{[]string{"预约签到", "输入预约码"}, kiosk.ScreenKeypad},
		{[]string{"现场取号", "区市场监管局", "企业设立登记（有限责任公司）"}, kiosk.ScreenConfirm},
		{[]string{"办事指南查询"}, kiosk.ScreenSearch},
		{[]string{"现场预约"}, kiosk.ScreenCardNeeded},
		{[]string{"取消预约"}, kiosk.ScreenCardNeeded},
	} {
		r.m.Home()
		r.u.Flush()
		for _, s := range j.taps {
			r.tapVisible(s)
		}
		r.screen(j.want)
	}
	r.m.Home()
	r.u.Flush()
	r.tapVisible("现场取号")
	if got := r.tiles("区市场监管局")[0].MinSize(); got.Height < 1.35*normalTile.Height {
		t.Fatalf("department tile %v in large mode, normal %v", got, normalTile)
	}

	said := r.k.Speaker.Said()
	for _, m := range []kiosk.Msg{"checkin.card", "walkin.depts", "walkin.matters",
		"walkin.confirm", "search.hint"} {
		if !slices.Contains(said, "zh:"+kiosk.T(kiosk.ZH, m)) {
			t.Fatalf("prompt %s not spoken: %q", m, said)
		}
	}
}

// T6: no citizen's screen uses a bold, italic or monospace text style. The
// kiosk's one CJK font has no such faces, and fyne loads a set of faces for
// each style used (about 25 MB of heap for bold or italic, 7 MB for
// monospace). Only the technician panel draws monospace.
func TestNoExtraFontStyles(t *testing.T) {
	r := newRig(t, true)
	r.booking("123456", "09:00")
	check := func() {
		t.Helper()
		for _, o := range test.LaidOutObjects(r.w.Content()) {
			var styles []fyne.TextStyle
			switch x := o.(type) {
			case *canvas.Text:
				styles = append(styles, x.TextStyle)
			case *widget.RichText:
				for _, s := range x.Segments {
					if ts, ok := s.(*widget.TextSegment); ok {
						styles = append(styles, ts.Style.TextStyle)
					}
				}
			case *widget.Label:
				styles = append(styles, x.TextStyle)
			}
			for _, st := range styles {
				if st.Bold || st.Italic || st.Monospace {
					t.Fatalf("%v draws %T with style %+v", r.m.State().Screen, o, st)
				}
			}
		}
	}
	check()
	r.tap("现场取号")
	r.tap("区市场监管局")
	r.tap("企业设立登记（有限责任公司）")
	r.tap("取号")
	r.settle()
	check() // the ticket's number
	r.m.Home()
	r.u.Flush()
	r.tap("办事指南查询")
	r.typeKeys("QY")
	check() // matches marked in the results
	r.m.OpenEntry(r.m.State().Hits[0].Code)
	r.u.Flush()
	check()
	r.m.Home()
	r.u.Flush()
	r.tap("预约签到")
	r.tap("输入身份证号")
	r.typeKeys("310117")
	check() // the typed number
	r.m.Home()
	r.u.Flush()
	r.card(idAlice)
	check()
}
