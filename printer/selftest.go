package printer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SensorFunc adapts a function, such as a GPIO line's Active method, to a
// PaperLowSensor.
type SensorFunc func() (bool, error)

// PaperLow calls f.
func (f SensorFunc) PaperLow() (bool, error) { return f() }

// SelfTestReport is what the technician's self-test found.
type SelfTestReport struct {
	Printer  string `json:"printer"`
	Status   Status `json:"status"`
	Firmware string `json:"firmware"`
	Printed  bool   `json:"printed"`
	Bytes    int    `json:"bytes"`
	Replaced int    `json:"replaced,omitempty"`
	// Warning notes something to fix that did not stop the test, such as
	// paper near its end.
	Warning string `json:"warning,omitempty"`
}

// SelfTest reads the status and firmware version and prints the test page.
// It fails, with the technician's advice in the error, when the printer
// cannot print or the page does not come out cleanly.
func SelfTest(ctx context.Context, d *Driver, page TestPage,
	now func() time.Time) (SelfTestReport, error) {
	rep := SelfTestReport{Printer: d.String()}
	st, err := d.Status(ctx)
	if err != nil {
		return rep, explain(err)
	}
	rep.Status = st
	if p := st.Problem(); p != nil {
		return rep, explain(newError("self-test", p, fmt.Errorf("status: %s", st)))
	}
	rep.Firmware = firmwareText(ctx, d)

	page.Status, page.Firmware, page.Printed = st, rep.Firmware, now()
	page.Port = d.port.String()
	res, err := d.Print(ctx, Test(page, d.opts.Format.Paper))
	rep.Printed, rep.Bytes, rep.Replaced = res.Printed, res.Sent, res.Replaced
	if err != nil {
		return rep, explain(err)
	}
	rep.Status = res.After
	if res.After.Low() {
		rep.Warning = "paper is running low: have a new roll ready"
	}
	return rep, nil
}

// firmwareText is the version, or why it is unknown: some printers do not
// implement GS I, which is no reason to fail the test.
func firmwareText(ctx context.Context, d *Driver) string {
	v, err := d.Firmware(ctx)
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return v
}

// explain appends the technician's advice to a printer error.
func explain(err error) error {
	var pe *Error
	if errors.As(err, &pe) {
		return fmt.Errorf("%w; what to do: %s", err, pe.Technician())
	}
	return err
}
