// Package screen draws the hall display with fyne: the newest call large
// and flashing, recent calls, each window's number, waiting counts per
// department, notices as a marquee, the date and clock, and the offline
// mark of G7. It only draws a display.State; deciding what the state is
// belongs to package display.
package screen

import (
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"hallkiosk/center/api"
	"hallkiosk/display"
)

// Palette: light text on deep blue reads well across a hall and does not
// glare; yellow marks numbers, red the offline banner.
var (
	colBack   = color.NRGBA{R: 0x08, G: 0x18, B: 0x30, A: 0xff}
	colPanel  = color.NRGBA{R: 0x10, G: 0x2a, B: 0x52, A: 0xff}
	colFlash  = color.NRGBA{R: 0xff, G: 0xd6, B: 0x00, A: 0xff}
	colText   = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	colDim    = color.NRGBA{R: 0xa8, G: 0xbc, B: 0xd8, A: 0xff}
	colNumber = color.NRGBA{R: 0xff, G: 0xd6, B: 0x00, A: 0xff}
	colAlert  = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
)

// FlashFor is how long a new call flashes.
const FlashFor = 6 * time.Second

// Options configure a Screen.
type Options struct {
	Portrait bool
	// Title is shown top left until the hall's name is known.
	Title string
	// Location is the hall's time zone for the clock and the time in the
	// offline banner; default api.HallLocation(). A box whose system zone
	// is UTC must still show the hall's time.
	Location *time.Location
}

// Screen is the display's fyne content. Its methods must run on the fyne
// UI goroutine (from a goroutine: fyne.Do).
type Screen struct {
	o    Options
	root *fyne.Container

	title              *canvas.Text
	clock, date        *canvas.Text
	banner             *fyne.Container
	bannerZH, bannerEN *canvas.Text
	callBack           *canvas.Rectangle
	// The newest call: one line each in landscape; in portrait each
	// language on two lines (call1 holds the second), which lets it be
	// larger on the narrow screen.
	callZH, callEN   *canvas.Text
	callZH1, callEN1 *canvas.Text
	windows          *fyne.Container // pager: heading, counter, windows
	lists            *fyne.Container // pager: recent calls, then waiting
	windowsP, listsP *pager
	marquee          *fyne.Container
	marqueeText      *canvas.Text
	marqueeOffset    float32

	st         display.State
	shown      bool
	flashUntil time.Time
	flashOn    bool
	// Lists longer than their panel turn a page every PageEvery; page
	// counts the turns since pageStart (the first Show, or the newest
	// call, which brings the recent calls back at once).
	pageStart time.Time
	page      int
}

// PageEvery is how long one page of a list stays on screen.
const PageEvery = 6 * time.Second

// New builds the screen, empty until the first Show.
func New(o Options) *Screen {
	if o.Title == "" {
		o.Title = "行政服务中心  叫号"
	}
	if o.Location == nil {
		o.Location = api.HallLocation()
	}
	s := &Screen{o: o}
	s.build()
	return s
}

// Object is the content to put in a window.
func (s *Screen) Object() fyne.CanvasObject { return s.root }

func text(t string, c color.Color, align fyne.TextAlign) *canvas.Text {
	x := canvas.NewText(t, c)
	x.Alignment = align
	return x
}

func panel(content fyne.CanvasObject) *fyne.Container {
	r := canvas.NewRectangle(colPanel)
	r.CornerRadius = 12
	return container.NewStack(r, inset(content, 16))
}

// inset keeps content d units inside its cell on every side.
func inset(content fyne.CanvasObject, d float32) *fyne.Container {
	return container.New(insetLayout(d), content)
}

type insetLayout float32

func (l insetLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	d := float32(l)
	for _, o := range objs {
		o.Move(fyne.NewPos(d, d))
		o.Resize(fyne.NewSize(size.Width-2*d, size.Height-2*d))
	}
}

func (l insetLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(2*float32(l), 2*float32(l))
}

