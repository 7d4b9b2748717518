package center

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the hall's zone must load on a minimal host (CGO off)

	"hallkiosk/center/api"
)

// Wait classes (R8: general 10 min, complex 30, special 60).
var waitClasses = []string{"general", "complex", "special"}

// walkInOnly names the departments that R1 keeps walk-in only, checked on
// load so a hall file cannot mark them bookable by mistake.
var walkInOnly = []string{"公安", "公积金", "婚"}

// hallFile is the on-disk shape: the wire Hall plus a free note.
type hallFile struct {
	api.Hall
	Note string `json:"note,omitempty"`
}

// Hall is a loaded, validated hall model with lookups the rules need.
type Hall struct {
	api.Hall
	loc     *time.Location
	periods []span                     // R6 bookable periods, minutes after midnight
	pickup  []span                     // R7 check-in windows, same order as periods
	depts   map[string]*api.Department // by queue prefix
	matters map[string]*api.Matter     // by code
	windows map[int][]string           // window → queues (S1)
	hols    map[string]bool
	makeup  map[string]bool
}

// span is [from, to) in minutes after midnight.
type span struct{ from, to int }

// ParseHall decodes a hall file strictly (unknown fields are errors) and
// validates it. Every problem is reported with the field that holds it.
func ParseHall(data []byte) (*Hall, error) {
	var f hallFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("hall file: %w", err)
	}
	return NewHall(f.Hall)
}

// NewHall validates h and builds its lookups. Windows are derived from the
// departments when h.Windows is empty.
func NewHall(h api.Hall) (*Hall, error) {
	v := &validator{}
	out := &Hall{Hall: h}
	out.validateTop(v)
	out.validateDepartments(v)
	out.validateMatters(v)
	out.buildWindows(v)
	out.validateCalendar(v)
	if err := errors.Join(v.errs...); err != nil {
		return nil, fmt.Errorf("hall file: %w", err)
	}
	return out, nil
}

type validator struct{ errs []error }

func (v *validator) add(field, format string, a ...any) {
	v.errs = append(v.errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, a...)))
}

func (h *Hall) validateTop(v *validator) {
	if strings.TrimSpace(h.Center) == "" {
		v.add("center", "must name the center")
	}
	loc, err := time.LoadLocation(h.Timezone)
	if h.Timezone == "" || err != nil {
		v.add("timezone", "%q is not a known time zone", h.Timezone)
		loc = time.UTC
	}
	h.loc = loc
	b := &h.Booking
	h.periods = parseSpans(v, "booking.periods", b.Periods)
	h.pickup = parseSpans(v, "booking.pickup", b.Pickup)
	if len(h.periods) == 0 {
		v.add("booking.periods", "at least one bookable period is needed (R6)")
	}
	if len(h.pickup) != len(h.periods) {
		v.add("booking.pickup", "need one pick-up window per period (R7), got %d for %d",
			len(h.pickup), len(h.periods))
	}
	if b.SlotMinutes <= 0 {
		v.add("booking.slot_minutes", "must be positive, got %d", b.SlotMinutes)
	}
	if b.MinDaysAhead < 1 {
		v.add("booking.min_days_ahead", "must be at least 1 (R6), got %d", b.MinDaysAhead)
	}
	if b.CancelMinDaysAhead < 1 {
		v.add("booking.cancel_min_days_ahead", "must be at least 1 (R5), got %d",
			b.CancelMinDaysAhead)
	}
	if b.NoShowLimit < 0 || b.RestrictionMonths < 0 || b.MissedGraceMinutes < 0 {
		v.add("booking", "no_show_limit, restriction_months and "+
			"missed_call_grace_minutes must not be negative")
	}
	if b.SlotCapacityPercent == 0 {
		b.SlotCapacityPercent = 50
	}
	if b.SlotCapacityPercent < 0 || b.SlotCapacityPercent > 100 {
		v.add("booking.slot_capacity_percent", "must be 1..100, got %d", b.SlotCapacityPercent)
	}
	for _, c := range waitClasses {
		if h.WaitTargets[c] <= 0 {
			v.add("wait_targets_minutes."+c, "must be a positive number of minutes (R8)")
		}
	}
}

