package kiosktest

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/mozillazg/go-pinyin"

	"hallkiosk/center/api"
	"hallkiosk/kiosk"
)

// Bookings is the center's booking service in memory: slots per day with
// places, refusals by ID hash, R5 cancellation one day ahead by identity.
type Bookings struct {
	Gate
	mu      sync.Mutex
	Slots0  []api.Slot             // template of a day's slots
	Days    []string               // the days Slots covers
	Refuse  map[string]string      // ID hash → error code (R11)
	Made    []kiosk.BookingRequest // successful requests
	byKey   map[string]api.Booking
	Cancels map[string]string // booking code → ID hash allowed to cancel
	Late    map[string]bool   // booking codes too late to cancel (R5)
	Offline bool
	n       int
}

// NewBookings returns a service with two slots a day on the six workdays
// after Thursday 3 December 2026.
func NewBookings() *Bookings {
	days := []string{"2026-12-04", "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10",
		"2026-12-11"}
	return &Bookings{Days: days, Slots0: []api.Slot{{Start: "09:00", End: "09:30", Free: 3},
		{Start: "13:30", End: "14:00", Free: 0}}, Refuse: map[string]string{},
		byKey: map[string]api.Booking{}, Cancels: map[string]string{}, Late: map[string]bool{}}
}

// Slots implements kiosk.Bookings: the template's slots on the first days
// of Days.
func (b *Bookings) Slots(ctx context.Context, matter string, days int) ([]api.Slot, error) {
	if err := b.wait(ctx); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.Offline {
		return nil, kiosk.ErrOffline
	}
	var out []api.Slot
	for _, day := range b.Days[:min(days, len(b.Days))] {
		for _, s := range b.Slots0 {
			s.Day = day
			out = append(out, s)
		}
	}
	return out, nil
}

// Book implements kiosk.Bookings.
func (b *Bookings) Book(ctx context.Context, req kiosk.BookingRequest) (api.Booking, error) {
	if err := b.wait(ctx); err != nil {
		return api.Booking{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.Offline {
		return api.Booking{}, kiosk.ErrOffline
	}
	if old, ok := b.byKey[req.Key]; ok {
		return old, nil
	}
	if code, ok := b.Refuse[req.Card.IDHash()]; ok {
		return api.Booking{}, &api.Error{Code: code, Message: "refused"}
	}
	b.n++
	bk := api.Booking{ID: req.Key, Code: strings.Repeat("7", 5) + string(rune('0'+b.n%10)),
		Matter: req.Matter, Day: req.Day, Start: req.Start, Status: api.BookingBooked,
		NameMasked: req.Card.MaskedName(), Channel: "site"}
	b.byKey[req.Key] = bk
	b.Made = append(b.Made, req)
	return bk, nil
}

// Cancel implements kiosk.Bookings.
func (b *Bookings) Cancel(ctx context.Context, code string, c kiosk.Card) error {
	if err := b.wait(ctx); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.Offline:
		return kiosk.ErrOffline
	case b.Cancels[code] != c.IDHash():
		return &api.Error{Code: api.ErrCodeIdentity, Message: "identity"}
	case b.Late[code]:
		return &api.Error{Code: api.ErrCodeCancelLate, Message: "late"}
	}
	delete(b.Cancels, code)
	return nil
}

// Search matches names, codes and pinyin initials of the sample entries.
type Search struct {
	mu        sync.Mutex
	cat       *Catalog
	Feedback0 map[string]int // code → net helpful votes the center got
	Queued    map[string]int // code → net helpful votes kept for the next sync
	Offline   bool           // feedback is queued, as the real kiosk's is
	Fail      error          // feedback fails with this (the ledger cannot write)
}

// NewSearch searches the catalog's entries.
func NewSearch(c *Catalog) *Search {
	return &Search{cat: c, Feedback0: map[string]int{}, Queued: map[string]int{}}
}

// Query implements kiosk.Search.
func (s *Search) Query(_ context.Context, q, dept string, limit int) ([]kiosk.Hit, error) {
	var out []kiosk.Hit
	lq := strings.ToLower(q)
	for _, e := range s.cat.Entries {
		if dept != "" && e.Department != dept {
			continue
		}
		if h, ok := match(e, lq); ok && len(out) < limit {
			out = append(out, h)
		}
	}
	return out, nil
}

func match(e kiosk.Entry, q string) (kiosk.Hit, bool) {
	h := kiosk.Hit{Code: e.Code, Name: e.Name, Department: e.Department, Text: e.Name}
	if q == "" {
		return h, true
	}
	if i := strings.Index(e.Name, q); i >= 0 {
		h.Spans = [][2]int{{i, i + len(q)}}
		return h, true
	}
	if strings.HasPrefix(e.Code, q) {
		h.Text, h.Spans = e.Code, [][2]int{{0, len(q)}}
		return h, true
	}
	a := pinyin.NewArgs()
	a.Style = pinyin.FirstLetter
	initials := strings.Join(pinyin.LazyPinyin(e.Name, a), "")
	return h, strings.Contains(initials, q)
}

// Entry implements kiosk.Search.
func (s *Search) Entry(_ context.Context, code string) (kiosk.Entry, error) {
	for _, e := range s.cat.Entries {
		if e.Code == code {
			return e, nil
		}
	}
	return kiosk.Entry{}, kiosk.ErrNotFound
}

// Feedback implements kiosk.Search.
func (s *Search) Feedback(_ context.Context, code string, helpful bool) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return false, s.Fail
	}
	votes := s.Feedback0
	if s.Offline {
		votes = s.Queued
	}
	if helpful {
		votes[code]++
	} else {
		votes[code]--
	}
	return s.Offline, nil
}

