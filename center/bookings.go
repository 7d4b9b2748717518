package center

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"hallkiosk/center/api"
)

// Booking channels (R3).
const (
	ChannelSite   = "site"   // kiosk or guide desk
	ChannelPhone  = "phone"  // the hall's phone line
	ChannelOnline = "online" // the online portal
)

// CreateBooking books a matter for a slot. channel is where it came from:
// kiosks always book ChannelSite; the admin API stands for phone and online.
// The request id makes it idempotent. The rules: R1 (walk-in-only
// departments cannot be booked), R6 (workday, a bookable period, slot
// capacity, at least one day ahead), R11 (no duplicate, no booking while
// restricted); R4 confirmation goes to the SMS outbox.
func (e *Engine) CreateBooking(ctx context.Context, channel string,
	req api.BookingRequest) (api.Booking, error) {
	if err := checkBookingRequest(req); err != nil {
		return api.Booking{}, err
	}
	h, err := e.mustHall()
	if err != nil {
		return api.Booking{}, err
	}
	var b api.Booking
	err = e.write(ctx, func(w *txn) error {
		var err error
		if b, err = getBooking(ctx, w.tx, "id", req.ID); !errors.Is(err, ErrNotFound) {
			return err
		}
		b, err = e.book(ctx, w, h, channel, req)
		return err
	})
	return b, err
}

func (e *Engine) book(ctx context.Context, w *txn, h *Hall, channel string,
	req api.BookingRequest) (api.Booking, error) {
	m := h.Matter(req.Matter)
	if m == nil {
		return api.Booking{}, notFound("matter " + req.Matter)
	}
	queue := h.MatterQueue(m)
	if !h.Dept(queue).Bookable {
		return api.Booking{}, refuse(http.StatusUnprocessableEntity, api.ErrCodeNotBookable,
			"R1: "+m.Department+" is walk-in only",
			"该部门业务不接受预约，请直接现场取号", "This service is walk-in only; please take a ticket on the day.")
	}
	period, end, err := checkSlot(h, w.now, req.Day, req.Start)
	if err != nil {
		return api.Booking{}, err
	}
	if err := e.sweepNoShows(ctx, w, h); err != nil {
		return api.Booking{}, err
	}
	idHash := api.KeyedIDHash(e.secret, req.IDNumber)
	if err := e.checkPerson(ctx, w, h, idHash, req); err != nil {
		return api.Booking{}, err
	}
	if err := e.checkSlotFree(ctx, w, h, queue, m.Code, req.Day, req.Start, period); err != nil {
		return api.Booking{}, err
	}
	b := api.Booking{ID: req.ID, Matter: m.Code, Queue: queue, Day: req.Day, Start: req.Start,
		End: formatHM(end), Channel: channel, Status: api.BookingBooked,
		NameMasked: api.MaskName(req.Name), CreatedAt: w.now}
	if err := e.insertBooking(ctx, w, &b, period, idHash, req); err != nil {
		return api.Booking{}, err
	}
	return b, e.queueSMS(ctx, w, b, req.Phone, smsBooked(h, m, b))
}

// checkBookingRequest validates the shape of a booking request.
func checkBookingRequest(req api.BookingRequest) error {
	switch {
	case !validID(req.ID):
		return badRequest("booking id: want 8–64 letters, digits or '-'")
	case !ValidIDNumber(req.IDNumber):
		return refuse(http.StatusBadRequest, api.ErrCodeBadRequest, "id_number is not valid",
			"身份证号码有误，请核对", "The ID number is not valid; please check it.")
	case strings.TrimSpace(req.Name) == "" || utf8.RuneCountInString(req.Name) > 40:
		return badRequest("name: want 1–40 characters")
	case req.Phone != "" && !validPhone(req.Phone):
		return badRequest("phone: want 11 digits")
	}
	return nil
}

