package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// kiosk issues walk-in tickets online and journals each one, then pushes
// its journal and a heartbeat on its own period, as the firmware's sync
// loop does.
type kiosk struct {
	*run
	n int
	c *centertest.Client

	mu      sync.Mutex
	seq     int64
	head    string
	pending []api.Event
}

// issueLoop issues this kiosk's share of cfg.TicketRate.
func (k *kiosk) issueLoop(ctx context.Context) {
	every := time.Duration(float64(time.Second) * float64(len(k.tgt.Kiosks)) / k.cfg.TicketRate)
	if !sleep(ctx, jitter(every)) {
		return
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for n := 0; ; n++ {
		k.issue(n)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (k *kiosk) issue(n int) {
	matter := k.tgt.Matters[(k.n+n)%len(k.tgt.Matters)]
	req := api.TicketRequest{ID: fmt.Sprintf("lt-%s-k%02d-%06d", k.tag, k.n, n), Matter: matter}
	var t api.Ticket
	if k.timed(k.c, "ticket", "POST", "/tickets", req, &t) != "" {
		return
	}
	k.res.mu.Lock()
	k.res.Issued = append(k.res.Issued, t)
	k.res.mu.Unlock()
	k.journal(t)
}

// journal appends the ticket's issue to the kiosk's hash chain (G3).
func (k *kiosk) journal(t api.Ticket) {
	raw, _ := json.Marshal(api.TicketIssuedPayload{TicketID: t.ID, Queue: t.Queue,
		Number: t.Number, Day: t.Day, Kind: t.Kind, Matter: t.Matter})
	k.mu.Lock()
	defer k.mu.Unlock()
	k.seq++
	ev := api.Event{Seq: k.seq, Time: time.Now(), Kind: api.EventTicketIssued, Payload: raw}
	ev.Seal(k.head)
	k.head = ev.Hash
	k.pending = append(k.pending, ev)
}

// syncLoop sends a heartbeat and pushes the pending journal each period.
func (k *kiosk) syncLoop(ctx context.Context) {
	if !sleep(ctx, jitter(k.cfg.SyncEvery)) {
		return
	}
	for {
		k.sync1()
		if !sleep(ctx, k.cfg.SyncEvery) {
			return
		}
	}
}

func (k *kiosk) sync1() {
	k.mu.Lock()
	batch := append([]api.Event(nil), k.pending...)
	k.mu.Unlock()

	hb := api.Heartbeat{Version: "loadtest", Health: map[string]string{"printer": "ok"},
		Pending: len(batch)}
	k.timed(k.c, "heartbeat", "POST", "/heartbeat", hb, nil)
	if len(batch) == 0 {
		return
	}
	if k.timed(k.c, "journal", "POST", "/journal", api.JournalPush{Events: batch}, nil) != "" {
		return
	}
	k.mu.Lock()
	k.pending = k.pending[len(batch):]
	k.mu.Unlock()
}

// reconcile pushes what is still pending and asks the center what it
// holds of the journal (G3: every event exactly once in effect, the
// hash chain intact): its head must be the kiosk's, with nothing missing.
func (k *kiosk) reconcile() error {
	k.sync1()
	k.mu.Lock()
	seq, head, left := k.seq, k.head, len(k.pending)
	k.mu.Unlock()
	if left > 0 {
		return fmt.Errorf("kiosk %d: %d journal events not accepted", k.n, left)
	}
	var rec api.Reconcile
	day := time.Now().In(hallZone).Format(api.DayLayout)
	path := fmt.Sprintf("/reconcile?day=%s&through=%d", day, seq)
	if code := k.timed(k.c, "reconcile", "GET", path, nil, &rec); code != "" {
		return fmt.Errorf("kiosk %d: reconcile: %s", k.n, code)
	}
	if rec.DeviceHeadSeq != seq || len(rec.Missing) > 0 {
		return fmt.Errorf("kiosk %d: center holds journal to %d, missing %v; kiosk is at %d",
			k.n, rec.DeviceHeadSeq, rec.Missing, seq)
	}
	if rec.LastSeq == seq && rec.HeadHash != head {
		return fmt.Errorf("kiosk %d: center's head hash %.12s… is not the kiosk's %.12s…",
			k.n, rec.HeadHash, head)
	}
	return nil
}

// hallZone is the zone of the demo hall's day (Asia/Shanghai, UTC+8 all
// year), which the reconcile query names.
var hallZone = time.FixedZone("CST", 8*3600)

// console is a window's staff: call the next ticket, serve it for half a
// period, finish it, rest for the other half.
type console struct {
	*run
	window int
	c      *centertest.Client
	n      int
}

func (c *console) loop(ctx context.Context) {
	if !sleep(ctx, jitter(c.cfg.CallEvery)) {
		return
	}
	for {
		t, ok := c.callNext()
		if !sleep(ctx, c.cfg.CallEvery/2) {
			return
		}
		if ok {
			c.finish(t)
		}
		if !sleep(ctx, c.cfg.CallEvery/2) {
			return
		}
	}
}

func (c *console) callNext() (api.Ticket, bool) {
	c.n++
	key := fmt.Sprintf("lt-%s-w%d-call-%d", c.tag, c.window, c.n)
	var t api.Ticket
	start := time.Now()
	code := c.timed(c.c, "call-next", "POST", fmt.Sprintf("/windows/%d/call-next", c.window),
		api.CallRequest{Key: key}, &t, api.ErrCodeQueueEmpty)
	c.res.mu.Lock()
	defer c.res.mu.Unlock()
	if code == api.ErrCodeQueueEmpty {
		c.res.QueueEmpty++
	}
	if code != "" {
		return t, false
	}
	c.res.CallStart[t.ID] = start
	return t, true
}

func (c *console) finish(t api.Ticket) {
	key := fmt.Sprintf("lt-%s-w%d-finish-%d", c.tag, c.window, c.n)
	c.timed(c.c, "finish", "POST", "/tickets/"+t.ID+"/finish",
		api.TicketAction{Key: key, Rating: api.RatingGood}, nil)
}
