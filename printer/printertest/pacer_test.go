package printertest

import (
	"testing"
	"time"
)

// fakeLine drives a pacer on a fake clock whose sleeps overshoot by a
// fixed lateness, as time.Sleep does on a coarse timer.
type fakeLine struct {
	t    time.Time
	late time.Duration
}

func (f *fakeLine) now() time.Time { return f.t }

func (f *fakeLine) until(t time.Time) { f.t = t.Add(f.late) }

// TestPacerKeepsWireTime: 640 bytes read in ten queued pieces take their
// wire time (10 bits a byte) however late each sleep wakes, plus that
// lateness once; a pause on an idle line is not banked.
func TestPacerKeepsWireTime(t *testing.T) {
	start := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	line := &fakeLine{t: start, late: time.Millisecond}
	p := &pacer{baud: 115200, now: line.now, until: line.until}
	wire := 10 * (64 * 10 * time.Second / 115200) // ten pieces, each rounded to ns

	p.wait(64, false)
	for range 9 {
		p.wait(64, true)
	}
	if got := line.t.Sub(start); got != wire+time.Millisecond {
		t.Errorf("queued bytes took %v, want the wire time %v plus one late wake-up", got, wire)
	}

	// The line falls idle for a second; the next bytes start afresh, not
	// early on credit.
	line.t = line.t.Add(time.Second)
	before := line.t
	p.wait(64, false)
	if got, want := line.t.Sub(before), 64*10*time.Second/115200+time.Millisecond; got != want {
		t.Errorf("bytes after a pause took %v, want %v", got, want)
	}
}
