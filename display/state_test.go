package display

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"hallkiosk/center/api"
)

var t0 = time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC)

func ev(id int64, kind string, window int, number string) api.CallEvent {
	return api.CallEvent{
		ID: id, Kind: kind, Time: t0.Add(time.Duration(id) * time.Minute), Window: window,
		Queue: number[:1], Number: number, TicketID: "t-" + number,
	}
}

func fold(s State, evs ...api.CallEvent) State {
	for _, e := range evs {
		s = Apply(s, e)
	}
	return s
}

func numbers(cs []Call) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Number)
	}
	return out
}

func TestApply(t *testing.T) {
	base := State{Waiting: map[string]int{"A": 5, "B": 2}}
	tests := []struct {
		name        string
		events      []api.CallEvent
		wantRecent  []string
		wantWindows []WindowRow
		wantWaiting map[string]int
		wantFlash   int64
	}{
		{
			name:        "a call shows large and on its window",
			events:      []api.CallEvent{ev(1, api.CallKindCalled, 5, "A012")},
			wantRecent:  []string{"A012"},
			wantWindows: []WindowRow{{5, "A012"}},
			wantWaiting: map[string]int{"A": 4, "B": 2},
			wantFlash:   1,
		},
		{
			name: "newest first; a window shows its latest number",
			events: []api.CallEvent{ev(1, api.CallKindCalled, 5, "A012"),
				ev(2, api.CallKindCalled, 6, "B003"), ev(3, api.CallKindCalled, 5, "A013")},
			wantRecent:  []string{"A013", "B003", "A012"},
			wantWindows: []WindowRow{{5, "A013"}, {6, "B003"}},
			wantWaiting: map[string]int{"A": 3, "B": 1},
			wantFlash:   3,
		},
		{
			name: "a recall moves the call to the top and flashes, waiting unchanged",
			events: []api.CallEvent{ev(1, api.CallKindCalled, 5, "A012"),
				ev(2, api.CallKindCalled, 6, "B003"), ev(3, api.CallKindRecalled, 5, "A012")},
			wantRecent:  []string{"A012", "B003"},
			wantWindows: []WindowRow{{5, "A012"}, {6, "B003"}},
			wantWaiting: map[string]int{"A": 4, "B": 1},
			wantFlash:   3,
		},
		{
			name: "a replayed event changes nothing (no doubled call)",
			events: []api.CallEvent{ev(1, api.CallKindCalled, 5, "A012"),
				ev(2, api.CallKindCalled, 6, "B003"), ev(2, api.CallKindCalled, 6, "B003"),
				ev(1, api.CallKindCalled, 5, "A012")},
			wantRecent:  []string{"B003", "A012"},
			wantWindows: []WindowRow{{5, "A012"}, {6, "B003"}},
			wantWaiting: map[string]int{"A": 4, "B": 1},
			wantFlash:   2,
		},
		{
			name: "finished empties the window, the call stays in the list",
			events: []api.CallEvent{ev(1, api.CallKindCalled, 5, "A012"),
				ev(2, api.CallKindFinished, 5, "A012")},
			wantRecent:  []string{"A012"},
			wantWindows: []WindowRow{{5, ""}},
			wantWaiting: map[string]int{"A": 4, "B": 2},
			wantFlash:   1,
		},
		{
			name: "a late finish does not clear a newer call on the window",
			events: []api.CallEvent{ev(1, api.CallKindCalled, 5, "A012"),
				ev(2, api.CallKindCalled, 5, "A013"), ev(3, api.CallKindFinished, 5, "A012")},
			wantRecent:  []string{"A013", "A012"},
			wantWindows: []WindowRow{{5, "A013"}},
			wantWaiting: map[string]int{"A": 3, "B": 2},
			wantFlash:   2,
		},
		{
			name: "R13: missed then reinstated waits again",
			events: []api.CallEvent{ev(1, api.CallKindCalled, 5, "A012"),
				ev(2, api.CallKindMissed, 5, "A012"), ev(3, api.CallKindReinstated, 0, "A012")},
			wantRecent:  []string{"A012"},
			wantWindows: []WindowRow{{5, ""}},
			wantWaiting: map[string]int{"A": 5, "B": 2},
			wantFlash:   1,
		},
		{
			name: "a transfer leaves the window and waits in the target queue",
			events: []api.CallEvent{ev(1, api.CallKindCalled, 5, "A012"),
				{ID: 2, Kind: api.CallKindTransferred, Window: 5, Queue: "B", Number: "A012",
					TicketID: "t-A012"}},
			wantRecent:  []string{"A012"},
			wantWindows: []WindowRow{{5, ""}},
			wantWaiting: map[string]int{"A": 4, "B": 3},
			wantFlash:   1,
		},
		{
			name: "a new ticket counts as waiting until it is called, and nothing is announced",
			events: []api.CallEvent{{ID: 1, Kind: api.CallKindIssued, Queue: "B", Number: "B003",
				TicketID: "t-B003"}, ev(2, api.CallKindCalled, 6, "B003")},
			wantRecent:  []string{"B003"},
			wantWindows: []WindowRow{{6, "B003"}},
			wantWaiting: map[string]int{"A": 5, "B": 2},
			wantFlash:   2,
		},
		{
			name:        "a wait alert (R8, for the group leader) changes no screen content",
			events:      []api.CallEvent{{ID: 1, Kind: api.CallKindWaitAlert, Queue: "A", Number: "A001"}},
			wantWaiting: map[string]int{"A": 5, "B": 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fold(base, tt.events...)
			if got := numbers(s.Recent); !reflect.DeepEqual(got, tt.wantRecent) {
				t.Errorf("recent = %v, want %v", got, tt.wantRecent)
			}
			if !reflect.DeepEqual(s.Windows, tt.wantWindows) {
				t.Errorf("windows = %v, want %v", s.Windows, tt.wantWindows)
			}
			if !reflect.DeepEqual(s.Waiting, tt.wantWaiting) {
				t.Errorf("waiting = %v, want %v", s.Waiting, tt.wantWaiting)
			}
			if s.Flash != tt.wantFlash {
				t.Errorf("flash = %d, want %d", s.Flash, tt.wantFlash)
			}
			if base.Waiting["A"] != 5 {
				t.Fatal("Apply changed its argument's map")
			}
		})
	}
}

