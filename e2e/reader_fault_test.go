package e2e

import (
	"path/filepath"
	"testing"
	"time"

	"hallkiosk/idcard/idcardtest"
	"hallkiosk/kiosk"
	"hallkiosk/platform/ptytest"
)

// Fault d, for the ID-card reader: its device node goes away and comes
// back under the same name. Check-in by card must work again without a
// restart (meanwhile the keypad still works).
func TestReaderUnpluggedAndBackCardsReadAgain(t *testing.T) {
	env := newWorld(t).env
	link := filepath.Join(t.TempDir(), "reader")
	w := newKioskLinks(t, env, "kiosk-reader-unplug", env.URL, "", link)
	w.m.Home()
	w.placeCard("resident")
	w.removeCard()

	w.rp.Close() // unplugged: the node and its link are gone
	time.Sleep(600 * time.Millisecond)

	back := ptytest.New(t)
	must(t, back.Link(link))
	w.sim = idcardtest.New(idcardtest.Options{Log: quiet})
	go w.sim.Serve(w.ctx, back.Master)

	// The reader's poll loop fails, backs off and reopens the node; the
	// next card placed is read.
	w.m.Home()
	w.placeCard("resident")
	if s := w.m.State().Screen; s == kiosk.ScreenHome {
		t.Fatalf("card after replug changed nothing: screen %v", s)
	}
}
