package printer_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"hallkiosk/platform"
	"hallkiosk/printer"
)

// playback is a printer recorded byte for byte: each step is the bytes the
// driver must write and the bytes the printer sends back. A write that
// differs, or steps left unplayed at the end, fail the test.
type playback struct {
	t       *testing.T
	steps   []step
	i       int
	pending []byte
	// lateReply holds, by step index, a reply that lands only after the
	// driver has given up waiting for it (one read timed out).
	lateReply map[int][]byte
	late      []byte
}

type step struct{ want, reply []byte }

var _ platform.Port = (*playback)(nil)

func (p *playback) Write(b []byte) (int, error) {
	if p.i >= len(p.steps) {
		p.t.Fatalf("unexpected write % x", b)
	}
	if s := p.steps[p.i]; !bytes.Equal(b, s.want) {
		p.t.Fatalf("step %d: wrote % x, want % x", p.i, b, s.want)
	}
	p.pending = append(p.pending, p.steps[p.i].reply...)
	p.late = p.lateReply[p.i]
	p.i++
	return len(b), nil
}

func (p *playback) ReadTimeout(b []byte, _ time.Duration) (int, error) {
	if len(p.pending) == 0 {
		p.pending, p.late = p.late, nil
		return 0, platform.ErrTimeout
	}
	n := copy(b, p.pending)
	p.pending = p.pending[n:]
	return n, nil
}

func (p *playback) Close() error   { return nil }
func (p *playback) String() string { return "playback" }

func (p *playback) done() {
	p.t.Helper()
	if p.i != len(p.steps) || len(p.pending) != 0 || len(p.late) != 0 {
		p.t.Errorf("played %d of %d steps, %d reply bytes unread", p.i, len(p.steps), len(p.pending))
	}
}

func dleEOT(n byte) []byte { return []byte{0x10, 0x04, n} }

func TestStatusReplies(t *testing.T) {
	asb := []byte{0x10, 0x00, 0x00, 0x00} // an automatic status back block
	cases := []struct {
		name  string
		steps []step
		want  printer.Status
		kind  error
	}{
		{"ready", []step{{dleEOT(1), []byte{0x12}}, {dleEOT(2), []byte{0x12}}, {dleEOT(4), []byte{0x12}}},
			printer.Status{}, nil},
		{"asb block skipped", []step{{dleEOT(1), append(asb, 0x12)}, {dleEOT(2), []byte{0x12}},
			{dleEOT(4), []byte{0x1e}}}, printer.Status{PaperNearEnd: true}, nil},
		{"error asks DLE EOT 3", []step{{dleEOT(1), []byte{0x1a}}, {dleEOT(2), []byte{0x52}},
			{dleEOT(4), []byte{0x12}}, {dleEOT(3), []byte{0x1a}}},
			printer.Status{Offline: true, CutterError: true}, nil},
		{"garbage", []step{{dleEOT(1), []byte{0x00}}}, printer.Status{}, printer.ErrBadReply},
		{"bit 7 set", []step{{dleEOT(1), []byte{0x92}}}, printer.Status{}, printer.ErrBadReply},
		{"garbage on the second", []step{{dleEOT(1), []byte{0x12}}, {dleEOT(2), []byte("A")}},
			printer.Status{}, printer.ErrBadReply},
		{"silence", []step{{dleEOT(1), nil}}, printer.Status{NoReply: true}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pb := &playback{t: t, steps: c.steps}
			d := printer.New(pb, printer.Options{Log: quiet})
			got, err := d.Status(context.Background())
			if !errors.Is(err, c.kind) || (err == nil) != (c.kind == nil) {
				t.Fatalf("err %v, want %v", err, c.kind)
			}
			if got != c.want {
				t.Errorf("status %+v, want %+v", got, c.want)
			}
			pb.done()
		})
	}
}

// TestLateErrorReply: the printer reports an error but answers DLE EOT 3
// only after the driver stopped waiting. The late byte is a valid status
// byte, so unless it is discarded it would answer the next DLE EOT 1 and
// misreport the printer (G8: bad input changes nothing).
func TestLateErrorReply(t *testing.T) {
	pb := &playback{t: t, steps: []step{
		{dleEOT(1), []byte{0x1a}}, {dleEOT(2), []byte{0x52}}, {dleEOT(4), []byte{0x12}},
		{dleEOT(3), nil},
		{dleEOT(1), []byte{0x12}}, {dleEOT(2), []byte{0x12}}, {dleEOT(4), []byte{0x1e}},
	}, lateReply: map[int][]byte{3: {0x1a}}}
	d := printer.New(pb, printer.Options{Log: quiet})
	st, err := d.Status(context.Background())
	if err != nil || st != (printer.Status{Offline: true}) {
		t.Fatalf("error without DLE EOT 3: %+v, %v", st, err)
	}
	st, err = d.Status(context.Background())
	if err != nil || st != (printer.Status{PaperNearEnd: true}) {
		t.Errorf("after the late reply: %+v, %v; want paper near end only", st, err)
	}
	pb.done()
}

func TestFirmwareGarbage(t *testing.T) {
	pb := &playback{t: t, steps: []step{{[]byte{0x1d, 'I', 'A'}, []byte("X1.0\x00")}}}
	d := printer.New(pb, printer.Options{Log: quiet})
	if _, err := d.Firmware(context.Background()); !errors.Is(err, printer.ErrBadReply) {
		t.Errorf("reply without the 0x5F header: %v", err)
	}
	pb.done()
}
