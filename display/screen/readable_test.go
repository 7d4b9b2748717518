package screen

import (
	"fmt"
	"image"
	"image/color"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"hallkiosk/center/api"
	"hallkiosk/display"
)

// A 55-inch 16:9 panel at 1920×1080 is 684.9 mm tall, so a pixel is
// 0.634 mm, and the 40 mm a character needs at 10 m (distance / 250) are
// 63 px.
const (
	panelMM  = 55 * 25.4 * 9 / 18.3576 // height: diagonal × 9 / √(16²+9²)
	distance = 10_000                  // mm
	needInk  = 63                      // px: distance / 250 / (panelMM / 1080), rounded
)

// Readable from 10 m (issue 9.1): every text the screen draws, on every
// page of its lists, in landscape and portrait, for the sample hall, a hall
// with long department names and every window busy, and with the offline
// banner and a notice taking room, is at least minLatin (digits, Latin) or
// minHan (Chinese only) and fits its cell; paging hides nothing for good.
// The least sizes are checked against the fonts: their ink is 63 px.
func TestReadableAt10m(t *testing.T) {
	if px := distance / 250 / (panelMM / 1080); px > needInk+0.5 {
		t.Fatalf("%d mm is %.1f px on the panel, not %d", distance/250, px, needInk)
	}
	inkOf(t, "0", minLatin)
	inkOf(t, "A", minLatin)
	inkOf(t, "号", minHan)

	offline := busy()
	offline.Link = display.LinkOffline
	offline.Notices = notices("午间 11:30–13:00 部分窗口轮休 Some windows close for lunch")
	cached := crowded()
	cached.Link = display.LinkCached
	for _, tc := range []struct {
		name  string
		state display.State
	}{
		{"sample hall", busy()},
		{"offline with a notice", offline},
		{"long names, every window busy", crowded()},
		{"restarted from the cache", cached},
		{"empty", display.State{Link: display.LinkLive, Heard: now}},
	} {
		for _, portrait := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s portrait=%v", tc.name, portrait), func(t *testing.T) {
				s, _ := newScreen(t, portrait)
				s.Show(tc.state, now)
				seen := map[string]bool{}
				pages := max(s.windowsP.pages, s.listsP.pages)
				for k := range pages {
					s.Tick(now.Add(time.Duration(k) * PageEvery))
					for _, x := range visibleTexts(s.Object()) {
						seen[x.Text] = true
						checkReadable(t, s, x)
					}
				}
				checkAllShown(t, tc.state, seen)
			})
		}
	}
}

// The lists turn a page every PageEvery and start again at the recent
// calls when a new call comes, so whoever missed it finds it there.
func TestListsTurnPages(t *testing.T) {
	s, _ := newScreen(t, false)
	st := busy()
	s.Show(st, now)
	if s.listsP.heading.Text != titleRecent || s.listsP.pages < 2 {
		t.Fatalf("first page %q of %d", s.listsP.heading.Text, s.listsP.pages)
	}
	s.Tick(now.Add(PageEvery))
	if s.listsP.heading.Text != titleWaiting || s.listsP.counter.Text != fmt.Sprintf("2/%d",
		s.listsP.pages) {
		t.Fatalf("second page %q %q", s.listsP.heading.Text, s.listsP.counter.Text)
	}
	st = display.Apply(st, api.CallEvent{ID: 20, Kind: api.CallKindCalled, Window: 3,
		Queue: "A", Number: "A013", TicketID: "tA013"})
	s.Show(st, now.Add(PageEvery+time.Second))
	if s.listsP.heading.Text != titleRecent {
		t.Fatalf("after a new call the lists show %q", s.listsP.heading.Text)
	}
}

