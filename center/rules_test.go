package center_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// Each rule of DESIGN §2 has a test named after it, driven by the fake
// clock. centertest.Morning is Thursday 2026-12-03 09:00 (Asia/Shanghai).

var ctx = context.Background()

// at returns a time on 2026-12-dd at hh:mm in the hall's zone.
func at(dd, hh, mm int) time.Time {
	return time.Date(2026, 12, dd, hh, mm, 0, 0, centertest.Morning.Location())
}

// idNumber makes a valid 18-character ID number (MOD 11-2) from a seed.
func idNumber(seed int) string {
	body := fmt.Sprintf("31011719800101%03d", seed%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

var seq int

func nextID() string { seq++; return fmt.Sprintf("req-%08d", seq) }

func bookReq(matter, day, start string, person int) api.BookingRequest {
	return api.BookingRequest{ID: nextID(), Matter: matter, Day: day, Start: start,
		IDNumber: idNumber(person), Name: "张三", Phone: "13800001234"}
}

// code returns the refusal code of err ("" for nil, "?" for others).
func code(err error) string {
	if err == nil {
		return ""
	}
	if r, ok := center.AsRefusal(err); ok {
		if r.Err.Citizen == nil && strings.HasPrefix(r.Err.Code, "r") {
			return r.Err.Code + " (no citizen text)"
		}
		return r.Err.Code
	}
	return "? " + err.Error()
}

func walkIn(env *centertest.Env, q string) (api.Ticket, error) {
	return env.Engine.IssueTicket(ctx, center.Device{ID: "k1"},
		api.TicketRequest{ID: nextID(), Matter: env.Matter(q)})
}

func checkIn(env *centertest.Env, bookingCode string) (api.Ticket, error) {
	return env.Engine.IssueTicket(ctx, center.Device{ID: "k1"},
		api.TicketRequest{ID: nextID(), BookingCode: bookingCode})
}

func TestR1_WalkInOnlyDepartments(t *testing.T) {
	env := centertest.Start(t)
	for _, tc := range []struct {
		queue, want string
	}{
		{"A", ""}, {"E", ""},
		{"P", api.ErrCodeNotBookable}, // public security
		{"Q", api.ErrCodeNotBookable}, // housing provident fund
		{"R", api.ErrCodeNotBookable}, // marriage registry
	} {
		_, err := env.Engine.CreateBooking(ctx, center.ChannelSite,
			bookReq(env.Matter(tc.queue), "2026-12-04", "09:00", 1))
		if got := code(err); got != tc.want {
			t.Errorf("book queue %s: got %q, want %q", tc.queue, got, tc.want)
		}
	}
	// A hall file cannot mark them bookable either.
	_, err := centertestHall(t, func(h *api.Hall) { h.Departments[7].Bookable = true })
	if err == nil || !strings.Contains(err.Error(), "departments[7].bookable") {
		t.Fatalf("hall with bookable public security: %v", err)
	}
}

func centertestHall(t *testing.T, edit func(*api.Hall)) (*center.Hall, error) {
	env := centertest.Start(t)
	wire := env.Engine.CurrentHall().Hall
	wire.Departments = append([]api.Department(nil), wire.Departments...)
	edit(&wire)
	return center.NewHall(wire)
}

func TestR2_R6_BookablePeriods(t *testing.T) {
	env := centertest.Start(t)
	a := env.Matter("A")
	for _, tc := range []struct {
		name, matter, day, start, want string
	}{
		{"tomorrow morning", a, "2026-12-04", "08:30", ""},
		{"tomorrow afternoon", a, "2026-12-04", "16:00", ""},
		{"sunday", a, "2026-12-06", "09:00", api.ErrCodeBadPeriod},
		{"saturday", a, "2026-12-05", "09:00", api.ErrCodeBadPeriod},
		{"holiday", a, "2027-01-01", "09:00", api.ErrCodeBadPeriod},
		{"make-up workday saturday", a, "2027-02-20", "09:00", ""},
		{"lunch break", a, "2026-12-04", "12:00", api.ErrCodeBadPeriod},
		{"last slot ends after period", a, "2026-12-04", "11:30", api.ErrCodeBadPeriod},
		{"off the slot grid", a, "2026-12-04", "08:45", api.ErrCodeBadPeriod},
		{"today (R6 one day ahead)", a, "2026-12-03", "14:00", api.ErrCodeTooSoon},
		{"unknown matter (R2)", "nope", "2026-12-04", "09:00", api.ErrCodeNotFound},
		{"bad day", a, "4.12.2026", "09:00", api.ErrCodeBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := env.Engine.CreateBooking(ctx, center.ChannelSite,
				bookReq(tc.matter, tc.day, tc.start, len(tc.name)))
			if got := code(err); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestR6_SlotCapacity(t *testing.T) {
	env := centertest.Start(t)
	// Queue A: 60 per half-day, 50% bookable over 6 slots → 5 per slot.
	for i := range 5 {
		if _, err := env.Engine.CreateBooking(ctx, center.ChannelPhone,
			bookReq(env.Matter("A"), "2026-12-04", "10:00", 100+i)); err != nil {
			t.Fatalf("booking %d: %v", i, err)
		}
	}
	_, err := env.Engine.CreateBooking(ctx, center.ChannelPhone,
		bookReq(env.Matter("A"), "2026-12-04", "10:00", 200))
	r, ok := center.AsRefusal(err)
	if !ok || r.Err.Code != api.ErrCodeSlotFull || len(r.Err.NextSlots) == 0 {
		t.Fatalf("sixth booking of a slot: %v", err)
	}
	if r.Err.NextSlots[0].Start == "10:00" && r.Err.NextSlots[0].Day == "2026-12-04" {
		t.Fatalf("the full slot was offered: %+v", r.Err.NextSlots[0])
	}
}

// R6 on GET /slots: every slot with room on the next N workdays that have
// any (default 5), from one day ahead, inside 08:30–11:30 and 13:00–16:30;
// a holiday and a fully booked day are passed over, not counted.
func TestR6_SlotDays(t *testing.T) {
	env := centertest.Start(t, centertest.WithHall(func(h *api.Hall) {
		h.Calendar.Holidays = append(h.Calendar.Holidays, "2026-12-08") // a Tuesday
	}))
	c := env.Client(env.Enrol(api.RoleKiosk, "k").Token)
	a := env.Matter("A")
	slots := func(query string) ([]api.Slot, *api.Error) {
		var out []api.Slot
		st, e := c.DoStatus("GET", "/slots?matter="+query, nil, &out)
		if e == nil && st != 200 {
			t.Fatalf("slots %s: status %d", query, st)
		}
		return out, e
	}
	days := func(ss []api.Slot) []string {
		var out []string
		for _, s := range ss {
			if len(out) == 0 || out[len(out)-1] != s.Day {
				out = append(out, s.Day)
			}
		}
		return out
	}
	got, e := slots(a)
	if e != nil {
		t.Fatal(e)
	}
	want := "[2026-12-04 2026-12-07 2026-12-09 2026-12-10 2026-12-11]"
	if fmt.Sprint(days(got)) != want {
		t.Fatalf("days %v, want %s", days(got), want)
	}
	perDay := map[string]int{}
	for _, s := range got {
		perDay[s.Day]++
		inPeriod := (s.Start >= "08:30" && s.End <= "11:30") ||
			(s.Start >= "13:00" && s.End <= "16:30")
		if !inPeriod || s.Free <= 0 {
			t.Errorf("slot %+v outside the periods or without room", s)
		}
	}
	if perDay["2026-12-04"] != 13 { // 6 half-hours in the morning, 7 after lunch
		t.Errorf("slots on 2026-12-04: %d, want 13", perDay["2026-12-04"])
	}

	// Monday fully booked: it is passed over and Monday week comes in.
	person := 300
	for _, s := range got {
		for i := 0; s.Day == "2026-12-07" && i < s.Free; i++ {
			person++
			if _, err := env.Engine.CreateBooking(ctx, center.ChannelPhone,
				bookReq(a, s.Day, s.Start, person)); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, _ = slots(a + "&days=5")
	want = "[2026-12-04 2026-12-09 2026-12-10 2026-12-11 2026-12-14]"
	if fmt.Sprint(days(got)) != want {
		t.Fatalf("days with Monday full %v, want %s", days(got), want)
	}
	if got, _ := slots(a + "&days=2"); len(days(got)) != 2 {
		t.Fatalf("days=2: %v", days(got))
	}
	if got, e := slots(env.Matter("P")); e != nil || len(got) != 0 {
		t.Fatalf("walk-in only matter (R1): %v, %v", got, e)
	}
	for _, bad := range []string{"0", "11", "x", "-1"} {
		if _, e := slots(a + "&days=" + bad); e == nil || e.Code != api.ErrCodeBadRequest {
			t.Errorf("days=%s: %v, want bad_request", bad, e)
		}
	}
}

func TestR3_Channels(t *testing.T) {
	env := centertest.Start(t)
	kiosk := env.Client(env.Enrol(api.RoleKiosk, "k").Token)
	admin := env.Client(centertest.AdminToken)
	for _, tc := range []struct {
		c       *centertest.Client
		channel string
		want    string
	}{
		{kiosk, "", center.ChannelSite},
		{kiosk, "phone", ""}, // a kiosk cannot claim another channel
		{admin, "phone", center.ChannelPhone},
		{admin, "", center.ChannelOnline},
	} {
		req := bookReq(env.Matter("B"), "2026-12-07", "09:00", 300+seq)
		req.Channel = tc.channel
		var b api.Booking
		e := tc.c.Do("POST", "/bookings", req, &b)
		if tc.want == "" {
			if e == nil && b.Channel != center.ChannelSite {
				t.Errorf("kiosk booking with channel %q stored as %q", tc.channel, b.Channel)
			}
			continue
		}
		if e != nil || b.Channel != tc.want {
			t.Errorf("channel %q: got %q, %v; want %q", tc.channel, b.Channel, e, tc.want)
		}
	}
}

func TestR4_ConfirmationSMS(t *testing.T) {
	for _, tc := range []struct {
		name   string
		phone  string
		day    string // booked day; a Sunday is refused
		cancel bool
		want   []string // what each outbox line holds, in order
	}{
		{"booking with a phone", "13800001234", "2026-12-04", false, []string{"预约码"}},
		{"no phone given", "", "2026-12-04", false, nil},
		{"refused booking sends nothing", "13800001234", "2026-12-06", false, nil},
		{"cancellation confirmed too", "13800001234", "2026-12-07", true,
			[]string{"预约码", "已取消"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			env := centertest.Start(t, centertest.WithDir(dir))
			req := bookReq(env.Matter("A"), tc.day, "09:00", 1)
			req.Phone = tc.phone
			b, err := env.Engine.CreateBooking(ctx, center.ChannelOnline, req)
			if err == nil && tc.cancel {
				_, err = env.Engine.CancelBooking(ctx,
					api.CancelRequest{Code: b.Code, IDNumber: req.IDNumber})
			}
			if (err != nil) != (tc.day == "2026-12-06") {
				t.Fatalf("booking: %v", err)
			}
			n, err := env.Engine.DeliverSMS(ctx)
			if err != nil || n != len(tc.want) {
				t.Fatalf("DeliverSMS = %d, %v; want %d", n, err, len(tc.want))
			}
			if n, _ := env.Engine.DeliverSMS(ctx); n != 0 {
				t.Fatalf("a message was sent twice")
			}
			log, _ := os.ReadFile(filepath.Join(dir, "sms.log"))
			lines := strings.Split(strings.TrimSpace(string(log)), "\n")
			for i, w := range tc.want {
				if !strings.Contains(lines[i], w) || !strings.Contains(lines[i], b.Code) ||
					!strings.Contains(lines[i], "138****1234") {
					t.Fatalf("sms %d lacks %q, the code or the masked phone: %s", i, w, lines[i])
				}
			}
			if strings.Contains(string(log), "13800001234") ||
				strings.Contains(string(log), "张三") {
				t.Fatalf("sms log holds personal data: %s", log)
			}
		})
	}
}

func TestR5_Cancellation(t *testing.T) {
	env := centertest.Start(t)
	mk := func(t *testing.T, day string, person int) api.Booking {
		env.Clock.Set(at(1, 9, 0)) // book on Tuesday
		b, err := env.Engine.CreateBooking(ctx, center.ChannelSite,
			bookReq(env.Matter("D"), day, "14:00", person))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for i, tc := range []struct {
		name     string
		day      string
		now      time.Time
		idNumber string
		who      string
		want     string
	}{
		{"by id number a day before", "2026-12-04", at(3, 17, 0), idNumber(1), "", ""},
		{"by id number, lower-case x", "2026-12-04", at(3, 17, 0), strings.ToLower(idNumber(2)), "", ""},
		{"by name a day before", "2026-12-04", at(3, 9, 0), "", "张三", ""},
		{"on the day", "2026-12-03", at(3, 8, 0), idNumber(4), "", api.ErrCodeCancelLate},
		{"wrong id number", "2026-12-04", at(3, 9, 0), idNumber(99), "", api.ErrCodeIdentity},
		{"wrong name", "2026-12-04", at(3, 9, 0), "", "李四", api.ErrCodeIdentity},
		{"cancelled already", "2026-12-04", at(3, 9, 0), idNumber(7), "", api.ErrCodeConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := mk(t, tc.day, 1+i)
			env.Clock.Set(tc.now)
			var err error
			if tc.want == api.ErrCodeConflict {
				if b, err = env.Engine.CancelBooking(ctx, api.CancelRequest{Code: b.Code,
					IDNumber: tc.idNumber}); err != nil {
					t.Fatal(err)
				}
			}
			out, err := env.Engine.CancelBooking(ctx,
				api.CancelRequest{Code: b.Code, IDNumber: tc.idNumber, Name: tc.who})
			if got := code(err); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			// Every refusal has words for the citizen at the kiosk.
			if r, ok := center.AsRefusal(err); ok && (r.Err.Citizen == nil ||
				r.Err.Citizen.ZH == "" || r.Err.Citizen.EN == "") {
				t.Fatalf("refusal %s has no citizen text", r.Err.Code)
			}
			if tc.want == "" && out.Status != api.BookingCancelled {
				t.Fatalf("status %s", out.Status)
			}
			if tc.want != "" {
				if got, _ := env.Engine.Booking(ctx, b.ID); got.Status != b.Status {
					t.Fatalf("refused cancellation changed the booking to %s", got.Status)
				}
			}
		})
	}
}

func TestR7_PickupWindow(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start string
		now   time.Time
		want  string
	}{
		{"morning slot at 08:20", "09:00", at(4, 8, 20), ""},
		{"morning slot at 08:19", "09:00", at(4, 8, 19), api.ErrCodePickupWindow},
		{"morning slot at 11:19", "11:00", at(4, 11, 19), ""},
		{"afternoon slot in the morning", "14:00", at(4, 9, 0), api.ErrCodePickupWindow},
		{"afternoon slot at 13:00", "14:00", at(4, 13, 0), ""},
		{"the day before", "09:00", at(3, 9, 0), api.ErrCodePickupWindow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := centertest.Start(t)
			b, err := env.Engine.CreateBooking(ctx, center.ChannelSite,
				bookReq(env.Matter("B"), "2026-12-04", tc.start, 7))
			if err != nil {
				t.Fatal(err)
			}
			env.Clock.Set(tc.now)
			tk, err := checkIn(env, b.Code)
			if got := code(err); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			if err == nil && (tk.Kind != api.KindBooked || tk.Number != "B001") {
				t.Fatalf("ticket %+v", tk)
			}
		})
	}
}

// R8: a waiting ticket past its class target (general 10, complex 30,
// special 60 minutes; a matter's own class before its department's) raises
// one wait_alert, at the first sweep at or past the target.
func TestR8_WaitAlerts(t *testing.T) {
	const m = time.Minute
	for _, tc := range []struct {
		name     string
		queue    string
		override string        // wait class set on queue A's matters; "" keeps the department's
		callAt   time.Duration // called this long after issue; 0: never
		sweeps   []time.Duration
		want     string
	}{
		{"general before 10", "A", "", 0, []time.Duration{9 * m}, ""},
		{"general at 10", "A", "", 0, []time.Duration{10 * m}, "target 10 waited 10"},
		{"alerted once", "A", "", 0, []time.Duration{11 * m, 12 * m, 40 * m},
			"target 10 waited 11"},
		{"complex", "E", "", 0, []time.Duration{29 * m, 31 * m}, "target 30 waited 31"},
		{"special", "H", "", 0, []time.Duration{59 * m, 61 * m}, "target 60 waited 61"},
		{"matter class first", "A", "special", 0, []time.Duration{30 * m, 60 * m},
			"target 60 waited 60"},
		{"called in time", "A", "", 5 * m, []time.Duration{15 * m}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := centertest.Start(t, centertest.WithHall(func(h *api.Hall) {
				h.Matters = append([]api.Matter(nil), h.Matters...)
				for i := range h.Matters {
					if h.Matters[i].Department == h.Departments[0].Name && tc.override != "" {
						h.Matters[i].WaitClass = tc.override
					}
				}
			}))
			events, err := env.Engine.Stream(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			issued := env.Clock.Now()
			tk, err := walkIn(env, tc.queue)
			if err != nil {
				t.Fatal(err)
			}
			if tc.callAt > 0 {
				env.Clock.Set(issued.Add(tc.callAt))
				win := env.Engine.CurrentHall().Dept(tc.queue).Windows[0]
				if _, err := env.Engine.CallNext(ctx, win, ""); err != nil {
					t.Fatal(err)
				}
			}
			for _, at := range tc.sweeps {
				env.Clock.Set(issued.Add(at))
				if err := env.Engine.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
			}
			// A ticket of another queue is the sentinel: every alert came
			// before its issued event.
			sentinel, err := walkIn(env, "D")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for ev := range events {
				if ev.TicketID == sentinel.ID {
					break
				}
				if ev.Kind == api.CallKindWaitAlert && ev.TicketID == tk.ID {
					got = append(got, fmt.Sprintf("target %d waited %d", ev.Target, ev.Waited))
				}
			}
			if strings.Join(got, "; ") != tc.want {
				t.Fatalf("alerts %q, want %q", got, tc.want)
			}
		})
	}
}

func TestR9_WalkInQuota(t *testing.T) {
	env := centertest.Start(t, centertest.WithHall(func(h *api.Hall) {
		h.Departments[2].Capacity = 4 // queue C
	}))
	// One booking for this morning, made the day before.
	env.Clock.Set(at(2, 10, 0))
	if _, err := env.Engine.CreateBooking(ctx, center.ChannelSite,
		bookReq(env.Matter("C"), "2026-12-03", "10:00", 9)); err != nil {
		t.Fatal(err)
	}
	env.Clock.Set(at(3, 9, 0))
	for i, want := range []string{"", "", "", api.ErrCodeQuota} {
		_, err := walkIn(env, "C")
		if got := code(err); got != want {
			t.Fatalf("walk-in %d: got %q, want %q", i+1, got, want)
		}
		if want != "" {
			r, _ := center.AsRefusal(err)
			if len(r.Err.NextSlots) == 0 || r.Err.NextSlots[0].Day < "2026-12-04" {
				t.Fatalf("no bookable slot offered: %+v", r.Err.NextSlots)
			}
		}
	}
	// The afternoon is a new half-day with its own quota.
	env.Clock.Set(at(3, 13, 30))
	if _, err := walkIn(env, "C"); err != nil {
		t.Fatalf("afternoon walk-in: %v", err)
	}
}

// R10: booked tickets are called before walk-ins, each kind in issue
// order, across every queue the window serves (S1: in this hall window 1
// serves A and B).
func TestR10_BookedCalledFirst(t *testing.T) {
	for _, tc := range []struct {
		name  string
		issue []string // a minute apart: "A" a walk-in of queue A, "bA" a booked check-in
		want  []int    // indexes into issue, in call order
	}{
		{"walk-ins in issue order", []string{"A", "A", "A"}, []int{0, 1, 2}},
		{"booked after two walk-ins", []string{"A", "A", "bA"}, []int{2, 0, 1}},
		{"two booked in check-in order", []string{"bA", "A", "bA"}, []int{0, 2, 1}},
		{"across the window's queues", []string{"A", "B", "bB", "A"}, []int{2, 0, 1, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := centertest.Start(t, centertest.WithHall(func(h *api.Hall) {
				h.Departments[1].Windows = append([]int{1}, h.Departments[1].Windows...)
				h.Windows = nil // derive them again from the departments
			}))
			// Book the day before for this morning, one person each.
			env.Clock.Set(at(2, 9, 0))
			var codes []string
			for i, what := range tc.issue {
				if what[0] == 'b' {
					b, err := env.Engine.CreateBooking(ctx, center.ChannelSite,
						bookReq(env.Matter(what[1:]), "2026-12-03", "09:30", 60+i))
					if err != nil {
						t.Fatal(err)
					}
					codes = append(codes, b.Code)
				}
			}
			env.Clock.Set(at(3, 9, 0))
			var numbers []string
			for _, what := range tc.issue {
				env.Clock.Advance(time.Minute)
				var tk api.Ticket
				var err error
				if what[0] == 'b' {
					tk, err = checkIn(env, codes[0])
					codes = codes[1:]
				} else {
					tk, err = walkIn(env, what)
				}
				if err != nil {
					t.Fatal(err)
				}
				numbers = append(numbers, tk.Number)
			}
			for i, idx := range tc.want {
				got, err := env.Engine.CallNext(ctx, 1, fmt.Sprint("call-", i))
				if err != nil || got.Number != numbers[idx] {
					t.Fatalf("call %d: got %s, %v; want %s", i+1, got.Number, err, numbers[idx])
				}
			}
			if _, err := env.Engine.CallNext(ctx, 1, "last"); code(err) != api.ErrCodeQueueEmpty {
				t.Fatalf("empty queue: %v", err)
			}
		})
	}
}

// noShow books person for 12-0d morning and lets the pick-up window pass.
func noShow(t *testing.T, env *centertest.Env, dd, person int) api.Booking {
	t.Helper()
	env.Clock.Set(at(dd-1, 9, 0))
	day := at(dd, 0, 0).Format(api.DayLayout)
	b, err := env.Engine.CreateBooking(ctx, center.ChannelSite,
		bookReq(env.Matter("B"), day, "09:00", person))
	if err != nil {
		t.Fatalf("book %s: %v", day, err)
	}
	env.Clock.Set(at(dd, 11, 20))
	if err := env.Engine.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestR11_DuplicateBooking(t *testing.T) {
	env := centertest.Start(t)
	req := bookReq(env.Matter("A"), "2026-12-04", "09:00", 5)
	if _, err := env.Engine.CreateBooking(ctx, center.ChannelSite, req); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*api.BookingRequest)
		want string
	}{
		{"same request id (a retry)", func(*api.BookingRequest) {}, ""},
		{"same person, matter and day", func(r *api.BookingRequest) { r.ID = nextID() }, api.ErrCodeDuplicate},
		{"another slot that day", func(r *api.BookingRequest) { r.ID, r.Start = nextID(), "14:00" }, api.ErrCodeDuplicate},
		{"another day", func(r *api.BookingRequest) { r.ID, r.Day = nextID(), "2026-12-07" }, ""},
		{"another person", func(r *api.BookingRequest) { r.ID, r.IDNumber = nextID(), idNumber(6) }, ""},
	} {
		r := req
		tc.edit(&r)
		if _, err := env.Engine.CreateBooking(ctx, center.ChannelSite, r); code(err) != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, code(err), tc.want)
		}
	}
}

func TestR11_R12_NoShowRestriction(t *testing.T) {
	env := centertest.Start(t)
	const person = 42
	for i, dd := range []int{8, 9, 10} {
		b := noShow(t, env, dd, person)
		got, _ := env.Engine.Booking(ctx, b.ID)
		if got.Status != api.BookingNoShow {
			t.Fatalf("R12: booking %d status %s after its pick-up window", i, got.Status)
		}
	}
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{at(11, 9, 0), api.ErrCodeRestricted},
		{time.Date(2027, 6, 9, 9, 0, 0, 0, centertest.Morning.Location()), api.ErrCodeRestricted},
		{time.Date(2027, 6, 10, 9, 0, 0, 0, centertest.Morning.Location()), ""},
	} {
		env.Clock.Set(tc.now)
		day := env.Engine.CurrentHall().NextWorkday(env.Engine.CurrentHall().Day(tc.now))
		_, err := env.Engine.CreateBooking(ctx, center.ChannelSite,
			bookReq(env.Matter("A"), day, "09:00", person))
		if code(err) != tc.want {
			t.Errorf("booking at %s: got %q, want %q", tc.now, code(err), tc.want)
		}
	}
}

func TestR11_TwoNoShowsAllowed(t *testing.T) {
	env := centertest.Start(t)
	noShow(t, env, 8, 43)
	noShow(t, env, 9, 43)
	env.Clock.Set(at(10, 9, 0))
	if _, err := env.Engine.CreateBooking(ctx, center.ChannelSite,
		bookReq(env.Matter("A"), "2026-12-11", "09:00", 43)); err != nil {
		t.Fatalf("two no-shows must not restrict: %v", err)
	}
}

func TestR12_VoidAtPickupEnd(t *testing.T) {
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{at(4, 11, 19), ""},
		{at(4, 11, 20), api.ErrCodeBookingVoid},
		{at(5, 9, 0), api.ErrCodeBookingVoid},
	} {
		env := centertest.Start(t)
		b, _ := env.Engine.CreateBooking(ctx, center.ChannelSite,
			bookReq(env.Matter("A"), "2026-12-04", "10:00", 3))
		env.Clock.Set(tc.now)
		if _, err := checkIn(env, b.Code); code(err) != tc.want {
			t.Errorf("check-in at %s: got %q, want %q", tc.now, code(err), tc.want)
		}
	}
}

