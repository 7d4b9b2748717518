// Package voice announces calls in the hall: a chime, then the call spoken
// twice in Mandarin, one announcement at a time, in the order the stream
// delivered them. A burst of calls is queued, never dropped and never
// spoken over itself. The speech engine and the audio sink are pluggable:
// espeak-ng and aplay on a device, WAV files in tests.
package voice

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"hallkiosk/display"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/logging"
)

// Pulser is a GPIO output pulsed on each call (platform.Line).
type Pulser interface {
	Pulse(d time.Duration) error
}

// Options configure an Announcer. Zero values take the documented defaults.
type Options struct {
	// Engine speaks; nil means no engine: the chime still plays.
	Engine Engine
	// Sink plays; nil means no audio output: announcements are only logged.
	Sink Sink
	// Line is pulsed on each call (an external chime or lamp); may be nil.
	Line     Pulser
	PulseFor time.Duration // default 200 ms
	// Repeat is how many times the call is spoken; default 2.
	Repeat int
	// Volume by time of day; default DefaultSchedule.
	Volume Schedule
	Clock  clock.Clock
	Log    *slog.Logger
}

// Announcer is a queue of calls with one worker (Run).
type Announcer struct {
	o     Options
	log   *slog.Logger
	chime PCM

	mu    sync.Mutex
	queue []display.Call
	wake  chan struct{}

	// mute is set while the sink fails (no audio device): the failure is
	// logged once as a warning, then quietly until a clip plays again, so
	// a box without speakers does not fill its log three lines per call.
	mute bool
}

// New returns an announcer; start its worker with Run.
func New(o Options) *Announcer {
	if o.PulseFor <= 0 {
		o.PulseFor = 200 * time.Millisecond
	}
	if o.Repeat <= 0 {
		o.Repeat = 2
	}
	if o.Volume == nil {
		o.Volume = DefaultSchedule
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	return &Announcer{o: o, log: logging.For(o.Log, "voice"), chime: Chime(),
		wake: make(chan struct{}, 1)}
}

// Enqueue adds a call to the end of the queue. It never blocks and never
// drops: calls come at the pace of window staff, so the queue stays short.
//
// BUG(hallkiosk): one announcement takes about 13 s (chime and two
// readings); a hall calling faster than that for long hears its calls
// late. Repeat = 1 or a faster voice would keep up.
func (a *Announcer) Enqueue(c display.Call) {
	a.mu.Lock()
	a.queue = append(a.queue, c)
	a.mu.Unlock()
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// Pending is how many calls wait to be announced.
func (a *Announcer) Pending() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.queue)
}

func (a *Announcer) next() (display.Call, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.queue) == 0 {
		return display.Call{}, false
	}
	c := a.queue[0]
	a.queue = a.queue[1:]
	return c, true
}

// Run announces queued calls one after the other until ctx ends.
func (a *Announcer) Run(ctx context.Context) {
	a.log.Info("announcer started", "engine", describe(a.o.Engine), "sink", describe(a.o.Sink))
	for {
		c, ok := a.next()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-a.wake:
			}
			continue
		}
		a.announce(ctx, c)
	}
}

func describe(v fmt.Stringer) string {
	if v == nil || fmt.Sprint(v) == "<nil>" {
		return "none"
	}
	return v.String()
}

// announce plays one call: GPIO pulse, chime, then the speech Repeat times.
// Failures are logged and the next call goes on: a broken speaker must not
// stop the screen or the queue.
func (a *Announcer) announce(ctx context.Context, c display.Call) {
	if a.o.Line != nil {
		if err := a.o.Line.Pulse(a.o.PulseFor); err != nil {
			a.log.Warn("chime line pulse failed", logging.KeyErr, err)
		}
	}
	vol := a.o.Volume.At(a.o.Clock.Now())
	a.play(ctx, "chime", a.chime.Scaled(vol))
	speech, ok := a.speak(ctx, c)
	if !ok {
		return
	}
	speech = withTail(speech, 400*time.Millisecond).Scaled(vol)
	for i := range a.o.Repeat {
		a.play(ctx, fmt.Sprintf("%s-%d", c.Number, i+1), speech)
	}
	a.log.Info("call announced", logging.KeyTicket, c.Number, "window", c.Window,
		"recall", c.Recall, "volume", vol)
}

func (a *Announcer) speak(ctx context.Context, c display.Call) (PCM, bool) {
	if a.o.Engine == nil {
		a.log.Info("call not spoken: no speech engine", logging.KeyTicket, c.Number)
		return PCM{}, false
	}
	p, err := a.o.Engine.Speak(ctx, display.SpeechText(c))
	if err != nil {
		a.log.Warn("speech failed", logging.KeyTicket, c.Number, logging.KeyErr, err)
		return PCM{}, false
	}
	return p, true
}

func (a *Announcer) play(ctx context.Context, label string, p PCM) {
	if a.o.Sink == nil {
		return
	}
	err := a.o.Sink.Play(ctx, label, p)
	switch {
	case err != nil && !a.mute:
		a.mute = true
		a.log.Warn("audio output failed; calls are shown but not heard until it works",
			"clip", label, logging.KeyErr, err)
	case err != nil:
		a.log.Debug("audio output still failing", "clip", label, logging.KeyErr, err)
	case a.mute:
		a.mute = false
		a.log.Info("audio output works again", "clip", label)
	}
}

// withTail appends silence so the two repetitions do not run together.
func withTail(p PCM, d time.Duration) PCM {
	n := int(d.Seconds() * float64(p.Rate))
	out := PCM{Rate: p.Rate, Samples: make([]int16, len(p.Samples), len(p.Samples)+n)}
	copy(out.Samples, p.Samples)
	out.Samples = append(out.Samples, make([]int16, n)...)
	return out
}
