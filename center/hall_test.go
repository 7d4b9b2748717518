package center

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hallkiosk/center/demo"
)

// TestParseHallErrors: each broken hall under testdata/hall is refused with
// an error naming the field (testdata/hall/<case>.want).
func TestParseHallErrors(t *testing.T) {
	files, _ := filepath.Glob("testdata/hall/*.json")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			data, _ := os.ReadFile(f)
			want, _ := os.ReadFile(strings.TrimSuffix(f, ".json") + ".want")
			_, err := ParseHall(data)
			if err == nil || !strings.Contains(err.Error(), strings.TrimSpace(string(want))) {
				t.Fatalf("error %v, want it to name %q", err, strings.TrimSpace(string(want)))
			}
		})
	}
}

// TestParseHallSamples: the demo hall and the project's sample hall load.
func TestParseHallSamples(t *testing.T) {
	if _, err := ParseHall(demo.Hall); err != nil {
		t.Fatalf("demo hall: %v", err)
	}
	sample, err := os.ReadFile("../../../shared/data/hall.sample.json")
	if err != nil {
		t.Skipf("shared sample not here: %v", err)
	}
	h, err := ParseHall(sample)
	if err != nil {
		t.Fatalf("sample hall: %v", err)
	}
	if got := h.WindowQueues(22); len(got) != 1 || got[0] != "P" {
		t.Fatalf("window 22 serves %v, want [P]", got)
	}
}

func TestCalendar(t *testing.T) {
	h, err := ParseHall(demo.Hall)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		day     string
		workday bool
		next    string
	}{
		{"2026-12-03", true, "2026-12-04"},  // Thursday
		{"2026-12-04", true, "2026-12-07"},  // Friday → Monday
		{"2026-12-05", false, "2026-12-07"}, // Saturday
		{"2026-12-06", false, "2026-12-07"}, // Sunday
		{"2026-12-31", true, "2027-01-04"},  // New Year's Day is a holiday
		{"2027-02-05", true, "2027-02-06"},  // make-up Saturday follows
		{"2027-02-06", true, "2027-02-15"},  // Spring Festival week off
		{"2027-02-20", true, "2027-02-22"},  // make-up Saturday
		{"garbage", false, ""},
	} {
		if got := h.IsWorkday(tc.day); got != tc.workday {
			t.Errorf("IsWorkday(%s) = %v", tc.day, got)
		}
		if got := h.NextWorkday(tc.day); got != tc.next {
			t.Errorf("NextWorkday(%s) = %s, want %s", tc.day, got, tc.next)
		}
	}
}

func TestSlots(t *testing.T) {
	h, _ := ParseHall(demo.Hall)
	for _, tc := range []struct {
		start  string
		ok     bool
		period int
		end    string
	}{
		{"08:30", true, 0, "09:00"}, {"11:00", true, 0, "11:30"}, {"11:30", false, 0, ""},
		{"13:00", true, 1, "13:30"}, {"16:00", true, 1, "16:30"}, {"08:00", false, 0, ""},
		{"9:00", false, 0, ""}, {"09:15", false, 0, ""},
	} {
		p, end, ok := h.slotPeriod(tc.start)
		if ok != tc.ok || ok && (p != tc.period || formatHM(end) != tc.end) {
			t.Errorf("slot %s: %d %s %v", tc.start, p, formatHM(end), ok)
		}
	}
	// Queue A: 60 a half-day, 50% bookable, 6 slots → 5 a slot.
	if got := h.slotCapacity("A", 0); got != 5 {
		t.Errorf("slot capacity A = %d, want 5", got)
	}
	if h.half(h.periods[0].to) != 1 || h.half(h.periods[0].from) != 0 {
		t.Error("lunch break must count to the afternoon")
	}
}

func TestValidIDNumber(t *testing.T) {
	for id, want := range map[string]bool{
		"11010519491231002X": true, "11010519491231002x": true,
		"110105194912310021": false, "1101051949123100": false, "A1010519491231002X": false,
	} {
		if ValidIDNumber(id) != want {
			t.Errorf("ValidIDNumber(%s) != %v", id, want)
		}
	}
}
