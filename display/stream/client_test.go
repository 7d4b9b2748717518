package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/platform/clock"
)

// bound is how long a test waits for something that should happen at once;
// it only keeps a broken test from hanging, nothing is timed.
const bound = 10 * time.Second

var quietLog = slog.New(slog.DiscardHandler)

func next[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(bound):
		t.Fatalf("no %s within %v", what, bound)
	}
	var zero T
	return zero
}

func quiet[T any](t *testing.T, ch <-chan T, what string) {
	t.Helper()
	select {
	case v := <-ch:
		t.Fatalf("unexpected %s: %+v", what, v)
	case <-time.After(50 * time.Millisecond):
	}
}

func realOpts(s *sseServer) Options {
	return Options{URL: s.URL, Token: s.token, Log: quietLog, MinBackoff: 5 * time.Millisecond,
		MaxBackoff: 20 * time.Millisecond, HeartbeatTimeout: time.Minute, Refresh: time.Hour}
}

// G7: across dropped connections every call arrives once, in order: the
// client resumes with Last-Event-ID and drops what it already has.
func TestResumeAfterDropsNoCallLostOrDoubled(t *testing.T) {
	s := newSSEServer(t, "tok")
	s.publish(0, "A001") // before the display starts: in the snapshot, not announced
	h := newRecorder()
	run(t, New(realOpts(s), 0), h)
	if !next(t, h.status, "live status") {
		t.Fatal("first status not live")
	}

	want := int64(2)
	for round := range 5 {
		for i := range 3 {
			s.publish(0, api.FormatNumber("A", round*10+i+2))
		}
		s.drop()
		s.publish(0, api.FormatNumber("B", round+1)) // made while the display is cut off
		for range 4 {
			ev := next(t, h.events, fmt.Sprintf("event %d", want))
			if ev.ID != want {
				t.Fatalf("round %d: got event %d (%s), want %d", round, ev.ID, ev.Number, want)
			}
			want++
		}
	}
	quiet(t, h.events, "extra event")
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.resumes) < 2 || s.resumes[0] != "1" {
		t.Fatalf("Last-Event-ID headers = %v, want the first to be the snapshot's id 1", s.resumes)
	}
}

func TestGapLoadsSnapshotAndKeepsTheEvent(t *testing.T) {
	s := newSSEServer(t, "")
	h := newRecorder()
	run(t, New(realOpts(s), 0), h)
	next(t, h.snapshots, "first snapshot")
	s.publish(1, "A001")
	s.publish(5, "A005") // 2..4 never reach this display
	if ev := next(t, h.events, "event 1"); ev.ID != 1 {
		t.Fatalf("got %d", ev.ID)
	}
	if snap := next(t, h.snapshots, "snapshot after gap"); snap.LastEventID != 5 {
		t.Fatalf("snapshot last id = %d", snap.LastEventID)
	}
	if ev := next(t, h.events, "event 5"); ev.ID != 5 {
		t.Fatalf("got %d", ev.ID)
	}
}

// A display back after a long time resumes below what the center keeps: the
// center says reset, the client loads the snapshot, then takes the events
// from the oldest held without treating that jump as another gap.
func TestResetLoadsSnapshotOnce(t *testing.T) {
	s := newSSEServer(t, "")
	for i := 1; i <= 12; i++ {
		s.publish(0, api.FormatNumber("A", i))
	}
	s.prune(10)
	h := newRecorder()
	run(t, New(realOpts(s), 3), h)
	next(t, h.snapshots, "connect snapshot")
	next(t, h.snapshots, "reset snapshot")
	for _, want := range []int64{11, 12} {
		if ev := next(t, h.events, "event"); ev.ID != want {
			t.Fatalf("got %d, want %d", ev.ID, want)
		}
	}
	quiet(t, h.snapshots, "third snapshot")
	if n := s.snapshots.Load(); n != 2 {
		t.Fatalf("snapshots fetched = %d, want 2", n)
	}
}

// G7: silence longer than the heartbeat timeout marks the display offline;
// a heartbeat in time keeps it live; the next connect makes it live again.
func TestHeartbeatTimeoutMarksOffline(t *testing.T) {
	s := newSSEServer(t, "")
	clk := clock.NewFake(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	o := realOpts(s)
	o.Clock, o.HeartbeatTimeout, o.MinBackoff = clk, 30*time.Second, time.Second
	h := newRecorder()
	run(t, New(o, 0), h)
	if !next(t, h.status, "live") {
		t.Fatal("not live")
	}
	waitWaiters(t, clk, 2) // refresh and heartbeat timers

	clk.Advance(20 * time.Second)
	w := clk.Waiters()
	s.beat()
	waitWaiters(t, clk, w+1) // the heartbeat re-armed the timeout
	clk.Advance(20 * time.Second)
	quiet(t, h.status, "status change after a heartbeat in time")

	clk.Advance(15 * time.Second)
	if next(t, h.status, "offline") {
		t.Fatal("status live after the timeout, want offline")
	}
	waitWaiters(t, clk, 2)   // the refresh timer left behind and the backoff
	clk.Advance(time.Second) // backoff over: reconnects
	if !next(t, h.status, "live again") {
		t.Fatal("not live after reconnect")
	}
}

func waitWaiters(t *testing.T, clk *clock.Fake, n int) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for clk.Waiters() < n {
		if time.Now().After(deadline) {
			t.Fatalf("clock waiters = %d, want %d", clk.Waiters(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRefusedTokenSaysWhatToDo(t *testing.T) {
	s := newSSEServer(t, "right")
	o := realOpts(s)
	o.Token = "wrong"
	err := New(o, 0).connect1(context.Background(), newRecorder())
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
}

func TestCenterDownAtStartGoesOfflineAfterTimeout(t *testing.T) {
	s := newSSEServer(t, "")
	url := s.URL
	s.Close()
	clk := clock.NewFake(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	o := Options{URL: url, Clock: clk, Log: quietLog, MinBackoff: time.Second, HeartbeatTimeout: 5 * time.Second}
	h := newRecorder()
	run(t, New(o, 0), h) // never live: the deadline still passes
	waitWaiters(t, clk, 2)
	clk.Advance(5 * time.Second)
	if next(t, h.status, "offline") {
		t.Fatal("live while the center is down")
	}
}
