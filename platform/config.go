package platform

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// DefaultConfigPath is where a provisioned device keeps its configuration.
const DefaultConfigPath = "/etc/hallkiosk/device.toml"

// Roles a device can take.
const (
	RoleKiosk   = "kiosk"
	RoleDisplay = "display"
)

// Config is the device file. Every default lives in DefaultConfig, the one
// place a technician needs to read; a file only states what differs.
type Config struct {
	Role     string `toml:"role"`      // "kiosk" or "display"
	Language string `toml:"language"`  // first language on screen: "zh" or "en"
	DataDir  string `toml:"data_dir"`  // ledger, cache, token
	FontPath string `toml:"font_path"` // a CJK TTF/OTF; empty: search the usual places

	Device  DeviceConfig  `toml:"device"`
	Center  CenterConfig  `toml:"center"`
	Printer PrinterConfig `toml:"printer"`
	Reader  ReaderConfig  `toml:"reader"`
	GPIO    GPIOConfig    `toml:"gpio"`
	Screen  ScreenConfig  `toml:"screen"`
	Voice   VoiceConfig   `toml:"voice"`
	Privacy PrivacyConfig `toml:"privacy"`
}

// DeviceConfig names the device.
type DeviceConfig struct {
	Name string `toml:"name"` // shown to the center and in logs, e.g. "kiosk-1f-01"
}

// CenterConfig says where the center is and how to trust it.
type CenterConfig struct {
	URL string `toml:"url"`
	// Fingerprint is the SHA-256 of the center's certificate, pinned at
	// provisioning; empty when the center is reached over loopback HTTP.
	Fingerprint string `toml:"fingerprint"`
}

// PrinterConfig is the thermal printer's serial line.
type PrinterConfig struct {
	Port  string `toml:"port"`  // e.g. /dev/hallkiosk-printer (udev name)
	Baud  int    `toml:"baud"`  // 9600 to 921600
	Paper int    `toml:"paper"` // paper width in mm: 58 or 80
}

// ReaderConfig is the ID-card reader's serial line. An empty port means no
// reader: check-in falls back to the keypad.
type ReaderConfig struct {
	Port string `toml:"port"`
	Baud int    `toml:"baud"`
	// Fingerprint reads cards with the SAM command 30 10 (text, photo and
	// fingerprint) instead of 30 01, for modules set up to answer only
	// that. The fingerprint is dropped unread, like the photo. Default
	// false.
	Fingerprint bool `toml:"fingerprint"`
}

// GPIOConfig maps roles to lines. A line is a name as the kernel reports it
// ("GPIO17", "PAPER_LOW") or "chip:offset" ("gpiochip0:17"), with a leading
// "!" when the line is active-low; empty means
// the role is not wired.
type GPIOConfig struct {
	PaperLow  string `toml:"paper_low"`  // input, kiosk: printer's near-end sensor
	DoorOpen  string `toml:"door_open"`  // input: cabinet door switch
	StatusLED string `toml:"status_led"` // output
	Chime     string `toml:"chime"`      // output, display: pulsed on each call
}

// ScreenConfig describes the screen.
type ScreenConfig struct {
	Width       int    `toml:"width"`
	Height      int    `toml:"height"`
	Orientation string `toml:"orientation"` // "portrait" or "landscape"
	Fullscreen  bool   `toml:"fullscreen"`
}

// VoiceConfig is the display's announcements.
type VoiceConfig struct {
	// Volume by time of day: each step holds from its time ("HH:MM", hall
	// time) until the next; the last carries on past midnight until the
	// first. Empty: the display's built-in schedule, quieter before
	// opening, at lunch and after closing (display/voice.DefaultSchedule).
	Volume []VolumeStep `toml:"volume"`
}

// PrivacyConfig bounds how long personal data stays on the device (G6).
type PrivacyConfig struct {
	// PurgeAfterDays is how many days after a booking's day the kiosk's
	// ledger keeps its masked name and keyed ID hash; then they are
	// erased (the booking's code and status stay for reconciliation).
	// 1 to 30; default 7.
	PurgeAfterDays int `toml:"purge_after_days"`
}

// MaxPurgeAfterDays bounds [privacy] purge_after_days: a kiosk needs a
// booking's personal data only around its day, and R11's six-month record
// of no-shows is kept by the center, not the device.
const MaxPurgeAfterDays = 30

// VolumeStep is one step of the volume schedule.
type VolumeStep struct {
	From   string  `toml:"from"`   // "HH:MM"
	Volume float64 `toml:"volume"` // 0 (silent) to 1 (full)
}

