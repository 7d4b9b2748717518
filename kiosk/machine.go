package kiosk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/platform/clock"
)

// Screen is what the kiosk shows.
type Screen int

// Screens. Each is drawn by package kiosk/ui from the State alone.
const (
	ScreenAttract     Screen = iota // idle loop; any touch goes home
	ScreenHome                      // three large actions
	ScreenCheckIn                   // place the ID card, or use a keypad
	ScreenKeypad                    // code, ID number, phone or PIN entry
	ScreenBookings                  // today's bookings of the person
	ScreenDepartments               // department grid
	ScreenMatters                   // matters of a department
	ScreenConfirm                   // confirm a walk-in ticket
	ScreenTicket                    // the number, large, while it prints
	ScreenNotice                    // a message with offered actions
	ScreenCardNeeded                // booking and cancel: place the card
	ScreenDays                      // R6 bookable days
	ScreenSlots                     // periods with places left
	ScreenBookConfirm               // confirm an on-site booking
	ScreenSearch                    // keyboard and results
	ScreenDetail                    // the seven elements of a matter (K1)
	ScreenMaint                     // technician panel
)

var screenNames = [...]string{"attract", "home", "checkin", "keypad", "bookings",
	"departments", "matters", "confirm", "ticket", "notice", "cardneeded", "days",
	"slots", "bookconfirm", "search", "detail", "maint"}

// String names the screen for logs and tests.
func (s Screen) String() string { return screenNames[s] }

// Journey is the task the citizen started from home.
type Journey int

// Journeys.
const (
	JourneyNone Journey = iota
	JourneyCheckIn
	JourneyWalkIn
	JourneyBook
	JourneyCancel
	JourneySearch
	JourneyMaint
)

// KeypadMode says what the keypad collects and which keys it has.
type KeypadMode int

// Keypad modes.
const (
	KeypadCode   KeypadMode = iota // 6-digit booking code (check-in)
	KeypadID                       // 18-character ID number: digits and X
	KeypadPhone                    // 11-digit mobile number
	KeypadCancel                   // booking code to cancel
	KeypadPIN                      // technician PIN, shown as dots
)

// MaxLen is the longest input of the mode.
func (k KeypadMode) MaxLen() int { return [...]int{6, 18, 11, 6, 12}[k] }

// Tone colours a notice.
type Tone int

// Notice tones.
const (
	ToneInfo Tone = iota
	ToneWarn
	ToneError
)

// ActionID is an offered next step on a notice.
type ActionID int

// Actions a notice can offer.
const (
	ActHome       ActionID = iota
	ActWalkIn              // take a walk-in ticket for the same matter
	ActBook                // book the same matter on site (R9)
	ActRetryPrint          // print the issued ticket again after a fault
	ActKeypad              // use the keypad instead of the card
)

// Action is a button on a notice.
type Action struct {
	Label Msg
	ID    ActionID
}

// Notice is a message screen.
type Notice struct {
	Title   Msg
	Body    Msg
	Args    []any
	Tone    Tone
	Actions []Action
}

// BookingRow is a booking on the check-in list with its R7 position.
type BookingRow struct {
	Booking
	MatterName string
	Pickup     Pickup
	ComeBack   string // when Pickup is PickupEarly
}

// State is everything the UI draws. It holds personal data only while a
// person uses the kiosk; Reset drops it (G6).
type State struct {
	Screen  Screen
	Journey Journey
	Lang    Lang
	Large   bool // elderly mode: large text, high contrast, voice
	Busy    bool // a call is in flight: actions are ignored (G5)
	Online  bool
	Printer PrinterState
	Reader  bool // a reader is present and answering

	Keypad KeypadMode
	Input  string
	Hint   Msg // keypad prompt or validation message

	Department string
	Matters    []api.Matter
	Matter     api.Matter
	Rows       []BookingRow
	Ticket     *Ticket
	Printing   bool
	Printed    bool
	Notice     Notice

	MaskedName string // from the card, while a booking is made
	Days       []string
	Day        string
	Slots      []api.Slot
	Slot       api.Slot
	Phone      string

	Query  string
	Digits bool // search keyboard shows digits
	Filter string
	Hits   []Hit
	Entry  *Entry
	Reply  Msg // feedback or print outcome on the detail page

	MaintLines []StatusLine
	MaintLog   []string
	MaintOut   string
}

