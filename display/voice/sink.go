package voice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// Sink plays audio and returns when it has finished playing, so the
// announcer never overlaps two clips. Label names the clip for files and
// logs ("chime", "A012-1").
type Sink interface {
	Play(ctx context.Context, label string, p PCM) error
	String() string
}

// ErrNoPlayer means no audio player is installed.
var ErrNoPlayer = errors.New("voice: aplay not found in PATH (install alsa-utils); " +
	"calls are shown but not heard")

// Aplay plays through ALSA's aplay, piping WAV on stdin.
type Aplay struct {
	Path   string
	Device string // ALSA device for -D; empty: the default device
}

var _ Sink = (*Aplay)(nil)

// FindAplay returns an Aplay sink, or ErrNoPlayer.
func FindAplay(device string) (*Aplay, error) {
	p, err := exec.LookPath("aplay")
	if err != nil {
		return nil, ErrNoPlayer
	}
	return &Aplay{Path: p, Device: device}, nil
}

// String names the sink for logs.
func (a *Aplay) String() string { return "aplay " + a.Device }

// Play runs aplay until the clip has played.
func (a *Aplay) Play(ctx context.Context, label string, p PCM) error {
	args := []string{"-q"}
	if a.Device != "" {
		args = append(args, "-D", a.Device)
	}
	cmd := exec.CommandContext(ctx, a.Path, append(args, "-")...)
	cmd.Stdin = bytes.NewReader(p.WAV())
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("aplay %s: %w: %s (is an audio device present? check `aplay -l`)",
			label, err, strings.TrimSpace(errb.String()))
	}
	return nil
}

// FileSink writes each clip as a numbered WAV file in Dir ("0001-chime.wav",
// "0002-A012-1.wav", ...). Tests listen with it; a technician can use it to
// check the voice on a box without speakers.
type FileSink struct {
	Dir string

	mu sync.Mutex
	n  int
}

var _ Sink = (*FileSink)(nil)

// String names the sink for logs.
func (f *FileSink) String() string { return "files in " + f.Dir }

// Play writes the clip's file.
func (f *FileSink) Play(ctx context.Context, label string, p PCM) error {
	f.mu.Lock()
	f.n++
	name := fmt.Sprintf("%04d-%s.wav", f.n, label)
	f.mu.Unlock()
	if err := os.WriteFile(filepath.Join(f.Dir, name), p.WAV(), 0o644); err != nil {
		return fmt.Errorf("write clip: %w", err)
	}
	return nil
}
