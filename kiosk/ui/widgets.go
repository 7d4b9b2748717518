package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Tile is a large touch target: a coloured block with a title and an
// optional second line. fyne's Button sizes its text with the theme's body
// size; a kiosk action must read from a metre away, so the tile draws its
// own text.
type Tile struct {
	widget.BaseWidget
	Title, Sub string
	OnTapped   func()
	Disabled   bool
	Accent     bool
	Scale      float32 // title size relative to the theme's text size
	MinH       float32 // minimum height in theme text sizes
}

var (
	_ fyne.Tappable      = (*Tile)(nil)
	_ desktop.Cursorable = (*Tile)(nil)
)

// NewTile returns a tile.
func NewTile(title, sub string, tap func()) *Tile {
	t := &Tile{Title: title, Sub: sub, OnTapped: tap, Scale: 1.6, MinH: 3.5}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped implements fyne.Tappable.
func (t *Tile) Tapped(*fyne.PointEvent) {
	if !t.Disabled && t.OnTapped != nil {
		t.OnTapped()
	}
}

// Cursor hides the pointer over the kiosk's targets: the screen is touch
// only and a cursor would only confuse.
//
// BUG(hallkiosk): fyne hides it per object, so over the gaps between tiles
// the system pointer shows; the device runs X with -nocursor.
func (t *Tile) Cursor() desktop.Cursor { return desktop.HiddenCursor }

// CreateRenderer implements fyne.Widget.
func (t *Tile) CreateRenderer() fyne.WidgetRenderer {
	th := t.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	size := th.Size(theme.SizeNameText)
	bg := th.Color(theme.ColorNameButton, v)
	fg := th.Color(theme.ColorNameForeground, v)
	switch {
	case t.Disabled:
		// Greyed, yet readable: the citizen must still see what is paused
		// (fyne's "disabled" grey on a button or on the accent is about
		// 1.5:1, unreadable on the printer-fault screens).
		bg = th.Color(theme.ColorNameDisabledButton, v)
		fg = th.Color(theme.ColorNamePlaceHolder, v)
	case t.Accent:
		bg = th.Color(theme.ColorNamePrimary, v)
		fg = readableOn(bg)
	}
	rect := canvas.NewRectangle(bg)
	rect.CornerRadius = size / 2
	rect.SetMinSize(fyne.NewSize(size*4, size*t.MinH))
	title := canvas.NewText(t.Title, fg)
	title.TextSize = size * t.Scale
	title.Alignment = fyne.TextAlignCenter
	rows := []fyne.CanvasObject{layout.NewSpacer(), title}
	if t.Sub != "" {
		sub := canvas.NewText(t.Sub, fg)
		sub.TextSize = size * 0.9
		sub.Alignment = fyne.TextAlignCenter
		rows = append(rows, sub)
	}
	rows = append(rows, layout.NewSpacer())
	// Padded, so a title never touches the tile's edge ("Large text").
	body := container.NewPadded(container.NewVBox(rows...))
	return widget.NewSimpleRenderer(container.NewStack(rect, body))
}

// readableOn picks black or white text for a background by its luminance:
// the high-contrast theme's yellow accent needs black text, the normal
// blue needs white.
func readableOn(bg color.Color) color.Color {
	r, g, b, _ := bg.RGBA()
	lum := (299*r + 587*g + 114*b) / 1000
	if lum > 0x8000 {
		return color.Black
	}
	return color.White
}

// Hold is a corner that reports presses and releases, for the technician's
// press-and-hold entry. Touch arrives as mouse events in fyne.
type Hold struct {
	widget.BaseWidget
	Content  fyne.CanvasObject
	Down, Up func()
}

var _ desktop.Mouseable = (*Hold)(nil)

// NewHold wraps content in a hold target.
func NewHold(content fyne.CanvasObject, down, up func()) *Hold {
	h := &Hold{Content: content, Down: down, Up: up}
	h.ExtendBaseWidget(h)
	return h
}

// MouseDown implements desktop.Mouseable.
func (h *Hold) MouseDown(*desktop.MouseEvent) { h.Down() }

// MouseUp implements desktop.Mouseable.
func (h *Hold) MouseUp(*desktop.MouseEvent) { h.Up() }

// CreateRenderer implements fyne.Widget.
func (h *Hold) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(h.Content) }

// Touchpad turns a tap anywhere on it into a touch (the attract loop).
type Touchpad struct {
	widget.BaseWidget
	Content fyne.CanvasObject
	OnTap   func()
}

// NewTouchpad wraps content.
func NewTouchpad(content fyne.CanvasObject, tap func()) *Touchpad {
	p := &Touchpad{Content: content, OnTap: tap}
	p.ExtendBaseWidget(p)
	return p
}

// Tapped implements fyne.Tappable.
func (p *Touchpad) Tapped(*fyne.PointEvent) { p.OnTap() }

// Cursor implements desktop.Cursorable.
func (p *Touchpad) Cursor() desktop.Cursor { return desktop.HiddenCursor }

// CreateRenderer implements fyne.Widget.
func (p *Touchpad) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.Content) }

// text returns a canvas text sized relative to the theme's text size.
func text(s string, rel float32, c color.Color) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize = theme.Size(theme.SizeNameText) * rel
	return t
}

// para returns a wrapping label of a given theme size.
func para(s string, size fyne.ThemeSizeName) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.SizeName = size
	return l
}
