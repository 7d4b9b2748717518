package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/idcard"
	"hallkiosk/internal/buildinfo"
	"hallkiosk/platform"
	"hallkiosk/printer"
)

// CheckStatus is a self-test line's outcome.
type CheckStatus string

// Outcomes. Skipped means the part is not fitted or not configured.
const (
	Pass    CheckStatus = "PASS"
	Failed  CheckStatus = "FAIL"
	Skipped CheckStatus = "skip"
)

// CheckResult is one line of the self-test table.
type CheckResult struct {
	Part   string
	Status CheckStatus
	Detail string
}

// SelfTest runs every part's test on a provisioned device.
type SelfTest struct {
	Config *platform.Config
	// Resolve finds GPIO lines; default platform.HostResolver.
	Resolve platform.Resolver
	// CardWait is how long the reader test waits for a card; a technician
	// who placed one gets it read, otherwise the SAM answering is enough.
	// Default 5 s.
	CardWait time.Duration
	// Screen shows the test pattern and checks the drawn frame; nil skips
	// the display test (the firmware passes the fyne one).
	Screen func(ctx context.Context) error
	// Blink is how long the status LED stays on and off; default 300 ms.
	Blink time.Duration
}

// Run tests each part in turn; one failing does not stop the others.
func (s *SelfTest) Run(ctx context.Context) []CheckResult {
	if s.Resolve == nil {
		s.Resolve = platform.HostResolver
	}
	if s.CardWait == 0 {
		s.CardWait = 5 * time.Second
	}
	if s.Blink == 0 {
		s.Blink = 300 * time.Millisecond
	}
	return []CheckResult{
		s.printer(ctx), s.reader(ctx), s.gpio(), s.center(ctx), s.screen(ctx),
	}
}

// PrintTable writes the summary table and reports whether nothing failed.
func PrintTable(w io.Writer, rs []CheckResult) bool {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PART\tRESULT\tDETAIL")
	ok := true
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Part, r.Status, r.Detail)
		if r.Status == Failed {
			ok = false
		}
	}
	tw.Flush()
	return ok
}

// FailedParts names the parts that failed, in order, for the exit message.
func FailedParts(rs []CheckResult) []string {
	var parts []string
	for _, r := range rs {
		if r.Status == Failed {
			parts = append(parts, r.Part)
		}
	}
	return parts
}

func result(part string, err error, detail string) CheckResult {
	if err != nil {
		return CheckResult{part, Failed, err.Error()}
	}
	return CheckResult{part, Pass, detail}
}

func (s *SelfTest) printer(ctx context.Context) CheckResult {
	c := s.Config
	if c.Role != platform.RoleKiosk || c.Printer.Port == "" {
		return CheckResult{"printer", Skipped, "no printer on a " + c.Role}
	}
	paper, err := printer.ParsePaper(c.Printer.Paper)
	if err != nil {
		return result("printer", err, "")
	}
	opts := printer.Options{Format: printer.Format{Paper: paper}}
	if c.GPIO.PaperLow != "" {
		if ls, err := platform.OpenLines(platform.GPIOConfig{PaperLow: c.GPIO.PaperLow}, s.Resolve); err == nil {
			opts.PaperLow = printer.SensorFunc(ls.PaperLow.Active)
		}
	}
	sp, err := platform.OpenSerial(platform.SerialConfig{Path: c.Printer.Port, Baud: c.Printer.Baud})
	if err != nil {
		return result("printer", err, "")
	}
	d := printer.New(sp, opts)
	defer d.Close()
	rep, err := printer.SelfTest(ctx, d, printer.TestPage{Device: c.Device.Name,
		Software: buildinfo.String("hallkiosk")}, time.Now)
	detail := fmt.Sprintf("test page printed (%d bytes), status %s", rep.Bytes, rep.Status)
	if rep.Warning != "" {
		detail += "; " + rep.Warning
	}
	return result("printer", err, detail)
}

