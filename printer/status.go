package printer

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"hallkiosk/platform"
)

// Status is the printer's state as it reports it over DLE EOT, merged with
// the kiosk's own paper-low sensor when one is fitted.
type Status struct {
	// NoReply means the printer did not answer at all: powered off,
	// unplugged, or the port or baud rate is wrong. The other printer
	// fields are then unknown and false.
	NoReply bool `json:"no_reply"`
	// Offline is the printer's own offline flag (DLE EOT 1, bit 3).
	Offline       bool `json:"offline"`
	CoverOpen     bool `json:"cover_open"`     // DLE EOT 2, bit 2
	PaperNearEnd  bool `json:"paper_near_end"` // DLE EOT 4, bits 2-3
	PaperEnd      bool `json:"paper_end"`      // DLE EOT 2 bit 5 or DLE EOT 4 bits 5-6
	CutterError   bool `json:"cutter_error"`   // DLE EOT 3, bit 3
	Unrecoverable bool `json:"unrecoverable"`  // DLE EOT 3, bit 5
	// PaperLow comes from the kiosk's paper_low input (GPIO), which sees
	// the roll from outside; false when no sensor is configured.
	PaperLow bool `json:"paper_low"`
	// SensorErr is set when the paper_low sensor could not be read.
	SensorErr string `json:"sensor_err,omitempty"`
}

// Problem returns the kind of error that stops printing, or nil. Paper near
// end and paper low are warnings, not problems: the roll still has tickets.
func (s Status) Problem() error {
	switch {
	case s.NoReply:
		return ErrNoReply
	case s.PaperEnd:
		return ErrPaperEnd
	case s.CoverOpen:
		return ErrCoverOpen
	case s.CutterError || s.Unrecoverable:
		return ErrFault
	case s.Offline:
		return ErrOffline
	}
	return nil
}

// Low reports whether the paper should be changed soon.
func (s Status) Low() bool { return s.PaperNearEnd || s.PaperLow }

// String lists the flags that are set, or "ready".
func (s Status) String() string {
	var f []string
	add := func(on bool, name string) {
		if on {
			f = append(f, name)
		}
	}
	add(s.NoReply, "no-reply")
	add(s.Offline, "offline")
	add(s.CoverOpen, "cover-open")
	add(s.PaperEnd, "paper-end")
	add(s.PaperNearEnd, "paper-near-end")
	add(s.PaperLow, "paper-low-sensor")
	add(s.CutterError, "cutter-error")
	add(s.Unrecoverable, "unrecoverable-error")
	add(s.SensorErr != "", "sensor-error")
	if len(f) == 0 {
		return "ready"
	}
	return strings.Join(f, " ")
}

// validStatus: every DLE EOT reply has bits 1 and 4 set and bits 0 and 7
// clear. Anything else is not a status byte.
func validStatus(b byte) bool { return b&0x93 == 0x12 }

// asbHeader is the first byte of an automatic status back block (GS a): bit
// 4 set, bits 0, 1 and 7 clear. Three more bytes follow.
func asbHeader(b byte) bool { return b&0x93 == 0x10 }

// Internal outcomes of one DLE EOT request; query turns them into *Error
// kinds (errNotStatus becomes ErrBadReply, whose text would otherwise be
// said twice).
var (
	errNoAnswer  = errors.New("no answer")
	errNotStatus = errors.New("not a status byte")
)

// readStatus reads the reply to one DLE EOT request. Automatic status back
// blocks that arrive first are skipped (at most two), and so is the late
// reply to a GS r 1 when one is owed (*late); any other byte that is not a
// status byte is garbage.
func readStatus(p platform.Port, timeout time.Duration, late *bool) (byte, error) {
	var b [1]byte
	for skipped := 0; ; {
		if err := readByte(p, b[:], timeout); err != nil {
			return 0, err
		}
		switch {
		case validStatus(b[0]):
			return b[0], nil
		case *late && b[0]&0x90 == 0:
			*late = false
		case asbHeader(b[0]) && skipped < 2:
			skipped++
			if err := skipN(p, 3, timeout); err != nil {
				return 0, err
			}
		default:
			return 0, fmt.Errorf("reply byte %#02x: %w", b[0], errNotStatus)
		}
	}
}

func readByte(p platform.Port, b []byte, timeout time.Duration) error {
	_, err := p.ReadTimeout(b[:1], timeout)
	if errors.Is(err, platform.ErrTimeout) {
		return errNoAnswer
	}
	return err
}

func skipN(p platform.Port, n int, timeout time.Duration) error {
	var b [1]byte
	for range n {
		if err := readByte(p, b[:], timeout); err != nil {
			return err
		}
	}
	return nil
}

// decode fills s from the replies to DLE EOT 1, 2, 3 and 4. r3 is zero when
// the error status was not asked for.
func decodeStatus(r1, r2, r3, r4 byte) Status {
	return Status{
		Offline:       r1&0x08 != 0,
		CoverOpen:     r2&0x04 != 0,
		PaperEnd:      r2&0x20 != 0 || r4&0x60 != 0,
		PaperNearEnd:  r4&0x0c != 0,
		CutterError:   r3&0x08 != 0,
		Unrecoverable: r3&0x20 != 0,
	}
}
