package voice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hallkiosk/display"
	"hallkiosk/platform"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/gpiofake"

	"periph.io/x/conn/v3/gpio"
)

var quietLog = slog.New(slog.DiscardHandler)

// toneEngine "speaks" a tone whose length grows with the text, so the queue
// tests run without espeak-ng and still see distinct clips.
type toneEngine struct{ calls atomic.Int32 }

func (e *toneEngine) String() string { return "tone" }

func (e *toneEngine) Speak(ctx context.Context, text string) (PCM, error) {
	e.calls.Add(1)
	return PCM{Rate: 8000, Samples: slices.Repeat([]int16{1000, -1000}, len(text)*10)}, nil
}

// recordingSink records clip labels and fails the test if two clips ever
// play at once.
type recordingSink struct {
	mu      sync.Mutex
	labels  []string
	playing atomic.Int32
	overlap atomic.Bool
	delay   time.Duration
	done    chan string
}

func (s *recordingSink) String() string { return "recording" }

func (s *recordingSink) Play(ctx context.Context, label string, p PCM) error {
	if s.playing.Add(1) > 1 {
		s.overlap.Store(true)
	}
	defer s.playing.Add(-1)
	time.Sleep(s.delay) // a clip takes time to play; overlap would show here
	s.mu.Lock()
	s.labels = append(s.labels, label)
	s.mu.Unlock()
	s.done <- label
	return nil
}

func call(n int, recall bool) display.Call {
	return display.Call{Number: fmt.Sprintf("A%03d", n), Window: n%9 + 1, Recall: recall}
}

// A burst of calls is announced in stream order, each as chime then the
// speech twice, none dropped, none overlapping.
func TestBurstAnnouncedInOrderWithoutOverlap(t *testing.T) {
	sink := &recordingSink{delay: time.Millisecond, done: make(chan string, 1000)}
	a := New(Options{Engine: &toneEngine{}, Sink: sink, Log: quietLog})
	const n = 25
	var want []string
	for i := 1; i <= n; i++ {
		recall := i%10 == 0 // a recall is announced again, in its place
		a.Enqueue(call(i, recall))
		num := call(i, recall).Number
		want = append(want, "chime", num+"-1", num+"-2")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Run(ctx)
	for range want {
		select {
		case <-sink.done:
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d of %d clips played", len(sink.labels), len(want))
		}
	}
	if !slices.Equal(sink.labels, want) {
		t.Fatalf("clips =\n%v\nwant\n%v", sink.labels, want)
	}
	if sink.overlap.Load() {
		t.Fatal("two clips played at once")
	}
	if a.Pending() != 0 {
		t.Fatalf("pending = %d", a.Pending())
	}
}

// Calls enqueued while one is playing wait their turn.
func TestEnqueueWhilePlayingKeepsOrder(t *testing.T) {
	sink := &recordingSink{delay: 2 * time.Millisecond, done: make(chan string, 1000)}
	a := New(Options{Engine: &toneEngine{}, Sink: sink, Log: quietLog, Repeat: 1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Run(ctx)
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				a.Enqueue(call(g*100+i, false))
			}
		}()
	}
	wg.Wait()
	for range 40 {
		<-sink.done
	}
	// Each producer's calls keep their relative order.
	var first, second []string
	for _, l := range sink.labels {
		if l == "chime" {
			continue
		}
		if strings.HasPrefix(l, "A1") {
			second = append(second, l)
		} else {
			first = append(first, l)
		}
	}
	if !sort.StringsAreSorted(first) || !sort.StringsAreSorted(second) || len(first)+len(second) != 20 {
		t.Fatalf("order lost: %v", sink.labels)
	}
}

func TestChimeLinePulsedOnEachCall(t *testing.T) {
	board := gpiofake.NewBoard()
	lines, err := platform.OpenLines(platform.GPIOConfig{Chime: "GPIO27"}, board.Resolve)
	if err != nil {
		t.Fatal(err)
	}
	line := &countingLine{l: lines.Chime}
	sink := &recordingSink{done: make(chan string, 100)}
	a := New(Options{Sink: sink, Line: line, PulseFor: time.Millisecond, Log: quietLog})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Run(ctx)
	a.Enqueue(call(1, false))
	a.Enqueue(call(2, true))
	<-sink.done
	<-sink.done // no engine: only the chimes play
	if line.n.Load() != 2 {
		t.Fatalf("pulses = %d, want 2", line.n.Load())
	}
	if board.Level("GPIO27") != gpio.Low {
		t.Fatal("chime line left on after the pulse")
	}
}

type countingLine struct {
	l *platform.Line
	n atomic.Int32
}

func (c *countingLine) Pulse(d time.Duration) error {
	c.n.Add(1)
	return c.l.Pulse(d)
}

// failingSink fails while broken is set, as aplay does without a sound card.
type failingSink struct{ broken atomic.Bool }

func (s *failingSink) String() string { return "failing" }

func (s *failingSink) Play(context.Context, string, PCM) error {
	if s.broken.Load() {
		return errors.New("aplay: no sound card")
	}
	return nil
}

// countingHandler counts log records by level.
type countingHandler struct {
	mu sync.Mutex
	n  map[slog.Level]int
}

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *countingHandler) WithGroup(string) slog.Handler            { return h }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.n[r.Level]++
	h.mu.Unlock()
	return nil
}