// checkSlot applies R6: the day is a workday, the start is a slot of a
// bookable period, and the day is at least min_days_ahead after today. It
// returns the period index and the slot end (minutes).
func checkSlot(h *Hall, now time.Time, day, start string) (int, int, error) {
	d, err := time.ParseInLocation(api.DayLayout, day, h.Location())
	if err != nil {
		return 0, 0, badRequest("day %q: want YYYY-MM-DD", day)
	}
	period, end, ok := h.slotPeriod(start)
	if !h.IsWorkday(day) || !ok {
		return 0, 0, refuse(http.StatusUnprocessableEntity, api.ErrCodeBadPeriod,
			fmt.Sprintf("R6: %s %s is not a bookable slot", day, start),
			"只能预约工作日 8:30–11:30、13:00–16:30 的时段",
			"Bookings are for workdays, 8:30–11:30 and 13:00–16:30.")
	}
	today, _ := time.ParseInLocation(api.DayLayout, h.Day(now), h.Location())
	if d.Before(today.AddDate(0, 0, h.Booking.MinDaysAhead)) {
		return 0, 0, refuse(http.StatusUnprocessableEntity, api.ErrCodeTooSoon,
			"R6: booking must be at least one day ahead",
			"预约需至少提前一天", "Please book at least one day ahead.")
	}
	return period, end, nil
}

// checkPerson applies R11: no booking while restricted, no duplicate.
//
// TODO: R11 also names "malicious" bookings (for example many matters
// booked by one person in one day); only duplicates and no-shows are
// detected. A limit per person and day would need the center's policy.
func (e *Engine) checkPerson(ctx context.Context, w *txn, h *Hall, idHash string,
	req api.BookingRequest) error {
	until, err := restrictedUntil(ctx, w.tx, h, idHash)
	if err != nil {
		return err
	}
	if until != "" && h.Day(w.now) < until {
		return refuse(http.StatusForbidden, api.ErrCodeRestricted,
			"R11: applicant restricted after repeated no-shows until "+until,
			"因多次预约未到，"+until+"前暂停预约服务，可现场取号办理",
			"Booking is suspended until "+until+" after repeated no-shows; "+
				"you may still take a ticket on the day.")
	}
	var n int
	err = w.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM bookings WHERE id_hash = ? AND
		matter = ? AND day = ? AND status IN ('booked', 'checked_in')`,
		idHash, req.Matter, req.Day).Scan(&n)
	if err != nil {
		return fmt.Errorf("check duplicate booking: %w", err)
	}
	if n > 0 {
		return refuse(http.StatusConflict, api.ErrCodeDuplicate,
			"R11: the applicant already booked this matter that day",
			"您已预约过当天的该项业务，请勿重复预约", "You already have a booking for this service on that day.")
	}
	return nil
}

// restrictedUntil applies R11: more than no_show_limit unexcused no-shows
// bar booking for restriction_months, counted from the no-show that went
// over the limit (the third) — from the latest one if more followed. It
// returns the first day booking is allowed again, or "".
func restrictedUntil(ctx context.Context, q querier, h *Hall, idHash string) (string, error) {
	var n int
	var last string
	err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(day), '') FROM bookings
		WHERE id_hash = ? AND status = 'no_show'`, idHash).Scan(&n, &last)
	if err != nil {
		return "", fmt.Errorf("count no-shows: %w", err)
	}
	if n <= h.Booking.NoShowLimit {
		return "", nil
	}
	d, err := time.ParseInLocation(api.DayLayout, last, h.Location())
	if err != nil {
		return "", fmt.Errorf("no-show day %q: %w", last, err)
	}
	return d.AddDate(0, h.Booking.RestrictionMonths, 0).Format(api.DayLayout), nil
}

