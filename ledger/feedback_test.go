package ledger

import (
	"context"
	"errors"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// K4 with G3 and G4: feedback a citizen gives while the link is cut waits
// in the journal and reaches the center with the next push, filed under
// the time it was given; a push replayed from the start (a lost reply, a
// reset cursor) files it once; the day still reconciles.
func TestFeedbackQueuedOfflineReachesCenter(t *testing.T) {
	env := centertest.Start(t)
	ctx := context.Background()
	k := newKiosk(t, env, 0)
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	k.link.cut.Store(true)
	if err := k.s.SyncOnce(ctx); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("cut link: %v", err)
	}
	code := env.Matter("A")
	given := k.l.Now()
	for _, fb := range []api.KnowledgeFeedback{
		{ID: NewKey(), Code: code, Kind: api.FeedbackHelpful},
		{ID: NewKey(), Code: code, Kind: api.FeedbackUnclear},
	} {
		if err := k.l.QueueFeedback(ctx, fb); err != nil {
			t.Fatal(err)
		}
	}
	if err := k.l.QueueFeedback(ctx, api.KnowledgeFeedback{Code: code}); !errors.Is(err,
		ErrBadRequest) {
		t.Fatalf("feedback without id and kind: %v", err)
	}
	if st := k.s.State(); st.Online {
		t.Fatalf("state %+v, want offline", st)
	}

	k.advance(time.Hour)
	k.link.cut.Store(false)
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatalf("sync after outage: %v", err)
	}
	if err := k.s.setPushed(ctx, 0); err != nil { // replay the whole journal
		t.Fatal(err)
	}
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatalf("replayed push: %v", err)
	}
	sums, err := env.Engine.KnowledgeFeedbackSummary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 1 || sums[0].Code != code || sums[0].Counts[api.FeedbackHelpful] != 1 ||
		sums[0].Counts[api.FeedbackUnclear] != 1 || !sums[0].Last.Equal(given) {
		t.Fatalf("center holds %+v, want one helpful and one unclear on %s at %v",
			sums, code, given)
	}
	if an, _ := env.Engine.Anomalies(ctx); len(an) != 0 {
		t.Fatalf("anomalies %v", an)
	}
	rep, err := k.s.Reconcile(ctx, k.l.Today())
	if err != nil || !rep.Match {
		t.Fatalf("reconcile: %v, %v", rep, err)
	}
	mustVerify(t, k.l)
}
