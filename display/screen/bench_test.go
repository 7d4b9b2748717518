package screen

import (
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/display"
)

// BenchmarkShow is the work of one update: a new call folded into a busy
// state (27 windows, 15 departments, a notice) and Screen.Show laying it out.
func BenchmarkShow(b *testing.B) {
	s, _ := newScreen(b, false)
	st := busy()
	st.Notices = notices("午间 11:30–13:00 部分窗口轮休")
	b.ResetTimer()
	for i := range b.N {
		st = display.Apply(st, api.CallEvent{ID: int64(100 + i), Kind: api.CallKindCalled,
			Window: i%27 + 1, Queue: "A", Number: api.FormatNumber("A", i%999), TicketID: "x"})
		s.Show(st, now)
	}
}

// BenchmarkShowAndRender adds painting the 1920×1080 frame with fyne's
// software painter (the test driver), an upper bound for the GL driver.
func BenchmarkShowAndRender(b *testing.B) {
	s, w := newScreen(b, false)
	st := busy()
	b.ResetTimer()
	for i := range b.N {
		st = display.Apply(st, api.CallEvent{ID: int64(100 + i), Kind: api.CallKindCalled,
			Window: i%27 + 1, Queue: "A", Number: api.FormatNumber("A", i%999), TicketID: "x"})
		s.Show(st, now.Add(time.Duration(i)*time.Second))
		w.Canvas().Capture()
	}
}
