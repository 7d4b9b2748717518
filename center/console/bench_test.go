package console

import (
	"fmt"
	"net/http"
	"testing"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// roomy lifts the R9 walk-in quota so a benchmark can issue many tickets.
func roomy() centertest.Option {
	return centertest.WithHall(func(h *api.Hall) {
		for i := range h.Departments {
			h.Departments[i].Capacity = 1 << 20
		}
	})
}

// BenchmarkWindowPage renders a window's page with 300 tickets waiting:
// session lookup, today's records, R10 ordering and the template.
func BenchmarkWindowPage(b *testing.B) {
	e := start(b, roomy())
	for range 300 {
		e.walkIn(b, "A")
	}
	br := e.browser(b)
	br.atWindow("wang", 1)
	b.ResetTimer()
	for range b.N {
		if st, _ := br.get("/window"); st != http.StatusOK {
			b.Fatalf("status %d", st)
		}
	}
}

// BenchmarkCallNext is one click of "call next" through HTTP: CSRF, the
// engine's idempotent call, the staff log and the redirect.
func BenchmarkCallNext(b *testing.B) {
	e := start(b, roomy())
	for range b.N {
		e.walkIn(b, "A")
	}
	br := e.browser(b)
	br.atWindow("wang", 1)
	v := br.form("/window", "/window/call-next")
	b.ResetTimer()
	for i := range b.N {
		v.Set("key", fmt.Sprintf("bench-call-%d", i))
		if st, _ := br.post("/window/call-next", v); st != http.StatusSeeOther {
			b.Fatalf("status %d", st)
		}
	}
}

// BenchmarkReportDay builds a day's report over 2,000 tickets, 1,000 of
// them called and finished with a logged staff action.
func BenchmarkReportDay(b *testing.B) {
	e := start(b, roomy())
	for i := range 2000 {
		e.walkIn(b, []string{"A", "B", "E", "H"}[i%4])
	}
	for i := range 1000 {
		win := []int{1, 4, 9, 12}[i%4]
		t, err := e.Engine.CallNext(ctx, win, "")
		if err != nil {
			b.Fatal(err)
		}
		e.Store.LogAction(ctx, StaffAction{At: e.Clock.Now(), User: "wang", Window: win,
			Action: "call", TicketID: t.ID})
		e.Engine.Finish(ctx, t.ID, api.RatingGood, "", "")
	}
	h := e.Engine.CurrentHall()
	b.ResetTimer()
	for range b.N {
		if _, err := BuildReport(ctx, e.Engine, e.Store, h, e.Clock.Now(), "2026-12-03",
			"2026-12-03"); err != nil {
			b.Fatal(err)
		}
	}
}
