package platform

import (
	"errors"
	"os"
	"strings"
)

// cjkFontCandidates are single-font files (TTF/OTF) that carry Chinese, in
// order of preference. fyne and x/image cannot load a .ttc collection, so
// collections are deliberately absent.
var cjkFontCandidates = []string{
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	"/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
	"/usr/share/fonts/truetype/arphic/uming.ttf",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttf",
}

// ErrNoCJKFont means no usable Chinese font was found.
var ErrNoCJKFont = errors.New("no CJK TTF font found (install fonts-droid-fallback, or set font_path in the device config)")

// FindCJKFont returns the path of a Chinese-capable TTF/OTF. A configured
// path wins; it must exist and must not be a .ttc collection.
func FindCJKFont(configured string) (string, error) {
	if configured != "" {
		if strings.HasSuffix(strings.ToLower(configured), ".ttc") {
			return "", errors.New("font " + configured + " is a .ttc collection, which fyne cannot load; use a .ttf or .otf")
		}
		if _, err := os.Stat(configured); err != nil {
			return "", err
		}
		return configured, nil
	}
	for _, p := range cjkFontCandidates {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", ErrNoCJKFont
}
