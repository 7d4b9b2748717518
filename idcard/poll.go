package idcard

import (
	"context"
	"errors"
	"time"

	"hallkiosk/platform/logging"
)

// EventKind says what happened at the reader.
type EventKind int

// Event kinds.
const (
	// ReaderReady: the SAM answered at start; Event.SAMID holds its id
	// ("" if the module does not report one).
	ReaderReady EventKind = iota + 1
	// CardPlaced: a card was placed and read; Event.Card holds it. A card
	// resting on the reader is read once, and again only after removal.
	CardPlaced
	// CardRemoved: the card that was read has left the reader.
	CardRemoved
	// CardUnreadable: a card was found but could not be selected, read or
	// decoded after Options.ReadAttempts tries; Event.Err says why. The
	// card is not tried again until it is removed.
	CardUnreadable
	// ReaderFault: Options.ResetAfter consecutive exchanges failed on the
	// line or in the SAM; Event.Err holds the last error. The driver
	// resets the SAM and keeps polling with backoff.
	ReaderFault
	// ReaderRecovered: an exchange succeeded after a ReaderFault.
	ReaderRecovered
)

var kindNames = map[EventKind]string{
	ReaderReady: "ready", CardPlaced: "placed", CardRemoved: "removed",
	CardUnreadable: "unreadable", ReaderFault: "fault", ReaderRecovered: "recovered",
}

// String names the kind for logs ("placed").
func (k EventKind) String() string { return kindNames[k] }

// Event is one thing that happened at the reader.
type Event struct {
	Kind  EventKind
	At    time.Time
	Card  *Card  // CardPlaced
	SAMID string // ReaderReady
	Err   error  // CardUnreadable, ReaderFault
}

// pollState is what the loop remembers between polls.
type pollState struct {
	ready     bool
	present   bool // a card was read (or given up on) and has not left
	misses    int  // consecutive empty finds while present
	readFails int  // failed reads of the current card
	failures  int  // consecutive line or SAM failures
	faulted   bool // a ReaderFault was sent and no success since
}

// Run polls the reader until ctx ends, sending events to events. Sends
// block, so a slow consumer slows the polling but loses nothing. Run
// returns ctx.Err(); line trouble never ends it, since a reader unplugged
// and plugged back in must recover on its own.
func (r *Reader) Run(ctx context.Context, events chan<- Event) error {
	var st pollState
	for {
		ev, wait := r.poll(&st)
		for _, e := range ev {
			e.At = r.opt.Clock.Now()
			select {
			case events <- e:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.opt.Clock.After(wait):
		}
	}
}

// poll makes one step of the loop and says how long to wait before the
// next.
func (r *Reader) poll(st *pollState) ([]Event, time.Duration) {
	var ev []Event
	var err error
	switch {
	case !st.ready:
		ev, err = r.pollStart(st)
	case st.present:
		ev, err = r.pollPresent(st)
	default:
		ev, err = r.pollEmpty(st)
	}
	if err != nil {
		return append(ev, r.failed(st, err)...), r.backoff(st.failures)
	}
	if st.faulted {
		st.faulted = false
		ev = append([]Event{{Kind: ReaderRecovered}}, ev...)
	}
	st.failures = 0
	return ev, r.opt.PollInterval
}

// pollStart reads the SAM id, which proves the module answers.
func (r *Reader) pollStart(st *pollState) ([]Event, error) {
	id, err := r.SAMID()
	if errors.Is(err, ErrCommand) {
		id, err = "", nil
	}
	if err != nil {
		return nil, err
	}
	st.ready = true
	r.log.Info("reader ready", "sam_id", id)
	return []Event{{Kind: ReaderReady, SAMID: id}}, nil
}

// pollPresent watches a card that was read, until it leaves.
//
// BUG(hallkiosk): find only says "a card is there", so a card swapped for
// another within RemoveAfter polls (500 ms by default) is taken for the
// same card and the second one is not read. Telling them apart would need
// a read per poll (about 0.1 s of line time at 115200 baud each).
func (r *Reader) pollPresent(st *pollState) ([]Event, error) {
	err := r.Find()
	switch {
	case err == nil:
		st.misses = 0
		return nil, nil
	case errors.Is(err, ErrFindFailed):
		st.misses++
		if st.misses < r.opt.RemoveAfter {
			return nil, nil
		}
		*st = pollState{ready: true, faulted: st.faulted}
		r.log.Info("card removed")
		return []Event{{Kind: CardRemoved}}, nil
	}
	return nil, err
}

// pollEmpty looks for a card and reads it.
func (r *Reader) pollEmpty(st *pollState) ([]Event, error) {
	err := r.Find()
	if errors.Is(err, ErrFindFailed) {
		st.readFails = 0
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	card, err := r.selectAndRead()
	if err == nil {
		st.present = true
		r.log.Info("card read", "card", card)
		return []Event{{Kind: CardPlaced, Card: card}}, nil
	}
	if !cardLevel(err) {
		return nil, err
	}
	st.readFails++
	r.log.Warn("card read failed", "attempt", st.readFails, logging.KeyErr, err)
	if st.readFails < r.opt.ReadAttempts {
		return nil, nil
	}
	st.present = true
	return []Event{{Kind: CardUnreadable, Err: err}}, nil
}

func (r *Reader) selectAndRead() (*Card, error) {
	if err := r.Select(); err != nil {
		return nil, err
	}
	return r.Read()
}

// cardLevel tells errors caused by the card (moved, unreadable, bad text)
// from those of the line or the SAM.
func cardLevel(err error) bool {
	return errors.Is(err, ErrSelectFailed) || errors.Is(err, ErrReadFailed) ||
		errors.Is(err, ErrFindFailed) || errors.Is(err, ErrText)
}

// failed counts a line or SAM failure and resets the SAM every
// ResetAfter failures in a row.
func (r *Reader) failed(st *pollState, err error) []Event {
	st.failures++
	r.log.Warn("reader exchange failed", "failures", st.failures, logging.KeyErr, err)
	if st.failures%r.opt.ResetAfter != 0 {
		return nil
	}
	var ev []Event
	if !st.faulted {
		st.faulted = true
		ev = append(ev, Event{Kind: ReaderFault, Err: err})
	}
	if rerr := r.Reset(); rerr != nil {
		r.log.Warn("SAM reset failed", logging.KeyErr, rerr)
	} else {
		r.log.Info("SAM reset")
	}
	// A card resting on the reader stays "present" across the reset: the
	// next find sees it again and it is not read twice.
	st.misses = 0
	return ev
}

// backoff doubles the poll interval per consecutive failure, up to
// MaxBackoff.
func (r *Reader) backoff(failures int) time.Duration {
	d := r.opt.PollInterval
	for i := 0; i < failures && d < r.opt.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, r.opt.MaxBackoff)
}