func TestR13_ReinstateWithinTenMinutes(t *testing.T) {
	for _, tc := range []struct {
		after time.Duration
		want  string
	}{
		{0, ""},
		{10 * time.Minute, ""},
		{10*time.Minute + time.Second, api.ErrCodeReinstate},
	} {
		env := centertest.Start(t)
		tk, _ := walkIn(env, "A")
		if _, err := env.Engine.CallNext(ctx, 1, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := env.Engine.Missed(ctx, tk.ID, ""); err != nil {
			t.Fatal(err)
		}
		env.Clock.Advance(tc.after)
		got, err := env.Engine.Reinstate(ctx, tk.ID, "")
		if code(err) != tc.want {
			t.Errorf("reinstate after %v: got %q, want %q", tc.after, code(err), tc.want)
		}
		if err == nil && got.Status != api.TicketWaiting {
			t.Errorf("reinstated ticket is %s", got.Status)
		}
	}
}

func TestR14_ClearNoShow(t *testing.T) {
	env := centertest.Start(t)
	var last api.Booking
	for _, dd := range []int{8, 9, 10} {
		last = noShow(t, env, dd, 50)
	}
	if until, _ := env.Engine.RestrictedUntil(ctx, idNumber(50)); until == "" {
		t.Fatal("three no-shows did not restrict")
	}
	for _, tc := range []struct {
		req  api.NoShowClearRequest
		want string
	}{
		{api.NoShowClearRequest{BookingID: last.ID}, api.ErrCodeBadRequest}, // no reason
		{api.NoShowClearRequest{BookingID: last.ID, Reason: strings.Repeat("雨", 201)},
			api.ErrCodeBadRequest},
		{api.NoShowClearRequest{BookingID: "nope-nope", Reason: "typhoon"}, api.ErrCodeNotFound},
		{api.NoShowClearRequest{BookingID: last.ID, Reason: "typhoon signal"}, ""},
		{api.NoShowClearRequest{BookingID: last.ID, Reason: "again"}, api.ErrCodeConflict},
	} {
		if _, err := env.Engine.ClearNoShow(ctx, tc.req); code(err) != tc.want {
			t.Errorf("clear %+v: got %q, want %q", tc.req, code(err), tc.want)
		}
	}
	if until, _ := env.Engine.RestrictedUntil(ctx, idNumber(50)); until != "" {
		t.Fatalf("restriction stays after clearing (until %s)", until)
	}
	// The leader's reason stays with the record; the refusals kept none.
	reason, when, err := env.Engine.NoShowClearing(ctx, last.ID)
	if err != nil || reason != "typhoon signal" || !when.Equal(env.Clock.Now()) {
		t.Fatalf("clearing record: %q at %v, %v", reason, when, err)
	}
	if _, _, err := env.Engine.NoShowClearing(ctx, "nope-nope"); err == nil {
		t.Fatal("a clearing record for an unknown booking")
	}
}

func TestR15_FinishWithRating(t *testing.T) {
	env := centertest.Start(t)
	tk, _ := walkIn(env, "A")
	env.Engine.CallNext(ctx, 2, "")
	if _, err := env.Engine.Finish(ctx, tk.ID, "excellent", "", ""); code(err) != api.ErrCodeBadRequest {
		t.Fatalf("bad rating: %v", err)
	}
	got, err := env.Engine.Finish(ctx, tk.ID, api.RatingGood, "快", "")
	if err != nil || got.Status != api.TicketFinished {
		t.Fatalf("finish: %+v %v", got, err)
	}
}