func TestRecentIsBounded(t *testing.T) {
	var s State
	for i := 1; i <= 30; i++ {
		s = Apply(s, ev(int64(i), api.CallKindCalled, i%7+1, api.FormatNumber("A", i)))
	}
	if len(s.Recent) != MaxRecent+1 || s.Recent[0].Number != "A030" {
		t.Fatalf("recent = %v", numbers(s.Recent))
	}
}

func TestApplySnapshotThenStreamSkipsWhatItHolds(t *testing.T) {
	s := State{Flash: 7, Link: LinkLive, Notices: []api.Notice{{ID: 1}}}
	snap := api.Snapshot{
		LastEventID: 10,
		Windows:     []api.WindowState{{Window: 6, Number: "B003"}, {Window: 2, Number: "A020"}},
		Waiting:     map[string]int{"A": 3},
		Recent: []api.CallEvent{ev(10, api.CallKindCalled, 2, "A020"),
			ev(9, api.CallKindCalled, 6, "B003")},
	}
	s = ApplySnapshot(s, snap)
	if s.Flash != 7 || s.Link != LinkLive || len(s.Notices) != 1 {
		t.Fatalf("snapshot dropped screen-side fields: %+v", s)
	}
	if s.Windows[0].Window != 2 {
		t.Fatalf("windows not sorted: %v", s.Windows)
	}
	s = fold(s, ev(9, api.CallKindCalled, 6, "B003"), ev(10, api.CallKindCalled, 2, "A020"),
		ev(11, api.CallKindCalled, 1, "A021"))
	if got := numbers(s.Recent); !reflect.DeepEqual(got, []string{"A021", "A020", "B003"}) {
		t.Fatalf("recent = %v", got)
	}
	if s.Waiting["A"] != 2 {
		t.Fatalf("waiting A = %d, want 2", s.Waiting["A"])
	}
}

func TestTexts(t *testing.T) {
	tests := []struct {
		call         Call
		zh, en, talk string
	}{
		{Call{Number: "A012", Window: 5}, "请 A012 号 到 5 号窗口",
			"Number A012, please go to window 5", "请 A 零 一 二 号，到 5 号窗口。"},
		{Call{Number: "D1000", Window: 12, Recall: true}, "请 D1000 号 到 12 号窗口",
			"Number D1000, please go to window 12", "再次呼叫，请 D 一 零 零 零 号，到 12 号窗口。"},
	}
	for _, tt := range tests {
		txt := CallText(tt.call)
		if txt.ZH != tt.zh || txt.EN != tt.en {
			t.Errorf("CallText = %+v", txt)
		}
		if got := SpeechText(tt.call); got != tt.talk {
			t.Errorf("SpeechText = %q, want %q", got, tt.talk)
		}
	}
}

func TestCacheRoundTripMarksCached(t *testing.T) {
	path := filepath.Join(t.TempDir(), CacheFile)
	c, err := LoadCache(path)
	if err != nil || c.State.Link != LinkOffline || c.StreamID != 0 {
		t.Fatalf("missing cache = %+v, %v", c, err)
	}
	s := fold(State{Link: LinkLive}, ev(1, api.CallKindCalled, 5, "A012"))
	if err := SaveCache(path, Cache{State: s, StreamID: 1}); err != nil {
		t.Fatal(err)
	}
	c, err = LoadCache(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.State.Link != LinkCached || c.StreamID != 1 || numbers(c.State.Recent)[0] != "A012" {
		t.Fatalf("cache = %+v", c)
	}
}

func TestCorruptCacheNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), CacheFile)
	if err := SaveCache(path, Cache{}); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(path, "{not json"); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCache(path); err == nil {
		t.Fatal("corrupt cache loaded without error")
	}
}