// checkSlotFree applies R6 slot capacity.
func (e *Engine) checkSlotFree(ctx context.Context, w *txn, h *Hall, queue, matter, day,
	start string, period int) error {
	var n int
	err := w.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM bookings WHERE queue = ? AND
		day = ? AND start = ? AND status IN ('booked', 'checked_in')`, queue, day, start).Scan(&n)
	if err != nil {
		return fmt.Errorf("count slot: %w", err)
	}
	if n < h.slotCapacity(queue, period) {
		return nil
	}
	r := refuse(http.StatusConflict, api.ErrCodeSlotFull, "R6: slot "+day+" "+start+" is full",
		"该时段已约满，请选择其他时段", "This time slot is fully booked; please choose another.")
	if r.Err.NextSlots, err = e.nextSlots(ctx, w.tx, h, matter, w.now, 5); err != nil {
		return err
	}
	return r
}

// slotHorizon is how many days ahead slots are looked for.
const slotHorizon = 30

// Bounds of GET /slots?days=N: the workdays with room it covers.
const (
	DefaultSlotDays = 5
	MaxSlotDays     = 10
)

// nextSlots lists up to n bookable slots with room for a matter, from the
// first day R6 allows, over the next 30 days.
func (e *Engine) nextSlots(ctx context.Context, q querier, h *Hall, matter string,
	now time.Time, n int) ([]api.Slot, error) {
	return e.slotsAhead(ctx, q, h, matter, now, n, slotHorizon)
}

// slotsAhead lists the bookable slots with room for a matter, from the
// first day R6 allows (workdays, at least MinDaysAhead ahead) over the
// next 30 days: at most n slots, on at most days days that have room.
func (e *Engine) slotsAhead(ctx context.Context, q querier, h *Hall, matter string,
	now time.Time, n, days int) ([]api.Slot, error) {
	m := h.Matter(matter)
	if m == nil || !h.Dept(h.MatterQueue(m)).Bookable {
		return nil, nil
	}
	queue := h.MatterQueue(m)
	today, _ := time.ParseInLocation(api.DayLayout, h.Day(now), h.Location())
	var out []api.Slot
	withRoom := 0
	for i := h.Booking.MinDaysAhead; i < slotHorizon && len(out) < n && withRoom < days; i++ {
		day := today.AddDate(0, 0, i).Format(api.DayLayout)
		if !h.IsWorkday(day) {
			continue
		}
		slots, err := e.daySlots(ctx, q, h, queue, day, n-len(out))
		if err != nil {
			return nil, err
		}
		if len(slots) > 0 {
			withRoom++
		}
		out = append(out, slots...)
	}
	return out, nil
}

func (e *Engine) daySlots(ctx context.Context, q querier, h *Hall, queue, day string,
	n int) ([]api.Slot, error) {
	taken := map[string]int{}
	rows, err := q.QueryContext(ctx, `SELECT start, COUNT(*) FROM bookings WHERE queue = ?
		AND day = ? AND status IN ('booked', 'checked_in') GROUP BY start`, queue, day)
	if err != nil {
		return nil, fmt.Errorf("count slots: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var c int
		if err := rows.Scan(&s, &c); err != nil {
			return nil, err
		}
		taken[s] = c
	}
	var out []api.Slot
	for i, p := range h.periods {
		step := h.Booking.SlotMinutes
		for m := p.from; m+step <= p.to && len(out) < n; m += step {
			free := h.slotCapacity(queue, i) - taken[formatHM(m)]
			if free > 0 {
				out = append(out, api.Slot{Day: day, Start: formatHM(m),
					End: formatHM(m + h.Booking.SlotMinutes), Free: free})
			}
		}
	}
	return out, rows.Err()
}

// NextSlots lists up to n bookable slots with room for a matter.
func (e *Engine) NextSlots(ctx context.Context, matter string, n int) ([]api.Slot, error) {
	h, err := e.mustHall()
	if err != nil {
		return nil, err
	}
	return e.nextSlots(ctx, e.rdb, h, matter, e.clk.Now(), n)
}

// SlotDays lists every bookable slot with room for a matter on the next
// days workdays that have room (R6), so a citizen booking on site can
// choose among several days, not only the first periods.
func (e *Engine) SlotDays(ctx context.Context, matter string, days int) ([]api.Slot, error) {
	if days < 1 || days > MaxSlotDays {
		return nil, badRequest("days: want 1..%d, got %d", MaxSlotDays, days)
	}
	h, err := e.mustHall()
	if err != nil {
		return nil, err
	}
	return e.slotsAhead(ctx, e.rdb, h, matter, e.clk.Now(), math.MaxInt, days)
}

func (e *Engine) insertBooking(ctx context.Context, w *txn, b *api.Booking, period int,
	idHash string, req api.BookingRequest) error {
	cur, err := bumpCursor(ctx, w.tx, "bookings_cursor")
	if err != nil {
		return fmt.Errorf("bump bookings cursor: %w", err)
	}
	for range 10 {
		b.Code = bookingCode()
		_, err = w.tx.ExecContext(ctx, `INSERT INTO bookings (id, code, matter, queue, day,
			start, end, period, id_hash, name, name_masked, phone, channel, status,
			created_at, cursor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.ID, b.Code, b.Matter, b.Queue, b.Day, b.Start, b.End, period, idHash,
			strings.TrimSpace(req.Name), b.NameMasked, req.Phone, b.Channel, b.Status,
			b.CreatedAt.UnixNano(), cur)
		if err == nil || !strings.Contains(err.Error(), "bookings.code") {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("store booking: %w", err)
	}
	return nil
}

