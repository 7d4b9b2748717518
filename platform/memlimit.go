package platform

import (
	"os"
	"runtime/debug"
)

// DefaultMemoryLimit is the soft limit the device roles set on the Go
// runtime's memory. T6 asks for a kiosk of at most 150 MB resident and flat
// over a day of use. The kiosk's live heap is about 60–80 MB, most of it the
// CJK font parsed once per text style; with the runtime's default pacing
// (GOGC=100) the heap is let grow to twice that before a collection, which
// showed as 290–310 MB resident and rising under Xvfb. At this limit the
// same soak stays near 225 MB and flat; what remains is fyne, GL and the X
// libraries (an empty fyne window is ~145 MB resident under Mesa's
// software GL). The runtime caps the collector's CPU when the live heap
// nears the limit, so a bigger heap than expected costs CPU, not a crash.
const DefaultMemoryLimit = 100 << 20

// LimitMemory sets the Go runtime's soft memory limit to limit, unless the
// GOMEMLIMIT environment variable already set one (a technician's override,
// e.g. in the systemd unit). It returns the limit in force.
func LimitMemory(limit int64) int64 {
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	debug.SetMemoryLimit(limit)
	return limit
}
