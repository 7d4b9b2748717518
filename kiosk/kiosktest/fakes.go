// Package kiosktest holds in-memory fakes of the kiosk's ports, a runner
// tests drain on their own goroutine, and the sample hall. The fakes keep
// the contracts of the real ports (idempotency keys, refusals as
// *api.Error, R9 quota) so the machine is tested against the behaviour it
// will meet, not against canned answers.
package kiosktest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/kiosk"
)

//go:embed testdata/hall.sample.json
var hallJSON []byte

//go:embed testdata/knowledge.sample.json
var knowledgeJSON []byte

// Hall returns the sample hall (shared/data/hall.sample.json).
func Hall() *api.Hall {
	var h api.Hall
	if err := json.Unmarshal(hallJSON, &h); err != nil {
		panic("kiosktest: sample hall: " + err.Error())
	}
	return &h
}

// Entries returns the sample knowledge base.
func Entries() []kiosk.Entry {
	var f struct {
		Entries []struct {
			Department   string   `json:"department"`
			Name         string   `json:"name"`
			Code         string   `json:"code"`
			ReviewPoints []string `json:"review_points"`
			Guide        struct {
				Materials          []string
				TimeLimit          string `json:"time_limit"`
				Fee, Window, Basis string
			} `json:"guide"`
			FAQ        []struct{ Q, A string } `json:"faq"`
			Maintainer string                  `json:"maintainer"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(knowledgeJSON, &f); err != nil {
		panic("kiosktest: sample knowledge: " + err.Error())
	}
	out := make([]kiosk.Entry, 0, len(f.Entries))
	for _, e := range f.Entries {
		k := kiosk.Entry{Department: e.Department, Name: e.Name, Code: e.Code,
			ReviewPoints: e.ReviewPoints, Maintainer: e.Maintainer,
			Guide: kiosk.Guide{Materials: e.Guide.Materials, TimeLimit: e.Guide.TimeLimit,
				Fee: e.Guide.Fee, Window: e.Guide.Window, Basis: e.Guide.Basis}}
		for _, q := range e.FAQ {
			k.FAQ = append(k.FAQ, kiosk.QA{Q: q.Q, A: q.A})
		}
		out = append(out, k)
	}
	return out
}

// Runner runs work on goroutines and queues the replies until Drain runs
// them on the test's goroutine, as fyne.Do does on the UI thread.
type Runner struct {
	mu      sync.Mutex
	wg      sync.WaitGroup
	pending []func()
}

// Go implements kiosk.Runner.
func (r *Runner) Go(work func() func()) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		apply := work()
		r.mu.Lock()
		r.pending = append(r.pending, apply)
		r.mu.Unlock()
	}()
}

// Drain waits for every call in flight and applies the replies, until
// nothing is left (a reply may start another call).
func (r *Runner) Drain() {
	for {
		r.wg.Wait()
		r.mu.Lock()
		p := r.pending
		r.pending = nil
		r.mu.Unlock()
		if len(p) == 0 {
			return
		}
		for _, f := range p {
			f()
		}
	}
}

// Next waits up to five seconds for one reply and applies it; it reports
// whether there was one. Unlike Drain it does not wait for calls held at a
// Gate.
func (r *Runner) Next() bool {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		if len(r.pending) > 0 {
			f := r.pending[0]
			r.pending = r.pending[1:]
			r.mu.Unlock()
			f()
			return true
		}
		r.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
	return false
}

// Gate holds calls until opened, to act out a slow center or printer.
type Gate struct {
	mu sync.Mutex
	ch chan struct{}
}

// Close makes later calls wait until Open.
func (g *Gate) Close() {
	g.mu.Lock()
	g.ch = make(chan struct{})
	g.mu.Unlock()
}

// Open releases waiting calls.
func (g *Gate) Open() {
	g.mu.Lock()
	if g.ch != nil {
		close(g.ch)
		g.ch = nil
	}
	g.mu.Unlock()
}

func (g *Gate) wait(ctx context.Context) error {
	g.mu.Lock()
	ch := g.ch
	g.mu.Unlock()
	if ch == nil {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Catalog serves the sample hall and knowledge base.
type Catalog struct {
	H       *api.Hall
	Entries []kiosk.Entry
}

// NewCatalog returns the sample catalog.
func NewCatalog() *Catalog { return &Catalog{H: Hall(), Entries: Entries()} }

// Hall implements kiosk.Catalog.
func (c *Catalog) Hall() *api.Hall { return c.H }

// Matters implements kiosk.Catalog.
func (c *Catalog) Matters(_ context.Context, dept string) ([]api.Matter, error) {
	var out []api.Matter
	for _, e := range c.Entries {
		if e.Department == dept {
			out = append(out, api.Matter{Code: e.Code, Name: e.Name, Department: dept})
		}
	}
	return out, nil
}

// Matter implements kiosk.Catalog.
func (c *Catalog) Matter(_ context.Context, code string) (api.Matter, bool) {
	for _, e := range c.Entries {
		if e.Code == code {
			return api.Matter{Code: e.Code, Name: e.Name, Department: e.Department}, true
		}
	}
	return api.Matter{}, false
}

// Hash stands in for the keyed ID hash.
func Hash(id string) string { return "h:" + strings.ToUpper(id) }

// Tickets numbers tickets per queue with a walk-in quota per queue (R9)
// and idempotency keys (G5).
type Tickets struct {
	Gate
	mu       sync.Mutex
	cat      *Catalog
	next     map[string]int
	byKey    map[string]kiosk.Ticket
	Quota    map[string]int // queue → walk-ins left; absent means plenty
	Bookings []kiosk.Booking
	hashes   map[string]string // booking code → ID hash
	Issued   int               // numbers taken
	Err      error             // returned by the next call, then cleared
	Outcomes []string          // "ticket id=outcome" from MarkPrinted
}

// NewTickets returns an empty ledger over the catalog.
func NewTickets(c *Catalog) *Tickets {
	return &Tickets{cat: c, next: map[string]int{}, byKey: map[string]kiosk.Ticket{},
		Quota: map[string]int{}, hashes: map[string]string{}}
}

// Forget drops the tickets issued so far (long soak tests, where the
// fake's own records would otherwise grow).
func (t *Tickets) Forget() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.byKey = map[string]kiosk.Ticket{}
	t.Outcomes = nil
}

// AddBooking caches a booking of the person with this ID number.
func (t *Tickets) AddBooking(b kiosk.Booking, idNumber string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.Bookings = append(t.Bookings, b)
	t.hashes[b.Code] = Hash(idNumber)
}

func (t *Tickets) takeErr() error {
	err := t.Err
	t.Err = nil
	return err
}

// IssueWalkIn implements kiosk.Tickets.
func (t *Tickets) IssueWalkIn(ctx context.Context, key, matter string) (kiosk.Ticket, error) {
	if err := t.wait(ctx); err != nil {
		return kiosk.Ticket{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.takeErr(); err != nil {
		return kiosk.Ticket{}, err
	}
	if old, ok := t.byKey[key]; ok {
		old.Existing = true
		return old, nil
	}
	m, ok := t.cat.Matter(ctx, matter)
	if !ok {
		return kiosk.Ticket{}, &api.Error{Code: api.ErrCodeNotFound, Message: "unknown matter"}
	}
	d, _ := kiosk.Department(t.cat.H, m.Department)
	if left, ok := t.Quota[d.QueuePrefix]; ok {
		if left <= 0 {
			return kiosk.Ticket{}, &api.Error{Code: api.ErrCodeQuota, Message: "quota used up"}
		}
		t.Quota[d.QueuePrefix] = left - 1
	}
	return t.issue(key, d.QueuePrefix, matter, api.KindWalkIn), nil
}

func (t *Tickets) issue(key, queue, matter, kind string) kiosk.Ticket {
	t.next[queue]++
	t.Issued++
	n := t.next[queue]
	tk := kiosk.Ticket{ID: fmt.Sprintf("t-%s-%d", queue, n), Number: api.FormatNumber(queue, n),
		Queue: queue, Kind: kind, Matter: matter, Ahead: n - 1, Issued: time.Unix(0, 0)}
	t.byKey[key] = tk
	return tk
}

// MarkPrinted implements kiosk.Tickets.
func (t *Tickets) MarkPrinted(_ context.Context, id, outcome string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.Outcomes = append(t.Outcomes, id+"="+outcome)
	return nil
}

// FindBookings implements kiosk.Tickets.
func (t *Tickets) FindBookings(ctx context.Context, q kiosk.Lookup) ([]kiosk.Booking, error) {
	if err := t.wait(ctx); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.takeErr(); err != nil {
		return nil, err
	}
	hash := q.IDHash
	if q.IDNumber != "" {
		hash = Hash(q.IDNumber)
	}
	var out []kiosk.Booking
	for _, b := range t.Bookings {
		if (q.Code != "" && b.Code == q.Code) || (hash != "" && t.hashes[b.Code] == hash) {
			out = append(out, b)
		}
	}
	return out, nil
}

// CheckIn implements kiosk.Tickets; a booking checked in twice returns its
// first ticket.
func (t *Tickets) CheckIn(ctx context.Context, key, code string) (kiosk.Ticket, error) {
	if err := t.wait(ctx); err != nil {
		return kiosk.Ticket{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.takeErr(); err != nil {
		return kiosk.Ticket{}, err
	}
	if old, ok := t.byKey["booking:"+code]; ok {
		old.Existing = true
		return old, nil
	}
	for i, b := range t.Bookings {
		if b.Code == code {
			tk := t.issue("booking:"+code, b.Queue, b.Matter, api.KindBooked)
			t.Bookings[i].Status = api.BookingCheckedIn
			return tk, nil
		}
	}
	return kiosk.Ticket{}, kiosk.ErrNotFound
}
