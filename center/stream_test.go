package center_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// sseEvent is one parsed server-sent event; Ping marks a ": ping" comment.
type sseEvent struct {
	ID   string
	Kind string
	Data api.CallEvent
	Ping bool
}

// openStream connects to the call stream and parses it on a goroutine.
// cancel drops the connection.
func openStream(t testing.TB, env *centertest.Env, token, lastID string) (<-chan sseEvent, context.CancelFunc) {
	t.Helper()
	cctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(cctx, "GET", env.URL+api.Prefix+"/stream", nil)
	req.Header.Set(api.HeaderAuth, "Bearer "+token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := env.Server.Client().Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("open stream: %v %v", resp, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	out := make(chan sseEvent, 100)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == ": ping":
				out <- sseEvent{Ping: true}
			case strings.HasPrefix(line, "id: "):
				ev.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.Kind = line[7:]
			case strings.HasPrefix(line, "data: "):
				json.Unmarshal([]byte(line[6:]), &ev.Data)
			case line == "" && ev.ID != "":
				out <- ev
				ev = sseEvent{}
			}
		}
	}()
	return out, cancel
}

// next returns the next non-ping event, failing after a bounded wait.
func next(t *testing.T, ch <-chan sseEvent) sseEvent {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatal("stream closed")
			}
			if !ev.Ping {
				return ev
			}
		case <-deadline:
			t.Fatal("no stream event within 5 s")
		}
	}
}

// TestG7StreamResume: a display that drops its connection and resumes with
// Last-Event-ID gets every call it missed, in order, once, then the live
// ones; pings arrive while idle.
func TestG7StreamResume(t *testing.T) {
	env := centertest.Start(t)
	display := env.Enrol(api.RoleDisplay, "screen").Token
	for range 6 {
		if _, err := walkIn(env, "A"); err != nil {
			t.Fatal(err)
		}
	}
	// Events 1–6 say the six tickets were issued; the display starts after.
	s1, drop := openStream(t, env, display, "6")
	var got []string
	env.Engine.CallNext(ctx, 1, "k0") // 7 called A001
	env.Engine.CallNext(ctx, 1, "k1") // 8 finished A001, 9 called A002
	for range 3 {
		ev := next(t, s1)
		got = append(got, ev.ID+":"+ev.Kind+":"+ev.Data.Number)
	}
	drop()
	// Missed while disconnected: a new ticket, two finishes and two calls.
	env.Engine.CallNext(ctx, 1, "k2")
	if _, err := walkIn(env, "A"); err != nil {
		t.Fatal(err)
	}
	env.Engine.CallNext(ctx, 1, "k3")
	s2, drop2 := openStream(t, env, display, "9")
	defer drop2()
	for range 5 {
		ev := next(t, s2)
		got = append(got, ev.ID+":"+ev.Kind+":"+ev.Data.Number)
	}
	env.Engine.Recall(ctx, 1, "") // 15, live
	ev := next(t, s2)
	got = append(got, ev.ID+":"+ev.Kind+":"+ev.Data.Number)
	want := "[7:called:A001 8:finished:A001 9:called:A002 10:finished:A002 11:called:A003 " +
		"12:issued:A007 13:finished:A003 14:called:A004 15:recalled:A004]"
	if fmt.Sprint(got) != want {
		t.Fatalf("events\n got %v\nwant %s", got, want)
	}
	if !sawPing(s2) {
		t.Fatal("no heartbeat on an idle stream")
	}
}

