package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/internal/buildinfo"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/logging"
)

// Setting keys of the sync client's cursors.
const (
	settingHallCursor     = "hall_cursor"
	settingBookingsCursor = "bookings_cursor"
	settingNoticesCursor  = "notices_cursor"
)

// SyncOptions configure a Syncer. Every field has a default.
type SyncOptions struct {
	// Clock drives waits and backoff. Default: clock.Real{}.
	Clock clock.Clock
	// Log receives the sync client's logs. Default slog.Default().
	Log *slog.Logger
	// Batch is the most events per journal push. Default 1000. A batch is
	// also cut before its encoded size passes half of api.MaxBody. Each
	// push is one transaction with a sync to disk on both sides, so after a
	// day offline large batches are what keeps reconciling fast (T7).
	Batch int
	// Interval is the wait between rounds while online. Default 5 s.
	Interval time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failed round; it
	// doubles from min to max while the center stays unreachable.
	// Defaults 1 s and 60 s.
	MinBackoff, MaxBackoff time.Duration
	// Reserve returns how many leased numbers to hold for a queue per day.
	// Default: the department's capacity for a whole day (two half-days),
	// so the kiosk can issue offline for a full working day (G4). The
	// price is a gap in the day's numbering where a reserve goes unused.
	Reserve func(d api.Department) int
	// Version is the firmware version sent in heartbeats. Default: the
	// version stamped into the binary (internal/buildinfo).
	Version string
	// Health, when set, adds the device's parts to each heartbeat: the
	// kiosk reports its printer ("ok", "paper low", …) and its reader
	// (api.HealthPrinter, api.HealthReader), so the center can alert an
	// admin. The center keeps at most 32 entries.
	Health func(ctx context.Context) map[string]string
	// DiskFree, when set, measures the bytes left for the ledger's
	// directory (platform.DiskFree) for each heartbeat: a full disk stops
	// ticket issue, and the center alerts before it is full.
	DiskFree func() (uint64, error)
	// OnState is called (from the sync goroutine) when the state changes.
	OnState func(State)
}

func (o SyncOptions) withDefaults() SyncOptions {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	o.Log = logging.For(o.Log, "sync")
	if o.Batch <= 0 {
		o.Batch = 1000
	}
	if o.Interval <= 0 {
		o.Interval = 5 * time.Second
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(60*time.Second, o.MinBackoff)
	}
	if o.Version == "" {
		o.Version = buildinfo.Version + " (" + buildinfo.Commit + ")"
	}
	if o.Reserve == nil {
		o.Reserve = func(d api.Department) int { return 2 * d.Capacity }
	}
	return o
}

// State is what the UI shows about the link to the center.
type State struct {
	Online    bool
	Since     time.Time     // when Online last changed (device clock)
	LastError string        // why the last round failed, "" after a good one
	Pending   int64         // journal events not yet acknowledged
	Offset    time.Duration // center clock minus device clock
}

// Syncer keeps a ledger and the center in step: it pushes the journal in
// order, pulls hall config, bookings, knowledge and notices by cursor,
// keeps leased reserves topped up and measures the device clock against
// the center's. It is safe for concurrent use.
type Syncer struct {
	l    *Ledger
	c    Center
	opts SyncOptions
	log  *slog.Logger
	kick chan struct{}
	push sync.Mutex // one push at a time (the loop and Reconcile)

	mu    sync.Mutex
	state State
	start time.Time
	// lastSync is the device clock at the end of the last round that
	// succeeded, zero before the first. It is kept apart from State: it
	// moves every round, and OnState is for changes.
	lastSync time.Time
}

// NewSyncer returns a Syncer for l and c. It starts offline; Run or a
// successful SyncOnce brings it online.
func NewSyncer(l *Ledger, c Center, opts SyncOptions) *Syncer {
	opts = opts.withDefaults()
	s := &Syncer{l: l, c: c, opts: opts, log: opts.Log, kick: make(chan struct{}, 1)}
	s.start = opts.Clock.Now()
	s.state = State{Since: s.start, LastError: "not yet connected"}
	return s
}

// String names the syncer for logs.
func (s *Syncer) String() string { return "syncer(" + s.l.Device() + ")" }

