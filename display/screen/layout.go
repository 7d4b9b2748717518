package screen

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

// Readable from 10 metres. The rule used: a character's height (the
// capital height of Latin letters and digits, the full height of a
// Chinese character) is at least the viewing distance / 250, so 40 mm at
// 10 m. A typical 55-inch 16:9 panel at 1920×1080 is 685 mm tall, 0.634 mm
// a pixel, so 40 mm is 63 px of ink. The faces drawn: digits and Latin
// capitals from fyne's Noto Sans, whose ink is 0.72 of the text size, and
// Chinese from the CJK font (Droid Sans Fallback), 0.86 (TestReadableAt10m
// measures both). Hence the least text sizes below; every text of the
// screen is at least as large (the same test checks it on both layouts).
const (
	// minLatin is the least size of a text with digits or Latin letters:
	// 0.72 × 88 = 63 px.
	minLatin = 88
	// minHan is the least size of a text of Chinese characters only:
	// 0.86 × 74 = 63.6 px.
	minHan = 74
	// lineEm is the height of a line of text in text sizes. The font's own
	// line box (1.31) keeps room for accents and descenders that neither
	// numbers nor Chinese use; at 1.12 their ink still stays in the line,
	// and four list rows fit where three did.
	lineEm = 1.12
)

// rowH is the height of one list line at the least size.
const rowH = lineEm * minLatin

// fitLayout sizes the one canvas.Text it holds to the largest text size,
// up to max, at which the text fits the cell: a number on a hall screen
// should be as large as its place allows, and never cut off, whatever the
// orientation or the length of a department's name.
//
// When ref is set, the size is at most the one at which ref would fit, so
// that cells of a list share one text size unless an entry is too long.
type fitLayout struct {
	max float32
	ref string
}

func (l fitLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		t, ok := o.(*canvas.Text)
		if !ok {
			o.Resize(size)
			continue
		}
		t.TextSize = fitSize(t.Text, t.TextStyle, size, l.max)
		if l.ref != "" {
			// Never larger than its neighbours, but smaller when it must be.
			t.TextSize = min(t.TextSize, fitSize(l.ref, t.TextStyle, size, l.max))
		}
		// The text's own box is taller than the line (lineEm): centred, its
		// ink sits inside the cell and only empty space spills over.
		h := fyne.MeasureText(t.Text, t.TextSize, t.TextStyle).Height
		t.Resize(fyne.NewSize(size.Width, h))
		t.Move(fyne.NewPos(0, (size.Height-h)/2))
	}
}

