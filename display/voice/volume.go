package voice

import (
	"fmt"

	"time"
)

// VolumeStep sets the volume from a time of day ("HH:MM", local) until the
// next step.
type VolumeStep struct {
	From   string  `json:"from"`
	Volume float64 `json:"volume"` // 0 to 1
}

// Schedule is the volume by time of day. The last step of the day carries
// on past midnight until the first.
type Schedule []VolumeStep

// DefaultSchedule is quieter before opening, at lunch and after closing,
// when the hall is nearly empty and staff work near the speakers. A device
// file's [voice] volume steps replace it.
var DefaultSchedule = Schedule{
	{From: "00:00", Volume: 0.3},
	{From: "08:00", Volume: 0.8},
	{From: "09:00", Volume: 1.0},
	{From: "11:30", Volume: 0.7},
	{From: "13:00", Volume: 1.0},
	{From: "16:30", Volume: 0.6},
	{From: "18:00", Volume: 0.3},
}

// At returns the volume in force at t (its clock reading in t's zone).
func (s Schedule) At(t time.Time) float64 {
	if len(s) == 0 {
		return 1
	}
	minute := t.Hour()*60 + t.Minute()
	v := s[len(s)-1].Volume
	for _, st := range s {
		m, err := parseHM(st.From)
		if err != nil || m > minute {
			break
		}
		v = st.Volume
	}
	return v
}

// Check reports the first bad step: a time that is not HH:MM, steps out of
// order, or a volume outside 0..1.
func (s Schedule) Check() error {
	prev := -1
	for i, st := range s {
		m, err := parseHM(st.From)
		if err != nil {
			return fmt.Errorf("volume step %d: %w", i, err)
		}
		if m <= prev {
			return fmt.Errorf("volume step %d: %s is not after the step before", i, st.From)
		}
		if st.Volume < 0 || st.Volume > 1 {
			return fmt.Errorf("volume step %d: volume %v is outside 0..1", i, st.Volume)
		}
		prev = m
	}
	return nil
}

func parseHM(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}
