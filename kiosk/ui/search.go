package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/center/api"
	"hallkiosk/kiosk"
)

func timeParseDay(d string) (time.Time, error) { return time.Parse(api.DayLayout, d) }

// search: the query, department filters, results that follow every key,
// and the kiosk's own A–Z or digit keyboard.
func (u *UI) search(st kiosk.State) fyne.CanvasObject {
	q := st.Query
	if q == "" {
		q = u.t("search.hint")
	}
	query := text(q, 1.8, accent())
	head := container.NewVBox(query, u.filters(st))
	results := container.NewVBox()
	for _, h := range st.Hits {
		results.Add(u.hit(h))
	}
	if len(st.Hits) == 0 && st.Query != "" {
		results.Add(text(u.t("search.none"), 1.3, warn()))
	}
	scroll := container.NewVScroll(results)
	scroll.OnScrolled = func(fyne.Position) { u.m.Touch() }
	return container.NewBorder(head, u.keyboard(st), nil, nil, scroll)
}

func (u *UI) filters(st kiosk.State) fyne.CanvasObject {
	row := container.NewHBox()
	add := func(label, dept string) {
		t := u.smallTile(label, func() { u.m.SearchFilter(dept) })
		t.Accent = st.Filter == dept
		row.Add(t)
	}
	add(u.t("search.all"), "")
	if h := u.m.Hall(); h != nil {
		for _, d := range h.Departments {
			add(d.Name, d.Name)
		}
	}
	s := container.NewHScroll(row)
	s.OnScrolled = func(fyne.Position) { u.m.Touch() }
	return s
}

// hit draws a result with its matched spans in bold.
func (u *UI) hit(h kiosk.Hit) fyne.CanvasObject {
	rt := widget.NewRichText()
	rt.Wrapping = fyne.TextWrapWord
	seg := func(s string, bold bool) {
		if s == "" {
			return
		}
		// The match is marked by colour, not a bold style: the CJK font has
		// no bold face, and a bold style costs a second parse of it (T6).
		style := widget.RichTextStyle{SizeName: theme.SizeNameHeadingText, Inline: true}
		if bold {
			style.ColorName = theme.ColorNamePrimary
		}
		rt.Segments = append(rt.Segments, &widget.TextSegment{Text: s, Style: style})
	}
	at := 0
	for _, sp := range h.Spans {
		if sp[0] < at || sp[1] > len(h.Text) {
			continue
		}
		seg(h.Text[at:sp[0]], false)
		seg(h.Text[sp[0]:sp[1]], true)
		at = sp[1]
	}
	seg(h.Text[at:], false)
	if h.Text != h.Name {
		seg("  "+h.Name, false)
	}
	rt.Refresh()
	code := h.Code
	open := NewTile("", "", u.act(func() { u.m.OpenEntry(code) }))
	open.MinH = 3
	dept := text(h.Department, 0.9, theme.Color(theme.ColorNamePlaceHolder))
	return container.NewStack(open, container.NewPadded(container.NewVBox(rt, dept)))
}

func (u *UI) keyboard(st kiosk.State) fyne.CanvasObject {
	keys := "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	cols := u.cols(7, 13)
	if st.Digits {
		keys, cols = "1234567890", u.cols(5, 10)
	}
	var tiles []fyne.CanvasObject
	for _, r := range keys {
		tiles = append(tiles, u.searchKey(r))
	}
	mode := u.smallTile(u.t("search.digits"), func() { u.m.SearchDigits(true) })
	if st.Digits {
		mode = u.smallTile(u.t("search.letters"), func() { u.m.SearchDigits(false) })
	}
	ctl := container.NewGridWithColumns(3, mode,
		u.smallTile("⌫ "+u.t("common.del"), u.m.SearchBackspace),
		u.smallTile(u.t("common.clear"), u.m.SearchClear))
	return container.NewVBox(container.NewGridWithColumns(cols, tiles...), ctl)
}

func (u *UI) searchKey(r rune) *Tile {
	low := r
	if r >= 'A' && r <= 'Z' {
		low = r - 'A' + 'a' // pinyin is typed in lower case
	}
	t := NewTile(string(r), "", u.act(func() { u.m.SearchKey(low) }))
	t.Scale, t.MinH = 1.4, 2.8
	return t
}

// detail shows the seven elements of K1 readable at arm's length, with
// "print the guide" and "was this helpful?" (K4).
func (u *UI) detail(st kiosk.State) fyne.CanvasObject {
	e := st.Entry
	if e == nil {
		return widget.NewLabel("")
	}
	box := container.NewVBox(para(e.Name, theme.SizeNameHeadingText))
	field := func(label kiosk.Msg, value string) {
		if value == "" {
			return
		}
		box.Add(text(u.t(label), 1.1, accent()))
		box.Add(para(value, theme.SizeNameSubHeadingText))
	}
	field("detail.dept", e.Department)
	field("detail.code", e.Code)
	field("detail.review", bullets(e.ReviewPoints))
	box.Add(text(u.t("detail.guide"), 1.3, fg()))
	field("detail.materials", bullets(e.Guide.Materials))
	field("detail.limit", e.Guide.TimeLimit)
	field("detail.fee", e.Guide.Fee)
	field("detail.window", e.Guide.Window)
	field("detail.basis", e.Guide.Basis)
	var faq []string
	for _, qa := range e.FAQ {
		faq = append(faq, u.t("detail.qa", qa.Q, qa.A))
	}
	field("detail.faq", joinLines(faq, "\n\n"))
	field("detail.maint", e.Maintainer)
	scroll := container.NewVScroll(box)
	scroll.OnScrolled = func(fyne.Position) { u.m.Touch() }
	return container.NewBorder(nil, u.detailActions(st), nil, nil, scroll)
}

func (u *UI) detailActions(st kiosk.State) fyne.CanvasObject {
	print := u.smallTile(u.t("detail.print"), u.m.PrintGuide)
	print.Disabled = st.Busy || !st.Printer.CanPrint()
	yes := u.smallTile(u.t("detail.yes"), func() { u.m.Feedback(true) })
	no := u.smallTile(u.t("detail.no"), func() { u.m.Feedback(false) })
	ask := text(u.t("detail.helpful"), 1.1, fg())
	if st.Reply != "" {
		ask = text(u.t(st.Reply), 1.1, accent())
	}
	return container.NewVBox(ask, container.NewGridWithColumns(3, print, yes, no))
}

func bullets(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = "• " + s
	}
	return joinLines(out, "\n")
}

func joinLines(items []string, sep string) string {
	s := ""
	for i, it := range items {
		if i > 0 {
			s += sep
		}
		s += it
	}
	return s
}
