// Package adapt binds the kiosk's ports to the real parts: the SQLite
// ledger (tickets, cached bookings, knowledge search), the center's device
// API (on-site booking, cancel, feedback, health), the ESC/POS printer
// driver, the SAM ID-card reader and the espeak-ng voice.
package adapt

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/kiosk"
	"hallkiosk/ledger"
	"hallkiosk/ledger/knowledge"
)

// Ledger serves Catalog, Tickets and the local half of Search from the
// device ledger. It keeps the hall in memory: the UI asks for it on every
// redraw, and it only changes when the sync loop pulls a new version
// (Refresh).
type Ledger struct {
	L       *ledger.Ledger
	HallKey []byte // the hall secret for keyed ID hashes (G6)

	mu   sync.Mutex
	hall *api.Hall
}

var (
	_ kiosk.Catalog = (*Ledger)(nil)
	_ kiosk.Tickets = (*Ledger)(nil)
)

// Refresh reloads the cached hall from the ledger.
func (a *Ledger) Refresh(ctx context.Context) error {
	h, err := a.L.Hall(ctx)
	if err != nil {
		return fmt.Errorf("adapt: hall: %w", err)
	}
	a.mu.Lock()
	a.hall = h
	a.mu.Unlock()
	return nil
}

// Hall implements kiosk.Catalog.
func (a *Ledger) Hall() *api.Hall {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.hall
}

// Matters implements kiosk.Catalog.
func (a *Ledger) Matters(_ context.Context, dept string) ([]api.Matter, error) {
	h := a.Hall()
	if h == nil {
		return nil, errors.New("adapt: no hall yet")
	}
	var out []api.Matter
	for _, m := range h.Matters {
		if m.Department == dept {
			out = append(out, m)
		}
	}
	return out, nil
}

// Matter implements kiosk.Catalog: the hall's list first, then the
// knowledge base.
func (a *Ledger) Matter(ctx context.Context, code string) (api.Matter, bool) {
	if h := a.Hall(); h != nil {
		for _, m := range h.Matters {
			if m.Code == code {
				return m, true
			}
		}
	}
	e, err := a.L.Matter(ctx, code)
	if err != nil {
		return api.Matter{}, false
	}
	return api.Matter{Code: e.Code, Name: e.Name, Department: e.Department}, true
}

// IssueWalkIn implements kiosk.Tickets. A repeated key returns the first
// ticket (G5); one already printed is marked Existing so it is not printed
// again.
func (a *Ledger) IssueWalkIn(ctx context.Context, key, matter string) (kiosk.Ticket, error) {
	t, err := a.L.Issue(ctx, ledger.IssueRequest{Key: key, Matter: matter})
	if err != nil {
		return kiosk.Ticket{}, fmt.Errorf("adapt: issue: %w", err)
	}
	return ticket(t), nil
}

// CheckIn implements kiosk.Tickets.
func (a *Ledger) CheckIn(ctx context.Context, key, code string) (kiosk.Ticket, error) {
	t, err := a.L.CheckIn(ctx, ledger.CheckInRequest{Key: key, Code: code})
	if err != nil {
		return kiosk.Ticket{}, fmt.Errorf("adapt: check in: %w", err)
	}
	return ticket(t), nil
}

// MarkPrinted implements kiosk.Tickets.
func (a *Ledger) MarkPrinted(ctx context.Context, id, outcome string) error {
	return a.L.MarkPrinted(ctx, id, strings.ReplaceAll(outcome, " ", "_"))
}

func ticket(t ledger.Ticket) kiosk.Ticket {
	ahead := t.Ahead
	if t.Source == ledger.SourceLease {
		ahead = -1 // offline the kiosk cannot know the queue (G4)
	}
	return kiosk.Ticket{ID: t.ID, Number: t.Label, Queue: t.Queue, Kind: t.Kind,
		Matter: t.Matter, Ahead: ahead, Issued: t.IssuedAt, Existing: t.Print != ""}
}

// FindBookings implements kiosk.Tickets. A typed ID number is hashed here
// and goes no further (G6).
func (a *Ledger) FindBookings(ctx context.Context, q kiosk.Lookup) ([]kiosk.Booking, error) {
	hash := q.IDHash
	if q.IDNumber != "" {
		hash = api.KeyedIDHash(a.HallKey, q.IDNumber)
	}
	bs, err := a.L.FindBookings(ctx, q.Code, hash)
	if err != nil {
		return nil, fmt.Errorf("adapt: find bookings: %w", err)
	}
	out := make([]kiosk.Booking, 0, len(bs))
	for _, b := range bs {
		out = append(out, kiosk.Booking{Code: b.Code, NameMasked: b.NameMasked,
			Matter: b.Matter, Queue: b.Queue, Day: b.Day, Start: b.Start, End: b.End,
			Status: b.Status})
	}
	return out, nil
}

