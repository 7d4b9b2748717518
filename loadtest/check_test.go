package loadtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hallkiosk/center/api"
)

// display returns a Display that read events with the given ids; odd ids
// are calls of ticket "t<id>".
func display(ids ...int64) *Display {
	d := &Display{Name: "d"}
	for _, id := range ids {
		ev := api.CallEvent{ID: id, Kind: api.CallKindFinished, TicketID: fmt.Sprint("t", id)}
		if id%2 == 1 {
			ev.Kind = api.CallKindCalled
		}
		d.arrivals = append(d.arrivals, Arrival{SSEID: fmt.Sprint(id), Event: ev})
	}
	return d
}

// TestCheckOrder: the G7 check catches a missed, repeated, reordered or
// missing-at-the-end event, and passes a clean stream.
func TestCheckOrder(t *testing.T) {
	for _, tc := range []struct {
		name string
		ids  []int64
		want string
	}{
		{"clean", []int64{3, 4, 5, 6}, ""},
		{"gap", []int64{3, 5, 6}, "read event 5 where 4 was due"},
		{"repeat", []int64{3, 4, 4, 5, 6}, "read event 4 where 5 was due"},
		{"reorder", []int64{3, 5, 4, 6}, "read event 5 where 4 was due"},
		{"short", []int64{3, 4, 5}, "read 3 events, the center emitted 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := display(tc.ids...).CheckOrder(3, 6)
			if got := fmt.Sprint(err); (tc.want == "") != (err == nil) ||
				!strings.Contains(got, tc.want) {
				t.Errorf("CheckOrder = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestCheck: duplicate numbers (G2) and a call a display never read are
// reported; a clean run reports nothing.
func TestCheck(t *testing.T) {
	clean := func() *Result {
		return &Result{FirstID: 1, LastID: 4,
			Displays:  []*Display{display(1, 2, 3, 4), display(1, 2, 3, 4)},
			Issued:    []api.Ticket{{ID: "a", Day: "2026-12-04", Number: "A001"}},
			CallStart: map[string]time.Time{"t1": {}, "t3": {}}}
	}
	if errs := clean().Check(); len(errs) != 0 {
		t.Errorf("clean run: %v", errs)
	}

	dup := clean()
	dup.Issued = append(dup.Issued, api.Ticket{ID: "b", Day: "2026-12-04", Number: "A001"})
	if errs := dup.Check(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "twice") {
		t.Errorf("duplicate number: %v", errs)
	}

	unseen := clean()
	unseen.CallStart["t9"] = time.Time{}
	if errs := unseen.Check(); len(errs) != 2 {
		t.Errorf("call never read: want one error per display, got %v", errs)
	}
}

// TestPercentile: nearest rank, so p99 of 100 samples is the 99th.
func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i))
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50}, {0.99, 99}, {1, 100}, {0, 1}} {
		if got := Percentile(ds, tc.q); got != tc.want {
			t.Errorf("Percentile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if Percentile(nil, 0.5) != 0 {
		t.Error("empty: want 0")
	}
}

// TestRunRefusesBadTarget: a target Run cannot drive is refused before any
// request is sent.
func TestRunRefusesBadTarget(t *testing.T) {
	for _, tc := range []struct {
		name string
		tgt  Target
		want string
	}{
		{"no display", Target{}, "at least one display"},
		{"windows", Target{Displays: []string{"d"}, Consoles: []string{"c"}}, "0 windows for 1"},
		{"matters", Target{Displays: []string{"d"}, Kiosks: []string{"k"}}, "need at least one matter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(t.Context(), tc.tgt, Config{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Run = %v, want %q", err, tc.want)
			}
		})
	}
}
