package idcard

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"hallkiosk/idcard/idcardtest"
	"hallkiosk/platform"
)

// step is one exchange of a recorded session: the request the driver must
// send, byte for byte, and the reply the reader gave.
type step struct {
	req   []byte
	reply []byte
}

// playback is a Port that plays a recorded session back. A request that
// differs from the recording fails the test, and so does a recording left
// partly unplayed.
type playback struct {
	t     *testing.T
	mu    sync.Mutex
	steps []step
	out   []byte
}

func newPlayback(t *testing.T, steps []step) *playback {
	p := &playback{t: t, steps: steps}
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if len(p.steps) > 0 {
			t.Errorf("%d recorded exchanges never happened; next request % X",
				len(p.steps), p.steps[0].req)
		}
	})
	return p
}

var errScriptDone = errors.New("playback: recording finished")

func (p *playback) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.steps) == 0 {
		return 0, errScriptDone
	}
	if !bytes.Equal(b, p.steps[0].req) {
		p.t.Errorf("request % X, recording has % X", b, p.steps[0].req)
		return 0, errScriptDone
	}
	p.out = append(p.out, p.steps[0].reply...)
	p.steps = p.steps[1:]
	return len(b), nil
}

func (p *playback) ReadTimeout(b []byte, _ time.Duration) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.out) == 0 {
		return 0, platform.ErrTimeout
	}
	n := copy(b, p.out)
	p.out = p.out[n:]
	return n, nil
}

// The poll loop's wire traffic for a card placed, resting and removed, as
// a SAM sees it: SAM id, empty finds, find/select/read once, finds while
// the card rests, two empty finds, removed.
func TestRunWireSequence(t *testing.T) {
	text := cardText(t, "resident")
	req := idcardtest.Request
	found := idcardtest.Frame(0x9F, make([]byte, 4))
	empty := idcardtest.Frame(0x80, nil)
	samID := make([]byte, 16)
	p := newPlayback(t, []step{
		{req(0x12, 0xFF), idcardtest.Frame(0x90, samID)},
		{req(0x20, 0x01), empty},
		{req(0x20, 0x01), found},
		{req(0x20, 0x02), idcardtest.Frame(0x90, make([]byte, 8))},
		{req(0x30, 0x01), idcardtest.Frame(0x90, idcardtest.ReadReply(text, 1024, 0, false))},
		{req(0x20, 0x01), found},
		{req(0x20, 0x01), found},
		{req(0x20, 0x01), empty},
		{req(0x20, 0x01), empty},
	})
	r := New(p, Options{Clock: &stepClock{}, ReplyTimeout: 50 * time.Millisecond,
		Log: quiet})
	events := run(t, r)
	if e := next(t, events, ReaderReady); e.SAMID != "00.00-00000000-0000000000-0000000000" {
		t.Fatalf("SAM id %q", e.SAMID)
	}
	next(t, events, CardPlaced)
	next(t, events, CardRemoved)
}