// Search answers queries from the ledger's knowledge index and sends
// feedback through the center client.
type Search struct {
	Ledger *Ledger
	Center *Center
}

var _ kiosk.Search = (*Search)(nil)

// Query implements kiosk.Search. The index has no department column, so a
// filter reads a wider page and keeps the department's hits; an empty
// query with a filter lists the department's matters.
func (s *Search) Query(ctx context.Context, q, dept string, limit int) ([]kiosk.Hit, error) {
	if q == "" {
		return s.listDept(ctx, dept, limit)
	}
	n := limit
	if dept != "" {
		n = limit * 8
	}
	hits, err := s.Ledger.L.Search(ctx, q, n)
	if err != nil {
		return nil, fmt.Errorf("adapt: search: %w", err)
	}
	out := make([]kiosk.Hit, 0, min(len(hits), limit))
	for _, h := range hits {
		if dept != "" && h.Department != dept {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, hit(h))
	}
	return out, nil
}

func (s *Search) listDept(ctx context.Context, dept string, limit int) ([]kiosk.Hit, error) {
	ms, err := s.Ledger.Matters(ctx, dept)
	if err != nil {
		return nil, err
	}
	out := make([]kiosk.Hit, 0, len(ms))
	for _, m := range ms[:min(len(ms), limit)] {
		out = append(out, kiosk.Hit{Code: m.Code, Name: m.Name, Department: m.Department, Text: m.Name})
	}
	return out, nil
}

func hit(h knowledge.Hit) kiosk.Hit {
	k := kiosk.Hit{Code: h.Code, Name: h.Name, Department: h.Department, Text: h.Text}
	for _, sp := range h.Spans {
		k.Spans = append(k.Spans, [2]int{sp.Start, sp.End})
	}
	return k
}

// Entry implements kiosk.Search.
func (s *Search) Entry(ctx context.Context, code string) (kiosk.Entry, error) {
	e, err := s.Ledger.L.Matter(ctx, code)
	if err != nil {
		return kiosk.Entry{}, fmt.Errorf("adapt: entry: %w: %w", kiosk.ErrNotFound, err)
	}
	out := kiosk.Entry{Department: e.Department, Name: e.Name, Code: e.Code,
		ReviewPoints: e.ReviewPoints, Maintainer: e.Maintainer,
		Guide: kiosk.Guide{Materials: e.Guide.Materials, TimeLimit: e.Guide.TimeLimit,
			Fee: e.Guide.Fee, Window: e.Guide.Window, Basis: e.Guide.Basis}}
	for _, qa := range e.FAQ {
		out.FAQ = append(out.FAQ, kiosk.QA{Q: qa.Q, A: qa.A})
	}
	return out, nil
}

// Feedback implements kiosk.Search (K4): "helpful" or "unclear". Online it
// goes to the center at once. When the center is known to be out of reach,
// or the request gets no answer, it is journalled in the ledger and the
// sync loop's next push delivers it; the center files one ID once, so a
// request that arrived though its reply was lost is not counted twice.
func (s *Search) Feedback(ctx context.Context, code string, helpful bool) (bool, error) {
	kind := api.FeedbackUnclear
	if helpful {
		kind = api.FeedbackHelpful
	}
	fb := api.KnowledgeFeedback{ID: ledger.NewKey(), Code: code, Kind: kind}
	if s.Center.Online() {
		err := s.Center.post(ctx, "/knowledge/feedback", fb, nil)
		if !errors.Is(err, kiosk.ErrOffline) {
			return false, err
		}
	}
	// A center too slow for the call's deadline must not cost the
	// feedback: the local write gets its own.
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.Ledger.L.QueueFeedback(qctx, fb); err != nil {
		return false, fmt.Errorf("adapt: feedback: %w", err)
	}
	return true, nil
}

// RefreshEvery reloads the hall until ctx ends, so a new hall version
// pulled by the sync loop reaches the screens.
func (a *Ledger) RefreshEvery(ctx context.Context, every time.Duration, onErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := a.Refresh(ctx); err != nil && onErr != nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
