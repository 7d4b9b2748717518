package display

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/platform/clock"
)

func TestControllerAnnouncesWhatTheStreamDelivered(t *testing.T) {
	clk := clock.NewFake(t0.Add(time.Hour))
	var said []string
	var views []Link
	var saved []Cache
	cached := Cache{State: State{Link: LinkCached}, StreamID: 4}
	c := NewController(cached, ControllerOptions{
		Clock:    clk,
		Log:      slog.New(slog.DiscardHandler),
		Announce: func(c Call) { said = append(said, c.Number) },
		View:     func(s State) { views = append(views, s.Link) },
		Save:     func(c Cache) error { saved = append(saved, c); return nil },
	})
	at := func(id int64, kind, number string, age time.Duration) api.CallEvent {
		e := ev(id, kind, 3, number)
		e.Time = clk.Now().Add(-age)
		return e
	}
	c.Status(true)
	// The snapshot already holds 5 and 6, but the stream has not delivered
	// them to this display: they are still announced, once.
	c.Snapshot(api.Snapshot{LastEventID: 6, Recent: []api.CallEvent{at(6, api.CallKindCalled, "A006", 0)}})
	c.Event(at(5, api.CallKindCalled, "A005", time.Minute))
	c.Event(at(6, api.CallKindCalled, "A006", 0))
	c.Event(at(7, api.CallKindFinished, "A006", 0))
	c.Event(at(8, api.CallKindRecalled, "A005", 0))
	c.Event(at(9, api.CallKindCalled, "A001", time.Hour)) // an old call from a long gap
	if want := []string{"A005", "A006", "A005"}; !slices.Equal(said, want) {
		t.Fatalf("announced %v, want %v", said, want)
	}
	if views[0] != LinkLive {
		t.Fatalf("first view %s, want live", views[0])
	}
	last := saved[len(saved)-1]
	if last.StreamID != 9 || last.State.LastEventID != 9 {
		t.Fatalf("saved cache ids %d/%d, want 9/9", last.StreamID, last.State.LastEventID)
	}
	if n, _ := c.State().Newest(); n.Number != "A001" {
		t.Fatalf("newest = %s; an old call still shows", n.Number)
	}
	c.Status(false)
	if c.State().Link != LinkOffline {
		t.Fatal("not offline")
	}
}
