package console

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
)

// idNumber makes a valid ID number (ISO 7064 MOD 11-2 check digit).
func idNumber(seed int) string {
	body := fmt.Sprintf("31011719800101%03d", seed%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

// knownDay plays a scripted Friday 2026-12-04 through the console and
// returns the env at 11:30 that day:
//
//	09:00 walk-ins A001 A002 (general, 10 min) and E001 (complex, 30 min)
//	09:01 booked check-in A003; a second booking (09:30 slot) never comes
//	09:05 wang@1 calls A003 (R10: booked first; waited 4)   → within
//	09:12 wang finishes A003 good (7 min), calls A001 (12)  → late
//	09:14 wang marks A001 missed
//	09:15 wang calls A002 (15)                              → late
//	09:20 li@9 calls E001 (20)                              → within 30
//	09:25 wang finishes A002 bad (10 min)
//	09:30 li finishes E001 fair (10 min)
//	11:30 sweep: the unused booking is a no-show (R12)
func knownDay(t *testing.T) *env {
	e := start(t)
	for i, start := range []string{"09:00", "09:30"} {
		_, err := e.Engine.CreateBooking(ctx, center.ChannelSite, api.BookingRequest{
			ID: fmt.Sprintf("bk-%08d", i), Matter: e.Matter("A"), Day: "2026-12-04",
			Start: start, IDNumber: idNumber(i + 1), Name: "张三", Phone: "13800001234"})
		if err != nil {
			t.Fatalf("book: %v", err)
		}
	}
	bs, _ := e.Engine.BookingsBetween(ctx, "2026-12-04", "2026-12-04")
	e.Clock.Advance(24 * time.Hour) // Friday 09:00
	e.walkIn(t, "A")
	e.walkIn(t, "A")
	e.walkIn(t, "E")
	e.Clock.Advance(time.Minute)
	if _, err := e.Engine.IssueTicket(ctx, e.kiosk, api.TicketRequest{ID: "tkt-booked-1",
		BookingCode: bs[0].Code}); err != nil {
		t.Fatalf("check in: %v", err)
	}
	wang, li := e.browser(t), e.browser(t)
	wang.atWindow("wang", 1)
	li.atWindow("li", 9)
	step := func(at string, b *browser, action string, set map[string]string) {
		t.Helper()
		e.Clock.Set(time.Date(2026, 12, 4, atoi(at[:2]), atoi(at[3:]), 0, 0,
			e.Engine.CurrentHall().Location()))
		v := b.form("/window", "/window/"+action)
		for k, val := range set {
			v.Set(k, val)
		}
		if _, ok := set["ticket"]; !ok && action != "call-next" {
			v.Set("ticket", currentTicket(t, b))
		}
		_, loc := b.post("/window/"+action, v)
		if page := b.flash(loc); strings.Contains(page, "flash err") {
			t.Fatalf("%s %s: %s", at, action, excerpt(page))
		}
	}
	step("09:05", wang, "call-next", nil)
	step("09:12", wang, "finish", map[string]string{"rating": "good"})
	step("09:12", wang, "call-next", nil)
	step("09:14", wang, "missed", nil)
	step("09:15", wang, "call-next", nil)
	step("09:20", li, "call-next", nil)
	step("09:25", wang, "finish", map[string]string{"rating": "bad", "comment": "慢"})
	step("09:30", li, "finish", map[string]string{"rating": "fair"})
	e.Clock.Set(time.Date(2026, 12, 4, 11, 30, 0, 0, e.Engine.CurrentHall().Location()))
	if err := e.Engine.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// currentTicket reads the id of the ticket the window page shows.
func currentTicket(t *testing.T, b *browser) string {
	_, page := b.get("/window")
	i := strings.Index(page, `action="/window/finish"`)
	if i < 0 {
		t.Fatalf("window serves no ticket")
	}
	m := strings.SplitN(page[i:], `name="ticket" value="`, 2)
	return m[1][:strings.Index(m[1], `"`)]
}

func TestReportKnownDay(t *testing.T) {
	e := knownDay(t)
	h := e.Engine.CurrentHall()
	rep, err := BuildReport(ctx, e.Engine, e.Store, h, e.Clock.Now(), "2026-12-04", "2026-12-04")
	if err != nil {
		t.Fatal(err)
	}
	queues := map[string]QueueFigures{}
	for _, q := range rep.Queues {
		queues[q.Queue] = q
	}
	wantA := QueueFigures{Dept: h.Dept("A").Name, Queue: "A", Issued: 3, Booked: 1, WalkIn: 2,
		Called: 3, Finished: 2, Missed: 1, Ratings: Ratings{Good: 1, Bad: 1}}
	wantE := QueueFigures{Dept: h.Dept("E").Name, Queue: "E", Issued: 1, WalkIn: 1, Called: 1,
		Finished: 1, Ratings: Ratings{Fair: 1}}
	check(t, "queue A", queues["A"], wantA)
	check(t, "queue E", queues["E"], wantE)
	check(t, "classes", rep.Classes, []ClassFigures{
		{Class: "general", Target: 10, Tickets: 3, Within: 1, Share: 1.0 / 3,
			MeanWaitMin: (4 + 12 + 15) / 3.0, LongestWaitMn: 15},
		{Class: "complex", Target: 30, Tickets: 1, Within: 1, Share: 1, MeanWaitMin: 20,
			LongestWaitMn: 20},
	})
	check(t, "staff", rep.Staff, []StaffFigures{
		{User: "li", Calls: 1, Finished: 1, ServiceMin: 10, MeanService: 10,
			Ratings: Ratings{Fair: 1}},
		{User: "wang", Calls: 3, Misses: 1, Finished: 2, ServiceMin: 17, MeanService: 8.5,
			Ratings: Ratings{Good: 1, Bad: 1}},
	})
	check(t, "totals", [4]int{rep.Bookings, rep.NoShows, rep.Cleared, rep.Missed}, [4]int{2, 1, 0, 1})
	check(t, "ratings", rep.Ratings, Ratings{Good: 1, Fair: 1, Bad: 1})
}

func check(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func TestReportCSVAndPage(t *testing.T) {
	e := knownDay(t)
	b := e.browser(t)
	b.login("zhao")
	st, body := b.get("/reports.csv?table=staff&from=2026-12-04&to=2026-12-04")
	if st != http.StatusOK {
		t.Fatalf("csv: %d", st)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{staffCSV(Report{})[0],
		{"2026-12-04", "2026-12-04", "li", "1", "0", "0", "1", "10.0", "10.0", "0", "1", "0", "0"},
		{"2026-12-04", "2026-12-04", "wang", "3", "0", "1", "2", "17.0", "8.5", "1", "0", "1", "0"}}
	check(t, "staff csv", rows, want)
	_, page := b.get("/reports?from=2026-12-04&to=2026-12-04")
	for _, s := range []string{`id="sum-missed">1<`, `id="sum-noshows">1<`, "<svg", "33%"} {
		if !strings.Contains(page, s) {
			t.Errorf("report page lacks %q", s)
		}
	}
	for _, bad := range []string{"from=2026-12-05&to=2026-12-04", "from=yesterday",
		"from=2026-01-01&to=2026-12-04"} {
		if st, _ := b.get("/reports?" + bad); st != http.StatusBadRequest {
			t.Errorf("reports?%s: %d, want 400", bad, st)
		}
	}
	if st, _ := b.get("/reports.csv?table=nope"); st != http.StatusBadRequest {
		t.Errorf("unknown csv table: %d, want 400", st)
	}
}

func TestClearNoShow(t *testing.T) {
	e := knownDay(t)
	b := e.browser(t)
	b.login("zhao")
	_, page := b.get("/leader")
	bs, _ := e.Engine.BookingsBetween(ctx, "2026-12-04", "2026-12-04")
	var id string
	for _, bk := range bs {
		if bk.Status == api.BookingNoShow {
			id = bk.ID
		}
	}
	if !strings.Contains(page, id) {
		t.Fatalf("leader page does not list no-show %s", id)
	}
	v := url.Values{"csrf": {csrfRE.FindStringSubmatch(page)[1]}, "booking": {id}}
	_, loc := b.post("/leader/clear-noshow", v) // no reason: refused
	if body := b.flash(loc); !strings.Contains(body, "give a reason") {
		t.Fatalf("clearing without a reason: %s", excerpt(body))
	}
	v.Set("reason", "暴雨红色预警 rainstorm warning")
	_, loc = b.post("/leader/clear-noshow", v)
	if body := b.flash(loc); !strings.Contains(body, "cleared") {
		t.Fatalf("clearing: %s", excerpt(body))
	}
	if bk, _ := e.Engine.Booking(ctx, id); bk.Status != api.BookingCleared {
		t.Fatalf("booking is %s, want cleared (R14)", bk.Status)
	}
	if why, _, err := e.Engine.NoShowClearing(ctx, id); err != nil ||
		why != "暴雨红色预警 rainstorm warning" {
		t.Fatalf("the leader's reason was not kept: %q, %v", why, err)
	}
}

func TestReportRangeByDay(t *testing.T) {
	e := knownDay(t)
	rep, err := BuildReport(ctx, e.Engine, e.Store, e.Engine.CurrentHall(), e.Clock.Now(),
		"2026-12-02", "2026-12-04")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "days", rep.Days, []DayFigures{
		{Day: "2026-12-02"}, {Day: "2026-12-03"},
		{Day: "2026-12-04", Issued: 4, Finished: 3, Missed: 1, NoShows: 1, Waits: 4, Within: 2,
			Share: 0.5},
	})
	b := e.browser(t)
	b.login("chen")
	_, page := b.get("/reports?from=2026-12-02&to=2026-12-04")
	for _, s := range []string{`id="r-days"`, "50% (2/4)", "Tickets per day"} {
		if !strings.Contains(page, s) {
			t.Errorf("range report lacks %q", s)
		}
	}
}

// R14 for a whole day after force majeure.
func TestClearNoShowsOfADay(t *testing.T) {
	e := knownDay(t)
	b := e.browser(t)
	b.login("zhao")
	_, page := b.get("/leader")
	if !strings.Contains(page, `action="/leader/clear-noshow-day"`) {
		t.Fatal("no whole-day clearing form")
	}
	v := url.Values{"csrf": {csrfRE.FindStringSubmatch(page)[1]}, "day": {"2026-12-04"}}
	_, loc := b.post("/leader/clear-noshow-day", v)
	if body := b.flash(loc); !strings.Contains(body, "Give a reason") {
		t.Fatalf("no reason: %s", excerpt(body))
	}
	v.Set("reason", "系统故障 system failure")
	_, loc = b.post("/leader/clear-noshow-day", v)
	if body := b.flash(loc); !strings.Contains(body, "Cleared 1 no-shows") {
		t.Fatalf("clear day: %s", excerpt(body))
	}
	bs, _ := e.Engine.BookingsBetween(ctx, "2026-12-04", "2026-12-04")
	for _, bk := range bs {
		if bk.Status == api.BookingNoShow {
			t.Fatalf("booking %s still a no-show", bk.Code)
		}
	}
}
