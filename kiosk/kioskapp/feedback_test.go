package kioskapp_test

import (
	"context"
	"net"
	"net/http/httptest"
	"testing"

	"hallkiosk/center/api"
	"hallkiosk/kiosk"
)

// centerDown stops the center's server as a pulled cable would; up serves
// the same center on the same address again.
func (w *world) centerDown() (up func()) {
	addr := w.env.Server.Listener.Addr().String()
	h := w.env.Server.Config.Handler
	w.env.Server.CloseClientConnections()
	w.env.Server.Close()
	return func() {
		ln, err := net.Listen("tcp", addr)
		must(w.t, err)
		srv := httptest.NewUnstartedServer(h)
		srv.Listener.Close()
		srv.Listener = ln
		srv.Start()
		w.t.Cleanup(srv.Close)
	}
}

// feedback opens the entry from the search screen and taps answer.
func (s *touch) feedback(code, answer string) {
	s.t.Helper()
	s.home()
	s.tap(zh("home.search"))
	s.m.OpenEntry(code)
	s.u.Flush()
	s.screen(kiosk.ScreenDetail)
	s.tap(answer)
}

// K4 offline, on real parts: "was this helpful?" answered while the center
// is out of reach (first while the kiosk still believes the link up, then
// once it shows offline) thanks the citizen and says the feedback will be
// sent; the ledger keeps it, and when the center is back the next sync
// round delivers both answers, each once.
func TestTouchscreenFeedbackOfflineOnRealParts(t *testing.T) {
	s := newTouch(t, newWorld(t))
	ctx := context.Background()
	codeA, codeB := s.env.Matter("A"), s.env.Matter("B")
	up := s.centerDown()

	s.feedback(codeA, zh("detail.no"))
	if r := s.m.State().Reply; r != "detail.queued" {
		t.Fatalf("reply with the center gone %q, want detail.queued", r)
	}
	s.shows(zh("detail.queued"))
	if err := s.parts.Syncer.SyncOnce(ctx); err == nil {
		t.Fatal("sync with the center gone succeeded")
	}
	s.u.Tick()
	s.home()
	s.shows(zh("common.offline"))
	s.feedback(codeB, zh("detail.yes"))
	if r := s.m.State().Reply; r != "detail.queued" {
		t.Fatalf("reply offline %q, want detail.queued", r)
	}
	s.tap(zh("detail.yes")) // one answer per visit to the entry
	if sums, _ := s.env.Engine.KnowledgeFeedbackSummary(ctx); len(sums) != 0 {
		t.Fatalf("the center has feedback while unreachable: %+v", sums)
	}

	up()
	must(t, s.parts.Syncer.SyncOnce(ctx))
	must(t, s.parts.Syncer.SyncOnce(ctx)) // a second round sends nothing again
	centerHasFeedback(t, s.world, codeA, api.FeedbackUnclear)
	centerHasFeedback(t, s.world, codeB, api.FeedbackHelpful)
}