// DefaultConfig returns the configuration a file is laid over.
func DefaultConfig() Config {
	return Config{
		Role:     RoleKiosk,
		Language: "zh",
		DataDir:  "/var/lib/hallkiosk",
		Center:   CenterConfig{URL: "http://127.0.0.1:8080"},
		Printer:  PrinterConfig{Baud: 115200, Paper: 80},
		Reader:   ReaderConfig{Baud: 115200},
		Screen:   ScreenConfig{Width: 1080, Height: 1920, Orientation: "portrait", Fullscreen: true},
		Privacy:  PrivacyConfig{PurgeAfterDays: 7},
	}
}

// ConfigProblem is one thing wrong with a config file.
type ConfigProblem struct {
	Key     string // dotted key, e.g. "printer.paper"
	Value   string // the bad value as written, empty when missing
	Want    string // what is expected
	Message string // set instead of Value/Want for parse errors
}

func (p ConfigProblem) String() string {
	if p.Message != "" {
		return p.Message
	}
	if p.Value == "" {
		return fmt.Sprintf("%s: missing; want %s", p.Key, p.Want)
	}
	return fmt.Sprintf("%s = %s: want %s", p.Key, p.Value, p.Want)
}

// ConfigError lists every problem found in a file, so a technician fixes
// them in one pass rather than one per restart.
type ConfigError struct {
	Path     string
	Problems []ConfigProblem
}

func (e *ConfigError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "  " + p.String()
	}
	return fmt.Sprintf("config %s has %d problem(s):\n%s", e.Path, len(e.Problems), strings.Join(lines, "\n"))
}

// LoadConfig reads and checks the device file at path.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(path, data)
}

// ParseConfig parses data (named path in messages) over the defaults and
// checks it. Unknown keys are problems, not silently ignored: a misspelt
// key would otherwise leave a default in force without anyone noticing.
func ParseConfig(path string, data []byte) (*Config, error) {
	cfg := DefaultConfig()
	md, err := toml.Decode(string(data), &cfg)
	if err != nil {
		return nil, &ConfigError{Path: path, Problems: []ConfigProblem{{Message: decodeMessage(err)}}}
	}
	var probs []ConfigProblem
	for _, k := range md.Undecoded() {
		probs = append(probs, ConfigProblem{Key: k.String(), Message: fmt.Sprintf("%s: unknown key", k)})
	}
	probs = append(probs, cfg.Check()...)
	if len(probs) > 0 {
		return nil, &ConfigError{Path: path, Problems: probs}
	}
	return &cfg, nil
}

func decodeMessage(err error) string {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		if pe.LastKey != "" {
			return fmt.Sprintf("line %d, key %s: %s", pe.Position.Line, pe.LastKey, pe.Message)
		}
		return fmt.Sprintf("line %d: %s", pe.Position.Line, pe.Message)
	}
	return err.Error()
}

var (
	standardBauds = []int{9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600}
	deviceNameRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	// A leading "!" marks an active-low line.
	gpioLineRE = regexp.MustCompile(`^!?([A-Za-z0-9_.-]+|gpiochip[0-9]+:[0-9]+)$`)
)

