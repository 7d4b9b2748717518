package testpattern

import (
	"image"
	"image/color"
	"image/draw"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The pattern drawn by fyne's software painter passes its own check, and a
// frame with a dead colour channel does not.
func TestPatternRendersAndChecks(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("pattern")
	w.SetContent(Content("kiosk-1"))
	w.Resize(fyne.NewSize(800, 450))
	img := w.Canvas().Capture()
	if err := Check(img); err != nil {
		t.Fatal(err)
	}

	noRed := image.NewNRGBA(img.Bounds())
	draw.Draw(noRed, noRed.Bounds(), img, img.Bounds().Min, draw.Src)
	for i := 0; i < len(noRed.Pix); i += 4 {
		noRed.Pix[i] = 0
	}
	if err := Check(noRed); err == nil || !strings.Contains(err.Error(), "bar 1") {
		t.Fatalf("a frame without red passed: %v", err)
	}
	blank := image.NewUniform(color.Black)
	if err := Check(image.NewNRGBA(image.Rect(0, 0, 2, 2))); err == nil {
		t.Fatal("a tiny frame passed")
	}
	_ = blank
}