func sawPing(ch <-chan sseEvent) bool {
	deadline := time.After(3 * time.Second)
	for {
		select {
		case ev := <-ch:
			if ev.Ping {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

// TestG7StreamReset: a client whose last id is older than the stream keeps
// is told to load the snapshot before the events that remain.
func TestG7StreamReset(t *testing.T) {
	env := centertest.Start(t, centertest.WithStreamKeep(10), centertest.WithHall(bigHall))
	for i := range 260 {
		walkIn(env, "A")
		env.Engine.CallNext(ctx, 1, fmt.Sprint("c", i))
	}
	events, err := env.Engine.Stream(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if first := <-events; first.Kind != api.CallKindReset {
		t.Fatalf("first event %+v, want reset", first)
	}
}

// TestSnapshot: the snapshot shows what each window serves and the id of
// the last event it reflects.
func TestSnapshot(t *testing.T) {
	env := centertest.Start(t)
	a1, _ := walkIn(env, "A")
	walkIn(env, "A")
	walkIn(env, "B")
	env.Engine.CallNext(ctx, 2, "")
	var snap api.Snapshot
	c := env.Client(env.Enrol(api.RoleDisplay, "d").Token)
	if e := c.Do("GET", "/stream/snapshot", nil, &snap); e != nil {
		t.Fatal(e)
	}
	// Events 1–3 are the three tickets issued, 4 the call.
	if snap.LastEventID != 4 || snap.Waiting["A"] != 1 || snap.Waiting["B"] != 1 {
		t.Fatalf("snapshot %+v", snap)
	}
	for _, w := range snap.Windows {
		if w.Window == 2 && w.Number != a1.Number {
			t.Fatalf("window 2 serves %q, want %s", w.Number, a1.Number)
		}
	}
	if len(snap.Recent) != 1 || snap.Recent[0].Number != a1.Number {
		t.Fatalf("recent %+v", snap.Recent)
	}
}

// TestCallIdempotent: one request, one call, even when the button is
// clicked twice (same key); a reused key for another action is refused.
func TestCallIdempotent(t *testing.T) {
	env := centertest.Start(t)
	walkIn(env, "A")
	walkIn(env, "A")
	console := env.Client(env.Enrol(api.RoleConsole, "w1").Token)
	var first, second api.Ticket
	console.Do("POST", "/windows/1/call-next", api.CallRequest{Key: "click-1"}, &first)
	if e := console.Do("POST", "/windows/1/call-next", api.CallRequest{Key: "click-1"}, &second); e != nil {
		t.Fatal(e)
	}
	if first.Number != "A001" || second.Number != "A001" {
		t.Fatalf("double click called %s and %s", first.Number, second.Number)
	}
	snap, _ := env.Engine.Snapshot(ctx)
	if snap.LastEventID != 3 || snap.Waiting["A"] != 1 { // 2 issued, 1 called
		t.Fatalf("double click made %d events, %d waiting", snap.LastEventID, snap.Waiting["A"])
	}
	if st, e := console.DoStatus("POST", "/windows/1/recall", api.CallRequest{Key: "click-1"}, nil); st != 409 || e.Code != api.ErrCodeIdempotency {
		t.Fatalf("reused key: %d %+v", st, e)
	}
}

// TestTransferKeepsIssueTime: a transferred ticket keeps its number and
// its place by issue time in the new queue.
func TestTransferKeepsIssueTime(t *testing.T) {
	env := centertest.Start(t)
	early, _ := walkIn(env, "A")
	env.Clock.Advance(5 * time.Minute)
	walkIn(env, "B")
	if _, err := env.Engine.Transfer(ctx, early.ID, "B", ""); err != nil {
		t.Fatal(err)
	}
	got, err := env.Engine.CallNext(ctx, 4, "") // window 4 serves B
	if err != nil || got.Number != early.Number || got.Queue != "B" {
		t.Fatalf("called %+v, %v; want %s in B", got, err, early.Number)
	}
}

// TestActingWindowOnly: a staff action naming its window may not touch a
// ticket another window called (S1); reinstating is the leader's, for any.
func TestActingWindowOnly(t *testing.T) {
	env := centertest.Start(t)
	tk, _ := walkIn(env, "A")
	console := env.Client(env.Enrol(api.RoleConsole, "w").Token)
	if e := console.Do("POST", "/windows/1/call-next", api.CallRequest{}, nil); e != nil {
		t.Fatal(e)
	}
	path := "/tickets/" + tk.ID + "/"
	for _, tc := range []struct {
		action string
		body   api.TicketAction
		status int
	}{
		{"finish", api.TicketAction{Window: 2, Rating: api.RatingGood}, 403},
		{"transfer", api.TicketAction{Window: 2, Queue: "B"}, 403},
		{"missed", api.TicketAction{Window: 2}, 403},
		{"missed", api.TicketAction{Window: 1}, 200},
		{"reinstate", api.TicketAction{Window: 7}, 200},
	} {
		st, e := console.DoStatus("POST", path+tc.action, tc.body, nil)
		if st != tc.status {
			t.Fatalf("%s as window %d: %d %+v, want %d", tc.action, tc.body.Window, st, e,
				tc.status)
		}
	}
	if got, _ := env.Engine.Ticket(ctx, tk.ID); got.Status != api.TicketWaiting {
		t.Fatalf("ticket %s, want waiting again", got.Status)
	}
}