// Check returns every problem with the values in c.
func (c *Config) Check() []ConfigProblem {
	var p []ConfigProblem
	bad := func(key string, value any, want string) {
		p = append(p, ConfigProblem{Key: key, Value: fmt.Sprintf("%q", fmt.Sprint(value)), Want: want})
	}
	missing := func(key, want string) { p = append(p, ConfigProblem{Key: key, Want: want}) }

	if c.Role != RoleKiosk && c.Role != RoleDisplay {
		bad("role", c.Role, `"kiosk" or "display"`)
	}
	if c.Language != "zh" && c.Language != "en" {
		bad("language", c.Language, `"zh" or "en"`)
	}
	if c.DataDir == "" {
		missing("data_dir", "a directory for the ledger and cache")
	}
	if c.FontPath != "" && strings.HasSuffix(strings.ToLower(c.FontPath), ".ttc") {
		bad("font_path", c.FontPath, "a .ttf or .otf file (fyne cannot load .ttc collections)")
	}
	if c.Device.Name == "" {
		missing("device.name", `a short name such as "kiosk-1f-01"`)
	} else if !deviceNameRE.MatchString(c.Device.Name) {
		bad("device.name", c.Device.Name, "lower-case letters, digits and dashes, at most 63")
	}
	p = append(p, c.checkCenter()...)
	if c.Role == RoleKiosk {
		if c.Printer.Port == "" {
			missing("printer.port", "the printer's serial device, e.g. /dev/hallkiosk-printer")
		}
		if !slices.Contains(standardBauds, c.Printer.Baud) {
			bad("printer.baud", c.Printer.Baud, fmt.Sprint("one of ", standardBauds))
		}
		if c.Printer.Paper != 58 && c.Printer.Paper != 80 {
			bad("printer.paper", c.Printer.Paper, "58 or 80 (mm)")
		}
		if c.Reader.Port != "" && !slices.Contains(standardBauds, c.Reader.Baud) {
			bad("reader.baud", c.Reader.Baud, fmt.Sprint("one of ", standardBauds))
		}
	}
	for key, line := range map[string]string{
		"gpio.paper_low": c.GPIO.PaperLow, "gpio.door_open": c.GPIO.DoorOpen,
		"gpio.status_led": c.GPIO.StatusLED, "gpio.chime": c.GPIO.Chime,
	} {
		if line != "" && !gpioLineRE.MatchString(line) {
			bad(key, line, `a line name ("GPIO17") or chip:offset ("gpiochip0:17"), "!" in front for active-low`)
		}
	}
	if c.Screen.Orientation != "portrait" && c.Screen.Orientation != "landscape" {
		bad("screen.orientation", c.Screen.Orientation, `"portrait" or "landscape"`)
	}
	if c.Screen.Width < 320 || c.Screen.Height < 240 || c.Screen.Width > 7680 || c.Screen.Height > 7680 {
		bad("screen.width/height", fmt.Sprintf("%dx%d", c.Screen.Width, c.Screen.Height), "between 320x240 and 7680x7680")
	}
	if d := c.Privacy.PurgeAfterDays; d < 1 || d > MaxPurgeAfterDays {
		bad("privacy.purge_after_days", d, fmt.Sprintf("1 to %d (days)", MaxPurgeAfterDays))
	}
	p = append(p, c.checkVoice()...)
	slices.SortFunc(p, func(a, b ConfigProblem) int { return strings.Compare(a.Key, b.Key) })
	return p
}

// checkVoice wants each volume step at a valid time, later than the one
// before, with a volume from 0 to 1.
func (c *Config) checkVoice() []ConfigProblem {
	var p []ConfigProblem
	prev := -1
	for i, st := range c.Voice.Volume {
		key := fmt.Sprintf("voice.volume[%d]", i)
		t, err := time.Parse("15:04", st.From)
		if err != nil || len(st.From) != 5 {
			p = append(p, ConfigProblem{Key: key + ".from", Value: fmt.Sprintf("%q", st.From),
				Want: `a time of day "HH:MM"`})
			continue
		}
		if m := t.Hour()*60 + t.Minute(); m <= prev {
			p = append(p, ConfigProblem{Key: key + ".from", Value: fmt.Sprintf("%q", st.From),
				Want: "a time later than the step before"})
		} else {
			prev = m
		}
		if st.Volume < 0 || st.Volume > 1 {
			p = append(p, ConfigProblem{Key: key + ".volume", Value: fmt.Sprintf("%q", fmt.Sprint(st.Volume)),
				Want: "0 (silent) to 1 (full)"})
		}
	}
	return p
}

func (c *Config) checkCenter() []ConfigProblem {
	u, err := url.Parse(c.Center.URL)
	if c.Center.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return []ConfigProblem{{Key: "center.url", Value: fmt.Sprintf("%q", c.Center.URL), Want: "an http:// or https:// URL"}}
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return []ConfigProblem{{Key: "center.url", Value: fmt.Sprintf("%q", c.Center.URL), Want: "https:// (plain http is allowed only to this machine)"}}
	}
	if fp := c.Center.Fingerprint; fp != "" && !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(strings.ReplaceAll(strings.ToLower(fp), ":", "")) {
		return []ConfigProblem{{Key: "center.fingerprint", Value: fmt.Sprintf("%q", fp), Want: "a SHA-256 in hex (64 digits, colons allowed)"}}
	}
	return nil
}

// ValidGPIOLine reports whether spec is a line as the [gpio] table takes
// it: a kernel line name or gpiochipN:OFFSET, "!" in front when active-low.
// Provisioning checks each answer with it before going on.
func ValidGPIOLine(spec string) bool { return gpioLineRE.MatchString(spec) }

func isLoopbackHost(h string) bool {
	return h == "localhost" || strings.HasPrefix(h, "127.") || h == "::1"
}
