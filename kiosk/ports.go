package kiosk

import (
	"context"
	"errors"
	"time"

	"hallkiosk/center/api"
)

// Ports are everything the machine reaches outside itself. Each may be
// slow (the center, the printer); the machine calls them off the UI thread
// through its Runner and never twice for one deliberate tap.
type Ports struct {
	Catalog  Catalog
	Tickets  Tickets
	Bookings Bookings
	Search   Search
	Printer  Printer
	Reader   Reader // nil when the kiosk has no reader: keypad check-in only
	Link     Link
	Speaker  Speaker // nil when there is no voice
	Tech     Tech    // technician panel; nil disables it
}

// Catalog is the cached hall model: departments, matters and rules.
type Catalog interface {
	// Hall returns the hall as last synced, or nil before the first sync.
	Hall() *api.Hall
	// Matters lists the matters of a department, in display order.
	Matters(ctx context.Context, department string) ([]api.Matter, error)
	// Matter finds one matter by its code.
	Matter(ctx context.Context, code string) (api.Matter, bool)
}

// Lookup finds today's bookings of one person or one booking code. Exactly
// one field is set. IDNumber is a number typed on the keypad: the port
// hashes it with the hall key and forgets it (G6).
type Lookup struct {
	Code     string
	IDHash   string
	IDNumber string
}

// Booking is a cached booking as the kiosk shows it (no ID number, G6).
type Booking struct {
	Code       string
	NameMasked string
	Matter     string // matter code
	Queue      string
	Day        string // api.DayLayout
	Start, End string // "HH:MM"
	Status     string // api.Booking*
}

// Ticket is an issued ticket as the kiosk shows and prints it.
type Ticket struct {
	ID      string
	Number  string // "A012"
	Queue   string
	Kind    string // api.KindWalkIn or api.KindBooked
	Matter  string // matter code
	Ahead   int    // people waiting before this ticket, -1 when unknown
	Issued  time.Time
	Booking *Booking // set on a booked ticket
	// Existing is set when the key or the booking had a ticket already: the
	// kiosk shows it and does not print a second one (G5).
	Existing bool
}

// Tickets issues numbers through the local ledger, online or from the
// leased reserve (G4).
type Tickets interface {
	// IssueWalkIn issues a walk-in ticket for a matter. The key is chosen
	// once per deliberate tap; the same key returns the same ticket (G5).
	IssueWalkIn(ctx context.Context, key, matter string) (Ticket, error)
	// FindBookings returns today's cached bookings for a card, code or
	// typed ID number.
	FindBookings(ctx context.Context, q Lookup) ([]Booking, error)
	// CheckIn turns one of today's bookings into a priority ticket,
	// applying R7 and R12 itself (the machine's own check is for wording).
	CheckIn(ctx context.Context, key, code string) (Ticket, error)
	// MarkPrinted records how printing went ("ok" or the printer state),
	// after the ticket was already durable (G1).
	MarkPrinted(ctx context.Context, ticketID, outcome string) error
}

// BookingRequest is an on-site booking. The card supplies the identity.
type BookingRequest struct {
	Key    string // idempotency key
	Matter string
	Day    string
	Start  string
	Phone  string
	Card   Card
}

// Bookings reaches the center's booking service; it needs the link.
type Bookings interface {
	// Slots lists the bookable periods with places left of a matter on
	// the next days workdays that have any (R6).
	Slots(ctx context.Context, matter string, days int) ([]api.Slot, error)
	// Book makes an on-site booking (R3). Refusals are *api.Error.
	Book(ctx context.Context, req BookingRequest) (api.Booking, error)
	// Cancel cancels the card holder's booking with this code (R5).
	Cancel(ctx context.Context, code string, card Card) error
}

// Hit is one search result; Spans are byte ranges of Text to highlight.
type Hit struct {
	Code       string
	Name       string
	Department string
	Text       string
	Spans      [][2]int
}

// Entry is a matter with the seven elements of K1: department, name, the
// 33-character code, review points, service guide, FAQ and maintainer.
type Entry struct {
	Department   string
	Name         string
	Code         string
	ReviewPoints []string
	Guide        Guide
	FAQ          []QA
	Maintainer   string
}

// Guide is the service guide of a matter.
type Guide struct {
	Materials []string
	TimeLimit string
	Fee       string
	Window    string
	Basis     string
}

