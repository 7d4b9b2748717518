package display

import (
	"slices"
	"time"

	"hallkiosk/center/api"
)

// Link says how fresh the state is (G7).
type Link string

// Link values.
const (
	// LinkLive: the stream is up and heartbeats arrive in time.
	LinkLive Link = "live"
	// LinkOffline: no heartbeat within the allowed time; the state may be
	// stale and the screen says so.
	LinkOffline Link = "offline"
	// LinkCached: loaded from the local cache at start, not yet confirmed
	// by the center.
	LinkCached Link = "cached"
)

// MaxRecent is how many calls the state keeps besides the newest one.
const MaxRecent = 8

// Call is one call shown on the screen.
type Call struct {
	EventID  int64     `json:"event_id"`
	TicketID string    `json:"ticket_id"`
	Number   string    `json:"number"`
	Queue    string    `json:"queue"`
	Window   int       `json:"window"`
	Time     time.Time `json:"time"`
	Recall   bool      `json:"recall,omitempty"`
	Missed   bool      `json:"missed,omitempty"` // R13: absent when called (过号)
}

// WindowRow is what one window serves now; an empty Number means idle.
type WindowRow struct {
	Window int    `json:"window"`
	Number string `json:"number,omitempty"`
}

// Department names a queue for the waiting counts, with the windows that
// serve it (S1: windows are staffed by departments).
type Department struct {
	Queue   string `json:"queue"`
	Name    string `json:"name"`
	Windows []int  `json:"windows,omitempty"`
}

// State is everything the screen shows. It is a value: Apply and
// ApplySnapshot return a new State and never change their argument's
// slices or maps in place, so a screen may hold an old State safely.
type State struct {
	// LastEventID is the id of the newest event folded into the state.
	LastEventID int64 `json:"last_event_id"`
	// Flash is the event id of the newest call or recall; the screen
	// flashes when it changes. A snapshot keeps it, so a refresh does not
	// flash an old call again.
	Flash int64 `json:"flash"`
	// Recent holds the calls, newest first; Recent[0] is drawn large.
	Recent  []Call         `json:"recent"`
	Windows []WindowRow    `json:"windows"`
	Waiting map[string]int `json:"waiting"`
	// Departments names the queues, in the hall's order.
	Departments []Department `json:"departments,omitempty"`
	Notices     []api.Notice `json:"notices,omitempty"`
	// Center is the hall's name, from the hall config.
	Center string `json:"center,omitempty"`

	Link Link `json:"link"`
	// Heard is when the center was last heard from (event or heartbeat).
	Heard time.Time `json:"heard"`
}

// Newest returns the call to draw large, and false when there is none.
func (s State) Newest() (Call, bool) {
	if len(s.Recent) == 0 {
		return Call{}, false
	}
	return s.Recent[0], true
}

// Apply folds one stream event into the state. An event at or below
// LastEventID is already in the state (a resumed stream or a snapshot
// taken after it) and changes nothing, so replays never double a call.
func Apply(s State, ev api.CallEvent) State {
	if ev.ID <= s.LastEventID {
		return s
	}
	s.LastEventID = ev.ID
	switch ev.Kind {
	case api.CallKindCalled, api.CallKindRecalled:
		return applyCall(s, ev)
	case api.CallKindMissed:
		s = markMissed(s, ev.TicketID, true)
		return setWindow(s, ev.Window, ev.TicketID, "")
	case api.CallKindReinstated:
		// R13: a missed ticket reinstated within 10 minutes waits again.
		s = markMissed(s, ev.TicketID, false)
		return addWaiting(s, ev.Queue, 1)
	case api.CallKindTransferred:
		// The ticket leaves its window and waits in the queue it was
		// transferred to (the event's queue).
		s = clearTicket(s, ev.TicketID)
		return addWaiting(s, ev.Queue, 1)
	case api.CallKindFinished:
		return clearTicket(s, ev.TicketID)
	case api.CallKindIssued:
		return addWaiting(s, ev.Queue, 1)
	}
	// wait_alert (R8) is for the group leader's console; reset is handled
	// by the stream client, which loads a snapshot.
	return s
}