func (s *SelfTest) reader(ctx context.Context) CheckResult {
	c := s.Config
	if c.Role != platform.RoleKiosk || c.Reader.Port == "" {
		return CheckResult{"reader", Skipped, "no ID-card reader configured; check-in by keypad"}
	}
	sp, err := platform.OpenSerial(platform.SerialConfig{Path: c.Reader.Port, Baud: c.Reader.Baud})
	if err != nil {
		return result("reader", err, "")
	}
	defer sp.Close()
	r := idcard.New(sp, idcard.Options{Baud: c.Reader.Baud, Fingerprint: c.Reader.Fingerprint})
	sam, err := r.SAMID()
	if err != nil {
		return result("reader", fmt.Errorf("SAM did not answer: %w", err), "")
	}
	wctx, cancel := context.WithTimeout(ctx, s.CardWait)
	defer cancel()
	card, _, err := idcard.WaitCard(wctx, r)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return CheckResult{"reader", Pass, "SAM " + sam + "; no card placed, none read"}
	case err != nil:
		return result("reader", err, "")
	}
	detail := fmt.Sprintf("SAM %s; card read: type %s, id %s", sam, card.Type(), card.MaskedID())
	if card.Expired() {
		detail += ", expired"
	}
	return CheckResult{"reader", Pass, detail}
}

// gpio blinks the LED and reads the inputs; a technician watches the LED.
func (s *SelfTest) gpio() CheckResult {
	g := s.Config.GPIO
	if g == (platform.GPIOConfig{}) {
		return CheckResult{"gpio", Skipped, "no lines configured"}
	}
	ls, err := platform.OpenLines(g, s.Resolve)
	if err != nil {
		return result("gpio", err, "")
	}
	var parts []string
	for _, in := range []*platform.Line{ls.PaperLow, ls.DoorOpen} {
		if in == nil {
			continue
		}
		on, err := in.Active()
		if err != nil {
			return result("gpio", err, "")
		}
		parts = append(parts, fmt.Sprintf("%s=%v", in.Role, on))
	}
	for _, out := range []*platform.Line{ls.StatusLED, ls.Chime} {
		if out == nil {
			continue
		}
		for i := 0; i < 3; i++ {
			if err := out.Pulse(s.Blink); err != nil {
				return result("gpio", err, "")
			}
			time.Sleep(s.Blink)
		}
		parts = append(parts, out.Role+" pulsed 3 times")
	}
	return CheckResult{"gpio", Pass, strings.Join(parts, ", ")}
}

// center makes an authenticated round trip that proves address,
// certificate pin and enrolment at once. It reads (the notices past the
// end), never writes: a heartbeat from the self-test would replace the
// health the device last reported, clearing the center's paper and backlog
// alerts while the device is under maintenance.
func (s *SelfTest) center(ctx context.Context) CheckResult {
	c := s.Config
	token, err := platform.LoadSecret(c.DataDir, platform.TokenFile)
	if err != nil {
		return result("center", err, "")
	}
	client, err := platform.CenterClient(c.Center, 5*time.Second)
	if err != nil {
		return result("center", err, "")
	}
	url := fmt.Sprintf("%s%s/notices?cursor=%d", strings.TrimRight(c.Center.URL, "/"),
		api.Prefix, int64(math.MaxInt64))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return result("center", err, "")
	}
	req.Header.Set(api.HeaderAuth, "Bearer "+token)
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return result("center", fmt.Errorf("%s unreachable: %w", c.Center.URL, err), "")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e api.Error
		json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&e)
		return result("center", fmt.Errorf("%s: %s (%s)", c.Center.URL, resp.Status, e.Message), "")
	}
	return CheckResult{"center", Pass, fmt.Sprintf("%s accepted this device's token in %v",
		c.Center.URL, time.Since(start).Round(time.Millisecond))}
}

func (s *SelfTest) screen(ctx context.Context) CheckResult {
	if s.Screen == nil {
		return CheckResult{"display", Skipped, "not tested"}
	}
	return result("display", s.Screen(ctx), "test pattern drawn and every colour bar read back")
}
