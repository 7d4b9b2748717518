package screen

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"hallkiosk/platform/atomicfile"
)

// savePNG writes img to path atomically.
func savePNG(path string, img image.Image) error {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return fmt.Errorf("encode png: %w", err)
	}
	return atomicfile.Write(path, b.Bytes(), 0o644)
}
