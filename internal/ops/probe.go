package ops

import (
	"context"
	"path/filepath"
	"sort"
	"time"

	"hallkiosk/idcard"
	"hallkiosk/platform"
	"hallkiosk/printer"
)

// ProbeBauds are tried in this order: the factory default of most kiosk
// printers and SAM modules first, then the common alternatives.
var ProbeBauds = []int{115200, 9600, 19200, 38400, 57600}

// SerialCandidates lists the serial nodes a printer or reader may be on,
// stable udev names first.
func SerialCandidates(devDir string) []string {
	var out []string
	for _, pat := range []string{"hallkiosk-*", "serial/by-id/*", "ttyUSB*", "ttyACM*", "ttyS*"} {
		m, _ := filepath.Glob(filepath.Join(devDir, pat))
		sort.Strings(m)
		out = append(out, m...)
	}
	return out
}

// ProbePrinter reports whether an ESC/POS printer answers a status request
// on port at baud. A printer that answers with a problem (paper end, cover
// open) is still found: it is there, it only needs attention.
func ProbePrinter(ctx context.Context, port string, baud int) bool {
	p, err := platform.OpenSerial(platform.SerialConfig{Path: port, Baud: baud, WriteTimeout: time.Second})
	if err != nil {
		return false
	}
	d := printer.New(p, printer.Options{StatusTimeout: 300 * time.Millisecond})
	defer d.Close()
	st, err := d.Status(ctx)
	return err == nil && !st.NoReply
}

// ProbeReader reports whether a SAM ID-card reader answers its SAM-id
// command on port at baud.
func ProbeReader(ctx context.Context, port string, baud int) bool {
	p, err := platform.OpenSerial(platform.SerialConfig{Path: port, Baud: baud, WriteTimeout: time.Second})
	if err != nil {
		return false
	}
	defer p.Close()
	r := idcard.New(p, idcard.Options{Baud: baud, ReplyTimeout: 500 * time.Millisecond})
	_, err = r.SAMID()
	return err == nil
}

// realPath resolves udev links, so /dev/hallkiosk-printer and the
// /dev/ttyUSB0 it points at count as one device.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// Prober finds devices; tests and provisioning share it.
type Prober func(ctx context.Context, port string, baud int) bool

// findDevice tries each candidate port (skipping those in taken) at each
// baud and returns the first that answers. A known port is only probed for
// its baud.
func findDevice(ctx context.Context, probe Prober, candidates []string, taken map[string]bool) (string, int, bool) {
	for _, port := range candidates {
		if taken[realPath(port)] {
			continue
		}
		for _, baud := range ProbeBauds {
			if ctx.Err() != nil {
				return "", 0, false
			}
			if probe(ctx, port, baud) {
				return port, baud, true
			}
		}
	}
	return "", 0, false
}
