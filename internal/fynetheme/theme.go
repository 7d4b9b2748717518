// Package fynetheme is the look shared by the kiosk and the hall display: a
// CJK font for every text style (fyne's bundled fonts have no Chinese, and
// it cannot load .ttc collections), and the large-text and high-contrast
// variants of the elderly mode (适老化).
package fynetheme

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Options select the variant.
type Options struct {
	// Scale multiplies every text size and padding; 1 is normal, the
	// elderly mode uses about 1.4.
	Scale float32
	// HighContrast draws white on black with a yellow accent.
	HighContrast bool
}

// Theme is a fyne theme over one TTF/OTF font.
type Theme struct {
	font fyne.Resource
	opts Options
}

var _ fyne.Theme = (*Theme)(nil)

// Load reads the font file at path; it must be a single-font TTF or OTF.
func Load(path string, opts Options) (*Theme, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load font: %w", err)
	}
	return New(fyne.NewStaticResource(filepath.Base(path), data), opts), nil
}

// New returns a theme with font already loaded.
func New(font fyne.Resource, opts Options) *Theme {
	if opts.Scale <= 0 {
		opts.Scale = 1
	}
	return &Theme{font: font, opts: opts}
}

// With returns a copy of the theme with other options and the same font, so
// switching to large text does not read the font again.
func (t *Theme) With(opts Options) *Theme { return New(t.font, opts) }

// Options returns the variant in force.
func (t *Theme) Options() Options { return t.opts }

// Font returns the CJK font for every style; the one font has no bold or
// italic faces, and fyne synthesises neither, which reads well enough on a
// kiosk where emphasis comes from size and colour.
func (t *Theme) Font(style fyne.TextStyle) fyne.Resource {
	if style.Monospace || style.Symbol {
		return theme.DefaultTheme().Font(style)
	}
	return t.font
}

// Color returns the palette of the variant.
func (t *Theme) Color(name fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if !t.opts.HighContrast {
		return theme.DefaultTheme().Color(name, v)
	}
	switch name {
	case theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameMenuBackground,
		theme.ColorNameOverlayBackground, theme.ColorNameHeaderBackground:
		return color.Black
	case theme.ColorNameForeground, theme.ColorNameForegroundOnPrimary:
		return color.White
	case theme.ColorNamePrimary, theme.ColorNameFocus, theme.ColorNameHyperlink:
		return color.NRGBA{R: 0xff, G: 0xd6, B: 0x00, A: 0xff}
	case theme.ColorNameButton:
		return color.NRGBA{R: 0x26, G: 0x26, B: 0x26, A: 0xff}
	case theme.ColorNameDisabled, theme.ColorNamePlaceHolder:
		return color.NRGBA{R: 0xb0, G: 0xb0, B: 0xb0, A: 0xff}
	}
	return theme.DefaultTheme().Color(name, theme.VariantDark)
}

// Icon returns fyne's icons.
func (t *Theme) Icon(name fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(name) }

// Size scales fyne's sizes by the variant's scale.
func (t *Theme) Size(name fyne.ThemeSizeName) float32 {
	return theme.DefaultTheme().Size(name) * t.opts.Scale
}
