package idcard

import (
	"errors"
	"fmt"
)

// Errors. Compare with errors.Is; the wrapped messages say what failed and
// what the operator can do.
var (
	// ErrFindFailed: the SAM found no card (SW3 80). Normal while the
	// reader is empty.
	ErrFindFailed = errors.New("idcard: no card found")
	// ErrSelectFailed: a card was found but did not answer select (SW3 81);
	// usually the card was moved. Ask the citizen to hold it still.
	ErrSelectFailed = errors.New("idcard: card select failed")
	// ErrReadFailed: the card was selected but reading it failed (SW3 41),
	// or the reply carried no usable text.
	ErrReadFailed = errors.New("idcard: card read failed")
	// ErrChecksum: a frame's XOR checksum was wrong, on our side or (SW3
	// 10) on the SAM's. Check the cable and the baud rate.
	ErrChecksum = errors.New("idcard: frame checksum wrong")
	// ErrLength: a frame's length field was impossible or did not match
	// its contents, on our side or (SW3 11) on the SAM's.
	ErrLength = errors.New("idcard: frame length wrong")
	// ErrCommand: the SAM did not know the command (SW3 21). The module
	// does not support it; 30 10 needs a fingerprint-capable SAM.
	ErrCommand = errors.New("idcard: command refused by the SAM")
	// ErrSAM: the SAM reported a fault of its own (self-test, authority,
	// authentication). Reset or power-cycle the reader; replace it if it
	// persists.
	ErrSAM = errors.New("idcard: SAM fault")
	// ErrFrame: bytes arrived that are not a frame of this protocol.
	ErrFrame = errors.New("idcard: malformed frame")
	// ErrIncomplete: Split needs more bytes.
	ErrIncomplete = errors.New("idcard: incomplete frame")
	// ErrTimeout: the reader did not answer in time, or stopped in the
	// middle of a frame. Check that it is powered and on the configured
	// port and baud rate.
	ErrTimeout = errors.New("idcard: reader did not answer")
	// ErrText: the card text did not decode (bad UTF-16, unknown layout,
	// impossible dates).
	ErrText = errors.New("idcard: card text unreadable")
	// ErrIDFormat: an ID number is not 17 digits and a check character.
	ErrIDFormat = errors.New("idcard: ID number malformed")
	// ErrIDCheckDigit: an ID number's last character is not its ISO 7064
	// MOD 11-2 check character; the number was mistyped or misread.
	ErrIDCheckDigit = errors.New("idcard: ID number check digit wrong")
	// ErrIDBirth: the birth date inside an ID number is impossible, or
	// differs from the birth date printed on the card.
	ErrIDBirth = errors.New("idcard: ID number birth date wrong")
	// ErrIDNotVerifiable: the number has the right shape but its kind has
	// no check the kiosk implements (the 15-character foreign
	// permanent-residence number). Not proof of a bad card.
	ErrIDNotVerifiable = errors.New("idcard: ID number not verifiable")
)

// Status values of SW3 that are not faults.
const (
	swOK    = 0x90
	swFound = 0x9F
)

// statusText explains every SW3 value GA/T 467 defines.
var statusText = map[byte]string{
	0x90: "ok",
	0x9F: "card found",
	0x10: "SAM received a frame with a bad checksum",
	0x11: "SAM received a frame with a bad length",
	0x21: "SAM does not know the command",
	0x23: "command not permitted",
	0x24: "unrecoverable SAM error",
	0x31: "card failed authentication by the SAM",
	0x32: "SAM failed authentication by the card",
	0x33: "information verification failed",
	0x40: "card type not recognised",
	0x41: "reading the card failed",
	0x47: "random number failure",
	0x60: "SAM self-test failed",
	0x66: "SAM not authorised",
	0x80: "no card found",
	0x81: "card select failed",
	0x91: "card holds no such item",
}

// StatusError is a reply whose SW3 status is not the one expected. It
// unwraps to the matching sentinel (ErrFindFailed, ErrSAM, ...).
type StatusError struct {
	Cmd Command
	SW3 byte
}

// Error names the command, the status and what it means.
func (e *StatusError) Error() string {
	text := statusText[e.SW3]
	if text == "" {
		text = "status not defined by GA/T 467"
	}
	return fmt.Sprintf("%s: SW3 %02X (%s): %v", e.Cmd, e.SW3, text, e.Unwrap())
}

// Unwrap maps the status to its sentinel.
func (e *StatusError) Unwrap() error {
	switch e.SW3 {
	case 0x80:
		return ErrFindFailed
	case 0x81:
		return ErrSelectFailed
	case 0x41, 0x91:
		return ErrReadFailed
	case 0x10:
		return ErrChecksum
	case 0x11:
		return ErrLength
	case 0x21:
		return ErrCommand
	}
	return ErrSAM
}
