package screen

import (
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"hallkiosk/center/api"
	"hallkiosk/display"
	"hallkiosk/internal/fynetheme"
	"hallkiosk/platform"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/screen")

// now is a Thursday morning in the hall's zone; the tests pin the zone so
// the clock in the goldens does not depend on the machine.
var now = time.Date(2026, 12, 3, 1, 41, 7, 0, time.UTC) // 09:41:07 in CST

func TestMain(m *testing.M) {
	flag.Parse()
	time.Local = time.FixedZone("CST", 8*3600)
	os.Exit(m.Run())
}

func newScreen(t testing.TB, portrait bool) (*Screen, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	font, err := platform.FindCJKFont("")
	if err != nil {
		t.Skipf("no CJK font on this machine: %v", err)
	}
	th, err := fynetheme.Load(font, fynetheme.Options{Scale: 1})
	if err != nil {
		t.Fatal(err)
	}
	a.Settings().SetTheme(th)
	s := New(Options{Portrait: portrait})
	w := test.NewTempWindow(t, s.Object())
	w.SetPadded(false)
	if portrait {
		w.Resize(fyne.NewSize(1080, 1920))
	} else {
		w.Resize(fyne.NewSize(1920, 1080))
	}
	return s, w
}

// hall is the sample hall's departments and windows (data/hall.sample.json).
var hall = api.Hall{Center: "松江区行政服务中心", Departments: []api.Department{
	{Name: "区市场监管局", QueuePrefix: "A", Windows: []int{1, 2, 3, 4}},
	{Name: "区人社局", QueuePrefix: "B", Windows: []int{5, 6, 7}},
	{Name: "区医保局", QueuePrefix: "C", Windows: []int{8, 9}},
	{Name: "区税务局", QueuePrefix: "D", Windows: []int{10, 11, 12}},
	{Name: "区规划资源局", QueuePrefix: "E", Windows: []int{13, 14}},
	{Name: "区民政局", QueuePrefix: "F", Windows: []int{15}},
	{Name: "区卫健委", QueuePrefix: "G", Windows: []int{16}},
	{Name: "区建管委", QueuePrefix: "H", Windows: []int{17}},
	{Name: "区残联", QueuePrefix: "J", Windows: []int{18}},
	{Name: "区交通委", QueuePrefix: "K", Windows: []int{19}},
	{Name: "区教育局", QueuePrefix: "L", Windows: []int{20}},
	{Name: "区生态环境局", QueuePrefix: "M", Windows: []int{21}},
	{Name: "公安松江分局", QueuePrefix: "P", Windows: []int{22, 23, 24}},
	{Name: "区公积金管理中心", QueuePrefix: "Q", Windows: []int{25, 26}},
	{Name: "区婚姻登记管理所", QueuePrefix: "R", Windows: []int{27}},
}}

// busy is a mid-morning state: calls on several windows, one missed.
func busy() display.State {
	s := display.WithHall(display.State{Link: display.LinkLive, Heard: now}, hall)
	s = display.ApplySnapshot(s, api.Snapshot{
		Waiting: map[string]int{"A": 12, "B": 4, "C": 0, "D": 7, "E": 2, "P": 15, "Q": 3, "R": 1},
	})
	calls := []struct {
		window int
		number string
	}{{1, "A008"}, {5, "B011"}, {10, "D020"}, {2, "A009"}, {22, "P031"}, {3, "A010"},
		{8, "C004"}, {6, "B012"}, {1, "A011"}, {5, "A012"}}
	for i, c := range calls {
		s = display.Apply(s, api.CallEvent{ID: int64(i + 1), Kind: api.CallKindCalled,
			Window: c.window, Queue: c.number[:1], Number: c.number, TicketID: "t" + c.number,
			Time: now.Add(time.Duration(i-10) * time.Minute)})
	}
	s = display.Apply(s, api.CallEvent{ID: 11, Kind: api.CallKindMissed, Window: 8, TicketID: "tC004"})
	return s
}

func notices(texts ...string) []api.Notice {
	var ns []api.Notice
	for i, t := range texts {
		ns = append(ns, api.Notice{ID: int64(i + 1), Text: api.Text{ZH: t}})
	}
	return ns
}

func TestScreenGoldens(t *testing.T) {
	offline := busy()
	offline.Link, offline.Heard = display.LinkOffline, now.Add(-3*time.Minute)
	cached := busy()
	cached.Link = display.LinkCached
	long := busy()
	long.Notices = notices("因系统升级，本周六（12月5日）上午 9:00 至 12:00 暂停办理不动产登记业务，"+
		"请合理安排时间。Real-estate registration is closed on Saturday 5 December, 9:00 to 12:00, "+
		"for a system upgrade.", "午间 11:30–13:00 部分窗口轮休")
	tests := []struct {
		name     string
		portrait bool
		state    display.State
	}{
		{"calls", false, busy()},
		{"calls-portrait", true, busy()},
		{"offline", false, offline},
		{"cached", false, cached},
		{"empty", false, display.State{Link: display.LinkLive, Heard: now}},
		{"long-notice", false, long},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, w := newScreen(t, tt.portrait)
			s.Show(tt.state, now)
			golden(t, "screen/"+tt.name+".xml", w.Canvas())
		})
	}
}