// Heights of the newest call's panel: in landscape the Chinese line at
// up to 158 and the English at up to 105; in portrait two lines of each at
// up to about 150 and 100. What is left holds four rows of each list on a
// 1080p screen.
const (
	callLandscape = 360
	callPortrait  = 588
)

// Titles of the list panels.
const (
	titleWindows = "窗口  Windows"
	titleRecent  = "最近叫号  Recent"
	titleWaiting = "等候人数  Waiting"
)

func (s *Screen) build() {
	s.clock = text("", colText, fyne.TextAlignTrailing)
	s.date = text("", colDim, fyne.TextAlignTrailing)
	s.title = text(s.o.Title, colText, fyne.TextAlignLeading)

	s.bannerZH = text("", colText, fyne.TextAlignCenter)
	s.bannerEN = text("", colText, fyne.TextAlignCenter)

	s.callBack = canvas.NewRectangle(colPanel)
	s.callBack.CornerRadius = 16
	s.callZH = text("", colNumber, fyne.TextAlignCenter)
	s.callEN = text("", colText, fyne.TextAlignCenter)
	s.callZH1 = text("", colNumber, fyne.TextAlignCenter)
	s.callEN1 = text("", colText, fyne.TextAlignCenter)

	s.windowsP = &pager{columns: 2, gap: 8, titles: []string{titleWindows}, page: &s.page}
	s.windows = s.pagedPanel(s.windowsP)
	s.listsP = &pager{columns: 1, gap: 8, titles: []string{titleRecent, titleWaiting},
		onePage: []bool{true}, page: &s.page}
	s.lists = s.pagedPanel(s.listsP)

	s.marqueeText = text("", colText, fyne.TextAlignLeading)
	s.marquee = container.New(marqueeLayout{offset: &s.marqueeOffset}, s.marqueeText)
	s.marquee.Hide()

	if s.o.Portrait {
		s.root = s.portrait()
	} else {
		s.root = s.landscape()
	}
	s.banner.Hide()
	s.root = container.NewStack(canvas.NewRectangle(colBack), inset(s.root, 16))
}

// Header, banner, marquee and the newest call have fixed heights, a line
// (rowH) per line of text at least; the lists take the rest, and show a
// row fewer when the banner or the marquee is up.

// landscape: the header on one line, the newest call on one line per
// language, the windows and the other lists side by side.
func (s *Screen) landscape() *fyne.Container {
	header := cols(16, []float32{56, 31, 13}, fit(s.title, minLatin), fit(s.date, minLatin),
		fit(s.clock, minLatin))
	s.banner = container.NewStack(canvas.NewRectangle(colAlert),
		cols(16, []float32{47, 53}, fit(s.bannerZH, minLatin), fit(s.bannerEN, minLatin)))
	call := s.callPanel(rows(0, []float32{1.6, 1}, fit(s.callZH, 1.8*minLatin),
		fit(s.callEN, 1.2*minLatin)))
	s.callZH1.Hide()
	s.callEN1.Hide()
	lists := cols(12, []float32{1, 1}, s.windows, s.lists)
	return fixedRows(10, []float32{rowH, rowH, callLandscape, 0, rowH},
		header, s.banner, call, lists, s.marquee)
}

// portrait: the hall's name over the date and clock, the newest call on
// two lines per language, the windows above the other lists.
func (s *Screen) portrait() *fyne.Container {
	s.date.Alignment = fyne.TextAlignLeading
	header := rows(0, []float32{1, 1}, fit(s.title, minLatin),
		cols(16, []float32{70, 30}, fit(s.date, minLatin), fit(s.clock, minLatin)))
	s.banner = container.NewStack(canvas.NewRectangle(colAlert),
		rows(0, []float32{1, 1}, fit(s.bannerZH, minLatin), fit(s.bannerEN, minLatin)))
	call := s.callPanel(rows(0, []float32{1.5, 1.5, 1, 1}, fit(s.callZH, 1.8*minLatin),
		fit(s.callZH1, 1.8*minLatin), fit(s.callEN, 1.2*minLatin), fit(s.callEN1, 1.2*minLatin)))
	return fixedRows(12, []float32{2 * rowH, 2 * rowH, callPortrait, 0, 0, rowH},
		header, s.banner, call, s.windows, s.lists, s.marquee)
}

