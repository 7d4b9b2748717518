package fynetheme

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"hallkiosk/platform"
)

func TestLoadCJKFontAndVariants(t *testing.T) {
	path, err := platform.FindCJKFont("")
	if err != nil {
		t.Skip("no CJK font on this machine (make deps installs fonts-droid-fallback):", err)
	}
	th, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if th.Font(fyne.TextStyle{}) == nil || len(th.Font(fyne.TextStyle{Bold: true}).Content()) < 1<<20 {
		t.Fatal("text styles should all use the CJK font")
	}
	normal := th.Size(theme.SizeNameText)
	big := th.With(Options{Scale: 1.5, HighContrast: true})
	if got := big.Size(theme.SizeNameText); got != normal*1.5 {
		t.Fatalf("large text size %v, want %v", got, normal*1.5)
	}
	if big.Color(theme.ColorNameBackground, theme.VariantLight) != color.Black {
		t.Fatal("high contrast background should be black")
	}
}

func TestLoadMissingFont(t *testing.T) {
	if _, err := Load("/no/such/font.ttf", Options{}); err == nil {
		t.Fatal("loaded a font that does not exist")
	}
}
