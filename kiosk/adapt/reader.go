package adapt

import (
	"context"
	"sync"

	"hallkiosk/center/api"

	"hallkiosk/idcard"
	"hallkiosk/kiosk"
)

// Card is an ID card read by the SAM reader. The full number stays inside
// the idcard.Card; the kiosk sees it masked, hashed, or through Identity
// for a booking request (G6).
type Card struct {
	C       *idcard.Card
	HallKey []byte
}

var _ kiosk.Card = Card{}

// MaskedID implements kiosk.Card.
func (c Card) MaskedID() string { return c.C.MaskedID() }

// MaskedName implements kiosk.Card.
func (c Card) MaskedName() string { return api.MaskName(c.C.Name()) }

// IDHash implements kiosk.Card.
func (c Card) IDHash() string { return c.C.IDHash(c.HallKey) }

// Expired implements kiosk.Card.
func (c Card) Expired() bool { return c.C.Expired() }

// Identity implements kiosk.Card.
func (c Card) Identity() (string, string) {
	return c.C.RevealIDNumberForOnSiteBooking(), c.C.Name()
}

// Reader turns the SAM reader's events into kiosk card events.
type Reader struct {
	R       *idcard.Reader
	HallKey []byte
	ch      chan kiosk.CardEvent

	mu   sync.Mutex
	last string // the last event, for the technician panel
}

// Last describes the reader's last event ("ready SAM 0512…", "placed").
func (r *Reader) Last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == "" {
		return "no event yet"
	}
	return r.last
}

var _ kiosk.Reader = (*Reader)(nil)

// Start polls the reader until ctx ends.
func (r *Reader) Start(ctx context.Context) {
	r.ch = make(chan kiosk.CardEvent, 4)
	raw := make(chan idcard.Event, 4)
	go func() { _ = r.R.Run(ctx, raw) }()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-raw:
				r.note(ev)
				if k, ok := r.convert(ev); ok {
					r.ch <- k
				}
			}
		}
	}()
}

func (r *Reader) note(ev idcard.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = ev.Kind.String() + " at " + ev.At.Format("15:04:05")
	if ev.SAMID != "" {
		r.last += ", SAM " + ev.SAMID
	}
	if ev.Err != nil {
		r.last += ": " + ev.Err.Error()
	}
}

// Events implements kiosk.Reader.
func (r *Reader) Events() <-chan kiosk.CardEvent { return r.ch }

func (r *Reader) convert(ev idcard.Event) (kiosk.CardEvent, bool) {
	switch ev.Kind {
	case idcard.CardPlaced:
		return kiosk.CardEvent{Kind: kiosk.CardPlaced, Card: Card{C: ev.Card, HallKey: r.HallKey}}, true
	case idcard.CardRemoved:
		return kiosk.CardEvent{Kind: kiosk.CardRemoved}, true
	case idcard.CardUnreadable:
		return kiosk.CardEvent{Kind: kiosk.CardUnreadable, Err: ev.Err}, true
	case idcard.ReaderFault:
		return kiosk.CardEvent{Kind: kiosk.ReaderLost, Err: ev.Err}, true
	case idcard.ReaderReady, idcard.ReaderRecovered:
		return kiosk.CardEvent{Kind: kiosk.ReaderFound}, true
	}
	return kiosk.CardEvent{}, false
}
