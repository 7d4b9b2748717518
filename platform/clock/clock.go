// Package clock lets code that waits or reads the time be driven by a fake in
// tests. Rules such as the 10-minute reinstatement window (R13) or a day
// offline (G4) cannot be tested in real time, so every component that
// depends on time takes a Clock instead of calling time.Now directly.
package clock

import (
	"sort"
	"sync"
	"time"
)

// Clock is the time source a component uses.
type Clock interface {
	Now() time.Time
	// After behaves like time.After.
	After(d time.Duration) <-chan time.Time
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (Real) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Zoned is the wall clock read in a given time zone: hall rules (pick-up
// windows, the date on screen, the volume by time of day) are in the hall's
// time, whatever zone the device's own system is set to.
type Zoned struct{ Loc *time.Location }

// Now returns time.Now() in z.Loc.
func (z Zoned) Now() time.Time { return time.Now().In(z.Loc) }

// After returns time.After(d).
func (Zoned) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Fake is a manually advanced clock. It is safe for concurrent use.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

// NewFake returns a Fake clock reading t.
func NewFake(t time.Time) *Fake { return &Fake{now: t} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// After returns a channel that receives once the fake time has been advanced
// by at least d. A non-positive d fires at once.
func (f *Fake) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- f.now
		return ch
	}
	f.waiters = append(f.waiters, waiter{at: f.now.Add(d), ch: ch})
	return ch
}

// Advance moves the clock forward by d and fires every waiter that is due.
func (f *Fake) Advance(d time.Duration) { f.Set(f.Now().Add(d)) }

// Set moves the clock to t (which may be earlier, to model a device clock
// being corrected) and fires every waiter that is due.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	f.now = t
	sort.Slice(f.waiters, func(i, j int) bool { return f.waiters[i].at.Before(f.waiters[j].at) })
	var keep []waiter
	for _, w := range f.waiters {
		if !w.at.After(t) {
			w.ch <- t
			continue
		}
		keep = append(keep, w)
	}
	f.waiters = keep
	f.mu.Unlock()
}

// Waiters reports how many After channels are still pending; tests use it to
// know a goroutine has reached its wait before advancing the clock.
func (f *Fake) Waiters() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.waiters)
}
