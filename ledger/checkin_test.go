package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/platform/clock"
)

// hashOf stands in for the kiosk's keyed hash of an ID card it read.
var hashOf = api.KeyedIDHash([]byte("hall-secret"), "11010519491231002X")

// seedBookings caches three bookings for 2026-12-03 and one for the next day.
func seedBookings(t *testing.T, l *Ledger) {
	t.Helper()
	bs := []api.BookingView{
		{Code: "100001", Queue: "A", Matter: "M1", Day: "2026-12-03", Start: "09:00",
			End: "09:30", Status: api.BookingBooked, IDHash: hashOf, NameMasked: "张*"},
		{Code: "100002", Queue: "B", Matter: "M2", Day: "2026-12-03", Start: "14:00",
			End: "14:30", Status: api.BookingBooked, IDHash: "other", NameMasked: "李*"},
		{Code: "100003", Queue: "A", Matter: "M1", Day: "2026-12-04", Start: "09:00",
			End: "09:30", Status: api.BookingBooked, IDHash: hashOf, NameMasked: "张*"},
		{Code: "100004", Queue: "A", Matter: "M1", Day: "2026-12-03", Start: "10:00",
			End: "10:30", Status: api.BookingCancelled, IDHash: "x", NameMasked: "王*"},
	}
	if err := l.SaveBookings(context.Background(), bs); err != nil {
		t.Fatal(err)
	}
}

// TestCheckInRules: R7 (check-in only in the pick-up windows, workdays
// 08:20–11:20 and 13:00–16:30) and R12 (not checked in by the end of the
// window: void, a no-show) applied offline against the cache.
func TestCheckInRules(t *testing.T) {
	tests := []struct {
		name  string
		at    time.Time
		code  string
		hash  string
		want  error
		label string
	}{
		{"morning booking in window", at(9, 0), "100001", "", nil, "A001"},
		{"by ID hash", at(11, 19), "", hashOf, nil, "A001"},
		{"before window", at(8, 19), "100001", "", ErrOutsidePickup, ""},
		{"morning window over: R12", at(11, 21), "100001", "", ErrBookingVoid, ""},
		{"afternoon booking in the morning", at(10, 0), "100002", "", ErrOutsidePickup, ""},
		{"afternoon booking in window", at(16, 30), "100002", "", nil, "B001"},
		{"afternoon window over: R12", at(16, 31), "100002", "", ErrBookingVoid, ""},
		{"tomorrow's booking", at(9, 0), "100003", "", ErrNoBooking, ""},
		{"cancelled booking", at(10, 0), "100004", "", ErrNoBooking, ""},
		{"unknown code", at(9, 0), "999999", "", ErrNoBooking, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, clk := newLedger(t)
			clk.Set(tc.at)
			seedBookings(t, l)
			lease(t, l, "LA", "A", 1, 5)
			lease(t, l, "LB", "B", 1, 5)
			tk, err := l.CheckIn(context.Background(), CheckInRequest{Key: NewKey(),
				Code: tc.code, IDHash: tc.hash})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.want == nil && (tk.Label != tc.label || tk.Kind != api.KindBooked) {
				t.Fatalf("ticket %+v, want %s booked", tk, tc.label)
			}
			mustVerify(t, l)
		})
	}
}

