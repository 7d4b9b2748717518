package printer

import (
	"errors"
	"fmt"
)

// Kinds of printer failure. A returned error matches exactly one of these
// with errors.Is; *Error adds the messages for citizen and technician.
var (
	ErrPaperEnd     = errors.New("paper end")
	ErrCoverOpen    = errors.New("cover open")
	ErrOffline      = errors.New("printer offline")
	ErrNoReply      = errors.New("no reply to status request")
	ErrFault        = errors.New("printer error (cutter or mechanism)")
	ErrBadReply     = errors.New("invalid reply to status request")
	ErrWriteStalled = errors.New("write stalled")
	ErrWriteFailed  = errors.New("write failed")
	ErrQRData       = errors.New("qr data does not fit")
	ErrClosed       = errors.New("driver closed")
)

// Message is text for a citizen at the kiosk, in Chinese and English.
type Message struct{ Zh, En string }

// advice holds, per kind, what the citizen is told and what the technician
// should do. Citizens are never shown internal detail.
var advice = map[error]struct {
	citizen Message
	tech    string
}{
	ErrPaperEnd: {
		Message{"打印纸已用完，请联系工作人员。",
			"The printer is out of paper. Please ask a member of staff."},
		"load a new paper roll and close the cover",
	},
	ErrCoverOpen: {
		Message{"打印机盖未关好，请联系工作人员。",
			"The printer cover is open. Please ask a member of staff."},
		"close the printer cover until it clicks",
	},
	ErrOffline: {
		Message{"打印机暂停服务，请联系工作人员。",
			"The printer is not ready. Please ask a member of staff."},
		"the printer reports offline: check the cover, paper and error light, then power-cycle it",
	},
	ErrNoReply: {
		Message{"打印机暂停服务，请联系工作人员。",
			"The printer is not ready. Please ask a member of staff."},
		"no answer from the printer: check its power, the serial cable, " +
			"and the configured port and baud rate",
	},
	ErrFault: {
		Message{"打印机故障，请联系工作人员。",
			"The printer has a fault. Please ask a member of staff."},
		"printer error (cutter jam or mechanism): clear the cutter, then power-cycle the printer",
	},
	ErrBadReply: {
		Message{"打印机暂停服务，请联系工作人员。",
			"The printer is not ready. Please ask a member of staff."},
		"the printer answered garbage: check the baud rate and that the port really is the printer",
	},
	ErrWriteStalled: {
		Message{"打印未完成，请联系工作人员。",
			"Printing did not finish. Please ask a member of staff."},
		"the printer stopped taking data: check paper, cable and power; " +
			"the ticket may be partly printed",
	},
	ErrWriteFailed: {
		Message{"打印未完成，请联系工作人员。",
			"Printing did not finish. Please ask a member of staff."},
		"writing to the port failed: check the cable and the USB adapter",
	},
	ErrQRData: {
		Message{"凭条无法打印，请联系工作人员。",
			"This slip cannot be printed. Please ask a member of staff."},
		"the QR code data is too long for the paper: shorten the URL in the configuration",
	},
	ErrClosed: {
		Message{"打印机暂停服务，请联系工作人员。",
			"The printer is not ready. Please ask a member of staff."},
		"the printer driver was closed: restart the kiosk service",
	},
}

// Error is a failed printer operation: what was attempted, which kind of
// failure, and the underlying cause if any.
type Error struct {
	Op    string // "print", "status", ...
	Kind  error  // one of the Err* kinds above
	Cause error  // may be nil
}

func (e *Error) Error() string {
	if e.Cause == nil {
		return fmt.Sprintf("printer: %s: %v", e.Op, e.Kind)
	}
	return fmt.Sprintf("printer: %s: %v: %v", e.Op, e.Kind, e.Cause)
}

// Unwrap exposes both the kind and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Cause}
}

// Citizen is what the kiosk shows the citizen.
func (e *Error) Citizen() Message { return advice[e.Kind].citizen }

// Technician says what to check or fix, for logs and the self-test.
func (e *Error) Technician() string { return advice[e.Kind].tech }

func newError(op string, kind, cause error) *Error {
	return &Error{Op: op, Kind: kind, Cause: cause}
}

// CitizenMessage returns the citizen text for any error from this package,
// and a general one for anything else.
func CitizenMessage(err error) Message {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Citizen()
	}
	return advice[ErrOffline].citizen
}
