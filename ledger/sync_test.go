package ledger

import (
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/platform/clock"
)

// cutTransport is the network link: when cut, every request fails as a
// pulled cable would, before reaching the center.
type cutTransport struct {
	base http.RoundTripper
	cut  atomic.Bool
}

func (c *cutTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.cut.Load() {
		return nil, errors.New("connect: network is unreachable")
	}
	return c.base.RoundTrip(r)
}

// kiosk is a device enrolled at a real in-process center.
type kiosk struct {
	env  *centertest.Env
	l    *Ledger
	s    *Syncer
	dev  *clock.Fake // the device's clock, which runs skew ahead of the center's
	link *cutTransport
	key  []byte // hall key for ID hashes
}

// newKiosk enrols a kiosk whose clock is skew off the center's.
func newKiosk(t testing.TB, env *centertest.Env, skew time.Duration) *kiosk {
	t.Helper()
	enr := env.Enrol(api.RoleKiosk, "kiosk-1f-01")
	k := &kiosk{env: env, dev: clock.NewFake(env.Clock.Now().Add(skew)),
		link: &cutTransport{base: env.Server.Client().Transport}}
	var err error
	if k.key, err = hex.DecodeString(enr.HallKey); err != nil || len(k.key) == 0 {
		t.Fatalf("hall key %q: %v", enr.HallKey, err)
	}
	k.l, err = Open(filepath.Join(t.TempDir(), "ledger.db"), Options{Device: enr.DeviceID,
		Clock: k.dev})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.l.Close() })
	c := NewHTTPCenter(env.URL, enr.Token, &http.Client{Transport: k.link})
	k.s = NewSyncer(k.l, c, SyncOptions{Clock: k.dev})
	return k
}

// advance moves the center's and the device's clocks together.
func (k *kiosk) advance(d time.Duration) {
	k.env.Clock.Advance(d)
	k.dev.Advance(d)
}

// book makes a booking for the hall's today through the admin channel
// (phone), which R6 requires a day ahead: the center's clock is moved back
// a day for it.
func book(t *testing.T, env *centertest.Env, matter, start, id string) api.Booking {
	t.Helper()
	now := env.Clock.Now()
	env.Clock.Set(now.AddDate(0, 0, -1))
	defer env.Clock.Set(now)
	var b api.Booking
	req := api.BookingRequest{ID: NewKey(), Matter: matter, Day: now.Format(dayFormat),
		Start: start, IDNumber: id, Name: "张三丰", Channel: "phone"}
	if e := env.Client(centertest.AdminToken).Do("POST", "/bookings", req, &b); e != nil {
		t.Fatalf("book %s %s: %v", matter, start, e)
	}
	if b.Code == "" {
		// The center's reply to POST /bookings leaves out the code (reported
		// to the center's engineer); read the stored booking.
		stored, err := env.Engine.Booking(context.Background(), b.ID)
		if err != nil || stored.Code == "" {
			t.Fatalf("booking %s: no code (%v)", b.ID, err)
		}
		b = stored
	}
	return b
}

// idNumber completes a 17-digit prefix with its ISO 7064 MOD 11-2 check.
func idNumber(prefix string) string {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range prefix {
		sum += int(c-'0') * w[i]
	}
	return prefix + string("10X98765432"[sum%11])
}

// TestOfflineDayAgainstCenter is G4 with G1–G3: a kiosk whose clock runs
// seven minutes fast syncs, loses its link for the whole working day,
// issues walk-in tickets and checks in cached bookings (R7, R12 applied
// locally), then reconciles: every ticket is at the center with the same
// number, none is doubled, and the day's chain matches.
func TestOfflineDayAgainstCenter(t *testing.T) {
	env := centertest.Start(t)
	ctx := context.Background()
	env.Clock.Set(centertest.Morning.Add(-30 * time.Minute)) // 08:30
	idA, idB := idNumber("31011719800101123"), idNumber("31011719900202456")
	b1 := book(t, env, env.Matter("A"), "09:00", idA)
	b2 := book(t, env, env.Matter("B"), "10:00", idB)
	b3 := book(t, env, env.Matter("A"), "14:00", idB)
	b4 := book(t, env, env.Matter("C"), "09:30", idA) // never comes: R12
	k := newKiosk(t, env, 7*time.Minute)

	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	st := k.s.State()
	if !st.Online || st.Offset > -6*time.Minute || st.Offset < -8*time.Minute {
		t.Fatalf("state %+v: want online with the -7 min offset measured", st)
	}
	if k.l.Today() != "2026-12-03" {
		t.Fatalf("today %s", k.l.Today())
	}
	if hits, _ := k.l.Search(ctx, "dj", 5); len(hits) == 0 {
		t.Fatal("knowledge not pulled")
	}
	online, err := k.l.Issue(ctx, IssueRequest{Key: NewKey(), Matter: env.Matter("A")})
	if err != nil || online.Source != SourceCenter {
		t.Fatalf("online ticket %+v, %v", online, err)
	}

	// The link goes down for the rest of the working day.
	k.link.cut.Store(true)
	if err := k.s.SyncOnce(ctx); !errors.Is(err, ErrUnreachable) || k.s.State().Online {
		t.Fatalf("cut link: err %v, state %+v", err, k.s.State())
	}
	var printed []Ticket
	retryKey := NewKey()
	queues := []string{"A", "B", "C", "D"}
	for i := range 48 { // 08:30 to 16:30 in 10-minute steps
		k.advance(10 * time.Minute)
		tk, err := k.l.Issue(ctx, IssueRequest{Key: NewKey(), Matter: env.Matter(queues[i%4])})
		if err != nil {
			t.Fatalf("offline ticket %d: %v", i, err)
		}
		printed = append(printed, tk)
		if i == 5 { // G5: a bounced tap retries its key
			a, _ := k.l.Issue(ctx, IssueRequest{Key: retryKey, Queue: "A"})
			b, _ := k.l.Issue(ctx, IssueRequest{Key: retryKey, Queue: "A"})
			if a.ID != b.ID {
				t.Fatal("retry made a second ticket")
			}
			printed = append(printed, a)
		}
		k.checkInsAt(t, i, b1, b2, b3, b4, idA, idB, &printed)
	}

	// Back online at 17:00; the day reconciles.
	k.advance(30 * time.Minute)
	k.link.cut.Store(false)
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatalf("sync after outage: %v", err)
	}
	rep, err := k.s.Reconcile(ctx, "2026-12-03")
	if err != nil || !rep.Match {
		t.Fatalf("reconcile: %v, %v", rep, err)
	}
	checkCenterHas(t, env, append(printed, online))
	for _, b := range []api.Booking{b1, b2, b3} {
		got, err := env.Engine.Booking(ctx, b.ID)
		if err != nil || got.Status != api.BookingCheckedIn {
			t.Errorf("booking %s at center: %s, %v", b.Code, got.Status, err)
		}
	}
	mustVerify(t, k.l)
}