// State returns the current link state.
func (s *Syncer) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Kick asks the loop to run a round now (after a ticket, say).
func (s *Syncer) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run syncs until ctx ends: a round every Interval while online, and with
// doubling backoff while the center cannot be reached.
func (s *Syncer) Run(ctx context.Context) error {
	backoff := s.opts.MinBackoff
	for {
		wait := s.opts.Interval
		if err := s.SyncOnce(ctx); err != nil {
			s.log.Warn("sync round failed", logging.KeyErr, err, "retry_in", backoff)
			wait, backoff = backoff, min(2*backoff, s.opts.MaxBackoff)
		} else {
			backoff = s.opts.MinBackoff
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.kick:
		case <-s.opts.Clock.After(wait):
		}
	}
}

// SyncOnce runs one round: heartbeat (clock and cursors), journal push,
// pulls, leases. It returns the first error; the state says online only
// after a round in which the center answered.
func (s *Syncer) SyncOnce(ctx context.Context) error {
	s.purge(ctx)
	err := s.round(ctx)
	s.setState(err)
	if errors.Is(ctx.Err(), context.Canceled) {
		return ctx.Err()
	}
	return err
}

// purge drops expired personal data (G6). It runs every round whether or
// not the center answers: a kiosk offline for a week must still forget.
func (s *Syncer) purge(ctx context.Context) {
	n, err := s.l.PurgePersonal(ctx)
	if err != nil {
		s.log.Warn("purge personal data failed", logging.KeyErr, err)
	} else if n > 0 {
		s.log.Info("personal data purged", "bookings", n)
	}
}

func (s *Syncer) round(ctx context.Context) error {
	ack, err := s.heartbeat(ctx)
	if err != nil {
		return err
	}
	if err := s.Push(ctx); err != nil {
		return err
	}
	if err := s.pull(ctx, ack); err != nil {
		return err
	}
	return s.topUp(ctx)
}

// setState records the outcome of a round and tells the ledger whether to
// issue online.
func (s *Syncer) setState(err error) {
	online := err == nil || !errors.Is(err, ErrUnreachable)
	pending := s.pending()
	s.mu.Lock()
	old := s.state
	s.state.Pending, s.state.Offset = pending, s.l.ClockOffset()
	s.state.LastError = ""
	if err != nil {
		s.state.LastError = err.Error()
	}
	if online != old.Online {
		s.state.Online, s.state.Since = online, s.opts.Clock.Now()
	}
	if err == nil {
		s.lastSync = s.opts.Clock.Now()
	}
	st := s.state
	s.mu.Unlock()
	if online {
		s.l.SetOnline(s.c)
	} else {
		s.l.SetOnline(nil)
	}
	if st != old && s.opts.OnState != nil {
		s.opts.OnState(st)
	}
	if online != old.Online {
		s.log.Info("link state changed", "online", online)
	}
}

// pending counts events the center has not acknowledged.
func (s *Syncer) pending() int64 {
	ctx := context.Background()
	head, _, err := s.l.Head(ctx)
	if err != nil {
		return 0
	}
	return head - s.pushedSeq(ctx)
}

// heartbeat reports health, learns the center's cursors and head, and
// measures the clock offset from the center's time, taking the middle of
// the round trip as the moment the center read its clock.
func (s *Syncer) heartbeat(ctx context.Context) (api.HeartbeatAck, error) {
	t0 := s.opts.Clock.Now()
	health := map[string]string{}
	if s.opts.Health != nil {
		health = s.opts.Health(ctx)
	}
	health[api.HealthSync] = s.health()
	ack, err := s.c.Heartbeat(ctx, s.beat(t0, health))
	if err != nil {
		return ack, fmt.Errorf("heartbeat: %w", err)
	}
	t1 := s.opts.Clock.Now()
	if !ack.ServerTime.IsZero() {
		mid := t0.Add(t1.Sub(t0) / 2)
		if err := s.l.ObserveClock(ctx, mid, ack.ServerTime); err != nil {
			return ack, err
		}
	}
	if ack.JournalHeadSeq < s.pushedSeq(ctx) {
		// The center holds less than it once acknowledged (restored from
		// a backup): resend from its head.
		s.log.Warn("center journal behind acknowledged", "center", ack.JournalHeadSeq)
		if err := s.setPushed(ctx, ack.JournalHeadSeq); err != nil {
			return ack, err
		}
	}
	return ack, nil
}

