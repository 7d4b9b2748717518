package screen

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

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
		h := fyne.MeasureText(t.Text, t.TextSize, t.TextStyle).Height
		t.Resize(fyne.NewSize(size.Width, h))
		t.Move(fyne.NewPos(0, (size.Height-h)/2))
	}
}

func (l fitLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

// fitSize is the text size at which text fills at most box; text sizes scale
// linearly, so one measurement at size 100 is enough.
func fitSize(text string, style fyne.TextStyle, box fyne.Size, max float32) float32 {
	if text == "" {
		return max
	}
	m := fyne.MeasureText(text, 100, style)
	s := max
	if m.Width > 0 {
		s = min(s, 100*box.Width/m.Width)
	}
	if m.Height > 0 {
		s = min(s, 100*box.Height/m.Height)
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

// splitLayout lays visible objects out along one axis in proportion to
// their weights, with gap between them. Hidden objects take no room, so
// the offline banner appears and disappears without a relayout by hand.
type splitLayout struct {
	vertical bool
	weights  []float32
	gap      float32
}

func (l splitLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var total float32
	n := 0
	for i, o := range objs {
		if o.Visible() {
			total += l.weight(i)
			n++
		}
	}
	if n == 0 {
		return
	}
	length := size.Width
	if l.vertical {
		length = size.Height
	}
	free := length - l.gap*float32(n-1)
	var at float32
	for i, o := range objs {
		if !o.Visible() {
			continue
		}
		part := free * l.weight(i) / total
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

func (l splitLayout) weight(i int) float32 {
	if i < len(l.weights) {
		return l.weights[i]
	}
	return 1
}

func (l splitLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

func rows(gap float32, weights []float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(splitLayout{vertical: true, weights: weights, gap: gap}, objs...)
}

func cols(gap float32, weights []float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(splitLayout{weights: weights, gap: gap}, objs...)
}

// gridLayout places cells in columns, filling rows top to bottom; every
// cell gets the same size, as many rows as needed but at least minRows so
// a short list does not blow up to giant cells.
type gridLayout struct {
	columns, minRows int
	gap              float32
}

func (l gridLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	rowsN := max((len(objs)+l.columns-1)/l.columns, l.minRows, 1)
	w := (size.Width - l.gap*float32(l.columns-1)) / float32(l.columns)
	h := (size.Height - l.gap*float32(rowsN-1)) / float32(rowsN)
	for i, o := range objs {
		r, c := i/l.columns, i%l.columns
		o.Move(fyne.NewPos(float32(c)*(w+l.gap), float32(r)*(h+l.gap)))
		o.Resize(fyne.NewSize(w, h))
	}
}

func (l gridLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

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
		t.TextSize = size.Height * 0.6
		m := fyne.MeasureText(t.Text, t.TextSize, t.TextStyle)
		t.Resize(m)
		t.Move(fyne.NewPos(size.Width-*l.offset, (size.Height-m.Height)/2))
	}
}

func (l marqueeLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }
