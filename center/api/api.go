// Package api holds the wire types of the center's device API (/api/v1),
// shared by the center and the device firmware. It imports only the
// standard library so the firmware never links the server (no sqlite) and
// the server never links the UI (no fyne). Additions are allowed; renaming
// or removing a field breaks deployed devices.
//
// Every request and response body is JSON. Errors are always an Error
// value with a stable Code. The endpoints, their roles and examples are
// described in docs/center-api.md.
package api

import (
	"encoding/json"
	"fmt"
	"time"
)

// Prefix is the path prefix of every versioned endpoint.
const Prefix = "/api/v1"

// Device roles. A device token is bound to one device and one role; the
// center refuses an endpoint the role may not use (a display cannot issue
// tickets).
const (
	RoleKiosk   = "kiosk"   // issues tickets, checks in and books on site
	RoleDisplay = "display" // reads the call stream and notices
	RoleConsole = "console" // a staff console: calls, recalls, finishes
)

// Headers used by the API.
const (
	// HeaderAuth carries "Bearer <token>" (a device token or the admin token).
	HeaderAuth = "Authorization"
	// HeaderIdempotency carries a client-chosen key on staff actions so a
	// button clicked twice makes one call.
	HeaderIdempotency = "Idempotency-Key"
)

// MaxBody is the largest request body the center accepts (journal batches
// included); a device splits larger batches.
const MaxBody = 1 << 20

// DayLayout is the layout of a hall day ("2026-12-03"), in the hall's time
// zone.
const DayLayout = "2006-01-02"

// Error is the body of every 4xx and 5xx reply.
type Error struct {
	Code    string `json:"code"`    // stable, machine-readable (ErrCode*)
	Message string `json:"message"` // for operators and logs, English
	// Citizen is the text a kiosk may show the citizen, set on refusals.
	Citizen *Text `json:"citizen,omitempty"`
	// ExpectedSeq is set on journal conflicts: the next seq the center wants.
	ExpectedSeq int64 `json:"expected_seq,omitempty"`
	// NextSlots is set when walk-in quota is exhausted (R9): bookable slots
	// the kiosk may offer instead.
	NextSlots []Slot `json:"next_slots,omitempty"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Text is a message for a citizen in both languages.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// Error codes. Rule refusals carry the rule in the code so a kiosk can pick
// its own wording if it wants to.
const (
	ErrCodeBadRequest   = "bad_request"  // malformed JSON, unknown field, bad value
	ErrCodeTooLarge     = "too_large"    // body over MaxBody
	ErrCodeUnauthorized = "unauthorized" // no token or unknown token/device
	ErrCodeForbidden    = "forbidden"    // role may not use this endpoint
	ErrCodeNotFound     = "not_found"    // unknown ticket, booking, queue, lease
	ErrCodeConflict     = "conflict"     // state does not allow the action
	ErrCodeJournalSeq   = "journal_seq"  // gap or out of order; see ExpectedSeq
	ErrCodeJournalHash  = "journal_hash" // hash chain broken
	ErrCodeNumbersOut   = "numbers_out"  // no ticket numbers left today for the queue
	ErrCodeEnrolCode    = "enrol_code"   // enrolment code unknown, used or expired
	ErrCodeInternal     = "internal"     // the center failed; retry later
	ErrCodeNotBookable  = "r1_walk_in_only"
	ErrCodeBadPeriod    = "r6_period"       // not a bookable period or not a workday
	ErrCodeTooSoon      = "r6_too_soon"     // booking not at least one day ahead
	ErrCodeSlotFull     = "r6_slot_full"    // the slot's capacity is taken
	ErrCodeCancelLate   = "r5_cancel_late"  // cancellation not one day before
	ErrCodeIdentity     = "r5_identity"     // ID number or name does not match
	ErrCodePickupWindow = "r7_pickup"       // check-in outside the pick-up window
	ErrCodeBookingVoid  = "r12_void"        // booking voided as a no-show
	ErrCodeDuplicate    = "r11_duplicate"   // same person, matter and day booked
	ErrCodeRestricted   = "r11_restricted"  // barred after repeated no-shows
	ErrCodeQuota        = "r9_quota"        // walk-in quota for the half-day used up
	ErrCodeReinstate    = "r13_reinstate"   // missed more than 10 minutes ago
	ErrCodeClosed       = "closed"          // not a workday or outside hours
	ErrCodeIdempotency  = "idempotency_key" // key reused for a different request
	ErrCodeQueueEmpty   = "queue_empty"     // call next: nobody waits for the window
)

// --- enrolment ---

// EnrolCodeRequest is what an admin posts to make a one-time enrolment code
// (POST /api/v1/admin/enrol-codes, admin token).
type EnrolCodeRequest struct {
	Role       string `json:"role"`        // RoleKiosk, RoleDisplay or RoleConsole
	DeviceName string `json:"device_name"` // label shown in device health
	// TTLMinutes is how long the code is valid; 0 means 60.
	TTLMinutes int `json:"ttl_minutes,omitempty"`
}

// EnrolCode is a one-time code for one device.
type EnrolCode struct {
	Code      string    `json:"code"`
	Role      string    `json:"role"`
	ExpiresAt time.Time `json:"expires_at"`
}

// EnrolRequest is posted by a device with its code (POST /api/v1/enrol, no
// token).
type EnrolRequest struct {
	Code string `json:"code"`
	// DeviceName is optional; it overrides the name given with the code.
	DeviceName string `json:"device_name,omitempty"`
}

// EnrolResponse carries the device's token. The token is shown once; the
// center keeps only its hash.
type EnrolResponse struct {
	DeviceID string `json:"device_id"`
	Role     string `json:"role"`
	Token    string `json:"token"`
	// HallKey is the hall secret (hex) kiosks use to compute KeyedIDHash of
	// an ID card they read, to match a booking without the number. Only
	// kiosks receive it.
	HallKey string `json:"hall_key,omitempty"`
}

// --- hall config ---

// HallPull is the reply to GET /api/v1/hall?cursor=N. When the hall has
// not changed since cursor N, Hall is nil and Cursor is N.
type HallPull struct {
	Cursor int64 `json:"cursor"` // the hall version
	Hall   *Hall `json:"hall,omitempty"`
}

// Hall is the hall model a device needs: departments, queues, matters,
// windows, booking periods, the calendar and the wait targets.
type Hall struct {
	Version     int64          `json:"version"`
	Center      string         `json:"center"`
	Phone       string         `json:"phone,omitempty"`
	Timezone    string         `json:"timezone"`
	Booking     BookingRules   `json:"booking"`
	WaitTargets map[string]int `json:"wait_targets_minutes"` // class → minutes (R8)
	Departments []Department   `json:"departments"`
	Matters     []Matter       `json:"matters,omitempty"`
	Windows     []Window       `json:"windows,omitempty"`
	Calendar    Calendar       `json:"calendar"`
}

// BookingRules are the hall's booking periods and limits (R5, R6, R7, R11,
// R13). Times are "HH:MM" in the hall's time zone.
type BookingRules struct {
	Periods             [][2]string `json:"periods"` // R6 bookable periods
	Pickup              [][2]string `json:"pickup"`  // R7 check-in windows
	MinDaysAhead        int         `json:"min_days_ahead"`
	CancelMinDaysAhead  int         `json:"cancel_min_days_ahead"`
	SlotMinutes         int         `json:"slot_minutes"`
	NoShowLimit         int         `json:"no_show_limit"`
	RestrictionMonths   int         `json:"restriction_months"`
	MissedGraceMinutes  int         `json:"missed_call_grace_minutes"`
	SlotCapacityPercent int         `json:"slot_capacity_percent,omitempty"`
}

// Department is a department stationed in the hall with its queue.
type Department struct {
	Name        string `json:"name"`
	QueuePrefix string `json:"queue_prefix"` // one letter A–Z, the queue's id
	Bookable    bool   `json:"bookable"`     // R1: false for walk-in-only
	Windows     []int  `json:"windows"`
	Capacity    int    `json:"capacity_per_half_day"`
	WaitClass   string `json:"wait_class"` // general, complex or special (R8)
}

// Matter is one business item, linked to a department (and so a queue).
type Matter struct {
	Code       string `json:"code"` // the 33-character business code
	Name       string `json:"name"`
	Department string `json:"department"`
	WaitClass  string `json:"wait_class,omitempty"` // overrides the department's
}

// Window is a counter and the queues it serves (S1).
type Window struct {
	Number int      `json:"number"`
	Queues []string `json:"queues"`
}

// Calendar says which days are workdays: Monday to Friday, minus holidays,
// plus make-up workdays (调休) that fall on a weekend.
type Calendar struct {
	Holidays []string `json:"holidays,omitempty"` // DayLayout
	Workdays []string `json:"workdays,omitempty"` // make-up workdays
}

// --- bookings ---

// Slot is one bookable period start on a day.
type Slot struct {
	Day   string `json:"day"`
	Start string `json:"start"` // "HH:MM"
	End   string `json:"end"`
	Free  int    `json:"free"`
}

// BookingRequest makes a booking (POST /api/v1/bookings). Kiosks use it for
// on-site booking; the admin channel stands for phone and online. ID is the
// client's idempotency key: the same ID returns the same booking.
type BookingRequest struct {
	ID       string `json:"id"`
	Matter   string `json:"matter"` // matter code
	Day      string `json:"day"`
	Start    string `json:"start"` // slot start "HH:MM" (R2, R6)
	IDNumber string `json:"id_number"`
	Name     string `json:"name"`
	Phone    string `json:"phone,omitempty"`
	Channel  string `json:"channel,omitempty"` // site, phone, online; kiosks: site
}

// Booking is a booking as the center returns it to the party that made it.
type Booking struct {
	ID         string    `json:"id"`
	Code       string    `json:"code"` // 6-digit booking code for check-in
	Matter     string    `json:"matter"`
	Queue      string    `json:"queue"`
	Day        string    `json:"day"`
	Start      string    `json:"start"`
	End        string    `json:"end"`
	Channel    string    `json:"channel"`
	Status     string    `json:"status"` // BookingStatus*
	NameMasked string    `json:"name_masked"`
	CreatedAt  time.Time `json:"created_at"`
}

// Booking statuses.
const (
	BookingBooked    = "booked"
	BookingCheckedIn = "checked_in"
	BookingCancelled = "cancelled"
	BookingNoShow    = "no_show" // R12: void, counted against the applicant
	BookingCleared   = "cleared" // R14: no-show cleared for force majeure
)

// CancelRequest cancels a booking (POST /api/v1/bookings/cancel). R5: the
// applicant is identified by ID number or by name, with the booking code.
type CancelRequest struct {
	Code     string `json:"code"`
	IDNumber string `json:"id_number,omitempty"`
	Name     string `json:"name,omitempty"`
}

// BookingsPull is the reply to GET /api/v1/bookings?cursor=N: the bookings
// of today and the next workday that changed after cursor N.
type BookingsPull struct {
	Cursor   int64         `json:"cursor"`
	Days     []string      `json:"days"`
	Bookings []BookingView `json:"bookings"`
}

// BookingView is a booking as a kiosk caches it: the ID number only as its
// keyed hash (KeyedIDHash), the name masked.
type BookingView struct {
	ID         string `json:"id"`
	Code       string `json:"code"`
	Matter     string `json:"matter"`
	Queue      string `json:"queue"`
	Day        string `json:"day"`
	Start      string `json:"start"`
	End        string `json:"end"`
	Status     string `json:"status"`
	IDHash     string `json:"id_hash"`
	NameMasked string `json:"name_masked"`
}

// NoShowClearRequest is a group leader's R14 clearing of a no-show
// (POST /api/v1/admin/noshows/clear, admin token).
type NoShowClearRequest struct {
	BookingID string `json:"booking_id"`
	Reason    string `json:"reason"`
}

// --- knowledge and notices ---

// KnowledgePull is the reply to GET /api/v1/knowledge?cursor=N. Entries is
// the whole published version when it is newer than N, else empty.
type KnowledgePull struct {
	Cursor  int64             `json:"cursor"`
	Entries []json.RawMessage `json:"entries,omitempty"`
}

// NoticesPull is the reply to GET /api/v1/notices?cursor=N.
type NoticesPull struct {
	Cursor  int64    `json:"cursor"`
	Notices []Notice `json:"notices"`
}

// Notice is a message for hall screens and kiosks.
type Notice struct {
	ID    int64     `json:"id"`
	Text  Text      `json:"text"`
	Until time.Time `json:"until"`
}

// --- tickets and leases ---

// Ticket kinds.
const (
	KindWalkIn = "walk_in"
	KindBooked = "booked"
)

// TicketRequest issues a ticket online (POST /api/v1/tickets). ID is the
// kiosk's idempotency key (random, e.g. 32 hex digits): the same ID always
// returns the same ticket. A walk-in names the matter; a check-in names the
// booking code instead (R7).
type TicketRequest struct {
	ID          string `json:"id"`
	Matter      string `json:"matter,omitempty"`
	BookingCode string `json:"booking_code,omitempty"`
}

// Ticket is a ticket as the center knows it.
type Ticket struct {
	ID        string    `json:"id"`
	Number    string    `json:"number"` // queue prefix + at least 3 digits: "A012"
	Queue     string    `json:"queue"`
	Day       string    `json:"day"`
	Kind      string    `json:"kind"`
	Matter    string    `json:"matter,omitempty"`
	BookingID string    `json:"booking_id,omitempty"`
	LeaseID   string    `json:"lease_id,omitempty"`
	Device    string    `json:"device,omitempty"`
	Status    string    `json:"status"`
	IssuedAt  time.Time `json:"issued_at"`
	// Ahead is how many tickets of the queue wait before this one at issue.
	Ahead int `json:"ahead"`
}

// Ticket statuses.
const (
	TicketWaiting  = "waiting"
	TicketCalled   = "called"
	TicketMissed   = "missed"
	TicketFinished = "finished"
)

// FormatNumber renders a ticket number: the queue prefix and the sequence
// zero-padded to three digits ("A012"; "A1234" past 999).
func FormatNumber(queue string, n int) string { return fmt.Sprintf("%s%03d", queue, n) }

// LeaseRequest asks for a reserve of numbers for offline issuing
// (POST /api/v1/leases).
type LeaseRequest struct {
	Queue string `json:"queue"`
	Day   string `json:"day"`
	Size  int    `json:"size"` // 1..MaxLease
}

// MaxLease is the largest block one lease request may take.
const MaxLease = 200

// Lease is a block of numbers [From, To] of one queue and day that the
// center gives to this device alone (G2).
type Lease struct {
	ID     string `json:"id"`
	Queue  string `json:"queue"`
	Day    string `json:"day"`
	From   int    `json:"from"`
	To     int    `json:"to"`
	Device string `json:"device"`
}

// --- journal ---

// Journal event kinds the center acts on. Other kinds are stored and
// chained but carry no center effect.
const (
	EventTicketIssued = "ticket.issued"
	EventCheckedIn    = "booking.checked_in"
)

// Event is one entry of a device's journal. Seq starts at 1 and increases
// by one per device, across days; PrevHash of seq 1 is "". Hash is
// EventHash over the other fields.
type Event struct {
	Seq      int64           `json:"seq"`
	Time     time.Time       `json:"time"`
	Kind     string          `json:"kind"`
	Payload  json.RawMessage `json:"payload"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// TicketIssuedPayload is the payload of EventTicketIssued. A ticket issued
// from a lease carries LeaseID and Number; a ticket issued online carries
// the number the center assigned and no lease.
type TicketIssuedPayload struct {
	TicketID    string `json:"ticket_id"`
	Queue       string `json:"queue"`
	Number      string `json:"number"`
	Day         string `json:"day"`
	Kind        string `json:"kind"`
	Matter      string `json:"matter,omitempty"`
	BookingCode string `json:"booking_code,omitempty"`
	LeaseID     string `json:"lease_id,omitempty"`
}

// JournalPush is the body of POST /api/v1/journal. Events must be in seq
// order and continue the center's chain; events the center already has
// (same seq and hash) are skipped, so a replayed batch is harmless.
type JournalPush struct {
	Events []Event `json:"events"`
}

// JournalAck is the reply to a journal push.
type JournalAck struct {
	Accepted int    `json:"accepted"` // new events stored
	Skipped  int    `json:"skipped"`  // already held
	HeadSeq  int64  `json:"head_seq"`
	HeadHash string `json:"head_hash"`
}

// Reconcile is the reply to GET /api/v1/reconcile?day=D[&through=S]: what the
// center holds of this device's journal for day D (events whose Time falls
// on D in the hall's time zone).
type Reconcile struct {
	Day      string `json:"day"`
	Count    int    `json:"count"`
	FirstSeq int64  `json:"first_seq"`
	LastSeq  int64  `json:"last_seq"`
	HeadHash string `json:"head_hash"` // Hash of LastSeq, "" when Count is 0
	// DeviceHeadSeq is the center's head for the device over all days.
	DeviceHeadSeq int64 `json:"device_head_seq"`
	// Missing names seq ranges the center lacks up to the through= the
	// device gave (its own head).
	Missing []SeqRange `json:"missing,omitempty"`
}

// SeqRange is an inclusive range of sequence numbers.
type SeqRange struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

// --- heartbeat ---

// Heartbeat is posted by a device with each sync round (a kiosk, every
// few seconds while online) or every minute (a display)
// (POST /api/v1/heartbeat). It is what the admin's device page and the
// center's device alerts are made from.
type Heartbeat struct {
	Version string `json:"version"`
	Uptime  int64  `json:"uptime_s"`
	// Health is component → "ok" or the problem in a few words. A kiosk
	// always names HealthPrinter and HealthReader; every device names
	// HealthSync (kiosk) or "stream" (display). At most 32 entries.
	Health map[string]string `json:"health"`
	// Pending is the ledger backlog: journal events the center has not
	// yet acknowledged (0 on a display, which keeps no journal).
	Pending int `json:"journal_pending"`
	// LastSync is when the device last completed a sync with the center
	// (kiosk: a whole round of push, pulls and leases; display: the call
	// stream last heard), on the center's clock as the device measured its
	// offset, so a device whose own clock is wrong still reads true. Left
	// out when the device has not synced since it started.
	LastSync time.Time `json:"last_sync,omitzero"`
	// DiskFree is the space left for the device's data directory, in
	// bytes: the ledger syncs every ticket to disk, so a full disk stops
	// ticket issue. Nil when it could not be measured (0 is a full disk).
	DiskFree *int64 `json:"disk_free_bytes,omitempty"`
}

// Health components every kiosk names in its heartbeat.
const (
	// HealthPrinter is the printer's state, paper included: "ok",
	// "paper low", "paper out", "cover open", "offline", or "unknown"
	// before its first status reply.
	HealthPrinter = "printer"
	// HealthReader is the ID-card reader: "ok", "not answering",
	// "not fitted" (no port configured) or why it could not be opened.
	HealthReader = "reader"
	// HealthSync is how the device's last sync round went: "ok" or why it
	// failed.
	HealthSync = "sync"
	// HealthDoor is the cabinet door switch, "open" or "closed"; only a
	// kiosk with a [gpio] door_open line names it.
	HealthDoor = "door"
)

// HeartbeatAck tells the device what to pull.
type HeartbeatAck struct {
	ServerTime      time.Time `json:"server_time"`
	HallCursor      int64     `json:"hall_cursor"`
	KnowledgeCursor int64     `json:"knowledge_cursor"`
	BookingsCursor  int64     `json:"bookings_cursor"`
	NoticesCursor   int64     `json:"notices_cursor"`
	JournalHeadSeq  int64     `json:"journal_head_seq"`
}

// --- calling (staff) ---

// CallRequest is the body of the staff actions on a window
// (POST /api/v1/windows/{n}/call-next, .../recall).
type CallRequest struct {
	// Key is the idempotency key; the Idempotency-Key header may carry it
	// instead.
	Key string `json:"key,omitempty"`
}

// TicketAction is the body of staff actions on a ticket
// (POST /api/v1/tickets/{id}/missed|reinstate|transfer|finish).
type TicketAction struct {
	Key     string `json:"key,omitempty"`
	Queue   string `json:"queue,omitempty"`   // transfer target
	Rating  string `json:"rating,omitempty"`  // finish: good, fair, bad (R15)
	Comment string `json:"comment,omitempty"` // finish: optional
	// Window, when set, is the acting window: missed, transfer and finish
	// are refused (403) for a ticket another window called. Reinstate
	// ignores it (the group leader acts for the whole hall).
	Window int `json:"window,omitempty"`
}

// Ratings (R15).
const (
	RatingGood = "good"
	RatingFair = "fair"
	RatingBad  = "bad"
)

// CallEvent is one event of the call stream (GET /api/v1/stream, SSE; the
// SSE id is ID).
type CallEvent struct {
	ID       int64     `json:"id"`
	Kind     string    `json:"kind"` // CallKind*
	Time     time.Time `json:"time"`
	Window   int       `json:"window,omitempty"`
	Queue    string    `json:"queue"`
	Number   string    `json:"number"`
	TicketID string    `json:"ticket_id"`
	// Waited is the minutes waited, set on calls and wait alerts (R8).
	Waited int `json:"waited_min,omitempty"`
	// Target is the wait target in minutes, set on wait alerts (R8).
	Target int `json:"target_min,omitempty"`
}

// Call stream event kinds.
const (
	CallKindCalled      = "called"
	CallKindRecalled    = "recalled"
	CallKindMissed      = "missed"
	CallKindReinstated  = "reinstated"
	CallKindTransferred = "transferred"
	CallKindFinished    = "finished"
	CallKindWaitAlert   = "wait_alert" // R8: a ticket passed its wait target
	// CallKindIssued is a new ticket of today waiting in its queue (from a
	// kiosk online, or pushed from a lease after an offline spell), so
	// displays and consoles keep exact waiting counts between snapshots.
	CallKindIssued = "issued"
	// CallKindReset tells a resuming client that events it missed are no
	// longer kept: load the Snapshot, then carry on from this stream.
	CallKindReset = "reset"
)

// Snapshot is the state a display or console rebuilds from when it lost
// more than the stream keeps (GET /api/v1/stream/snapshot).
type Snapshot struct {
	LastEventID int64          `json:"last_event_id"`
	Windows     []WindowState  `json:"windows"`
	Waiting     map[string]int `json:"waiting"` // queue → tickets waiting
	Recent      []CallEvent    `json:"recent"`  // last calls, newest first
}

// WindowState is what a window is serving now.
type WindowState struct {
	Window   int    `json:"window"`
	Number   string `json:"number,omitempty"`
	TicketID string `json:"ticket_id,omitempty"`
	Status   string `json:"status,omitempty"`
}

// HallLocation is the hall's time zone, Asia/Shanghai: days, pick-up
// windows (R7) and the clocks on screens are hall times, whatever zone a
// device's system clock is set to. A device without the zone database
// gets a fixed UTC+8, which is the same all year (China has no daylight
// saving time).
func HallLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}