// beat is the heartbeat sent at t0 (device clock). The last sync goes on
// the center's clock, corrected by the offset measured so far, so a kiosk
// whose clock is wrong does not look behind (or ahead) to the center.
func (s *Syncer) beat(t0 time.Time, health map[string]string) api.Heartbeat {
	for k, v := range health {
		health[k] = clipState(v)
	}
	hb := api.Heartbeat{Version: s.opts.Version, Uptime: int64(t0.Sub(s.start).Seconds()),
		Pending: int(s.pending()), Health: health}
	s.mu.Lock()
	last := s.lastSync
	s.mu.Unlock()
	if !last.IsZero() {
		hb.LastSync = s.l.hallTime(last)
	}
	if s.opts.DiskFree != nil {
		n, err := s.opts.DiskFree()
		if err != nil {
			// Left out, the center shows it unknown; a warning every
			// round would only fill the log.
			s.log.Debug("free disk not measured", logging.KeyErr, err)
		} else {
			free := int64(min(n, math.MaxInt64))
			hb.DiskFree = &free
		}
	}
	return hb
}

// health is the sync component's line in the heartbeat: "ok", or why the
// previous round failed (a journal the center refuses shows up here, and
// so on the admin's device list).
func (s *Syncer) health() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.state.LastError; e != "" && e != "not yet connected" {
		return e
	}
	return "ok"
}

// maxState is the longest health state sent: the center refuses a whole
// heartbeat with a state over 256 bytes, and a long error must not cost
// the device its heartbeat.
const maxState = 200

func clipState(v string) string {
	if len(v) <= maxState {
		return v
	}
	return strings.ToValidUTF8(v[:maxState], "")
}