// QA is one question of the FAQ.
type QA struct{ Q, A string }

// Search is the local knowledge base (works offline).
type Search interface {
	// Query ranks matters for a query: Chinese text, full pinyin, pinyin
	// initials or a code prefix; department "" means all.
	Query(ctx context.Context, q, department string, limit int) ([]Hit, error)
	// Entry returns a matter's seven elements.
	Entry(ctx context.Context, code string) (Entry, error)
	// Feedback sends "was this helpful?" to the center (K4). When the
	// center cannot be reached the feedback is kept for the next sync
	// instead, and queued is true: nothing the citizen said is lost.
	Feedback(ctx context.Context, code string, helpful bool) (queued bool, err error)
}

// PrinterState is the printer's condition as the kiosk acts on it.
type PrinterState int

// Printer states. Only OK and PaperLow let tickets be issued.
const (
	PrinterOK PrinterState = iota
	PrinterPaperLow
	PrinterPaperOut
	PrinterCoverOpen
	PrinterOffline
)

// CanPrint tells whether tickets may be issued in this state.
func (s PrinterState) CanPrint() bool { return s == PrinterOK || s == PrinterPaperLow }

// String names the state for logs and the center's device health.
func (s PrinterState) String() string {
	return [...]string{"ok", "paper low", "paper out", "cover open", "offline"}[s]
}

// PrintJob is one thing to print; exactly one of its pointers is set.
type PrintJob struct {
	Ticket *Ticket
	Slip   *api.Booking
	Guide  *Entry
	Lang   Lang
}

// Printer prints tickets, booking slips and guides.
type Printer interface {
	// Print prints one job and returns when the last byte is handed to
	// the port. Its error maps to a PrinterState through StateOf.
	Print(ctx context.Context, job PrintJob) error
	// State asks the printer for its condition now.
	State(ctx context.Context) (PrinterState, error)
}

// Card is an ID card on the reader. It carries no full number on screen:
// MaskedID and MaskedName are for display, IDHash matches bookings.
type Card interface {
	MaskedID() string
	MaskedName() string
	IDHash() string
	Expired() bool
	// Identity returns the ID number and name for an on-site booking or a
	// cancellation, the only requests the center accepts them in (R5).
	Identity() (idNumber, name string)
}

// CardEventKind says what the reader saw.
type CardEventKind int

// Card event kinds.
const (
	CardPlaced CardEventKind = iota
	CardRemoved
	CardUnreadable
	ReaderLost
	ReaderFound
)

// CardEvent is one event from the reader.
type CardEvent struct {
	Kind CardEventKind
	Card Card // CardPlaced
	Err  error
}

// Reader delivers card events.
type Reader interface {
	Events() <-chan CardEvent
}

// Link is the kiosk's connection to the center.
type Link interface {
	Online() bool
	// Report tells the center about a component's health ("ok" or the
	// problem) with the next heartbeat, e.g. printer paper low.
	Report(component, status string)
}

// Speaker says prompts aloud in elderly mode.
type Speaker interface {
	Say(ctx context.Context, lang, text string) error
}

// Tech is what the technician panel shows and runs.
type Tech interface {
	Status(ctx context.Context) []StatusLine
	SelfTest(ctx context.Context, device string) (string, error)
	LogTail(n int) []string
	Network(ctx context.Context) string
	Exit()
}

// StatusLine is one line of the device status.
type StatusLine struct{ Name, Value string }

// Sentinel errors ports return.
var (
	// ErrOffline means the center could not be reached for a call that
	// needs it (booking, cancel, feedback).
	ErrOffline = errors.New("kiosk: center unreachable")
	// ErrNotFound means no booking or entry matched.
	ErrNotFound = errors.New("kiosk: not found")
)

// PrinterError is a printer failure with the state it leaves the printer in.
type PrinterError struct {
	State PrinterState
	Err   error
}

// Error implements error.
func (e *PrinterError) Error() string {
	return "kiosk: printer " + e.State.String() + ": " + e.Err.Error()
}

// Unwrap returns the driver's error.
func (e *PrinterError) Unwrap() error { return e.Err }

// StateOf returns the printer state an error from Printer.Print implies.
func StateOf(err error) PrinterState {
	var pe *PrinterError
	if errors.As(err, &pe) {
		return pe.State
	}
	return PrinterOffline
}
