package idcard

import (
	"context"
	"errors"
	"fmt"
)

// Report is what `hallkiosk selftest idcard` prints: the card as the
// technician must see it to trust the reader. The ID number is masked
// unless the technician asked to reveal it.
type Report struct {
	Name        string   `json:"name"`
	NameEN      string   `json:"name_en,omitempty"`
	Gender      string   `json:"gender"`
	Nation      string   `json:"nation,omitempty"`
	Nationality string   `json:"nationality,omitempty"`
	Birth       string   `json:"birth"`
	Address     string   `json:"address,omitempty"`
	ID          string   `json:"id"`
	IDValid     bool     `json:"id_valid"`
	IDCheck     string   `json:"id_check,omitempty"` // why id_valid is false
	Authority   string   `json:"authority"`
	ValidFrom   string   `json:"valid_from"`
	ValidTo     string   `json:"valid_to"`
	Expired     bool     `json:"expired"`
	CardType    CardType `json:"card_type"`
	SAMID       string   `json:"sam_id"`
}

// NewReport builds the self-test report of c. reveal puts the full ID
// number in it; the technician's console is the only place it may go.
func NewReport(c *Card, samID string, reveal bool) Report {
	rep := Report{
		Name: c.Name(), NameEN: c.NameEN(), Gender: c.Gender(), Nation: c.Nation(),
		Nationality: c.Nationality(), Birth: c.Birth(), Address: c.Address(),
		ID: c.MaskedID(), IDValid: c.IDCheck() == nil, Authority: c.Authority(),
		ValidFrom: c.ValidFrom(), ValidTo: c.ValidTo(), Expired: c.Expired(),
		CardType: c.Type(), SAMID: samID,
	}
	if c.nameEN != "" && c.name != "" {
		rep.Name = c.name
	}
	if err := c.IDCheck(); err != nil {
		rep.IDCheck = err.Error()
	}
	if reveal {
		rep.ID = c.RevealIDNumberForOnSiteBooking()
	}
	return rep
}

// WaitCard runs r until a card is read and returns it with the SAM id.
// It fails when ctx ends first (naming whether the reader ever answered),
// when the card cannot be read, or when the reader faults.
func WaitCard(ctx context.Context, r *Reader) (*Card, string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := make(chan Event)
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, events) }()

	ready, samID := false, ""
	for {
		select {
		case e := <-events:
			switch e.Kind {
			case ReaderReady:
				ready, samID = true, e.SAMID
			case CardPlaced:
				return e.Card, samID, nil
			case CardUnreadable:
				return nil, samID, fmt.Errorf("card on the reader could not be read: %w", e.Err)
			case ReaderFault:
				return nil, samID, fmt.Errorf("%s failing: %w", r, e.Err)
			}
		case err := <-done:
			return nil, samID, waitErr(r, ready, err)
		}
	}
}

func waitErr(r *Reader, ready bool, err error) error {
	if !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if !ready {
		return fmt.Errorf("%s never answered (check power, port and baud rate): %w", r, ErrTimeout)
	}
	return fmt.Errorf("no card placed on %s in time: %w", r, err)
}