// Printer records jobs; Fail makes the next print fail in that state.
type Printer struct {
	Gate
	mu    sync.Mutex
	Jobs  []kiosk.PrintJob
	St    kiosk.PrinterState
	Fail  kiosk.PrinterState // non-OK: the next Print fails so
	Calls int
}

// Print implements kiosk.Printer.
func (p *Printer) Print(ctx context.Context, job kiosk.PrintJob) error {
	p.mu.Lock()
	p.Calls++
	p.mu.Unlock()
	if err := p.wait(ctx); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Fail != kiosk.PrinterOK {
		st := p.Fail
		p.Fail = kiosk.PrinterOK
		p.St = st
		return &kiosk.PrinterError{State: st, Err: errors.New("fake fault")}
	}
	p.Jobs = append(p.Jobs, job)
	return nil
}

// State implements kiosk.Printer.
func (p *Printer) State(context.Context) (kiosk.PrinterState, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.St, nil
}

// Forget drops the jobs printed so far.
func (p *Printer) Forget() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Jobs = nil
}

// Tickets returns the ticket numbers printed, in order.
func (p *Printer) Tickets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, j := range p.Jobs {
		if j.Ticket != nil {
			out = append(out, j.Ticket.Number)
		}
	}
	return out
}

// Reader is a card reader the test places cards on.
type Reader struct{ C chan kiosk.CardEvent }

// NewReader returns a reader with a buffered event channel.
func NewReader() *Reader { return &Reader{C: make(chan kiosk.CardEvent, 8)} }

// Events implements kiosk.Reader.
func (r *Reader) Events() <-chan kiosk.CardEvent { return r.C }

// Card is an ID card.
type Card struct {
	ID, Name string
	Old      bool // expired
}

// MaskedID implements kiosk.Card.
func (c Card) MaskedID() string { return c.ID[:3] + "***********" + c.ID[14:] }

// MaskedName implements kiosk.Card.
func (c Card) MaskedName() string {
	r := []rune(c.Name)
	return string(r[:1]) + strings.Repeat("*", len(r)-1)
}

// IDHash implements kiosk.Card.
func (c Card) IDHash() string { return Hash(c.ID) }

// Expired implements kiosk.Card.
func (c Card) Expired() bool { return c.Old }

// Identity implements kiosk.Card.
func (c Card) Identity() (string, string) { return c.ID, c.Name }

// Link is the center link with a switch.
type Link struct {
	mu      sync.Mutex
	On      bool
	Reports []string
}

// Online implements kiosk.Link.
func (l *Link) Online() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.On
}

// Set switches the link.
func (l *Link) Set(on bool) {
	l.mu.Lock()
	l.On = on
	l.mu.Unlock()
}

// Report implements kiosk.Link.
func (l *Link) Report(component, status string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.Reports = append(l.Reports, component+"="+status)
}

// Speaker records what it was asked to say.
type Speaker struct {
	mu   sync.Mutex
	said []string
}

// Say implements kiosk.Speaker.
func (s *Speaker) Say(_ context.Context, lang, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.said = append(s.said, lang+":"+text)
	return nil
}

// Said returns what was said.
func (s *Speaker) Said() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.said...)
}

// Tech is the technician panel's backend.
type Tech struct {
	mu     sync.Mutex
	Exited bool
}

// Status implements kiosk.Tech.
func (t *Tech) Status(context.Context) []kiosk.StatusLine {
	return []kiosk.StatusLine{{Name: "printer", Value: "ok"}, {Name: "reader", Value: "ok"}}
}

// SelfTest implements kiosk.Tech.
func (t *Tech) SelfTest(_ context.Context, dev string) (string, error) {
	return dev + ": self-test passed", nil
}

// LogTail implements kiosk.Tech.
func (t *Tech) LogTail(int) []string { return []string{"level=INFO msg=started"} }

// Network implements kiosk.Tech.
func (t *Tech) Network(context.Context) string { return "center http://127.0.0.1: online" }

// Exit implements kiosk.Tech.
func (t *Tech) Exit() {
	t.mu.Lock()
	t.Exited = true
	t.mu.Unlock()
}

// Kit is a full set of fakes.
type Kit struct {
	Catalog  *Catalog
	Tickets  *Tickets
	Bookings *Bookings
	Search   *Search
	Printer  *Printer
	Reader   *Reader
	Link     *Link
	Speaker  *Speaker
	Tech     *Tech
	Runner   *Runner
}

// NewKit returns fakes over the sample hall, online, printer ready.
func NewKit() *Kit {
	c := NewCatalog()
	return &Kit{Catalog: c, Tickets: NewTickets(c), Bookings: NewBookings(),
		Search: NewSearch(c), Printer: &Printer{}, Reader: NewReader(),
		Link: &Link{On: true}, Speaker: &Speaker{}, Tech: &Tech{}, Runner: &Runner{}}
}

// Ports returns the kit as the machine's ports.
func (k *Kit) Ports() kiosk.Ports {
	return kiosk.Ports{Catalog: k.Catalog, Tickets: k.Tickets, Bookings: k.Bookings,
		Search: k.Search, Printer: k.Printer, Reader: k.Reader, Link: k.Link,
		Speaker: k.Speaker, Tech: k.Tech}
}