// bookingCode is a random 6-digit code the citizen types at the kiosk.
func bookingCode() string {
	h := randomHex(4)
	var n uint32
	fmt.Sscanf(h, "%x", &n)
	return fmt.Sprintf("%06d", n%1000000)
}

const bookingCols = `id, code, matter, queue, day, start, end, channel, status,
	name_masked, created_at`

func scanBooking(row interface{ Scan(...any) error }) (api.Booking, error) {
	var b api.Booking
	var created int64
	err := row.Scan(&b.ID, &b.Code, &b.Matter, &b.Queue, &b.Day, &b.Start, &b.End,
		&b.Channel, &b.Status, &b.NameMasked, &created)
	if err == sql.ErrNoRows {
		return b, ErrNotFound
	}
	b.CreatedAt = time.Unix(0, created)
	return b, err
}

// getBooking reads a booking by "id" or "code".
func getBooking(ctx context.Context, q querier, col, v string) (api.Booking, error) {
	return scanBooking(q.QueryRowContext(ctx,
		`SELECT `+bookingCols+` FROM bookings WHERE `+col+` = ?`, v))
}

// Booking returns a booking by id.
func (e *Engine) Booking(ctx context.Context, id string) (api.Booking, error) {
	b, err := getBooking(ctx, e.rdb, "id", id)
	if errors.Is(err, ErrNotFound) {
		return b, notFound("booking")
	}
	return b, err
}

// setBookingStatus changes a booking's status and moves it up the pull
// cursor so kiosks see the change.
func setBookingStatus(ctx context.Context, w *txn, id, status string) error {
	cur, err := bumpCursor(ctx, w.tx, "bookings_cursor")
	if err != nil {
		return fmt.Errorf("bump bookings cursor: %w", err)
	}
	_, err = w.tx.ExecContext(ctx, `UPDATE bookings SET status = ?, cursor = ? WHERE id = ?`,
		status, cur, id)
	return err
}

// CancelBooking applies R5: cancellation at least one day before the
// booked day, the applicant identified by ID number or by name.
func (e *Engine) CancelBooking(ctx context.Context, req api.CancelRequest) (api.Booking, error) {
	if req.Code == "" || (req.IDNumber == "" && req.Name == "") {
		return api.Booking{}, badRequest("cancel: give the booking code and an ID number or name")
	}
	h, err := e.mustHall()
	if err != nil {
		return api.Booking{}, err
	}
	var b api.Booking
	err = e.write(ctx, func(w *txn) error {
		var err error
		b, err = e.cancel(ctx, w, h, req)
		return err
	})
	return b, err
}