func (l fitLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

// fitSize is the text size at which text fills at most box, a line being
// lineEm sizes tall; text widths scale nearly linearly, so a measurement at
// size 100 gives the size, and one at that size corrects it.
func fitSize(text string, style fyne.TextStyle, box fyne.Size, max float32) float32 {
	s := min(max, box.Height/lineEm)
	if text == "" || box.Width <= 0 || box.Height <= 0 {
		return max32(s, 1) // nothing to fit, or a cell not placed yet
	}
	m := fyne.MeasureText(text, 100, style)
	if m.Width <= 0 {
		return max32(s, 1)
	}
	linear := 100 * box.Width / m.Width
	if s < 0.98*linear {
		return max32(s, 1) // width is not what limits it
	}
	s = min(s, linear)
	// Sizes are rounded when text is measured and drawn, so the scaled
	// width can be a few pixels off: measure again and shrink, by at least
	// a quarter pixel a step, until it fits.
	for range 8 {
		w := fyne.MeasureText(text, s, style).Width
		if w <= box.Width || w == 0 {
			break
		}
		s = min(s*box.Width/w, s-0.25)
	}
	return max32(s, 1)
}

func max32(a, b float32) float32 {
	if a > b {
		return a
	}
	return b
}

// fit wraps a text in a fitLayout cell.
func fit(t *canvas.Text, max float32) *fyne.Container {
	return container.New(fitLayout{max: max}, t)
}

// fitRef wraps a text in a cell sized as if it held ref.
func fitRef(t *canvas.Text, max float32, ref string) *fyne.Container {
	return container.New(fitLayout{max: max, ref: ref}, t)
}

// wrapLayout draws a name on one line when it fits at size at least min,
// else on two, split in the middle: a long department name stays readable
// instead of shrinking. It holds two canvas.Texts and the name.
type wrapLayout struct {
	name string
	min  float32
}

func (l wrapLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	one, two := objs[0].(*canvas.Text), objs[1].(*canvas.Text)
	if size.Width <= 0 || size.Height <= 0 {
		return // not placed yet (a list item off its page)
	}
	lines := wrapName(l.name, size.Width, l.min)
	one.Text, two.Text = lines[0], ""
	if len(lines) == 2 {
		two.Text = lines[1]
	}
	h := size.Height / float32(len(lines))
	for i, t := range []*canvas.Text{one, two} {
		cell := fyne.NewSize(size.Width, h)
		t.TextSize = fitSize(t.Text, t.TextStyle, cell, l.min)
		m := fyne.MeasureText(t.Text, t.TextSize, t.TextStyle)
		t.Resize(fyne.NewSize(size.Width, m.Height))
		t.Move(fyne.NewPos(0, float32(i)*h+(h-m.Height)/2))
	}
	two.Hidden = len(lines) == 1
}

func (l wrapLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

// wrapName splits name in two (at the middle character) when it is wider
// than width at size min.
func wrapName(name string, width, min float32) []string {
	if fyne.MeasureText(name, min, fyne.TextStyle{}).Width <= width {
		return []string{name}
	}
	r := []rune(name)
	return []string{string(r[:(len(r)+1)/2]), string(r[(len(r)+1)/2:])}
}

// wrapped is a cell holding a name that may take two lines.
func wrapped(name string, c color.Color, align fyne.TextAlign, min float32) *fyne.Container {
	return container.New(wrapLayout{name: name, min: min}, text("", c, align), text("", c, align))
}

// splitLayout lays visible objects out along one axis: those with a fixed
// length get it, the others share the rest in proportion to their weights,
// with gap between them. Hidden objects take no room, so the offline
// banner appears and disappears without a relayout by hand.
type splitLayout struct {
	vertical bool
	weights  []float32
	fixed    []float32 // a length > 0 is the object's own
	gap      float32
}

func (l splitLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	length := size.Width
	if l.vertical {
		length = size.Height
	}
	var total float32
	n := 0
	free := length
	for i, o := range objs {
		if !o.Visible() {
			continue
		}
		n++
		if f := l.fixedOf(i); f > 0 {
			free -= f
		} else {
			total += l.weight(i)
		}
	}
	if n == 0 {
		return
	}
	free -= l.gap * float32(n-1)
	var at float32
	for i, o := range objs {
		if !o.Visible() {
			continue
		}
		part := l.fixedOf(i)
		if part <= 0 {
			part = max32(free, 0) * l.weight(i) / total
		}
		if l.vertical {
			o.Move(fyne.NewPos(0, at))
			o.Resize(fyne.NewSize(size.Width, part))
		} else {
			o.Move(fyne.NewPos(at, 0))
			o.Resize(fyne.NewSize(part, size.Height))
		}
		at += part + l.gap
	}
}

func (l splitLayout) fixedOf(i int) float32 {
	if i < len(l.fixed) {
		return l.fixed[i]
	}
	return 0
}

func (l splitLayout) weight(i int) float32 {
	if i < len(l.weights) {
		return l.weights[i]
	}
	return 1
}

func (l splitLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

// fixedRows stacks objs: those with a length in fixed (> 0) get it, the
// others share what is left equally.
func fixedRows(gap float32, fixed []float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(splitLayout{vertical: true, fixed: fixed, gap: gap}, objs...)
}

func rows(gap float32, weights []float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(splitLayout{vertical: true, weights: weights, gap: gap}, objs...)
}

func cols(gap float32, weights []float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(splitLayout{weights: weights, gap: gap}, objs...)
}

// pager lays out a list panel: the heading on the first line, with the
// page ("1/3") at its right when there is more than one, and below it as
// many items as fit at the readable size (rowH a line), row by row in
// columns; the rest wait for their page. Items belong to groups (recent
// calls, waiting counts) that never share a page; each group has its own
// heading. A list too long for the screen is thus shown whole, a page at a
// time, instead of in letters too small to read.
type pager struct {
	columns int
	gap     float32
	titles  []string // heading of each group
	group   []int    // group of each item
	// onePage marks groups of which only the first page is shown (the
	// latest of the recent calls; older ones are on the windows panel).
	onePage []bool
	// lines, when set, says how many lines item i needs in a cell width
	// wide (a department name may wrap).
	lines func(i int, width float32) int
	// page counts turns since the rotation began; the panel shows it modulo
	// its number of pages.
	page    *int
	heading *canvas.Text
	counter *canvas.Text
	pages   int // set by Layout
}

// Layout takes the heading cell, the counter cell and the items.
func (p *pager) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) < 2 {
		return
	}
	items := objs[2:]
	top := rowH + p.gap
	colW := (size.Width - p.gap*float32(p.columns-1)) / float32(p.columns)
	pages := p.paginate(len(items), colW, size.Height-top)
	p.pages = len(pages)
	at := 0
	if p.page != nil && len(pages) > 0 {
		at = ((*p.page)%len(pages) + len(pages)) % len(pages)
	}
	p.counter.Text = ""
	if len(pages) > 1 {
		p.counter.Text = fmt.Sprintf("%d/%d", at+1, len(pages))
	}
	if len(pages) > 0 && p.groupOf(pages[at][0][0]) < len(p.titles) {
		p.heading.Text = p.titles[p.groupOf(pages[at][0][0])]
	}

	counterW := min(size.Width/4, fyne.MeasureText("0/00", minLatin, fyne.TextStyle{}).Width)
	place(objs[0], fyne.NewPos(0, 0), fyne.NewSize(size.Width-counterW, rowH))
	place(objs[1], fyne.NewPos(size.Width-counterW, 0), fyne.NewSize(counterW, rowH))
	for _, o := range items {
		o.Hide()
	}
	if len(pages) == 0 {
		return
	}
	y := top
	for _, row := range pages[at] {
		h := float32(0)
		for c, i := range row {
			lh := rowH * float32(p.linesOf(i, colW))
			h = max(h, lh)
			items[i].Show()
			place(items[i], fyne.NewPos(float32(c)*(colW+p.gap), y), fyne.NewSize(colW, lh))
		}
		y += h
	}
}

// place moves and sizes o and lays it out again even when its size is
// unchanged (its text may have changed).
func place(o fyne.CanvasObject, at fyne.Position, size fyne.Size) {
	o.Move(at)
	o.Resize(size)
	if c, ok := o.(*fyne.Container); ok && c.Layout != nil {
		c.Layout.Layout(c.Objects, size)
	}
}

// paginate splits items into pages of rows of item indexes.
func (p *pager) paginate(n int, colW, height float32) [][][]int {
	var pages [][][]int
	var page [][]int
	used := float32(0)
	started := map[int]int{} // group → pages begun
	for i := 0; i < n; {
		var row []int
		g := p.groupOf(i)
		for len(row) < p.columns && i < n && p.groupOf(i) == g {
			row = append(row, i)
			i++
		}
		h := float32(0)
		for _, j := range row {
			h = max(h, rowH*float32(p.linesOf(j, colW)))
		}
		newGroup := len(page) > 0 && p.groupOf(page[0][0]) != g
		if len(page) > 0 && (used+h > height || newGroup) {
			pages, page, used = append(pages, page), nil, 0
		}
		if len(page) == 0 {
			started[g]++
		}
		if started[g] > 1 && g < len(p.onePage) && p.onePage[g] {
			continue // past the group's one page: not shown
		}
		page, used = append(page, row), used+h
	}
	if len(page) > 0 {
		pages = append(pages, page)
	}
	return pages
}

func (p *pager) linesOf(i int, width float32) int {
	if p.lines == nil {
		return 1
	}
	return max(p.lines(i, width), 1)
}

func (p *pager) groupOf(i int) int {
	if i < len(p.group) {
		return p.group[i]
	}
	return 0
}

func (p *pager) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

// marqueeLayout scrolls its one text leftwards: the text's left edge sits
// at width - offset. A negative offset means "start at the left edge"
// (offset = width, once the width is known) so a new notice is readable at
// once; after it has left, it re-enters from the right.
type marqueeLayout struct {
	offset *float32
}

func (l marqueeLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if *l.offset < 0 && size.Width > 0 {
		*l.offset = size.Width
	}
	for _, o := range objs {
		t := o.(*canvas.Text)
		t.TextSize = size.Height / lineEm
		m := fyne.MeasureText(t.Text, t.TextSize, t.TextStyle)
		t.Resize(m)
		t.Move(fyne.NewPos(size.Width-*l.offset, (size.Height-m.Height)/2))
	}
}

func (l marqueeLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }
