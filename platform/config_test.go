package platform

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodKiosk = `
role = "kiosk"
data_dir = "/tmp/hk"
[device]
name = "kiosk-1"
[center]
url = "http://127.0.0.1:8080"
[printer]
port = "/dev/ttyUSB0"
`

func TestParseConfigGoodAppliesDefaults(t *testing.T) {
	cfg, err := ParseConfig("good.toml", []byte(goodKiosk))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Printer.Baud != 115200 || cfg.Printer.Paper != 80 || cfg.Screen.Orientation != "portrait" {
		t.Fatalf("defaults not applied: %+v", cfg)
	}
	// G6's documented default (docs/ledger.md), and 30 01 unless asked.
	if cfg.Privacy.PurgeAfterDays != 7 || cfg.Reader.Fingerprint {
		t.Fatalf("privacy or reader defaults: %+v, %+v", cfg.Privacy, cfg.Reader)
	}
}

// The keys a file may set beyond the defaults reach the Config.
func TestParseConfigReaderAndPrivacy(t *testing.T) {
	src := goodKiosk + "[reader]\nport = \"/dev/ttyUSB1\"\nfingerprint = true\n" +
		"[privacy]\npurge_after_days = 3\n"
	cfg, err := ParseConfig("k.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Reader.Fingerprint || cfg.Privacy.PurgeAfterDays != 3 {
		t.Fatalf("reader %+v, privacy %+v", cfg.Reader, cfg.Privacy)
	}
}

func TestExampleConfigsAreValid(t *testing.T) {
	files, _ := filepath.Glob("../configs/*.toml")
	if len(files) == 0 {
		t.Fatal("no example configs found")
	}
	for _, f := range files {
		if _, err := LoadConfig(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// Each kind of mistake a technician can make names the key, the bad value
// and what is expected.
func TestParseConfigMistakes(t *testing.T) {
	tests := []struct {
		name string
		edit string // appended or substituted TOML
		want []string
	}{
		{"unknown top-level key", goodKiosk + "colour = \"red\"\n", []string{"colour: unknown key"}},
		{"misspelt key in a table", strings.Replace(goodKiosk, "[printer]", "[printer]\nbuad = 9600", 1), []string{"printer.buad: unknown key"}},
		{"unknown table", goodKiosk + "[scanner]\nport = \"x\"\n", []string{"scanner", "unknown key"}},
		{"bad role", strings.Replace(goodKiosk, `"kiosk"`, `"printer"`, 1), []string{`role = "printer": want "kiosk" or "display"`}},
		{"bad paper", goodKiosk + "paper = 76\n", []string{`printer.paper = "76": want 58 or 80`}},
		{"odd baud", goodKiosk + "baud = 12345\n", []string{`printer.baud = "12345"`, "115200"}},
		{"wrong type", goodKiosk + "baud = \"fast\"\n", []string{"line", "baud"}},
		{"syntax error", goodKiosk + "[printer\n", []string{"line"}},
		{"missing printer port", strings.Replace(goodKiosk, `port = "/dev/ttyUSB0"`, "", 1), []string{"printer.port: missing"}},
		{"missing device name", strings.Replace(goodKiosk, `name = "kiosk-1"`, "", 1), []string{"device.name: missing"}},
		{"bad device name", strings.Replace(goodKiosk, `"kiosk-1"`, `"Kiosk 1!"`, 1), []string{`device.name = "Kiosk 1!"`}},
		{"plain http off-machine", strings.Replace(goodKiosk, "127.0.0.1", "10.0.0.5", 1), []string{"center.url", "https://"}},
		{"not a url", strings.Replace(goodKiosk, "http://127.0.0.1:8080", "center", 1), []string{`center.url = "center"`}},
		{"bad fingerprint", strings.Replace(goodKiosk, "[center]", "[center]\nfingerprint = \"abc\"", 1), []string{"center.fingerprint", "SHA-256"}},
		{"ttc font", "font_path = \"/x/a.ttc\"\n" + goodKiosk, []string{"font_path", ".ttc"}},
		{"bad gpio line", goodKiosk + "[gpio]\npaper_low = \"pin 17\"\n", []string{`gpio.paper_low = "pin 17"`}},
		{"bad orientation", goodKiosk + "[screen]\norientation = \"sideways\"\n", []string{`screen.orientation = "sideways"`}},
		{"two problems at once", goodKiosk + "paper = 1\nbaud = 1\n", []string{"printer.baud", "printer.paper", "2 problem(s)"}},
		{"volume step not a time", goodKiosk + "[voice]\nvolume = [{from = \"8am\", volume = 0.5}]\n", []string{`voice.volume[0].from = "8am"`, "HH:MM"}},
		{"volume steps out of order", goodKiosk + "[voice]\nvolume = [{from = \"09:00\", volume = 1}, {from = \"08:00\", volume = 0.5}]\n", []string{`voice.volume[1].from = "08:00"`, "later"}},
		{"volume above full", goodKiosk + "[voice]\nvolume = [{from = \"00:00\", volume = 3}]\n", []string{`voice.volume[0].volume = "3"`, "0 (silent) to 1"}},
		{"misspelt volume key", goodKiosk + "[voice]\nvolume = [{from = \"00:00\", level = 0.5}]\n", []string{"voice.volume.level: unknown key"}},
		{"fingerprint not a boolean", goodKiosk + "[reader]\nfingerprint = \"yes\"\n", []string{"line", "fingerprint"}},
		{"misspelt fingerprint", goodKiosk + "[reader]\nfinger_print = true\n", []string{"reader.finger_print: unknown key"}},
		{"purge after zero days", goodKiosk + "[privacy]\npurge_after_days = 0\n", []string{`privacy.purge_after_days = "0": want 1 to 30 (days)`}},
		{"purge after a year", goodKiosk + "[privacy]\npurge_after_days = 365\n", []string{`privacy.purge_after_days = "365"`}},
		{"purge days not a number", goodKiosk + "[privacy]\npurge_after_days = \"7d\"\n", []string{"line", "purge_after_days"}},
		{"misspelt privacy key", goodKiosk + "[privacy]\npurge_days = 7\n", []string{"privacy.purge_days: unknown key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("device.toml", []byte(tt.edit))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *ConfigError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestDisplayNeedsNoPrinter(t *testing.T) {
	src := "role = \"display\"\n[device]\nname = \"display-1\"\n"
	if _, err := ParseConfig("d.toml", []byte(src)); err != nil {
		t.Fatal(err)
	}
}

func TestLoadConfigMissingFile(t *testing.T) {
	_, err := LoadConfig(filepath.Join(t.TempDir(), "none.toml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v, want ErrNotExist", err)
	}
}