func (e *Engine) cancel(ctx context.Context, w *txn, h *Hall,
	req api.CancelRequest) (api.Booking, error) {
	var name, idHash, phone string
	err := w.tx.QueryRowContext(ctx, `SELECT name, id_hash, phone FROM bookings WHERE code = ?`,
		req.Code).Scan(&name, &idHash, &phone)
	if err == sql.ErrNoRows {
		return api.Booking{}, notFound("booking")
	}
	if err != nil {
		return api.Booking{}, fmt.Errorf("read booking: %w", err)
	}
	byID := req.IDNumber != "" && api.KeyedIDHash(e.secret, req.IDNumber) == idHash
	byName := req.Name != "" && strings.TrimSpace(req.Name) == name
	if !byID && !byName {
		return api.Booking{}, refuse(http.StatusForbidden, api.ErrCodeIdentity,
			"R5: identity does not match the booking",
			"身份信息与预约不符", "The ID number or name does not match the booking.")
	}
	b, err := getBooking(ctx, w.tx, "code", req.Code)
	if err != nil {
		return b, err
	}
	if err := checkCancel(h, w.now, b); err != nil {
		return b, err
	}
	if err := setBookingStatus(ctx, w, b.ID, api.BookingCancelled); err != nil {
		return b, fmt.Errorf("cancel booking: %w", err)
	}
	b.Status = api.BookingCancelled
	return b, e.queueSMS(ctx, w, b, phone, smsCancelled(h, b))
}

// checkCancel applies R5's deadline: the booked day must be at least
// cancel_min_days_ahead after today.
func checkCancel(h *Hall, now time.Time, b api.Booking) error {
	if b.Status != api.BookingBooked {
		// The citizen at a kiosk reads why: cancelling twice, or after use.
		zh, en := "该预约已使用或已过期，无需取消", "This booking was already used or has expired."
		if b.Status == api.BookingCancelled {
			zh, en = "该预约已取消", "This booking is already cancelled."
		}
		return refuse(http.StatusConflict, api.ErrCodeConflict,
			"R5: booking is "+b.Status+", not booked", zh, en)
	}
	today, _ := time.ParseInLocation(api.DayLayout, h.Day(now), h.Location())
	last := today.AddDate(0, 0, h.Booking.CancelMinDaysAhead).Format(api.DayLayout)
	if b.Day < last {
		return refuse(http.StatusUnprocessableEntity, api.ErrCodeCancelLate,
			"R5: cancellation must be at least one day before",
			"预约需至少提前一天取消，当天不能取消", "Bookings can be cancelled until the day before, not on the day.")
	}
	return nil
}

// checkIn turns a booking into a priority ticket (R7: only inside the
// booking's pick-up window on its day; R12: a void booking cannot).
func (e *Engine) checkIn(ctx context.Context, w *txn, h *Hall, dev Device,
	req api.TicketRequest) (api.Ticket, error) {
	if err := e.sweepNoShows(ctx, w, h); err != nil {
		return api.Ticket{}, err
	}
	b, err := getBooking(ctx, w.tx, "code", req.BookingCode)
	if errors.Is(err, ErrNotFound) {
		return api.Ticket{}, notFound("booking")
	}
	if err != nil {
		return api.Ticket{}, err
	}
	if err := checkPickup(h, w.now, b); err != nil {
		return api.Ticket{}, err
	}
	if err := setBookingStatus(ctx, w, b.ID, api.BookingCheckedIn); err != nil {
		return api.Ticket{}, fmt.Errorf("check in: %w", err)
	}
	t := api.Ticket{ID: req.ID, Queue: b.Queue, Day: b.Day, Kind: api.KindBooked,
		Matter: b.Matter, BookingID: b.ID, Device: dev.ID, IssuedAt: w.now}
	return e.insertTicket(ctx, w, h, t, 0)
}

// checkPickup applies R7 and R12 to a check-in now.
func checkPickup(h *Hall, now time.Time, b api.Booking) error {
	switch b.Status {
	case api.BookingNoShow, api.BookingCleared:
		return refuse(http.StatusConflict, api.ErrCodeBookingVoid, "R12: booking is void",
			"预约已过取号时间作废，请重新预约或现场取号",
			"This booking expired at the end of its pick-up time; "+
				"please book again or take a ticket.")
	case api.BookingCheckedIn:
		return refuse(http.StatusConflict, api.ErrCodeConflict, "booking already checked in",
			"该预约已取号，请留意叫号",
			"This booking has already been checked in; please wait for your number.")
	case api.BookingCancelled:
		return refuse(http.StatusConflict, api.ErrCodeConflict, "booking was cancelled",
			"该预约已取消，请重新预约或现场取号", "This booking was cancelled; please book again or take a ticket.")
	}
	if p, ok := inPickup(h, now, b); !ok {
		return refuse(http.StatusConflict, api.ErrCodePickupWindow,
			fmt.Sprintf("R7: pick-up for %s %s is %s–%s on that day", b.Day, b.Start,
				formatHM(p.from), formatHM(p.to)),
			fmt.Sprintf("请在预约当天 %s–%s 取号", formatHM(p.from), formatHM(p.to)),
			fmt.Sprintf("Please check in on the booked day between %s and %s.",
				formatHM(p.from), formatHM(p.to)))
	}
	return nil
}

