package doctor

import (
	"path/filepath"

	"periph.io/x/host/v3"
	"periph.io/x/host/v3/gpioioctl"
)

// hostChips lists the GPIO chips periph found through the character device.
func hostChips() ([]ChipInfo, error) {
	if _, err := host.Init(); err != nil {
		return nil, err
	}
	if m, _ := filepath.Glob("/dev/gpiochip*"); len(m) == 0 {
		return nil, nil
	}
	var out []ChipInfo
	for _, c := range gpioioctl.Chips {
		out = append(out, ChipInfo{Name: c.Name(), Label: c.Label(), Lines: c.LineCount()})
	}
	return out, nil
}
