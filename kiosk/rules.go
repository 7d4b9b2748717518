package kiosk

import (
	"slices"
	"strings"
	"time"

	"hallkiosk/center/api"
)

// Wait targets by class when the hall gives none (R8: general matters wait
// at most 10 minutes, complex 30, special 60).
var defaultTargets = map[string]int{"general": 10, "complex": 30, "special": 60}

// WaitTarget returns the R8 waiting target in minutes for a matter's class,
// falling back to its department's class.
func WaitTarget(h *api.Hall, m api.Matter) int {
	class := m.WaitClass
	if class == "" {
		if d, ok := Department(h, m.Department); ok {
			class = d.WaitClass
		}
	}
	if min, ok := h.WaitTargets[class]; ok {
		return min
	}
	if min, ok := defaultTargets[class]; ok {
		return min
	}
	return defaultTargets["general"]
}

// Department finds a department by name.
func Department(h *api.Hall, name string) (api.Department, bool) {
	for _, d := range h.Departments {
		if d.Name == name {
			return d, true
		}
	}
	return api.Department{}, false
}

// DepartmentOfQueue finds a department by its queue prefix.
func DepartmentOfQueue(h *api.Hall, queue string) (api.Department, bool) {
	for _, d := range h.Departments {
		if d.QueuePrefix == queue {
			return d, true
		}
	}
	return api.Department{}, false
}

// IsWorkday applies the hall calendar: Monday to Friday minus holidays,
// plus make-up workdays that fall on a weekend.
func IsWorkday(h *api.Hall, day time.Time) bool {
	d := day.Format(api.DayLayout)
	if slices.Contains(h.Calendar.Workdays, d) {
		return true
	}
	if slices.Contains(h.Calendar.Holidays, d) {
		return false
	}
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// BookableDays lists the next n workdays a booking may name (R6: workdays,
// at least one day ahead).
func BookableDays(h *api.Hall, now time.Time, n int) []string {
	ahead := max(h.Booking.MinDaysAhead, 1)
	day := midnight(now).AddDate(0, 0, ahead)
	var out []string
	for len(out) < n {
		if IsWorkday(h, day) {
			out = append(out, day.Format(api.DayLayout))
		}
		day = day.AddDate(0, 0, 1)
	}
	return out
}

// Pickup says where now falls against a booking's pick-up window.
type Pickup int

// Pick-up positions (R7: check in workdays 08:20–11:20 for morning slots
// and 13:00–16:30 for afternoon slots; R12: after the window the booking
// is void).
const (
	PickupOpen Pickup = iota
	PickupEarly
	PickupLate
)

// PickupWindow returns the R7 window, as "HH:MM" strings, that holds the
// booking's slot: the window of the same half-day.
func PickupWindow(h *api.Hall, b Booking) (from, to string) {
	windows := h.Booking.Pickup
	if len(windows) == 0 {
		windows = [][2]string{{"08:20", "11:20"}, {"13:00", "16:30"}}
	}
	for i, w := range windows {
		next := "24:00"
		if i+1 < len(windows) {
			next = windows[i+1][0]
		}
		if b.Start < next {
			return w[0], w[1]
		}
	}
	last := windows[len(windows)-1]
	return last[0], last[1]
}

// PickupAt classifies now for a booking of today; a booking of another day
// is early or late by its date.
func PickupAt(h *api.Hall, b Booking, now time.Time) (Pickup, string) {
	today := now.Format(api.DayLayout)
	from, to := PickupWindow(h, b)
	switch {
	case b.Day > today:
		return PickupEarly, b.Day + " " + from
	case b.Day < today:
		return PickupLate, ""
	}
	hm := now.Format("15:04")
	switch {
	case hm < from:
		return PickupEarly, from
	case hm > to || (hm == to && now.Second() > 0):
		return PickupLate, ""
	}
	return PickupOpen, ""
}

// MaskPhone keeps the first three and last four digits of a phone number.
func MaskPhone(p string) string {
	if len(p) < 8 {
		return strings.Repeat("*", len(p))
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

// ValidPhone accepts an 11-digit mainland mobile number.
func ValidPhone(p string) bool {
	if len(p) != 11 || p[0] != '1' {
		return false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// TicketTarget returns the R8 waiting target of a ticket's queue.
func TicketTarget(h *api.Hall, t Ticket) int {
	d, ok := DepartmentOfQueue(h, t.Queue)
	if !ok {
		return defaultTargets["general"]
	}
	return WaitTarget(h, api.Matter{Department: d.Name})
}