// inPickup reports whether t falls inside b's pick-up window (R7: the
// booked day, in the window of the booked half-day), and the window.
func inPickup(h *Hall, t time.Time, b api.Booking) (span, bool) {
	start, _ := parseHM(b.Start)
	p := h.pickup[min0(h.half(start), len(h.pickup)-1)]
	m := h.Minute(t)
	return p, b.Day == h.Day(t) && m >= p.from && m < p.to
}

func min0(a, b int) int { return max(0, min(a, b)) }

// sweepNoShows applies R12: a booking not checked in by the end of its
// pick-up window becomes void and counts as a no-show (for R11).
func (e *Engine) sweepNoShows(ctx context.Context, w *txn, h *Hall) error {
	today, minute := h.Day(w.now), h.Minute(w.now)
	rows, err := w.tx.QueryContext(ctx, `SELECT id, day, period FROM bookings
		WHERE status = 'booked' AND day <= ?`, today)
	if err != nil {
		return fmt.Errorf("sweep no-shows: %w", err)
	}
	var due []string
	for rows.Next() {
		var id, day string
		var period int
		if err := rows.Scan(&id, &day, &period); err != nil {
			rows.Close()
			return err
		}
		if day < today || minute >= h.pickup[min0(period, len(h.pickup)-1)].to {
			due = append(due, id)
		}
	}
	rows.Close()
	for _, id := range due {
		if err := setBookingStatus(ctx, w, id, api.BookingNoShow); err != nil {
			return fmt.Errorf("void booking: %w", err)
		}
	}
	return rows.Err()
}

// ClearNoShow applies R14: after force majeure a group leader clears a
// no-show; it no longer counts towards R11. The reason is kept with the
// booking (NoShowClearing), so a cleared record can be accounted for.
func (e *Engine) ClearNoShow(ctx context.Context, req api.NoShowClearRequest) (api.Booking, error) {
	reason := strings.TrimSpace(req.Reason)
	if reason == "" {
		return api.Booking{}, badRequest("clear no-show: give a reason")
	}
	if utf8.RuneCountInString(reason) > 200 {
		return api.Booking{}, badRequest("clear no-show: reason at most 200 characters")
	}
	var b api.Booking
	err := e.write(ctx, func(w *txn) error {
		var err error
		if b, err = getBooking(ctx, w.tx, "id", req.BookingID); errors.Is(err, ErrNotFound) {
			return notFound("booking")
		} else if err != nil {
			return err
		}
		if b.Status != api.BookingNoShow {
			return conflict(api.ErrCodeConflict, "booking is %s, not a no-show", b.Status)
		}
		b.Status = api.BookingCleared
		if err := setBookingStatus(ctx, w, b.ID, api.BookingCleared); err != nil {
			return err
		}
		_, err = w.tx.ExecContext(ctx, `INSERT INTO noshow_clears (booking_id, reason, at)
			VALUES (?, ?, ?)`, b.ID, reason, w.now.UnixNano())
		if err != nil {
			return fmt.Errorf("store clearing reason: %w", err)
		}
		return nil
	})
	return b, err
}

// NoShowClearing returns why and when a no-show was cleared (R14);
// ErrNotFound if it was not.
func (e *Engine) NoShowClearing(ctx context.Context, bookingID string) (string, time.Time,
	error) {
	var reason string
	var at int64
	err := e.rdb.QueryRowContext(ctx, `SELECT reason, at FROM noshow_clears
		WHERE booking_id = ?`, bookingID).Scan(&reason, &at)
	if err == sql.ErrNoRows {
		return "", time.Time{}, ErrNotFound
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("read clearing: %w", err)
	}
	return reason, time.Unix(0, at), nil
}

