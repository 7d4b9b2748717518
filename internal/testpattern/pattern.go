// Package testpattern draws the screen test a technician runs from
// `hallkiosk selftest`: eight colour bars and a Chinese line, so a missing
// colour channel, a wrong orientation or a font without Chinese is seen at
// a glance, and checked automatically by sampling the drawn frame.
package testpattern

import (
	"fmt"
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
)

// Bars are the colours, left to right, as on a broadcast test card.
var Bars = []color.NRGBA{
	{0xff, 0xff, 0xff, 0xff}, {0xff, 0xff, 0x00, 0xff}, {0x00, 0xff, 0xff, 0xff}, {0x00, 0xff, 0x00, 0xff},
	{0xff, 0x00, 0xff, 0xff}, {0xff, 0x00, 0x00, 0xff}, {0x00, 0x00, 0xff, 0xff}, {0x00, 0x00, 0x00, 0xff},
}

// Content returns the pattern: the bars with a label across the top third.
func Content(label string) fyne.CanvasObject {
	bars := container.NewGridWithColumns(len(Bars))
	for _, c := range Bars {
		bars.Add(canvas.NewRectangle(c))
	}
	text := canvas.NewText("屏幕测试 Screen test  "+label, color.White)
	text.TextSize = 48
	text.Alignment = fyne.TextAlignCenter
	band := canvas.NewRectangle(color.NRGBA{0x20, 0x20, 0x20, 0xff})
	top := container.NewStack(band, container.NewCenter(text))
	return container.New(layout.NewGridLayoutWithRows(3), top, bars, bars2(bars))
}

// bars2 repeats the bars so the lower two thirds are colour; sampling
// reads the bottom row, well clear of the label.
func bars2(_ *fyne.Container) fyne.CanvasObject {
	g := container.NewGridWithColumns(len(Bars))
	for _, c := range Bars {
		g.Add(canvas.NewRectangle(c))
	}
	return g
}

// Check samples the centre of each bar in the bottom sixth of a captured
// frame and reports the first bar whose colour is off by more than a small
// tolerance (scaling and colour management smooth edges, not centres).
func Check(img image.Image) error {
	b := img.Bounds()
	if b.Dx() < len(Bars) || b.Dy() < 6 {
		return fmt.Errorf("screen test: frame %dx%d is too small", b.Dx(), b.Dy())
	}
	y := b.Min.Y + b.Dy()*11/12
	for i, want := range Bars {
		x := b.Min.X + b.Dx()*(2*i+1)/(2*len(Bars))
		got := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
		if far(got.R, want.R) || far(got.G, want.G) || far(got.B, want.B) {
			return fmt.Errorf("screen test: bar %d at (%d,%d) is %v, want %v", i+1, x, y, got, want)
		}
	}
	return nil
}

func far(a, b uint8) bool {
	d := int(a) - int(b)
	return d > 24 || d < -24
}