// callPanel is the newest call's panel, which flashes.
func (s *Screen) callPanel(lines fyne.CanvasObject) *fyne.Container {
	return container.NewStack(s.callBack, inset(lines, 16))
}

// pagedPanel is a list panel laid out by p.
func (s *Screen) pagedPanel(p *pager) *fyne.Container {
	p.heading = text(p.titles[0], colDim, fyne.TextAlignLeading)
	p.counter = text("", colDim, fyne.TextAlignTrailing)
	list := container.New(p, fit(p.heading, minLatin), fit(p.counter, minLatin))
	return panel(list)
}

// Show draws st. A change of st.Flash starts the flashing of a new call,
// except on the first Show (a restart does not flash an old call).
func (s *Screen) Show(st display.State, now time.Time) {
	if s.shown && st.Flash != s.st.Flash {
		s.flashUntil = now.Add(FlashFor)
		s.pageStart, s.page = now, 0
	}
	if !s.shown {
		s.pageStart = now
	}
	s.st, s.shown = st, true
	s.title.Text = s.o.Title
	if st.Center != "" {
		s.title.Text = st.Center
	}
	s.showCall(st)
	s.showWindows(st)
	s.showLists(st)
	s.showNotices(st, now)
	s.showLink(st)
	s.Tick(now)
	s.root.Refresh()
}

func (s *Screen) showCall(st display.State) {
	t := api.Text{ZH: "请留意叫号", EN: "Please wait to be called"}
	if c, ok := st.Newest(); ok {
		t = display.CallText(c)
	}
	s.callZH.Text, s.callEN.Text = t.ZH, t.EN
	if s.o.Portrait {
		s.callZH.Text, s.callZH1.Text = splitLine(t.ZH, " 到 ", " ")
		s.callEN.Text, s.callEN1.Text = splitLine(t.EN, ", ", ",")
	}
}

// splitLine cuts a line in two at sep, keeping keep at the end of the
// first part; without sep, at the space nearest the middle.
func splitLine(line, sep, keep string) (string, string) {
	if a, b, ok := strings.Cut(line, sep); ok {
		return strings.TrimSpace(a + keep), strings.TrimSpace(sep[len(keep):] + b)
	}
	cut := -1
	for i, r := range line {
		if r == ' ' && (cut < 0 || abs(i-len(line)/2) < abs(cut-len(line)/2)) {
			cut = i
		}
	}
	if cut < 0 {
		return line, ""
	}
	return line[:cut], line[cut+1:]
}

func abs(n int) int { return max(n, -n) }

// showLists fills the lists panel: the recent calls (all but the newest,
// drawn large; one page of them), then the waiting counts.
func (s *Screen) showLists(st display.State) {
	items, groups := s.recentItems(st), []int(nil)
	for range items {
		groups = append(groups, 0)
	}
	waiting, lines := s.waitingItems(st)
	for range waiting {
		groups = append(groups, 1)
	}
	s.listsP.group = groups
	s.listsP.lines = func(i int, width float32) int {
		if i < len(items) {
			return 1
		}
		return lines(i-len(items), width)
	}
	s.setItems(s.lists, append(items, waiting...))
}

// setItems replaces the items of a pager's panel, after its heading and
// counter.
func (s *Screen) setItems(panel *fyne.Container, items []fyne.CanvasObject) {
	list := pagerOf(panel)
	list.Objects = append(list.Objects[:2:2], items...)
}

// pagerOf is the pager's container inside a panel (a stack of the
// background and the inset list).
func pagerOf(panel *fyne.Container) *fyne.Container {
	return panel.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container)
}

