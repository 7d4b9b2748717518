package kioskapp_test

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"hallkiosk/center/api"
	"hallkiosk/internal/fynetheme"
	"hallkiosk/kiosk"
	"hallkiosk/kiosk/ui"
	"hallkiosk/platform"
)

// The touchscreen on real parts: fyne's test driver taps the tiles, the
// real ledger and center issue, the virtual printer prints.
func TestTouchscreenOnRealParts(t *testing.T) {
	font, err := platform.FindCJKFont("")
	if err != nil {
		t.Skip("no CJK font:", err)
	}
	th, err := fynetheme.Load(font, fynetheme.Options{})
	must(t, err)
	w := newWorld(t)
	a := test.NewTempApp(t)
	win := test.NewTempWindow(t, nil)
	win.Resize(fyne.NewSize(1080, 1920))
	u := ui.New(a, win, w.m, ui.Options{Theme: th, Portrait: true, Clock: w.env.Clock})
	find := func(title string) *ui.Tile {
		t.Helper()
		for _, o := range test.LaidOutObjects(win.Content()) {
			if tile, ok := o.(*ui.Tile); ok && tile.Title == title {
				return tile
			}
		}
		t.Fatalf("no tile %q on %v", title, w.m.State().Screen)
		return nil
	}
	tapTile := func(tile *ui.Tile) {
		test.Tap(tile)
		w.settle()
		u.Flush()
	}
	tap := func(title string) { tapTile(find(title)) }

	code := w.env.Matter("A")
	mt, _ := w.parts.Store.Matter(context.Background(), code)
	tap("现场取号")
	tap(mt.Department)
	tap(mt.Name)
	take := find("取号")
	test.Tap(take)
	test.Tap(take) // G5: a double tap on the real ledger and printer
	w.settle()
	u.Flush()
	tapTile(take) // and a late tap on the tile of the old screen
	if w.m.State().Screen != kiosk.ScreenTicket || len(w.dev.Pages()) != 1 {
		t.Fatalf("screen %v, pages %d", w.m.State().Screen, len(w.dev.Pages()))
	}
}

// Search on the touchscreen over the real ledger: letters typed on the
// kiosk's own keyboard, the result tapped, the detail shown.
func TestTouchscreenSearchOnRealParts(t *testing.T) {
	font, err := platform.FindCJKFont("")
	if err != nil {
		t.Skip("no CJK font:", err)
	}
	th, err := fynetheme.Load(font, fynetheme.Options{})
	must(t, err)
	w := newWorld(t)
	a := test.NewTempApp(t)
	win := test.NewTempWindow(t, nil)
	win.Resize(fyne.NewSize(1080, 1920))
	u := ui.New(a, win, w.m, ui.Options{Theme: th, Portrait: true, Clock: w.env.Clock})
	tiles := func() map[string]*ui.Tile {
		out := map[string]*ui.Tile{}
		for _, o := range test.LaidOutObjects(win.Content()) {
			if tile, ok := o.(*ui.Tile); ok {
				out[tile.Title] = tile
			}
		}
		return out
	}
	test.Tap(tiles()["办事指南查询"])
	u.Flush()
	test.Tap(tiles()["数字"])
	u.Flush()
	code := w.env.Matter("A")
	for _, c := range code[:6] {
		test.Tap(tiles()[string(c)])
		u.Flush()
	}
	hits := w.m.State().Hits
	if len(hits) == 0 {
		t.Fatalf("no hits for %s", code[:6])
	}
	for _, o := range test.LaidOutObjects(win.Content()) {
		if tile, ok := o.(*ui.Tile); ok && tile.Title == "" { // a result's tile
			test.Tap(tile) // the first result
			break
		}
	}
	u.Flush()
	if w.m.State().Screen != kiosk.ScreenDetail || w.m.State().Entry.Code != hits[0].Code {
		t.Fatalf("detail: %v", w.m.State().Screen)
	}

	// K4: "was this helpful?" reaches the center's feedback for the entry.
	test.Tap(tiles()["有帮助"])
	w.settle()
	u.Flush()
	if r := w.m.State().Reply; r != "detail.thanks" {
		t.Fatalf("feedback reply %q", r)
	}
	centerHasFeedback(t, w, hits[0].Code, api.FeedbackHelpful)
}

// centerHasFeedback fails unless the center holds one feedback of kind on
// the entry (K4).
func centerHasFeedback(t *testing.T, w *world, code, kind string) {
	t.Helper()
	sums, err := w.env.Engine.KnowledgeFeedbackSummary(context.Background())
	must(t, err)
	for _, s := range sums {
		if s.Code == code && s.Counts[kind] == 1 {
			return
		}
	}
	t.Fatalf("the center has no %s feedback on %s: %+v", kind, code, sums)
}
