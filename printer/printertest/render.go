package printertest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Renderer draws pages as the print head would: 1-bit dots, font A cells of
// 12 x 24 (24 x 24 for Chinese), multiplied by the size, QR modules as
// squares. It is not safe for concurrent use (it caches glyphs).
type Renderer struct {
	face  font.Face // Chinese and other full-width glyphs
	latin font.Face // half-width ASCII: Go Mono, whose 0.6 em advance fills a 12-dot cell
	cache map[glyphKey]*image.Gray
}

type glyphKey struct {
	r    rune
	bold bool
}

// NewRenderer loads the TTF/OTF font at path (platform.FindCJKFont finds
// one) for full-width glyphs. Half-width ASCII is drawn in Go Mono, which
// ships with x/image: CJK fallback fonts such as Droid Sans Fallback carry no
// Latin letters.
func NewRenderer(path string) (*Renderer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read font: %w", err)
	}
	f, err := opentype.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", path, err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 22, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("font face: %w", err)
	}
	mono, err := opentype.Parse(gomono.TTF)
	if err != nil {
		return nil, fmt.Errorf("parse go mono: %w", err)
	}
	latin, err := opentype.NewFace(mono, &opentype.FaceOptions{Size: 20, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("font face: %w", err)
	}
	return &Renderer{face: face, latin: latin, cache: map[glyphKey]*image.Gray{}}, nil
}

// margin is white paper above the first line.
const margin = 16

// Render draws p. Black is 0, white 255; every pixel is one or the other.
func (r *Renderer) Render(p *Page) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, p.Dots, p.Height()+margin))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	y := margin
	for _, it := range p.Items {
		switch it.Kind {
		case ItemText:
			r.drawLine(img, it, y)
		case ItemQR:
			drawQR(img, it, y)
		}
		y += it.Height
	}
	return img
}

// left is the x where an item of width w starts under alignment a.
func left(dots, w, a int) int {
	switch a {
	case 1:
		return max((dots-w)/2, 0)
	case 2:
		return max(dots-w, 0)
	}
	return 0
}

// drawLine draws glyphs on a common baseline at the bottom of the line.
func (r *Renderer) drawLine(img *image.Gray, it Item, y int) {
	x := left(img.Rect.Dx(), lineWidth(it.Glyphs), it.Align)
	bottom := y + it.Height - lineSpacing
	for _, g := range it.Glyphs {
		r.drawGlyph(img, g, x, bottom-CellH*g.H)
		x += g.Width()
	}
}

// drawGlyph scales the glyph's 1x bitmap by whole dots, as the printer's
// size multiplier does.
func (r *Renderer) drawGlyph(img *image.Gray, g Glyph, x0, y0 int) {
	src := r.glyph(g)
	for y := range CellH * g.H {
		for x := range src.Rect.Dx() * g.W {
			if src.GrayAt(x/g.W, y/g.H).Y == 0 {
				img.SetGray(x0+x, y0+y, color.Gray{})
			}
		}
	}
}

// glyph renders one character at 1x into its cell, thresholded to 1 bit.
func (r *Renderer) glyph(g Glyph) *image.Gray {
	k := glyphKey{g.R, g.Bold}
	if img, ok := r.cache[k]; ok {
		return img
	}
	w := CellW
	if g.Wide {
		w = 2 * CellW
	}
	img := image.NewGray(image.Rect(0, 0, w, CellH))
	// A full-width code the CJK font lacks (some symbols) is drawn from
	// Go Mono rather than as the font's empty box.
	face := r.face
	adv, ok := face.GlyphAdvance(g.R)
	if !g.Wide || !ok {
		face = r.latin
		adv, ok = face.GlyphAdvance(g.R)
	}
	if !ok {
		adv = fixed.I(w)
	}
	x := fixed.I(w)/2 - adv/2
	d := font.Drawer{Dst: img, Src: image.White, Face: face}
	for i := range 1 + int(b2i(g.Bold)) {
		d.Dot = fixed.Point26_6{X: x + fixed.I(i), Y: fixed.I(CellH - 4)}
		d.DrawString(string(g.R))
	}
	threshold(img)
	r.cache[k] = img
	return img
}

// threshold turns the anti-aliased (white on black) drawing into dots: black
// where ink is, white elsewhere.
func threshold(img *image.Gray) {
	for i, v := range img.Pix {
		if v >= 100 {
			img.Pix[i] = 0
		} else {
			img.Pix[i] = 255
		}
	}
}

func drawQR(img *image.Gray, it Item, y int) {
	x0 := left(img.Rect.Dx(), len(it.QR)*it.Module, it.Align)
	for my, row := range it.QR {
		for mx, on := range row {
			if on {
				r := image.Rect(x0+mx*it.Module, y+my*it.Module, x0+(mx+1)*it.Module, y+(my+1)*it.Module)
				draw.Draw(img, r, image.Black, image.Point{}, draw.Src)
			}
		}
	}
}

func b2i(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// EncodePNG writes img as a 1-bit PNG, as small as thermal output allows.
func EncodePNG(img *image.Gray) ([]byte, error) {
	pal := image.NewPaletted(img.Rect, color.Palette{color.Black, color.White})
	for i, v := range img.Pix {
		if v != 0 {
			pal.Pix[i] = 1
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, pal); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}
