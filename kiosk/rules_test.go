package kiosk_test

import (
	"testing"
	"time"

	"hallkiosk/kiosk"
	"hallkiosk/kiosk/kiosktest"
)

func TestBookableDays(t *testing.T) {
	h := kiosktest.Hall()
	h.Calendar.Holidays = []string{"2026-12-07"}
	h.Calendar.Workdays = []string{"2026-12-06"} // a make-up Sunday
	tests := []struct {
		now  string
		want []string
	}{
		// R6: workdays, at least one day ahead.
		{"2026-12-03", []string{"2026-12-04", "2026-12-06", "2026-12-08"}},
		{"2026-12-04", []string{"2026-12-06", "2026-12-08", "2026-12-09"}},
		{"2026-12-05", []string{"2026-12-06", "2026-12-08", "2026-12-09"}},
	}
	for _, tc := range tests {
		now, _ := time.ParseInLocation("2006-01-02 15:04", tc.now+" 16:00", shanghai)
		got := kiosk.BookableDays(h, now, 3)
		if len(got) != 3 || got[0] != tc.want[0] || got[1] != tc.want[1] || got[2] != tc.want[2] {
			t.Errorf("%s: %v, want %v", tc.now, got, tc.want)
		}
	}
}

func TestPickupAt(t *testing.T) {
	h := kiosktest.Hall()
	tests := []struct {
		day, start, now string
		want            kiosk.Pickup
	}{
		// R7: workdays 08:20–11:20 for the morning, 13:00–16:30 after noon.
		{"2026-12-03", "08:30", "08:19", kiosk.PickupEarly},
		{"2026-12-03", "08:30", "08:20", kiosk.PickupOpen},
		{"2026-12-03", "11:00", "11:20", kiosk.PickupOpen},
		{"2026-12-03", "11:00", "11:21", kiosk.PickupLate}, // R12
		{"2026-12-03", "13:00", "11:00", kiosk.PickupEarly},
		{"2026-12-03", "16:00", "16:30", kiosk.PickupOpen},
		{"2026-12-03", "16:00", "16:31", kiosk.PickupLate},
		{"2026-12-04", "09:00", "09:00", kiosk.PickupEarly},
		{"2026-12-02", "09:00", "09:00", kiosk.PickupLate},
	}
	for _, tc := range tests {
		now, _ := time.ParseInLocation("2006-01-02 15:04", "2026-12-03 "+tc.now, shanghai)
		b := kiosk.Booking{Day: tc.day, Start: tc.start}
		if got, _ := kiosk.PickupAt(h, b, now); got != tc.want {
			t.Errorf("%s %s at %s: %v, want %v", tc.day, tc.start, tc.now, got, tc.want)
		}
	}
}

func TestPhone(t *testing.T) {
	for p, want := range map[string]bool{"13912345678": true, "23912345678": false,
		"1391234567": false, "1391234567a": false} {
		if kiosk.ValidPhone(p) != want {
			t.Errorf("%s", p)
		}
	}
	if got := kiosk.MaskPhone("13912345678"); got != "139****5678" {
		t.Error(got)
	}
}

// Every message has both languages.
func TestMessagesComplete(t *testing.T) {
	for _, m := range kiosk.AllMessages() {
		if kiosk.T(kiosk.ZH, m) == "" || kiosk.T(kiosk.EN, m) == "" {
			t.Errorf("%s lacks a language", m)
		}
	}
}
