package display

import (
	"log/slog"
	"sync"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/logging"
)

// ControllerOptions wire a Controller. Every func may be nil.
type ControllerOptions struct {
	// View draws a state; it is called from the stream's goroutine, so a
	// fyne view must hop to the UI goroutine (fyne.Do).
	View func(State)
	// Announce queues a call for the voice (voice.Announcer.Enqueue).
	Announce func(Call)
	// Save persists the cache (SaveCache to the data directory).
	Save  func(Cache) error
	Clock clock.Clock
	Log   *slog.Logger
	// MaxAnnounceAge skips announcing calls older than this when a display
	// resumes after a long gap: they still show, but saying them now would
	// send people to a window that has moved on. Default 5 minutes.
	// The age is taken on the center's clock: this display's clock plus the
	// offset SetClockOffset last gave (from the heartbeat's server_time).
	MaxAnnounceAge time.Duration
}

// Controller owns the display's state: it folds what the stream client
// delivers into it, announces each call the stream delivered (exactly that
// call, never "whatever is newest"), redraws and saves the cache. Its
// methods match stream.Handler.
type Controller struct {
	o   ControllerOptions
	log *slog.Logger

	mu       sync.Mutex
	st       State
	streamID int64
	offset   time.Duration // center clock minus ours
}

// SetClockOffset records the center's clock minus this display's, so the
// age of a call is judged on the center's clock even when the box's clock
// is wrong.
func (c *Controller) SetClockOffset(d time.Duration) {
	c.mu.Lock()
	c.offset = d
	c.mu.Unlock()
}

// NewController starts from a cached state.
func NewController(c Cache, o ControllerOptions) *Controller {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.MaxAnnounceAge <= 0 {
		o.MaxAnnounceAge = 5 * time.Minute
	}
	return &Controller{o: o, log: logging.For(o.Log, "display"), st: c.State, streamID: c.StreamID}
}

// State returns the current state.
func (c *Controller) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st
}

// StreamID is the last event id the stream delivered.
func (c *Controller) StreamID() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.streamID
}

// update changes the state under the lock, then draws and saves it.
func (c *Controller) update(persist bool, fn func(State) State) {
	c.mu.Lock()
	c.st = fn(c.st)
	st, cache := c.st, Cache{State: c.st, StreamID: c.streamID}
	c.mu.Unlock()
	if c.o.View != nil {
		c.o.View(st)
	}
	if persist && c.o.Save != nil {
		if err := c.o.Save(cache); err != nil {
			c.log.Warn("display cache not saved; a restart will start empty", logging.KeyErr, err)
		}
	}
}

// Event folds a stream event and announces it when it is a call or recall.
func (c *Controller) Event(ev api.CallEvent) {
	now := c.o.Clock.Now()
	c.mu.Lock()
	c.streamID = max(c.streamID, ev.ID)
	centerNow := now.Add(c.offset)
	c.mu.Unlock()
	c.update(true, func(s State) State {
		s = Apply(s, ev)
		s.Heard = now
		return s
	})
	if ev.Kind != api.CallKindCalled && ev.Kind != api.CallKindRecalled {
		return
	}
	call := Call{EventID: ev.ID, TicketID: ev.TicketID, Number: ev.Number, Queue: ev.Queue,
		Window: ev.Window, Time: ev.Time, Recall: ev.Kind == api.CallKindRecalled}
	if age := centerNow.Sub(ev.Time); !ev.Time.IsZero() && age > c.o.MaxAnnounceAge {
		c.log.Info("old call shown but not announced", logging.KeyTicket, ev.Number,
			"age", age.Round(time.Second))
		return
	}
	if c.o.Announce != nil {
		c.o.Announce(call)
	}
}

// Snapshot replaces the calls with the center's snapshot.
func (c *Controller) Snapshot(snap api.Snapshot) {
	now := c.o.Clock.Now()
	c.update(true, func(s State) State {
		s = ApplySnapshot(s, snap)
		s.Heard = now
		return s
	})
}

// Notices replaces the notices.
func (c *Controller) Notices(ns []api.Notice) {
	c.update(true, func(s State) State {
		s.Notices = ns
		return s
	})
}

// Hall names the queues after the departments.
func (c *Controller) Hall(h api.Hall) {
	c.update(true, func(s State) State { return WithHall(s, h) })
}

// Status marks the link live or offline (G7).
func (c *Controller) Status(live bool) {
	now := c.o.Clock.Now()
	c.update(false, func(s State) State {
		if live {
			s.Link, s.Heard = LinkLive, now
		} else {
			s.Link = LinkOffline
		}
		return s
	})
}