// TestCheckInVoidIsJournalled: R12 voiding is recorded once and sticks.
func TestCheckInVoidIsJournalled(t *testing.T) {
	l, clk := newLedger(t)
	clk.Set(at(12, 0))
	seedBookings(t, l)
	ctx := context.Background()
	for range 2 {
		_, err := l.CheckIn(ctx, CheckInRequest{Key: NewKey(), Code: "100001"})
		if !errors.Is(err, ErrBookingVoid) {
			t.Fatalf("err = %v", err)
		}
	}
	es, _ := l.Events(ctx, 0, 100)
	n := 0
	for _, e := range es {
		if e.Kind == KindBookingVoid {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d void events, want 1", n)
	}
	// A later pull that still says "booked" does not reopen it.
	seedBookings(t, l)
	bs, _ := l.FindBookings(ctx, "100001", "")
	if bs[0].Status != api.BookingNoShow {
		t.Fatalf("status %s", bs[0].Status)
	}
}

// TestCheckInTwice: G5, a second check-in of the same booking (new tap,
// new key) returns the first ticket.
func TestCheckInTwice(t *testing.T) {
	l, _ := newLedger(t)
	seedBookings(t, l)
	lease(t, l, "LA", "A", 1, 5)
	ctx := context.Background()
	a, err := l.CheckIn(ctx, CheckInRequest{Key: NewKey(), Code: "100001"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.CheckIn(ctx, CheckInRequest{Key: NewKey(), IDHash: hashOf})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != b.ID {
		t.Fatalf("second check-in made ticket %s, first %s", b.Label, a.Label)
	}
	if n, _ := l.Reserve(ctx, "A", l.Today()); n != 4 {
		t.Fatalf("reserve %d", n)
	}
}

// TestPurgePersonal: G6, masked names and ID hashes go after the
// configured number of days; codes and statuses stay.
func TestPurgePersonal(t *testing.T) {
	l, clk := newLedger(t)
	seedBookings(t, l)
	ctx := context.Background()
	clk.Set(thursday0900.AddDate(0, 0, 7))
	if n, err := l.PurgePersonal(ctx); err != nil || n != 0 {
		t.Fatalf("purged %d, %v; want nothing inside 7 days", n, err)
	}
	clk.Set(thursday0900.AddDate(0, 0, 8))
	if n, err := l.PurgePersonal(ctx); err != nil || n != 3 {
		t.Fatalf("purged %d, %v; want the three bookings of 12-03", n, err)
	}
	var left int
	l.r.QueryRowContext(ctx, `SELECT count(*) FROM bookings WHERE id_hash != ''
		OR masked_name != ''`).Scan(&left)
	if left != 1 {
		t.Fatalf("%d bookings keep personal data, want 1 (12-04)", left)
	}
}

func at(h, m int) time.Time {
	return time.Date(2026, 12, 3, h, m, 0, 0, HallLocation())
}

// TestCheckInCalendar: R7 applies on workdays only: a Saturday is closed
// unless the hall calendar makes it a make-up workday (调休).
func TestCheckInCalendar(t *testing.T) {
	saturday := time.Date(2026, 12, 5, 9, 0, 0, 0, HallLocation())
	for _, makeUp := range []bool{false, true} {
		l, clk := newLedger(t)
		clk.Set(saturday)
		ctx := context.Background()
		h := &api.Hall{Version: 1}
		if makeUp {
			h.Calendar.Workdays = []string{"2026-12-05"}
		}
		if err := l.SaveHall(ctx, h); err != nil {
			t.Fatal(err)
		}
		err := l.SaveBookings(ctx, []api.BookingView{{Code: "200001", Queue: "A",
			Day: "2026-12-05", Start: "09:00", End: "09:30", Status: api.BookingBooked}})
		if err != nil {
			t.Fatal(err)
		}
		lease(t, l, "LA", "A", 1, 5)
		_, err = l.CheckIn(ctx, CheckInRequest{Key: NewKey(), Code: "200001"})
		if makeUp && err != nil || !makeUp && !errors.Is(err, ErrOutsidePickup) {
			t.Fatalf("make-up day %v: %v", makeUp, err)
		}
	}
}

// TestClockOffsetDecidesDay: a device clock a day and some hours behind
// still files tickets under the center's day once the offset is known,
// and the journal records both readings.
func TestClockOffsetDecidesDay(t *testing.T) {
	l, clk := newLedger(t)
	ctx := context.Background()
	clk.Set(time.Date(2026, 12, 2, 23, 58, 0, 0, HallLocation()))
	if l.Today() != "2026-12-02" {
		t.Fatalf("before: %s", l.Today())
	}
	if err := l.ObserveClock(ctx, clk.Now(), thursday0900); err != nil {
		t.Fatal(err)
	}
	if l.Today() != "2026-12-03" {
		t.Fatalf("after: %s", l.Today())
	}
	// A wobble under a second is not journalled.
	if err := l.ObserveClock(ctx, clk.Now(), thursday0900.Add(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	es, _ := l.Events(ctx, 0, 10)
	if len(es) != 1 || es[0].Kind != KindClockObserved || es[0].Day != "2026-12-03" {
		t.Fatalf("events %+v", es)
	}
	var p ClockPayload
	if err := json.Unmarshal(es[0].Payload, &p); err != nil || !p.CenterTime.Equal(thursday0900) ||
		p.DeviceTime.Day() != 2 {
		t.Fatalf("payload %s", es[0].Payload)
	}
	// The offset survives a restart.
	path := l.Path()
	l.Close()
	l2, err := Open(path, Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if l2.Today() != "2026-12-03" || l2.Device() != "kiosk-1" {
		t.Fatalf("after restart: %s %s", l2.Today(), l2.Device())
	}
}

// TestCitizenText: every error a citizen can cause has text in both
// languages; internal failures do not.
func TestCitizenText(t *testing.T) {
	for _, err := range []error{ErrOutsidePickup, ErrBookingVoid, ErrNoBooking,
		ErrSeveralBookings, ErrNoNumbers} {
		txt, ok := Citizen(fmt.Errorf("wrapped: %w", err))
		if !ok || txt.ZH == "" || txt.EN == "" {
			t.Errorf("%v: %+v %v", err, txt, ok)
		}
	}
	ref := &Refusal{Err: &api.Error{Code: api.ErrCodeQuota, Citizen: &api.Text{ZH: "额满", EN: "full"}}}
	if txt, ok := Citizen(ref); !ok || txt.ZH != "额满" {
		t.Errorf("refusal: %+v", txt)
	}
	if _, ok := Citizen(ErrCorrupt); ok {
		t.Error("internal error shown to the citizen")
	}
}

// TestCheckInConcurrent: G5, check-ins of one booking at once (a card read
// twice while the first check-in runs, or a second process on the same
// file) yield one ticket, which every caller gets.
func TestCheckInConcurrent(t *testing.T) {
	a, clk := newLedger(t)
	seedBookings(t, a)
	lease(t, a, "LA", "A", 1, 50)
	b, err := Open(a.Path(), Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	ids := make(chan string, 8)
	for _, l := range []*Ledger{a, a, a, a, b, b, b, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk, err := l.CheckIn(ctx, CheckInRequest{Key: NewKey(), Code: "100001"})
			if err != nil {
				t.Error(err)
			}
			ids <- tk.ID
		}()
	}
	wg.Wait()
	close(ids)
	ts, _ := a.Tickets(ctx, a.Today())
	if len(ts) != 1 {
		t.Fatalf("%d tickets for one booking", len(ts))
	}
	for id := range ids {
		if id != ts[0].ID {
			t.Fatalf("a caller got ticket %q, the booking's is %s", id, ts[0].ID)
		}
	}
	if n, _ := a.Reserve(ctx, "A", a.Today()); n != 49 {
		t.Fatalf("reserve %d, want 49: a rolled-back check-in kept its number", n)
	}
	mustVerify(t, a)
}

// TestSaveBookingsPrivate: G6 on the way in: a name that arrives unmasked
// is masked, and an ID number sent in place of its keyed hash is not kept.
func TestSaveBookingsPrivate(t *testing.T) {
	l, _ := newLedger(t)
	ctx := context.Background()
	id := idNumber("31011719800101123")
	err := l.SaveBookings(ctx, []api.BookingView{
		{Code: "300001", Queue: "A", Day: "2026-12-03", Start: "09:00", End: "09:30",
			Status: api.BookingBooked, IDHash: id, NameMasked: "张三丰"},
		{Code: "300002", Queue: "A", Day: "2026-12-03", Start: "09:00", End: "09:30",
			Status: api.BookingBooked, IDHash: id[:15], NameMasked: "李*"},
		{Code: "300003", Queue: "A", Day: "2026-12-03", Start: "09:00", End: "09:30",
			Status: api.BookingBooked, IDHash: hashOf, NameMasked: "王"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{"300001": {"", "张**"}, "300002": {"", "李*"},
		"300003": {hashOf, "*"}}
	for code, w := range want {
		bs, err := l.FindBookings(ctx, code, "")
		if err != nil || len(bs) != 1 {
			t.Fatalf("%s: %v, %v", code, bs, err)
		}
		if bs[0].IDHash != w[0] || bs[0].NameMasked != w[1] {
			t.Errorf("%s cached as hash %q name %q, want %q %q", code, bs[0].IDHash,
				bs[0].NameMasked, w[0], w[1])
		}
	}
	if looksLikeIDNumber(hashOf) || !looksLikeIDNumber("11010519491231002x") {
		t.Error("looksLikeIDNumber")
	}
}

// downCenter is a center that cannot be reached: every round fails at its
// first request, the heartbeat.
type downCenter struct{ Center }

func (downCenter) Heartbeat(context.Context, api.Heartbeat) (api.HeartbeatAck, error) {
	return api.HeartbeatAck{}, fmt.Errorf("%w: connect: network is unreachable", ErrUnreachable)
}

// TestSyncPurgesOffline: G6, a kiosk cut off from the center still forgets
// personal data after the configured number of days: the sync round purges
// before it tries the link.
func TestSyncPurgesOffline(t *testing.T) {
	clk := clock.NewFake(thursday0900)
	l, err := Open(filepath.Join(t.TempDir(), "ledger.db"), Options{Clock: clk,
		PurgeAfterDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	seedBookings(t, l)
	s := NewSyncer(l, downCenter{}, SyncOptions{Clock: clk})
	ctx := context.Background()
	personal := func() int {
		var n int
		l.r.QueryRowContext(ctx, `SELECT count(*) FROM bookings WHERE id_hash != ''
			OR masked_name != ''`).Scan(&n)
		return n
	}
	for _, tc := range []struct {
		days, left int
	}{{2, 4}, {3, 1}, {4, 0}} {
		clk.Set(thursday0900.AddDate(0, 0, tc.days))
		if err := s.SyncOnce(ctx); !errors.Is(err, ErrUnreachable) {
			t.Fatalf("round: %v", err)
		}
		if n := personal(); n != tc.left {
			t.Fatalf("%d days on: %d bookings keep personal data, want %d", tc.days, n,
				tc.left)
		}
	}
	if s.State().Online {
		t.Fatal("online")
	}
}
