package adapt

import (
	"context"
	"fmt"

	"hallkiosk/display/voice"
	"hallkiosk/kiosk"
)

// Speaker says the elderly mode's prompts with the display's espeak-ng
// engine, in Mandarin or English, and plays them on the sound device.
type Speaker struct {
	ZH, EN voice.Engine
	Sink   voice.Sink
}

var _ kiosk.Speaker = (*Speaker)(nil)

// NewSpeaker finds espeak-ng and aplay; it fails when either is missing.
func NewSpeaker() (*Speaker, error) {
	zh, err := voice.FindEspeak()
	if err != nil {
		return nil, err
	}
	en := *zh
	en.Voice = "en"
	sink, err := voice.FindAplay("")
	if err != nil {
		return nil, err
	}
	return &Speaker{ZH: zh, EN: &en, Sink: sink}, nil
}

// Say implements kiosk.Speaker.
func (s *Speaker) Say(ctx context.Context, lang, text string) error {
	eng := s.ZH
	if lang == "en" {
		eng = s.EN
	}
	pcm, err := eng.Speak(ctx, text)
	if err != nil {
		return fmt.Errorf("adapt: speak: %w", err)
	}
	return s.Sink.Play(ctx, "prompt", pcm)
}