// Sweep runs the timed rules now: R12 no-shows and R8 wait alerts. The
// server calls it every few seconds.
func (e *Engine) Sweep(ctx context.Context) error {
	h, err := e.mustHall()
	if err != nil {
		return nil
	}
	return e.write(ctx, func(w *txn) error {
		if err := e.sweepNoShows(ctx, w, h); err != nil {
			return err
		}
		if err := restampDays(ctx, w, h); err != nil {
			return err
		}
		return e.waitAlerts(ctx, w, h)
	})
}

// restampDays runs once per day change: bookings made long ago for the
// days kiosks now cache (today and the next workday) get a new bookings
// cursor, so they count as changed for every kiosk's next pull.
func restampDays(ctx context.Context, w *txn, h *Hall) error {
	today := h.Day(w.now)
	days := today + "," + h.NextWorkday(today)
	prev, err := getMeta(ctx, w.tx, "pull_days")
	if err != nil || prev == days {
		return err
	}
	cur, err := bumpCursor(ctx, w.tx, "bookings_cursor")
	if err != nil {
		return fmt.Errorf("bump bookings cursor: %w", err)
	}
	_, err = w.tx.ExecContext(ctx, `UPDATE bookings SET cursor = ? WHERE day IN (?, ?)`,
		cur, today, h.NextWorkday(today))
	if err != nil {
		return fmt.Errorf("restamp bookings: %w", err)
	}
	return setMeta(ctx, w.tx, "pull_days", days)
}

// RestrictedUntil reports the R11 restriction of an ID number: the first
// day it may book again, or "" when not restricted.
func (e *Engine) RestrictedUntil(ctx context.Context, idNumber string) (string, error) {
	h, err := e.mustHall()
	if err != nil {
		return "", err
	}
	until, err := restrictedUntil(ctx, e.rdb, h, api.KeyedIDHash(e.secret, idNumber))
	if until != "" && h.Day(e.clk.Now()) >= until {
		until = ""
	}
	return until, err
}

// PullBookings returns the bookings of today and the next workday changed
// after cursor, as kiosks cache them: keyed ID hash and masked name only.
// When the days move on, restampDays gives the bookings of the new days a
// fresh cursor, so a kiosk pulling from its old cursor receives them; it
// drops the bookings of days no longer in Days.
func (e *Engine) PullBookings(ctx context.Context, cursor int64) (api.BookingsPull, error) {
	h, err := e.mustHall()
	if err != nil {
		return api.BookingsPull{}, err
	}
	today := h.Day(e.clk.Now())
	out := api.BookingsPull{Days: []string{today, h.NextWorkday(today)},
		Bookings: []api.BookingView{}}
	cur, err := getMeta(ctx, e.rdb, "bookings_cursor")
	if err != nil {
		return out, fmt.Errorf("read bookings cursor: %w", err)
	}
	fmt.Sscan(cur, &out.Cursor)
	rows, err := e.rdb.QueryContext(ctx, `SELECT id, code, matter, queue, day, start, end,
		status, id_hash, name_masked FROM bookings WHERE day IN (?, ?) AND cursor > ?
		AND cursor <= ? ORDER BY cursor`, out.Days[0], out.Days[1], cursor, out.Cursor)
	if err != nil {
		return out, fmt.Errorf("pull bookings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v api.BookingView
		if err := rows.Scan(&v.ID, &v.Code, &v.Matter, &v.Queue, &v.Day, &v.Start, &v.End,
			&v.Status, &v.IDHash, &v.NameMasked); err != nil {
			return out, err
		}
		out.Bookings = append(out.Bookings, v)
	}
	return out, rows.Err()
}

// ValidIDNumber checks an 18-character resident ID number's ISO 7064
// MOD 11-2 check digit.
func ValidIDNumber(id string) bool {
	id = api.NormalizeID(id)
	if len(id) != 18 {
		return false
	}
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
		sum += int(id[i]-'0') * w
	}
	return "10X98765432"[sum%11] == id[17]
}

func validPhone(p string) bool {
	if len(p) != 11 {
		return false
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
