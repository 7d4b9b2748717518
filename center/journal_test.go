package center_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// fakeJournal builds a device journal the way the ledger does: seq from 1,
// each event sealed onto the previous hash.
type fakeJournal struct {
	seq    int64
	head   string
	events []api.Event
}

func (j *fakeJournal) add(at time.Time, kind string, payload any) api.Event {
	raw, _ := json.Marshal(payload)
	j.seq++
	ev := api.Event{Seq: j.seq, Time: at, Kind: kind, Payload: raw}
	ev.Seal(j.head)
	j.head = ev.Hash
	j.events = append(j.events, ev)
	return ev
}

// issueOffline journals a ticket from lease l.
func (j *fakeJournal) issueOffline(at time.Time, l api.Lease, n int, id, matter string) {
	j.add(at, api.EventTicketIssued, api.TicketIssuedPayload{TicketID: id, Queue: l.Queue,
		Number: api.FormatNumber(l.Queue, n), Day: l.Day, Kind: api.KindWalkIn,
		Matter: matter, LeaseID: l.ID})
}

// TestG2LeasesAndOnline: kiosks issue offline from leases while others
// issue online from the same queue; pushed journals (replayed once) create
// the offline tickets. Every number of the queue is held once, none
// missing, none doubled (G2, G3).
func TestG2LeasesAndOnline(t *testing.T) {
	const kiosks, each = 10, 20
	env := centertest.Start(t, centertest.WithHall(bigHall))
	matter := env.Matter("A")
	day := env.Engine.CurrentHall().Day(env.Clock.Now())
	var wg sync.WaitGroup
	errs := make(chan error, 2*kiosks)
	for k := range kiosks {
		c := env.Client(env.Enrol(api.RoleKiosk, fmt.Sprint("k", k)).Token)
		wg.Add(2)
		go func() { defer wg.Done(); errs <- offlineKiosk(c, env, k, each, day, matter) }()
		go func() {
			defer wg.Done()
			errs <- issueMany(c, 100+k, each, []string{"A"}, map[string]string{"A": matter})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	checkNumbers(t, env, 2*kiosks*each)
}

func offlineKiosk(c *centertest.Client, env *centertest.Env, k, each int, day, matter string) error {
	var l api.Lease
	if e := c.Do("POST", "/leases", api.LeaseRequest{Queue: "A", Day: day, Size: each}, &l); e != nil {
		return fmt.Errorf("lease: %v", e)
	}
	j := &fakeJournal{}
	for n := l.From; n <= l.To; n++ {
		j.issueOffline(env.Clock.Now(), l, n, fmt.Sprintf("off-%03d-%05d", k, n), matter)
	}
	half := len(j.events) / 2
	for _, batch := range [][]api.Event{j.events[:half], j.events[:half], j.events} {
		var ack api.JournalAck
		if e := c.Do("POST", "/journal", api.JournalPush{Events: batch}, &ack); e != nil {
			return fmt.Errorf("push: %v", e)
		}
	}
	return nil
}

// TestG3Journal covers the journal's refusals and reconciliation.
func TestG3Journal(t *testing.T) {
	env := centertest.Start(t)
	c := env.Client(env.Enrol(api.RoleKiosk, "k").Token)
	at := env.Clock.Now()
	j := &fakeJournal{}
	for i := range 5 {
		j.add(at, "ui.tap", map[string]int{"n": i})
	}
	push := func(evs ...api.Event) (int, *api.Error, api.JournalAck) {
		var ack api.JournalAck
		st, e := c.DoStatus("POST", "/journal", api.JournalPush{Events: evs}, &ack)
		return st, e, ack
	}

	// A gap: seq 3 before 1 and 2.
	st, e, _ := push(j.events[2])
	if st != http.StatusConflict || e.Code != api.ErrCodeJournalSeq || e.ExpectedSeq != 1 {
		t.Fatalf("gap: status %d, %+v", st, e)
	}
	// In order; then the same batch replayed changes nothing.
	if _, e, ack := push(j.events[:3]...); e != nil || ack.Accepted != 3 || ack.HeadSeq != 3 {
		t.Fatalf("first push: %v %+v", e, ack)
	}
	if _, e, ack := push(j.events[:3]...); e != nil || ack.Accepted != 0 || ack.Skipped != 3 {
		t.Fatalf("replay: %v %+v", e, ack)
	}
	// A different event under a held seq.
	forged := j.events[1]
	forged.Kind = "forged"
	forged.Seal(j.events[0].Hash)
	if st, e, _ := push(forged); st != http.StatusConflict || e.Code != api.ErrCodeJournalHash {
		t.Fatalf("forged held event: %d %+v", st, e)
	}
	// A broken chain on a new seq: nothing of the batch is written.
	bad := j.events[4]
	bad.PrevHash = "00"
	if st, e, _ := push(j.events[3], bad); st != http.StatusConflict || e.Code != api.ErrCodeJournalHash {
		t.Fatalf("broken chain: %d %+v", st, e)
	}
	var rec api.Reconcile
	if e := c.Do("GET", "/reconcile?day=2026-12-03&through=5", nil, &rec); e != nil {
		t.Fatal(e)
	}
	want := api.Reconcile{Day: "2026-12-03", Count: 3, FirstSeq: 1, LastSeq: 3,
		HeadHash: j.events[2].Hash, DeviceHeadSeq: 3, Missing: []api.SeqRange{{From: 4, To: 5}}}
	if fmt.Sprint(rec) != fmt.Sprint(want) {
		t.Fatalf("reconcile = %+v\nwant %+v", rec, want)
	}
	// Refill the named gap; the day then matches the device's own head.
	if _, e, ack := push(j.events[3:]...); e != nil || ack.HeadHash != j.head {
		t.Fatalf("refill: %v %+v", e, ack)
	}
}

// TestG2ForeignLeaseNumber: a journalled ticket outside the device's own
// lease creates no ticket and is recorded as an anomaly.
func TestG2ForeignLeaseNumber(t *testing.T) {
	env := centertest.Start(t)
	a := env.Client(env.Enrol(api.RoleKiosk, "a").Token)
	b := env.Client(env.Enrol(api.RoleKiosk, "b").Token)
	var la api.Lease
	if e := a.Do("POST", "/leases", api.LeaseRequest{Queue: "A", Day: "2026-12-03", Size: 5}, &la); e != nil {
		t.Fatal(e)
	}
	j := &fakeJournal{}
	j.issueOffline(env.Clock.Now(), la, la.From, "stolen-number-1", env.Matter("A"))
	if e := b.Do("POST", "/journal", api.JournalPush{Events: j.events}, nil); e != nil {
		t.Fatal(e)
	}
	if _, err := env.Engine.Ticket(context.Background(), "stolen-number-1"); err == nil {
		t.Fatal("a number from another device's lease became a ticket")
	}
	an, _ := env.Engine.Anomalies(context.Background())
	if len(an) != 1 {
		t.Fatalf("anomalies = %v", an)
	}
}

// G4 with R12: a kiosk offline checks a citizen in inside the pick-up
// window; the center, not knowing, voids the booking as a no-show at the
// window's end. When the journal arrives the booking is checked in after
// all, and the citizen is not counted as a no-show (R11).
func TestR12_LateOfflineCheckInIsNoNoShow(t *testing.T) {
	env := centertest.Start(t)
	b, err := env.Engine.CreateBooking(ctx, center.ChannelPhone,
		bookReq(env.Matter("A"), "2026-12-04", "10:00", 7))
	if err != nil {
		t.Fatal(err)
	}
	env.Clock.Set(at(4, 9, 0))
	k := env.Enrol(api.RoleKiosk, "kiosk-1")
	c := env.Client(k.Token)
	var l api.Lease
	if e := c.Do("POST", "/leases", api.LeaseRequest{Queue: "A", Day: "2026-12-04", Size: 5}, &l); e != nil {
		t.Fatal(e)
	}
	j := &fakeJournal{}
	j.add(at(4, 10, 5), api.EventTicketIssued, api.TicketIssuedPayload{TicketID: "off-booked-1",
		Queue: "A", Number: api.FormatNumber("A", l.From), Day: "2026-12-04", Kind: api.KindBooked,
		Matter: b.Matter, LeaseID: l.ID, BookingCode: b.Code})

	env.Clock.Set(at(4, 12, 0)) // past the morning window: the sweep voids it
	if err := env.Engine.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := env.Engine.Booking(ctx, b.ID); got.Status != api.BookingNoShow {
		t.Fatalf("before the journal: %s, want no_show", got.Status)
	}
	var ack api.JournalAck
	if e := c.Do("POST", "/journal", api.JournalPush{Events: j.events}, &ack); e != nil {
		t.Fatal(e)
	}
	if got, _ := env.Engine.Booking(ctx, b.ID); got.Status != api.BookingCheckedIn {
		t.Fatalf("after the journal: %s, want checked_in", got.Status)
	}
}

// K4 with G3: feedback a kiosk took offline arrives in its journal and is
// filed as POST /knowledge/feedback files it, under the time the citizen
// gave it. The same feedback ID sent by the journal and by POST, or a
// replayed push, is stored once; unreadable feedback becomes an anomaly,
// not a refused batch. The center's console never started here, so the
// push also creates the feedback table.
func TestK4FeedbackFromJournal(t *testing.T) {
	env := centertest.Start(t)
	ctx := context.Background()
	c := env.Client(env.Enrol(api.RoleKiosk, "k").Token)
	code := env.Matter("A")
	given := env.Clock.Now().Add(-2 * time.Hour)
	sent := api.KnowledgeFeedback{ID: "fb-00000001", Code: code, Kind: api.FeedbackUnclear}
	j := &fakeJournal{}
	j.add(given, api.EventKnowledgeFeedback, api.KnowledgeFeedback{ID: "fb-00000002",
		Code: code, Kind: api.FeedbackHelpful})
	j.add(given, api.EventKnowledgeFeedback, sent)
	j.add(given, api.EventKnowledgeFeedback, api.KnowledgeFeedback{ID: "fb-00000003",
		Code: code, Kind: "angry"})
	for range 2 {
		if e := c.Do("POST", "/journal", api.JournalPush{Events: j.events}, nil); e != nil {
			t.Fatal(e)
		}
	}
	if e := c.Do("POST", "/knowledge/feedback", sent, nil); e != nil {
		t.Fatal(e)
	}
	sums, err := env.Engine.KnowledgeFeedbackSummary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 1 || sums[0].Code != code || len(sums[0].Counts) != 2 ||
		sums[0].Counts[api.FeedbackHelpful] != 1 || sums[0].Counts[api.FeedbackUnclear] != 1 ||
		!sums[0].Last.Equal(given) {
		t.Fatalf("feedback %+v, want one helpful and one unclear on %s at %v", sums, code, given)
	}
	an, _ := env.Engine.Anomalies(ctx)
	if len(an) != 1 || !strings.Contains(an[0], "knowledge.feedback refused") {
		t.Fatalf("anomalies %v, want the angry feedback", an)
	}
}
