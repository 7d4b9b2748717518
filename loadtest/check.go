package loadtest

import (
	"fmt"
	"time"

	"hallkiosk/center/api"
)

// T4 is the spread of call-to-display latency: for every call a console
// made and every display that read it, the time from sending the
// call-next to the display reading the "called" event.
func (res *Result) T4() Summary {
	var ds []time.Duration
	for _, d := range res.Displays {
		for _, a := range d.Arrivals() {
			start, ok := res.CallStart[a.Event.TicketID]
			if ok && a.Event.Kind == api.CallKindCalled {
				ds = append(ds, a.At.Sub(start))
			}
		}
	}
	return Summarize("T4", ds)
}

// Check returns every correctness failure of the run: duplicate ticket
// numbers (G2), kiosk journals the center does not hold whole (G3),
// displays that missed, repeated or reordered events, or a call some
// display never read (G7), and stream read errors.
func (res *Result) Check() []error {
	errs := append(res.checkNumbers(), res.Journals...)
	for _, d := range res.Displays {
		if err := d.Err(); err != nil {
			errs = append(errs, err)
		}
		if err := d.CheckOrder(res.FirstID, res.LastID); err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, res.checkCalls(d)...)
	}
	return errs
}

// checkNumbers is G2: no number is issued twice for a queue on a day.
func (res *Result) checkNumbers() []error {
	var errs []error
	seen := map[string]string{}
	for _, t := range res.Issued {
		k := t.Day + " " + t.Number
		if prev, dup := seen[k]; dup {
			errs = append(errs, fmt.Errorf("number %s issued twice (tickets %s and %s)",
				k, prev, t.ID))
		}
		seen[k] = t.ID
	}
	return errs
}

// checkCalls: every call a console made reached display d as exactly one
// "called" event.
func (res *Result) checkCalls(d *Display) []error {
	called := map[string]int{}
	for _, a := range d.Arrivals() {
		if a.Event.Kind == api.CallKindCalled {
			called[a.Event.TicketID]++
		}
	}
	var errs []error
	for id := range res.CallStart {
		if n := called[id]; n != 1 {
			errs = append(errs, fmt.Errorf("display %s read the call of %s %d times",
				d.Name, id, n))
		}
	}
	return errs
}

// Calls is the number of successful call-nexts.
func (res *Result) Calls() int { return len(res.CallStart) }