func applyCall(s State, ev api.CallEvent) State {
	c := Call{
		EventID: ev.ID, TicketID: ev.TicketID, Number: ev.Number, Queue: ev.Queue,
		Window: ev.Window, Time: ev.Time, Recall: ev.Kind == api.CallKindRecalled,
	}
	if !c.Recall {
		s = addWaiting(s, ev.Queue, -1)
	}
	s.Flash = ev.ID
	s = setWindow(s, ev.Window, "", ev.Number)
	recent := make([]Call, 0, MaxRecent+1)
	recent = append(recent, c)
	for _, r := range s.Recent {
		if r.TicketID != c.TicketID && len(recent) <= MaxRecent {
			recent = append(recent, r)
		}
	}
	s.Recent = recent
	return s
}

// setWindow puts number on window w. When ticket is set, the window is
// changed only if it still shows that ticket's number (a late "missed" must
// not clear a newer call on the same window).
func setWindow(s State, w int, ticket, number string) State {
	if w == 0 {
		return s
	}
	rows := slices.Clone(s.Windows)
	i := slices.IndexFunc(rows, func(r WindowRow) bool { return r.Window == w })
	if i < 0 {
		rows = append(rows, WindowRow{Window: w})
		slices.SortFunc(rows, func(a, b WindowRow) int { return a.Window - b.Window })
		i = slices.IndexFunc(rows, func(r WindowRow) bool { return r.Window == w })
	}
	if ticket != "" && rows[i].Number != numberOf(s, ticket) {
		return s
	}
	rows[i].Number = number
	s.Windows = rows
	return s
}

// clearTicket empties the window that shows ticket, if any.
func clearTicket(s State, ticket string) State {
	for _, c := range s.Recent {
		if c.TicketID == ticket {
			return setWindow(s, c.Window, ticket, "")
		}
	}
	return s
}

func numberOf(s State, ticket string) string {
	for _, c := range s.Recent {
		if c.TicketID == ticket {
			return c.Number
		}
	}
	return ""
}

func markMissed(s State, ticket string, missed bool) State {
	recent := slices.Clone(s.Recent)
	for i := range recent {
		if recent[i].TicketID == ticket {
			recent[i].Missed = missed
		}
	}
	s.Recent = recent
	return s
}

// addWaiting changes a queue's waiting count by d, never below zero.
func addWaiting(s State, queue string, d int) State {
	if queue == "" {
		return s
	}
	w := make(map[string]int, len(s.Waiting)+1)
	for k, v := range s.Waiting {
		w[k] = v
	}
	w[queue] = max(0, w[queue]+d)
	s.Waiting = w
	return s
}

// ApplySnapshot replaces the calls, windows and counts with the center's
// snapshot. The link, notices, department names and Flash are kept: they
// do not come from the snapshot.
func ApplySnapshot(s State, snap api.Snapshot) State {
	n := State{
		LastEventID: snap.LastEventID, Flash: s.Flash, Departments: s.Departments,
		Notices: s.Notices, Link: s.Link, Heard: s.Heard, Center: s.Center,
		Waiting: make(map[string]int, len(snap.Waiting)),
	}
	for k, v := range snap.Waiting {
		n.Waiting[k] = v
	}
	for _, w := range snap.Windows {
		n.Windows = append(n.Windows, WindowRow{Window: w.Window, Number: w.Number})
	}
	slices.SortFunc(n.Windows, func(a, b WindowRow) int { return a.Window - b.Window })
	for _, ev := range snap.Recent {
		if len(n.Recent) > MaxRecent {
			break
		}
		n.Recent = append(n.Recent, Call{
			EventID: ev.ID, TicketID: ev.TicketID, Number: ev.Number, Queue: ev.Queue,
			Window: ev.Window, Time: ev.Time, Recall: ev.Kind == api.CallKindRecalled,
			Missed: ev.Kind == api.CallKindMissed,
		})
	}
	return n
}

// WithHall names the queues after the hall's departments, in hall order.
func WithHall(s State, h api.Hall) State {
	deps := make([]Department, 0, len(h.Departments))
	for _, d := range h.Departments {
		deps = append(deps, Department{Queue: d.QueuePrefix, Name: d.Name, Windows: d.Windows})
	}
	s.Departments, s.Center = deps, h.Center
	return s
}

// ActiveNotices returns the notices still in force at now.
func (s State) ActiveNotices(now time.Time) []api.Notice {
	var out []api.Notice
	for _, n := range s.Notices {
		if n.Until.IsZero() || n.Until.After(now) {
			out = append(out, n)
		}
	}
	return out
}