func parseSpans(v *validator, field string, in [][2]string) []span {
	var out []span
	for i, p := range in {
		f, err1 := parseHM(p[0])
		t, err2 := parseHM(p[1])
		if err1 != nil || err2 != nil || f >= t {
			v.add(fmt.Sprintf("%s[%d]", field, i),
				"want [\"HH:MM\", \"HH:MM\"] in order, got %q", p)
			continue
		}
		out = append(out, span{f, t})
	}
	return out
}

// parseHM reads "HH:MM" as minutes after midnight.
func parseHM(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

func formatHM(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

func (h *Hall) validateDepartments(v *validator) {
	h.depts = map[string]*api.Department{}
	names := map[string]bool{}
	if len(h.Departments) == 0 {
		v.add("departments", "at least one department is needed")
	}
	for i := range h.Departments {
		d := &h.Departments[i]
		field := fmt.Sprintf("departments[%d]", i)
		if d.Name == "" || names[d.Name] {
			v.add(field+".name", "must be present and unique, got %q", d.Name)
		}
		names[d.Name] = true
		if len(d.QueuePrefix) != 1 || d.QueuePrefix[0] < 'A' || d.QueuePrefix[0] > 'Z' {
			v.add(field+".queue_prefix", "must be one letter A–Z, got %q", d.QueuePrefix)
		} else if h.depts[d.QueuePrefix] != nil {
			v.add(field+".queue_prefix", "%q is used by another department", d.QueuePrefix)
		}
		h.depts[d.QueuePrefix] = d
		if d.Capacity <= 0 {
			v.add(field+".capacity_per_half_day", "must be positive, got %d", d.Capacity)
		}
		if !slices.Contains(waitClasses, d.WaitClass) {
			v.add(field+".wait_class", "want general, complex or special, got %q", d.WaitClass)
		}
		if len(d.Windows) == 0 {
			v.add(field+".windows", "at least one window must serve the department (S1)")
		}
		if d.Bookable && isWalkInOnly(d.Name) {
			v.add(field+".bookable", "%s is walk-in only (R1)", d.Name)
		}
	}
}

func isWalkInOnly(name string) bool {
	for _, w := range walkInOnly {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

func (h *Hall) validateMatters(v *validator) {
	h.matters = map[string]*api.Matter{}
	byName := map[string]string{}
	for _, d := range h.Departments {
		byName[d.Name] = d.QueuePrefix
	}
	for i := range h.Matters {
		m := &h.Matters[i]
		field := fmt.Sprintf("matters[%d]", i)
		if m.Code == "" || h.matters[m.Code] != nil {
			v.add(field+".code", "must be present and unique, got %q", m.Code)
		}
		if _, ok := byName[m.Department]; !ok {
			v.add(field+".department", "%q is not a department of the hall", m.Department)
		}
		if m.WaitClass != "" && !slices.Contains(waitClasses, m.WaitClass) {
			v.add(field+".wait_class", "want general, complex or special, got %q", m.WaitClass)
		}
		h.matters[m.Code] = m
	}
}

func (h *Hall) buildWindows(v *validator) {
	h.windows = map[int][]string{}
	if len(h.Windows) == 0 {
		for _, d := range h.Departments {
			for _, w := range d.Windows {
				h.windows[w] = append(h.windows[w], d.QueuePrefix)
			}
		}
		for n, qs := range h.windows {
			h.Windows = append(h.Windows, api.Window{Number: n, Queues: qs})
		}
		slices.SortFunc(h.Windows, func(a, b api.Window) int { return a.Number - b.Number })
		return
	}
	for i, w := range h.Windows {
		for _, q := range w.Queues {
			if h.depts[q] == nil {
				v.add(fmt.Sprintf("windows[%d].queues", i), "unknown queue %q", q)
			}
		}
		h.windows[w.Number] = w.Queues
	}
}

func (h *Hall) validateCalendar(v *validator) {
	h.hols, h.makeup = map[string]bool{}, map[string]bool{}
	for i, d := range h.Calendar.Holidays {
		if _, err := time.Parse(api.DayLayout, d); err != nil {
			v.add(fmt.Sprintf("calendar.holidays[%d]", i), "want YYYY-MM-DD, got %q", d)
		}
		h.hols[d] = true
	}
	for i, d := range h.Calendar.Workdays {
		if _, err := time.Parse(api.DayLayout, d); err != nil {
			v.add(fmt.Sprintf("calendar.workdays[%d]", i), "want YYYY-MM-DD, got %q", d)
		}
		h.makeup[d] = true
	}
}

// Location is the hall's time zone.
func (h *Hall) Location() *time.Location { return h.loc }

// Day is the hall day of t.
func (h *Hall) Day(t time.Time) string { return t.In(h.loc).Format(api.DayLayout) }

// Minute is the minute after midnight of t in the hall's zone.
func (h *Hall) Minute(t time.Time) int {
	l := t.In(h.loc)
	return l.Hour()*60 + l.Minute()
}

// IsWorkday says whether day is a workday: Monday to Friday unless a
// holiday, or a weekend day listed as a make-up workday.
func (h *Hall) IsWorkday(day string) bool {
	t, err := time.ParseInLocation(api.DayLayout, day, h.loc)
	if err != nil {
		return false
	}
	if h.makeup[day] {
		return true
	}
	if h.hols[day] {
		return false
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// NextWorkday is the first workday after day.
func (h *Hall) NextWorkday(day string) string {
	t, err := time.ParseInLocation(api.DayLayout, day, h.loc)
	if err != nil {
		return ""
	}
	for i := 1; i <= 60; i++ {
		d := t.AddDate(0, 0, i).Format(api.DayLayout)
		if h.IsWorkday(d) {
			return d
		}
	}
	return ""
}

// Dept returns the department of a queue.
func (h *Hall) Dept(queue string) *api.Department { return h.depts[queue] }

// Matter returns a matter by code.
func (h *Hall) Matter(code string) *api.Matter { return h.matters[code] }

// MatterQueue is the queue (department prefix) a matter is served in.
func (h *Hall) MatterQueue(m *api.Matter) string {
	for _, d := range h.Departments {
		if d.Name == m.Department {
			return d.QueuePrefix
		}
	}
	return ""
}

// WindowQueues are the queues a window serves (S1).
func (h *Hall) WindowQueues(w int) []string { return h.windows[w] }

// WaitTarget is the R8 target in minutes for a matter (its class, else its
// department's).
func (h *Hall) WaitTarget(queue, matter string) int {
	class := ""
	if m := h.matters[matter]; m != nil {
		class = m.WaitClass
	}
	if class == "" && h.depts[queue] != nil {
		class = h.depts[queue].WaitClass
	}
	return h.WaitTargets[class]
}

// half returns which period (0 = morning, 1 = afternoon, …) minute m
// belongs to for counting capacity: the last period starting at or before
// the end of the previous one, so the lunch break counts to the afternoon.
func (h *Hall) half(m int) int {
	for i := len(h.periods) - 1; i > 0; i-- {
		if m >= h.periods[i-1].to {
			return i
		}
	}
	return 0
}

// slotsPerPeriod is how many booking slots period i holds.
func (h *Hall) slotsPerPeriod(i int) int {
	p := h.periods[i]
	return max(1, (p.to-p.from)/h.Booking.SlotMinutes)
}

// slotCapacity is how many bookings one slot of a queue's period i takes:
// the bookable share of the half-day's capacity spread over its slots.
func (h *Hall) slotCapacity(queue string, i int) int {
	d := h.depts[queue]
	share := d.Capacity * h.Booking.SlotCapacityPercent / 100
	return max(1, share/h.slotsPerPeriod(i))
}

// slotPeriod finds the period a slot start "HH:MM" belongs to and checks it
// is on the slot grid (R6). It returns the period index and the slot end.
func (h *Hall) slotPeriod(start string) (int, int, bool) {
	m, err := parseHM(start)
	if err != nil {
		return 0, 0, false
	}
	for i, p := range h.periods {
		step := h.Booking.SlotMinutes
		if m >= p.from && m+step <= p.to && (m-p.from)%step == 0 {
			return i, m + step, true
		}
	}
	return 0, 0, false
}