// No audio device: the failure is a clear warning once, not three per
// call; when sound comes back the log says so.
func TestMissingAudioLoggedOnce(t *testing.T) {
	h := &countingHandler{n: map[slog.Level]int{}}
	sink := &failingSink{}
	sink.broken.Store(true)
	a := New(Options{Engine: &toneEngine{}, Sink: sink, Log: slog.New(h)})
	for i := range 3 {
		a.announce(context.Background(), call(i, false))
	}
	if h.n[slog.LevelWarn] != 1 || h.n[slog.LevelDebug] != 8 {
		t.Fatalf("warnings %d, debug %d; want 1 and 8 for 9 failed clips", h.n[slog.LevelWarn],
			h.n[slog.LevelDebug])
	}
	sink.broken.Store(false)
	a.announce(context.Background(), call(4, false))
	sink.broken.Store(true)
	a.announce(context.Background(), call(5, false))
	if h.n[slog.LevelWarn] != 2 {
		t.Fatalf("a new failure after sound came back: %d warnings, want 2", h.n[slog.LevelWarn])
	}
}

func TestVolumeByTimeOfDay(t *testing.T) {
	day := func(h, m int) time.Time { return time.Date(2026, 12, 3, h, m, 0, 0, time.Local) }
	tests := []struct {
		at   time.Time
		want float64
	}{
		{day(2, 0), 0.3}, {day(8, 30), 0.8}, {day(10, 0), 1.0}, {day(12, 0), 0.7},
		{day(13, 0), 1.0}, {day(17, 0), 0.6}, {day(23, 59), 0.3},
	}
	for _, tt := range tests {
		if got := DefaultSchedule.At(tt.at); got != tt.want {
			t.Errorf("At(%s) = %v, want %v", tt.at.Format("15:04"), got, tt.want)
		}
	}
	if err := DefaultSchedule.Check(); err != nil {
		t.Fatal(err)
	}
	bad := []Schedule{{{From: "9:7x", Volume: 1}}, {{From: "10:00", Volume: 1}, {From: "09:00", Volume: 1}},
		{{From: "10:00", Volume: 2}}}
	for _, s := range bad {
		if s.Check() == nil {
			t.Errorf("Check(%v) = nil", s)
		}
	}
}

// The announcer reads the volume at the time of each call, and the sink
// hears it scaled.
func TestQuietHoursPlayQuieter(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 3, 10, 0, 0, 0, time.Local))
	dir := t.TempDir()
	a := New(Options{Sink: &FileSink{Dir: dir}, Clock: clk, Log: quietLog})
	a.announce(context.Background(), call(1, false))
	clk.Set(time.Date(2026, 12, 3, 19, 0, 0, 0, time.Local))
	a.announce(context.Background(), call(2, false))
	loud, quiet := readClip(t, dir, "0001-chime.wav"), readClip(t, dir, "0002-chime.wav")
	if r := quiet.RMS() / loud.RMS(); r < 0.25 || r > 0.35 {
		t.Fatalf("evening/day level = %.2f, want 0.3", r)
	}
}

func readClip(t *testing.T, dir, name string) PCM {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseWAV(data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestChimeIsAudibleAndShort(t *testing.T) {
	c := Chime()
	if c.RMS() < 1000 || c.Duration() < time.Second || c.Duration() > 2*time.Second {
		t.Fatalf("chime rms %.0f, %v", c.RMS(), c.Duration())
	}
	back, err := ParseWAV(c.WAV())
	if err != nil || !slices.Equal(back.Samples, c.Samples) || back.Rate != ChimeRate {
		t.Fatalf("WAV round trip failed: %v", err)
	}
}

func TestParseWAVRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "RIFF", "RIFF0000WAVEfmt ", "RIFF\x00\x00\x00\x00WAVEdata\x04\x00\x00\x00abcd"} {
		if _, err := ParseWAV([]byte(in)); !errors.Is(err, ErrNotWAV) {
			t.Errorf("ParseWAV(%q) err = %v", in, err)
		}
	}
}

func FuzzParseWAV(f *testing.F) {
	f.Add(Chime().WAV()[:200])
	f.Fuzz(func(t *testing.T, data []byte) { ParseWAV(data) })
}

// The default engine speaks Mandarin offline: its WAV is non-silent, and a
// longer text takes longer, at a speaking pace.
func TestEspeakFileSink(t *testing.T) {
	eng, err := FindEspeak()
	if errors.Is(err, ErrNoEngine) {
		t.Skip("espeak-ng is not installed (make deps installs it); the speech test cannot run")
	}
	dir := t.TempDir()
	a := New(Options{Engine: eng, Sink: &FileSink{Dir: dir}, Log: quietLog})
	a.announce(context.Background(), display.Call{Number: "A012", Window: 5})
	a.announce(context.Background(), display.Call{Number: "D1234", Window: 12, Recall: true})
	files, _ := filepath.Glob(filepath.Join(dir, "*.wav"))
	if len(files) != 6 {
		t.Fatalf("files = %v, want chime and two repeats per call", files)
	}
	short, long := readClip(t, dir, "0002-A012-1.wav"), readClip(t, dir, "0005-D1234-1.wav")
	for _, p := range []PCM{short, long} {
		if p.RMS() < 300 {
			t.Fatalf("speech is silent (rms %.0f)", p.RMS())
		}
	}
	// "请 A 零 一 二 号，到 5 号窗口。" is 10 spoken syllables or so: between
	// 1.5 and 8 seconds at a hall's pace, 0.4 s of pause included.
	if d := short.Duration(); d < 1500*time.Millisecond || d > 8*time.Second {
		t.Fatalf("short call lasts %v", d)
	}
	if long.Duration() <= short.Duration() {
		t.Fatalf("longer text (%v) not longer than shorter (%v)", long.Duration(), short.Duration())
	}
}