// Image goldens catch what markup cannot: overlapping or cut-off text.
func TestScreenImages(t *testing.T) {
	for _, portrait := range []bool{false, true} {
		name := "screen/calls-landscape.png"
		if portrait {
			name = "screen/calls-portrait.png"
		}
		s, w := newScreen(t, portrait)
		s.Show(busy(), now)
		goldenImage(t, name, w.Canvas())
	}
}

func TestOfflineBannerComesAndGoes(t *testing.T) {
	s, _ := newScreen(t, false)
	st := busy()
	s.Show(st, now)
	if s.banner.Visible() {
		t.Fatal("banner shown while live")
	}
	st.Link = display.LinkOffline
	s.Show(st, now)
	if !s.banner.Visible() || !strings.Contains(s.bannerZH.Text, "离线") ||
		!strings.Contains(s.bannerEN.Text, "Offline") {
		t.Fatalf("offline not marked: %q %q", s.bannerZH.Text, s.bannerEN.Text)
	}
	st.Link = display.LinkLive
	s.Show(st, now)
	if s.banner.Visible() {
		t.Fatal("banner still shown after the link came back")
	}
}

func TestNewCallFlashesThenStops(t *testing.T) {
	s, _ := newScreen(t, false)
	st := busy()
	s.Show(st, now)
	if s.flashOn {
		t.Fatal("first state flashed (a restart must not flash an old call)")
	}
	st = display.Apply(st, api.CallEvent{ID: 20, Kind: api.CallKindCalled, Window: 3,
		Queue: "A", Number: "A013", TicketID: "tA013"})
	s.Show(st, now)
	if !s.flashOn || s.callBack.FillColor != colFlash {
		t.Fatal("new call does not flash")
	}
	s.Tick(now.Add(600 * time.Millisecond))
	if s.flashOn {
		t.Fatal("flash does not blink")
	}
	s.Tick(now.Add(FlashFor + time.Second))
	if s.flashOn || s.callBack.FillColor != colPanel {
		t.Fatal("still flashing after FlashFor")
	}
}

// The clock and the offline banner's "last update" are hall times even on a
// box whose system zone is UTC (G7: the time of the stale state must be
// read right by the people in the hall).
func TestClockInHallZone(t *testing.T) {
	s, _ := newScreen(t, false)
	defer func(l *time.Location) { time.Local = l }(time.Local)
	time.Local = time.UTC
	st := busy()
	st.Link, st.Heard = display.LinkOffline, now.Add(-3*time.Minute)
	s.Show(st, now)
	if s.clock.Text != "09:41" || s.date.Text != "12月3日 周四" {
		t.Fatalf("clock %q %q, want the hall's 09:41 on Thursday", s.clock.Text, s.date.Text)
	}
	if !strings.Contains(s.bannerZH.Text, "09:38") || !strings.Contains(s.bannerEN.Text, "09:38") {
		t.Fatalf("banner %q %q, want the hall's 09:38", s.bannerZH.Text, s.bannerEN.Text)
	}
}

func TestMarqueeScrollsAndWraps(t *testing.T) {
	s, _ := newScreen(t, false)
	st := busy()
	st.Notices = notices("通知 Notice")
	s.Show(st, now)
	x0 := s.marqueeText.Position().X
	s.Scroll(100)
	if x1 := s.marqueeText.Position().X; x1 != x0-100 {
		t.Fatalf("x %v → %v, want -100", x0, x1)
	}
	s.Scroll(5000)
	if x := s.marqueeText.Position().X; x != s.marquee.Size().Width {
		t.Fatalf("after leaving, x = %v, want re-entry at %v", x, s.marquee.Size().Width)
	}
}

func golden(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	if *update {
		write(t, name, []byte(test.RenderToMarkup(c)))
		return
	}
	test.AssertRendersToMarkup(t, name, c)
}

func goldenImage(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	img := c.Capture()
	if *update {
		path := filepath.Join("testdata", name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		return
	}
	test.AssertImageMatches(t, name, img)
}

func write(t *testing.T, name string, data []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