// pushedSeq is the highest seq the center acknowledged.
func (s *Syncer) pushedSeq(ctx context.Context) int64 {
	v, _ := s.l.setting(ctx, settingPushed)
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

func (s *Syncer) setPushed(ctx context.Context, seq int64) error {
	return s.l.SetSetting(ctx, settingPushed, strconv.FormatInt(seq, 10))
}

// Push sends every unacknowledged event, in order, Batch at a time. A
// batch the center already holds is skipped there, so a resend after a
// lost reply is harmless (G3).
func (s *Syncer) Push(ctx context.Context) error {
	s.push.Lock()
	defer s.push.Unlock()
	for {
		after := s.pushedSeq(ctx)
		es, err := s.l.Events(ctx, after, s.opts.Batch)
		if err != nil || len(es) == 0 {
			return err
		}
		if err := s.pushBatch(ctx, fitBody(es)); err != nil {
			return err
		}
	}
}

// eventOverhead bounds an event's encoded size beside its payload: seq,
// time, kind and two hex hashes with their JSON keys.
const eventOverhead = 256

// fitBody keeps the leading events whose encoded size stays under half of
// api.MaxBody (always at least one).
func fitBody(es []Event) []Event {
	size := 0
	for i, e := range es {
		size += len(e.Payload) + len(e.Kind) + eventOverhead
		if i > 0 && size > api.MaxBody/2 {
			return es[:i]
		}
	}
	return es
}

// pushBatch pushes one batch and advances the cursor.
func (s *Syncer) pushBatch(ctx context.Context, es []Event) error {
	wire := make([]api.Event, len(es))
	for i, e := range es {
		wire[i] = e.Wire()
	}
	ack, err := s.c.PushJournal(ctx, api.JournalPush{Events: wire})
	var ae *api.Error
	if errors.As(err, &ae) && ae.Code == api.ErrCodeJournalSeq && ae.ExpectedSeq > 0 &&
		!errors.Is(err, ErrUnreachable) {
		// The center wants to start elsewhere: resend from there.
		s.log.Warn("center asks for another seq", "expected", ae.ExpectedSeq)
		if ae.ExpectedSeq-1 == s.pushedSeq(ctx) {
			return fmt.Errorf("push journal: center refuses seq %d: %w", ae.ExpectedSeq, err)
		}
		return s.setPushed(ctx, ae.ExpectedSeq-1)
	}
	if err != nil {
		return fmt.Errorf("push journal: %w", err)
	}
	last := es[len(es)-1].Seq
	if ack.HeadSeq < last {
		return fmt.Errorf("push journal: center head %d after pushing up to %d", ack.HeadSeq, last)
	}
	return s.setPushed(ctx, last)
}

// pull fetches whatever the heartbeat says is newer than the cache.
func (s *Syncer) pull(ctx context.Context, ack api.HeartbeatAck) error {
	steps := []struct {
		key  string
		want int64
		get  func(context.Context, int64) (int64, error)
	}{
		{settingHallCursor, ack.HallCursor, s.pullHall},
		{settingBookingsCursor, ack.BookingsCursor, s.pullBookings},
		{settingKnowledgeCursor, ack.KnowledgeCursor, s.pullKnowledge},
		{settingNoticesCursor, ack.NoticesCursor, s.pullNotices},
	}
	for _, st := range steps {
		have := s.cursor(ctx, st.key)
		if st.want != 0 && st.want <= have {
			continue
		}
		next, err := st.get(ctx, have)
		if err != nil {
			return err
		}
		if err := s.l.SetSetting(ctx, st.key, strconv.FormatInt(next, 10)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Syncer) cursor(ctx context.Context, key string) int64 {
	v, _ := s.l.setting(ctx, key)
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

func (s *Syncer) pullHall(ctx context.Context, cur int64) (int64, error) {
	p, err := s.c.PullHall(ctx, cur)
	if err != nil {
		return cur, fmt.Errorf("pull hall: %w", err)
	}
	if p.Hall != nil {
		if err := s.l.SaveHall(ctx, p.Hall); err != nil {
			return cur, err
		}
	}
	return p.Cursor, nil
}

func (s *Syncer) pullBookings(ctx context.Context, cur int64) (int64, error) {
	p, err := s.c.PullBookings(ctx, cur)
	if err != nil {
		return cur, fmt.Errorf("pull bookings: %w", err)
	}
	return p.Cursor, s.l.SaveBookings(ctx, p.Bookings)
}

func (s *Syncer) pullKnowledge(ctx context.Context, cur int64) (int64, error) {
	p, err := s.c.PullKnowledge(ctx, cur)
	if err != nil {
		return cur, fmt.Errorf("pull knowledge: %w", err)
	}
	if len(p.Entries) == 0 {
		return p.Cursor, nil
	}
	bad, err := s.l.SaveKnowledge(ctx, p.Cursor, p.Entries)
	if bad > 0 {
		s.log.Warn("knowledge entries skipped", "count", bad)
	}
	return p.Cursor, err
}

func (s *Syncer) pullNotices(ctx context.Context, cur int64) (int64, error) {
	p, err := s.c.PullNotices(ctx, cur)
	if err != nil {
		return cur, fmt.Errorf("pull notices: %w", err)
	}
	return p.Cursor, s.l.SaveNotices(ctx, p.Notices)
}

// topUp leases numbers so each queue holds its reserve for today and for
// the next workday, which is what a kiosk cut off overnight starts with.
func (s *Syncer) topUp(ctx context.Context) error {
	h, err := s.l.Hall(ctx)
	if err != nil || h == nil {
		return err
	}
	now := s.l.Now()
	days := []string{now.Format(dayFormat), nextWorkday(h, now).Format(dayFormat)}
	for _, d := range h.Departments {
		for _, day := range days {
			if err := s.topUpQueue(ctx, d, day); err != nil {
				return err
			}
		}
	}
	return nil
}

// topUpQueue leases blocks until the queue's reserve for day is reached.
func (s *Syncer) topUpQueue(ctx context.Context, d api.Department, day string) error {
	want := s.opts.Reserve(d)
	for range 20 { // bounded: 20 blocks of MaxLease cover any sane reserve
		have, err := s.l.Reserve(ctx, d.QueuePrefix, day)
		if err != nil || have >= want {
			return err
		}
		ls, err := s.c.Lease(ctx, api.LeaseRequest{Queue: d.QueuePrefix, Day: day,
			Size: min(want-have, api.MaxLease)})
		var ae *api.Error
		if errors.As(err, &ae) && !errors.Is(err, ErrUnreachable) {
			// No numbers or not a workday: nothing to hold, not a failure.
			s.log.Debug("lease refused", logging.KeyQueue, d.QueuePrefix, "day", day,
				"code", ae.Code)
			return nil
		}
		if err != nil {
			return fmt.Errorf("lease %s %s: %w", d.QueuePrefix, day, err)
		}
		if err := s.l.AddLease(ctx, ls); err != nil {
			return err
		}
	}
	return nil
}

// nextWorkday returns the first workday after now's day.
func nextWorkday(h *api.Hall, now time.Time) time.Time {
	d := now
	for range 31 {
		d = d.AddDate(0, 0, 1)
		if isWorkday(h, d) {
			return d
		}
	}
	return now.AddDate(0, 0, 1)
}
