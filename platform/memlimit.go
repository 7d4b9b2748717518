package platform

import (
	"os"
	"runtime/debug"
)

// DefaultMemoryLimit is the soft limit the device roles set on the Go
// runtime's memory. T6 asks for a kiosk of at most 150 MB resident and flat
// over a day of use. The kiosk's live heap is about 40–55 MB, most of it
// the CJK font's parsed glyphs; with the runtime's default pacing (GOGC=100)
// the heap is let grow to twice its live size before a collection, which
// showed as 290–310 MB resident and rising under Xvfb. Measured over 3,000
// kiosk interactions under Xvfb: 225 MB resident at a 100 MiB limit,
// 209 MB at 80 MiB, 199 MB at 64 MiB, each flat; an empty fyne window is
// ~144 MB there (Mesa's software GL). 80 MiB keeps about 25 MB above the
// highest live heap seen, so a busy screen costs no collector storms: the
// runtime lets the collector take up to half the CPU when the live heap
// nears the limit, which a citizen would see as a sluggish screen.
const DefaultMemoryLimit = 80 << 20

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