func (s *Screen) recentItems(st display.State) []fyne.CanvasObject {
	var cells []fyne.CanvasObject
	for i, c := range st.Recent {
		if i == 0 {
			continue
		}
		line := fmt.Sprintf("%s → %d号窗口", c.Number, c.Window)
		col := color.Color(colText)
		if c.Missed {
			line, col = line+" 过号", colDim
		}
		cells = append(cells, fitRef(text(line, col, fyne.TextAlignLeading), minLatin,
			"A000 → 00号窗口 过号"))
	}
	if len(cells) == 0 {
		cells = append(cells, fit(text("—", colDim, fyne.TextAlignLeading), minLatin))
	}
	return cells
}

// showWindows lists the windows serving a number now, in window order;
// an idle window has nothing to show and would only push the others to a
// later page.
func (s *Screen) showWindows(st display.State) {
	var cells []fyne.CanvasObject
	for _, w := range allWindows(st) {
		if w.Number == "" {
			continue
		}
		cells = append(cells, cols(16, []float32{45, 55},
			fitRef(text(fmt.Sprintf("%d号", w.Window), colDim, fyne.TextAlignTrailing), minLatin,
				"00号"),
			fitRef(text(w.Number, colNumber, fyne.TextAlignLeading), minLatin, "A000")))
	}
	if len(cells) == 0 {
		cells = append(cells, fit(text("—", colDim, fyne.TextAlignLeading), minLatin))
	}
	s.setItems(s.windows, cells)
}

// allWindows is every window of the hall (from the departments) with its
// number, plus any window the stream named that the hall did not list.
func allWindows(st display.State) []display.WindowRow {
	rows := slices.Clone(st.Windows)
	for _, d := range st.Departments {
		for _, w := range d.Windows {
			if !slices.ContainsFunc(rows, func(r display.WindowRow) bool { return r.Window == w }) {
				rows = append(rows, display.WindowRow{Window: w})
			}
		}
	}
	slices.SortFunc(rows, func(a, b display.WindowRow) int { return a.Window - b.Window })
	return rows
}

// countW is the width of a waiting count ("123 人") at the least size.
func countW() float32 { return fyne.MeasureText("000 人", minLatin, fyne.TextStyle{}).Width }

// waitingItems are the waiting counts per department, the count first (the
// queue letter is on the citizen's ticket), then the department's name,
// on two lines when it is too long for one; and how many lines item i
// takes in a cell width wide.
func (s *Screen) waitingItems(st display.State) ([]fyne.CanvasObject, func(int, float32) int) {
	deps := st.Departments
	if len(deps) == 0 {
		for q := range st.Waiting {
			deps = append(deps, display.Department{Queue: q, Name: q})
		}
		slices.SortFunc(deps, func(a, b display.Department) int {
			return strings.Compare(a.Queue, b.Queue)
		})
	}
	names := shortNames(deps)
	cw := countW() + 8
	var cells []fyne.CanvasObject
	for i, d := range deps {
		count := fmt.Sprintf("%d 人", st.Waiting[d.Queue])
		cells = append(cells, container.New(countLayout{w: cw},
			fitRef(text(count, colNumber, fyne.TextAlignTrailing), minLatin, "000 人"),
			wrapped(names[i], colText, fyne.TextAlignLeading, minHan)))
	}
	lines := func(i int, width float32) int {
		return len(wrapName(names[i], width-cw-16, minHan))
	}
	if len(cells) == 0 {
		cells = append(cells, fit(text("—", colDim, fyne.TextAlignLeading), minLatin))
		lines = func(int, float32) int { return 1 }
	}
	return cells, lines
}

// countLayout puts the count in a column w wide at the left, its line
// centred on the name's first line, and the name in the rest.
type countLayout struct{ w float32 }

func (l countLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if size.Width <= l.w+16 {
		return // not placed yet
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(l.w, min(size.Height, rowH)))
	objs[1].Move(fyne.NewPos(l.w+16, 0))
	objs[1].Resize(fyne.NewSize(size.Width-l.w-16, size.Height))
}

