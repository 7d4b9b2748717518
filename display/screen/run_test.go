package screen

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"hallkiosk/display/voice"
	"hallkiosk/platform"
)

// The device file's [voice] volume steps reach the announcer; without them
// it keeps its default schedule.
func TestVoiceOptionsVolumeFromConfig(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	src := "role = \"display\"\n[device]\nname = \"display-1\"\n[voice]\n" +
		"volume = [{from = \"00:00\", volume = 0.1}, {from = \"10:00\", volume = 0.9}]\n"
	cfg, err := platform.ParseConfig("display.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	vo := voiceOptions(cfg, RunOptions{Sink: &voice.FileSink{Dir: t.TempDir()}}, log)
	at := func(hm string) float64 {
		tm, _ := time.Parse("15:04", hm)
		return vo.Volume.At(tm)
	}
	if len(vo.Volume) != 2 || at("09:59") != 0.1 || at("10:00") != 0.9 || at("23:00") != 0.9 {
		t.Fatalf("volume schedule %+v", vo.Volume)
	}

	// The steps are hall times: the clock reads the hall's zone (UTC+8),
	// whatever zone the box is set to.
	if _, off := vo.Clock.Now().Zone(); off != 8*3600 {
		t.Fatalf("volume clock zone offset %ds, want the hall's +8h", off)
	}

	cfg.Voice.Volume = nil
	if vo := voiceOptions(cfg, RunOptions{Sink: &voice.FileSink{Dir: t.TempDir()}}, log); vo.Volume != nil {
		t.Fatalf("no steps in the file must leave the announcer's default, got %+v", vo.Volume)
	}
}