// checkReadable fails a text smaller than its least size or wider than its
// cell (the marquee scrolls, so it may be wider).
func checkReadable(t *testing.T, s *Screen, x *canvas.Text) {
	t.Helper()
	if x.Text == "" {
		return
	}
	least := float32(minHan)
	for _, r := range x.Text {
		if r < 0x80 && (unicode.IsDigit(r) || unicode.IsLetter(r)) {
			least = minLatin
		}
	}
	if x.TextSize < least-0.01 {
		t.Errorf("%q at %.1f px, want at least %.0f", x.Text, x.TextSize, least)
	}
	w := fyne.MeasureText(x.Text, x.TextSize, x.TextStyle).Width
	if x != s.marqueeText && w > x.Size().Width+0.5 {
		t.Errorf("%q is %.0f px wide in a cell of %.0f", x.Text, w, x.Size().Width)
	}
}

// checkAllShown fails unless each busy window's number and each
// department's count was on some page.
func checkAllShown(t *testing.T, st display.State, seen map[string]bool) {
	t.Helper()
	all := strings.Join(keys(seen), "\n")
	for _, w := range st.Windows {
		if w.Number != "" && !seen[w.Number] {
			t.Errorf("window %d's %s never shown", w.Window, w.Number)
		}
	}
	for _, d := range st.Departments {
		r := []rune(d.Name) // its last two characters survive shortening and wrapping
		if !strings.Contains(all, string(r[len(r)-2:])) {
			t.Errorf("department %s never shown", d.Name)
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// visibleTexts is every text drawn: visible, under visible containers.
func visibleTexts(o fyne.CanvasObject) []*canvas.Text {
	if !o.Visible() {
		return nil
	}
	switch v := o.(type) {
	case *canvas.Text:
		return []*canvas.Text{v}
	case *fyne.Container:
		var out []*canvas.Text
		for _, c := range v.Objects {
			out = append(out, visibleTexts(c)...)
		}
		return out
	}
	return nil
}

// inkOf draws s at size on the test canvas and fails unless its ink is at
// least needInk px tall.
func inkOf(t *testing.T, s string, size float32) {
	t.Helper()
	_, w := newScreen(t, false)
	x := canvas.NewText(s, color.White)
	x.TextSize = size
	w.SetContent(x)
	w.Resize(fyne.NewSize(300, 300))
	if ink := inkHeight(w.Canvas().Capture()); ink < needInk {
		t.Fatalf("%q at %v px: ink %d px, want %d", s, size, ink, needInk)
	}
}

// inkHeight is the height of the rows holding light pixels.
func inkHeight(img image.Image) int {
	top, bottom := -1, -1
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r+g+bl > 3*0x8000 {
				if top < 0 {
					top = y
				}
				bottom = y
				break
			}
		}
	}
	if top < 0 {
		return 0
	}
	return bottom - top + 1
}

// crowded is a hall with the demo's long department names (the district's
// name in front of each) and every one of its 27 windows serving.
func crowded() display.State {
	h := api.Hall{Center: "示范区政务服务大厅（演示）"}
	names := []string{"示范区市场监管局", "示范区人力资源和社会保障局", "示范区医疗保障局",
		"示范区税务局", "示范区规划和自然资源局", "示范区民政局", "示范区住房和城乡建设管理委员会",
		"示范区公安分局出入境与户政窗口", "示范区住房公积金管理中心", "示范区婚姻登记处"}
	waiting := map[string]int{}
	win := 0
	for i, n := range names {
		q := string(rune('A' + i))
		d := api.Department{Name: n, QueuePrefix: q}
		for range 2 + i%3 {
			win++
			d.Windows = append(d.Windows, win)
		}
		h.Departments = append(h.Departments, d)
		waiting[q] = 100 + i
	}
	s := display.WithHall(display.State{Link: display.LinkLive, Heard: now}, h)
	s = display.ApplySnapshot(s, api.Snapshot{Waiting: waiting})
	id := int64(0)
	for _, d := range h.Departments {
		for k, w := range d.Windows {
			id++
			n := fmt.Sprintf("%s%03d", d.QueuePrefix, 100+k)
			s = display.Apply(s, api.CallEvent{ID: id, Kind: api.CallKindCalled, Window: w,
				Queue: d.QueuePrefix, Number: n, TicketID: "t" + n, Time: now})
		}
	}
	return s
}
