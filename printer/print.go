package printer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hallkiosk/platform/logging"
)

// Result is what became of one print job. It is returned with every error
// from Print, so the caller always knows whether paper may have come out.
type Result struct {
	// Printed is true only when the whole job was written and the
	// printer reported no problem after the cut.
	Printed bool
	// Reached is true when bytes may have reached the printer: the job
	// may be partly on paper, so printing it again could give the citizen
	// two tickets (G5). False means nothing was sent and a retry is safe.
	Reached bool
	// Sent counts bytes the port accepted; Total is the job's size.
	Sent, Total int
	// Replaced counts characters printed as Replacement.
	Replaced int
	// Before and After are the status read before writing and after the
	// cut (After is zero when the job failed before the cut).
	Before, After Status
	// Confirmed is true when the printer reported, in turn after the job
	// (GS r 1), that it had printed it.
	Confirmed bool
}

// chunk is the size of one port write. Writing in pieces lets a failed job
// say how far it got.
const chunk = 256

// Print prints doc: it encodes it (refusing bad input before anything is
// sent), checks the printer is ready, writes the job within WriteTimeout,
// and checks the status again after the cut. It makes one attempt; a retry
// policy belongs to the caller, which alone knows whether a second ticket
// would be a duplicate.
func (d *Driver) Print(ctx context.Context, doc *Doc) (Result, error) {
	enc, err := Encode(doc, d.opts.Format)
	if err != nil {
		return Result{}, newError("print", kindOf(err, ErrQRData), err)
	}
	res := Result{Total: len(enc.Bytes), Replaced: enc.Replaced}
	if enc.Replaced > 0 {
		d.opts.Log.Warn("characters the printer cannot print were replaced", "count", enc.Replaced)
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	if res.Before, err = d.ready(ctx); err != nil {
		return res, err
	}

	res.Sent, err = d.write(enc.Bytes)
	res.Reached = res.Sent > 0 || errors.Is(err, ErrWriteStalled)
	if err != nil {
		d.opts.Log.Error("print job failed while writing",
			"sent", res.Sent, "total", res.Total, logging.KeyErr, err)
		return res, err
	}

	// Once bytes are on their way the job is finished and checked even if
	// the caller gives up: half a ticket is worse than a whole one.
	return d.finish(context.WithoutCancel(ctx), res)
}

// ready reads the status and refuses to start on a printer that cannot
// print.
func (d *Driver) ready(ctx context.Context) (Status, error) {
	st, err := d.status(ctx)
	if err != nil {
		return st, err
	}
	if p := st.Problem(); p != nil {
		return st, newError("print", p, fmt.Errorf("before printing: %s", st))
	}
	return st, nil
}

// finish reads the status after the cut: paper that ran out or a cover
// opened mid-job makes the job a failure with bytes on paper.
//
// DLE EOT is answered on arrival, possibly before the printer's buffer has
// been printed, so the driver first waits for the job to come out: GS r 1 is
// answered in turn, after everything before it. A printer that stopped (paper
// out mid-job) does not answer it, and DLE EOT then says why.
func (d *Driver) finish(ctx context.Context, res Result) (Result, error) {
	if !d.opts.NoConfirm {
		ok, err := d.confirm()
		if err != nil {
			return res, err
		}
		res.Confirmed = ok
	}
	st, err := d.status(ctx)
	res.After = st
	if err != nil {
		return res, err
	}
	if p := st.Problem(); p != nil {
		return res, newError("print", p, fmt.Errorf("after the cut: %s", st))
	}
	res.Printed = true
	return res, nil
}

// confirm sends GS r 1 and waits up to PrintTimeout for its reply: bits 4
// and 7 clear (which tells it from a DLE EOT reply), near end in bits 0-1,
// paper end in bits 2-3. No reply is not an error by itself: the status
// read next tells whether the printer stopped.
func (d *Driver) confirm() (bool, error) {
	if _, err := d.port.Write(cmdPaperSensor()); err != nil {
		return false, d.portError("print", err)
	}
	var b [1]byte
	err := readByte(d.port, b[:], d.opts.PrintTimeout)
	switch {
	case errors.Is(err, errNoAnswer):
		d.drain, d.lateConfirm = true, true // the reply comes once the printer resumes
		d.opts.Log.Warn("printer did not confirm the job", "wait", d.opts.PrintTimeout)
		return false, nil
	case err != nil:
		return false, newError("print", ErrNoReply, err)
	case b[0]&0x90 != 0:
		return false, newError("print", ErrBadReply, fmt.Errorf("GS r 1 reply %#02x", b[0]))
	}
	return true, nil
}

// write sends b in chunks, giving up when the whole job has taken longer
// than WriteTimeout. A write still blocked at the deadline is abandoned and
// the port closed: its bytes cannot be taken back, and the next caller must
// not queue behind it. The caller's context does not stop a job that has
// started: a ticket cut off half way is worse than one finished.
func (d *Driver) write(b []byte) (int, error) {
	deadline := time.NewTimer(d.opts.WriteTimeout)
	defer deadline.Stop()
	sent := 0
	for sent < len(b) {
		n, err := d.write1(b[sent:min(sent+chunk, len(b))], deadline.C)
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func (d *Driver) write1(b []byte, deadline <-chan time.Time) (int, error) {
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := d.port.Write(b)
		done <- result{n, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return r.n, d.portError("print", r.err)
		}
		return r.n, nil
	case <-deadline:
		d.abandon()
		cause := fmt.Errorf("job not written within %v", d.opts.WriteTimeout)
		return 0, newError("print", ErrWriteStalled, cause)
	}
}

// abandon closes the port under a stalled write; the driver is unusable
// afterwards and the kiosk reopens the printer. The close runs on its own
// goroutine because closing a descriptor with a write stuck in the kernel
// waits for that write (os.File.Close on tarm/serial's descriptor does).
//
// BUG(hallkiosk): the goroutine with the stuck write, and the one closing
// the port, stay blocked until the device drains or the process exits:
// platform.SerialPort.Close waits for the write in flight (os.File.Close on
// tarm/serial's descriptor does), so the stall cannot be undone from here.
func (d *Driver) abandon() {
	d.closed = true
	go d.port.Close()
	d.opts.Log.Error("printer stopped taking data; closing the port", "timeout", d.opts.WriteTimeout)
}

// kindOf returns kind when err matches it, else ErrWriteFailed.
func kindOf(err, kind error) error {
	if errors.Is(err, kind) {
		return kind
	}
	return ErrWriteFailed
}
