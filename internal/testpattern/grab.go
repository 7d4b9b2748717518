package testpattern

import (
	"fmt"
	"image"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// GrabX reads what the X server shows on the root window of display (""
// means $DISPLAY). The check reads the screen rather than fyne's own
// Capture, because on the GL driver under Xvfb Capture returns a blank
// frame, and because the screen is what a citizen sees.
func GrabX(display string) (image.Image, error) {
	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		return nil, fmt.Errorf("connect to X display %q: %w", display, err)
	}
	defer c.Close()
	scr := xproto.Setup(c).DefaultScreen(c)
	w, h := int(scr.WidthInPixels), int(scr.HeightInPixels)
	rep, err := xproto.GetImage(c, xproto.ImageFormatZPixmap, xproto.Drawable(scr.Root),
		0, 0, uint16(w), uint16(h), 0xffffffff).Reply()
	if err != nil {
		return nil, fmt.Errorf("read the X screen: %w", err)
	}
	if scr.RootDepth != 24 && scr.RootDepth != 32 {
		return nil, fmt.Errorf("read the X screen: depth %d not supported (want 24)", scr.RootDepth)
	}
	if len(rep.Data) < w*h*4 {
		return nil, fmt.Errorf("read the X screen: %d bytes for %dx%d", len(rep.Data), w, h)
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < w*h; i++ {
		// 24-bit TrueColor in 32-bit pixels, little-endian: B, G, R, pad.
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] =
			rep.Data[4*i+2], rep.Data[4*i+1], rep.Data[4*i], 0xff
	}
	return img, nil
}