func (l countLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

// shortNames drops the prefix every department's name shares (the
// district's name: the hall is the district's), keeping at least two
// characters of each.
func shortNames(deps []display.Department) []string {
	names := make([]string, len(deps))
	for i, d := range deps {
		names[i] = d.Name
	}
	if len(names) < 2 {
		return names
	}
	prefix := []rune(names[0])
	for _, n := range names[1:] {
		r := []rune(n)
		k := 0
		for k < len(prefix) && k < len(r) && prefix[k] == r[k] {
			k++
		}
		prefix = prefix[:k]
	}
	for i, n := range names {
		if r := []rune(n); len(r)-len(prefix) >= 2 {
			names[i] = string(r[len(prefix):])
		}
	}
	return names
}

func (s *Screen) showNotices(st display.State, now time.Time) {
	var parts []string
	for _, n := range st.ActiveNotices(now) {
		parts = append(parts, strings.TrimSpace(n.Text.ZH+"  "+n.Text.EN))
	}
	joined := strings.Join(parts, "    ◆    ")
	if joined != s.marqueeText.Text {
		s.marqueeText.Text = joined
		s.marqueeOffset = -1
	}
	s.marquee.Hidden = joined == ""
}

// showLink draws the G7 mark: nothing when live, a red banner otherwise,
// with the time the center was last heard from: the calls shown are as of
// then.
func (s *Screen) showLink(st display.State) {
	last := "—"
	if !st.Heard.IsZero() {
		last = st.Heard.In(s.o.Location).Format("15:04")
	}
	switch st.Link {
	case display.LinkLive:
		s.banner.Hide()
		return
	case display.LinkCached:
		s.bannerZH.Text = "正在连接：截至 " + last
		s.bannerEN.Text = "Connecting: as of " + last
	default:
		s.bannerZH.Text = "离线：信息截至 " + last
		s.bannerEN.Text = "Offline: as of " + last
	}
	s.banner.Show()
}

var weekdays = []string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// Tick updates the clock, the flash and the pages of the lists; call it a
// few times a second. The clock shows minutes and the date no year: what
// is left can be large enough to read across the hall.
func (s *Screen) Tick(now time.Time) {
	if page := int(now.Sub(s.pageStart) / PageEvery); s.shown && page != s.page {
		s.page = page
		s.windows.Refresh()
		s.lists.Refresh()
	}
	now = now.In(s.o.Location)
	s.clock.Text = now.Format("15:04")
	s.date.Text = fmt.Sprintf("%d月%d日 %s", now.Month(), now.Day(), weekdays[now.Weekday()])
	s.clock.Refresh()
	s.date.Refresh()

	flashing := now.Before(s.flashUntil)
	on := flashing && now.Sub(s.flashUntil.Add(-FlashFor))/(500*time.Millisecond)%2 == 0
	if on != s.flashOn {
		s.flashOn = on
		// Flashing inverts the panel: dark text on yellow, the strongest
		// contrast the palette has, visible from the back of the hall.
		s.callBack.FillColor, s.callZH.Color, s.callEN.Color = colPanel, colNumber, colText
		if on {
			s.callBack.FillColor, s.callZH.Color, s.callEN.Color = colFlash, colBack, colBack
		}
		s.callZH1.Color, s.callEN1.Color = s.callZH.Color, s.callEN.Color
		for _, o := range []fyne.CanvasObject{s.callBack, s.callZH, s.callEN, s.callZH1,
			s.callEN1} {
			o.Refresh()
		}
	}
}

// Scroll moves the marquee left by dx; call it each animation frame.
func (s *Screen) Scroll(dx float32) {
	if s.marquee.Hidden {
		return
	}
	s.marqueeOffset += dx
	w := fyne.MeasureText(s.marqueeText.Text, s.marqueeText.TextSize, s.marqueeText.TextStyle).Width
	if s.marqueeOffset > s.marquee.Size().Width+w {
		s.marqueeOffset = 0
	}
	s.marquee.Layout.Layout(s.marquee.Objects, s.marquee.Size())
	s.marqueeText.Refresh()
}
