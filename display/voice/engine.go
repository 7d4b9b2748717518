package voice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
)

// Engine turns text into speech. The default is espeak-ng, offline; another
// engine (a better voice, a cloud service where allowed) plugs in here.
type Engine interface {
	Speak(ctx context.Context, text string) (PCM, error)
	String() string
}

// ErrNoEngine means no speech engine is installed.
var ErrNoEngine = errors.New("voice: espeak-ng not found in PATH " +
	"(install it with `make deps` or apt-get install espeak-ng); calls are shown but not spoken")

// Espeak speaks through the espeak-ng program, offline.
type Espeak struct {
	Path  string // the binary; found with FindEspeak
	Voice string // default "cmn": Mandarin, Latin letters read as English
	Speed int    // words per minute; default 140, slower than espeak's 175 for a hall
}

var _ Engine = (*Espeak)(nil)

// FindEspeak returns an Espeak engine, or ErrNoEngine when the binary is
// missing.
func FindEspeak() (*Espeak, error) {
	p, err := exec.LookPath("espeak-ng")
	if err != nil {
		return nil, ErrNoEngine
	}
	return &Espeak{Path: p, Voice: "cmn", Speed: 140}, nil
}

// String names the engine for logs.
func (e *Espeak) String() string { return "espeak-ng -v " + e.voice() }

func (e *Espeak) voice() string {
	if e.Voice == "" {
		return "cmn"
	}
	return e.Voice
}

// Speak runs espeak-ng once and reads the WAV it writes to stdout.
func (e *Espeak) Speak(ctx context.Context, text string) (PCM, error) {
	speed := e.Speed
	if speed == 0 {
		speed = 140
	}
	cmd := exec.CommandContext(ctx, e.Path, "-v", e.voice(), "-s", fmt.Sprint(speed),
		"--stdout", text)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return PCM{}, fmt.Errorf("espeak-ng: %w: %s", err, bytes.TrimSpace(errb.Bytes()))
	}
	p, err := ParseWAV(out.Bytes())
	if err != nil {
		return PCM{}, fmt.Errorf("espeak-ng output: %w", err)
	}
	return p, nil
}