// checkInsAt runs the day's check-ins at step i (step 0 is 08:40).
func (k *kiosk) checkInsAt(t *testing.T, i int, b1, b2, b3, b4 api.Booking, idA, idB string,
	printed *[]Ticket) {
	t.Helper()
	ctx := context.Background()
	try := func(req CheckInRequest, want error) {
		tk, err := k.l.CheckIn(ctx, req)
		if !errors.Is(err, want) {
			t.Fatalf("check-in %+v at %s: %v, want %v", req, k.l.Now().Format("15:04"), err, want)
		}
		if err == nil {
			*printed = append(*printed, tk)
		}
	}
	switch i {
	case 1: // 08:50: booking 1 by code
		try(CheckInRequest{Key: NewKey(), Code: b1.Code}, nil)
	case 3: // 09:10: the afternoon booking is too early (R7)
		try(CheckInRequest{Key: NewKey(), Code: b3.Code}, ErrOutsidePickup)
	case 8: // 09:50: booking 2 by code
		try(CheckInRequest{Key: NewKey(), Code: b2.Code}, nil)
	case 17: // 11:30: booking 4's window is over (R12)
		try(CheckInRequest{Key: NewKey(), IDHash: api.KeyedIDHash(k.key, idA)}, ErrBookingVoid)
	case 30: // 13:40: booking 3 by ID hash, in the afternoon window
		try(CheckInRequest{Key: NewKey(), IDHash: api.KeyedIDHash(k.key, idB)}, nil)
	}
}

// checkCenterHas checks every ticket handed out is at the center under
// its id with the same number, and no number of a queue is doubled.
func checkCenterHas(t *testing.T, env *centertest.Env, ts []Ticket) {
	t.Helper()
	all, err := env.Engine.Tickets(context.Background(), "2026-12-03")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]api.Ticket{}
	numbers := map[string]bool{}
	for _, c := range all {
		byID[c.ID] = c
		if numbers[c.Number] {
			t.Errorf("center holds number %s twice", c.Number)
		}
		numbers[c.Number] = true
	}
	for _, tk := range ts {
		c, ok := byID[tk.ID]
		if !ok || c.Number != tk.Label {
			t.Errorf("ticket %s (%s): at center %v %q", tk.Label, tk.ID, ok, c.Number)
		}
	}
	if len(all) != len(ts) {
		t.Errorf("center has %d tickets, kiosk handed out %d", len(all), len(ts))
	}
}

// The heartbeat carries the device's parts as Health reports them, so the
// center can alert an admin to a kiosk running out of paper.
func TestHeartbeatCarriesDeviceHealth(t *testing.T) {
	env := centertest.Start(t)
	k := newKiosk(t, env, 0)
	k.s = NewSyncer(k.l, k.s.c, SyncOptions{Clock: k.dev, Health: func(context.Context) map[string]string {
		return map[string]string{"printer": "paper near end", "reader": "ok"}
	}})
	if err := k.s.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	devs, err := env.Engine.Devices(context.Background())
	if err != nil || len(devs) != 1 {
		t.Fatalf("devices %v, %v", devs, err)
	}
	h := devs[0].Health
	if h["printer"] != "paper near end" || h["reader"] != "ok" || h["sync"] == "" {
		t.Fatalf("center holds health %v", h)
	}
}