// Options tune the machine; zero values take the defaults noted.
type Options struct {
	IdleTimeout  time.Duration // G6: back home after no touch; 60 s
	AttractAfter time.Duration // home → attract loop; 90 s
	HoldTime     time.Duration // corner hold to reach the PIN; 5 s
	CallTimeout  time.Duration // limit on one port call; 20 s
	Lang         Lang          // language after a reset
	PINHash      []byte        // bcrypt hash of the technician PIN; nil disables
	NewKey       func() string // idempotency keys; random 128 bits
	Logger       *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 60 * time.Second
	}
	if o.AttractAfter <= 0 {
		o.AttractAfter = 90 * time.Second
	}
	if o.HoldTime <= 0 {
		o.HoldTime = 5 * time.Second
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 20 * time.Second
	}
	if o.NewKey == nil {
		o.NewKey = randomKey
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Runner runs port calls off the UI thread. Go runs work elsewhere and
// then runs the function work returns on the UI thread (fyne.Do in the
// product; a queue the test drains in tests).
type Runner interface {
	Go(work func() func())
}

// Machine is the kiosk's flow. All its methods run on the UI thread; port
// calls go through the Runner so the screen never freezes.
type Machine struct {
	ports   Ports
	clk     clock.Clock
	run     Runner
	opts    Options
	log     *slog.Logger
	st      State
	onShow  func()
	session int // bumped by Reset; late replies of an old session are dropped
	touch   time.Time
	key     string // idempotency key of the current intent (G5)
	card    Card
	slots   []api.Slot // the matter's next periods, for the day picked
	fails   int        // wrong PINs in a row
	hold    time.Time
	holding bool
	wg      sync.WaitGroup
	voice   chan [2]string // prompts for the speaker goroutine
	// printerSeen: the printer's first status has come (and gone to the
	// center, whatever it was).
	printerSeen bool
}

// New returns a machine on the home screen.
func New(p Ports, clk clock.Clock, run Runner, opts Options) *Machine {
	opts = opts.withDefaults()
	m := &Machine{ports: p, clk: clk, run: run, opts: opts, log: opts.Logger}
	m.st.Reader = p.Reader != nil
	m.st.Online = p.Link != nil && p.Link.Online()
	m.Reset()
	return m
}

// State returns a copy of what to draw.
func (m *Machine) State() State { return m.st }

// OnChange sets the function called after every change of State.
func (m *Machine) OnChange(f func()) { m.onShow = f }

// Wait blocks until every call started by the machine has returned; tests
// then drain their Runner.
func (m *Machine) Wait() { m.wg.Wait() }

// Reset forgets the person and shows home (G6).
func (m *Machine) Reset() { m.reset(m.opts.Lang, false) }

// restart goes home for the person still at the kiosk: their journey is
// dropped, but the language and the elderly mode they chose stay (an
// elderly citizen should not have to find the large-text switch again).
func (m *Machine) restart() { m.reset(m.st.Lang, m.st.Large) }

func (m *Machine) reset(lang Lang, large bool) {
	m.st = State{Online: m.st.Online, Printer: m.st.Printer, Reader: m.st.Reader,
		Lang: lang, Large: large}
	m.session++
	m.card = nil
	m.slots = nil
	m.key = ""
	m.touch = m.clk.Now()
	m.show(ScreenHome)
}

func (m *Machine) show(s Screen) {
	m.st.Screen = s
	m.changed()
	m.speak(s)
}

func (m *Machine) changed() {
	if m.onShow != nil {
		m.onShow()
	}
}

// touched records a deliberate touch for the idle timer.
func (m *Machine) touched() { m.touch = m.clk.Now() }

// Touch records a touch anywhere on the screen (the UI calls it on every
// tap, so reading a long guide keeps the session alive).
func (m *Machine) Touch() {
	m.touched()
	if m.st.Screen == ScreenAttract {
		m.show(ScreenHome)
	}
}

// Tick drives the clocks: idle reset, attract loop, the corner hold and
// the link state. The UI calls it about once a second.
func (m *Machine) Tick() {
	now := m.clk.Now()
	m.linkState()
	if m.holding && now.Sub(m.hold) >= m.opts.HoldTime {
		m.holding = false
		m.openPIN()
		return
	}
	idle := now.Sub(m.touch)
	switch {
	case m.st.Busy:
		// A ticket in print finishes first; the reply resets the timer.
	case m.st.Screen == ScreenAttract:
	case m.st.Screen == ScreenHome:
		if idle >= m.opts.AttractAfter {
			m.Reset()
			m.show(ScreenAttract)
		}
	case idle >= m.opts.IdleTimeout:
		m.log.Info("idle reset", "screen", m.st.Screen.String())
		m.Reset()
	}
}

func (m *Machine) linkState() {
	if m.ports.Link == nil {
		return
	}
	if on := m.ports.Link.Online(); on != m.st.Online {
		m.st.Online = on
		m.changed()
	}
}

// PrinterChanged records the printer's condition; paper low is reported
// to the center and tickets continue, the other faults stop ticket actions.
// The first status goes to the center even when it is "ok": a printer
// that never changes must still show on the admin's device page.
func (m *Machine) PrinterChanged(s PrinterState) {
	if s == m.st.Printer && m.printerSeen {
		return
	}
	m.printerSeen = true
	m.log.Info("printer state", "state", s.String())
	m.st.Printer = s
	m.report(api.HealthPrinter, s.String())
	m.changed()
}

// readerChanged records whether the ID-card reader answers, for the screen
// (keypad only while it does not) and the center's device health.
func (m *Machine) readerChanged(ok bool) {
	m.st.Reader = ok
	state := "not answering"
	if ok {
		state = "ok"
	}
	m.report(api.HealthReader, state)
	m.changed()
}

// report passes a part's state to the center with the next heartbeat.
func (m *Machine) report(part, state string) {
	if m.ports.Link != nil {
		m.ports.Link.Report(part, state)
	}
}

// ToggleLang switches between Chinese and English.
func (m *Machine) ToggleLang() {
	m.touched()
	m.st.Lang = 1 - m.st.Lang
	m.changed()
}

// ToggleLarge switches the elderly mode.
func (m *Machine) ToggleLarge() {
	m.touched()
	m.st.Large = !m.st.Large
	m.changed()
	m.speak(m.st.Screen)
}

// Home abandons the journey. The language and the elderly mode stay; the
// idle reset and the attract loop drop them with the rest (G6).
func (m *Machine) Home() {
	if m.st.Busy {
		return
	}
	m.restart()
}

// call runs one port call off the UI thread with a timeout, marks the
// machine busy until its reply is applied, and drops the reply when the
// session was reset meanwhile (a late answer never shows a person's data
// to the next one).
func (m *Machine) call(work func(ctx context.Context) func()) {
	m.st.Busy = true
	m.changed()
	session := m.session
	m.wg.Add(1)
	m.run.Go(func() func() {
		defer m.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), m.opts.CallTimeout)
		defer cancel()
		apply := work(ctx)
		return func() {
			m.st.Busy = false
			m.touched()
			if session == m.session && apply != nil {
				apply()
			}
			m.changed()
		}
	})
}

func (m *Machine) notice(n Notice) {
	if len(n.Actions) == 0 {
		n.Actions = []Action{{Label: "common.home", ID: ActHome}}
	}
	m.st.Notice = n
	m.show(ScreenNotice)
}

func (m *Machine) hall() *api.Hall {
	if m.ports.Catalog == nil {
		return nil
	}
	return m.ports.Catalog.Hall()
}

func (m *Machine) matterName(code string) string {
	for _, mt := range m.st.Matters {
		if mt.Code == code {
			return mt.Name
		}
	}
	if m.ports.Catalog != nil {
		if mt, ok := m.ports.Catalog.Matter(context.Background(), code); ok {
			return mt.Name
		}
	}
	return code
}

func randomKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on Linux
	return hex.EncodeToString(b[:])
}

// Hall returns the cached hall, or nil before the first sync.
func (m *Machine) Hall() *api.Hall { return m.hall() }

// Now returns the machine's clock reading.
func (m *Machine) Now() time.Time { return m.clk.Now() }
