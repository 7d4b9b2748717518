// Package loadtest drives one real center with a hall's worth of headless
// devices at once: kiosks issuing tickets and syncing their journals,
// displays holding the call stream, and consoles calling and finishing
// tickets. It measures T4 (a console's call-next until each display has
// read the call) and T5 (request latency by endpoint), counts errors,
// and checks at the end that no ticket number was issued twice (G2), that
// the center holds each kiosk's journal whole after a final push (G3),
// and that every display read every call exactly once, in order (G7).
//
// The suite itself is TestLoad in this package; tools/benchtable runs it
// for `make bench`. Everything talks HTTP on loopback, so the same driver
// works against centertest or a built hallcenter.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// Target is the center under load and the devices enrolled on it.
type Target struct {
	URL      string   // base URL, e.g. "http://127.0.0.1:8080"
	Kiosks   []string // kiosk tokens
	Displays []string // display tokens
	Consoles []string // console tokens
	// Windows[i] is the window console i serves; windows must differ,
	// since a call-next finishes whatever its window was serving.
	Windows []int
	// Matters are the walk-in matters kiosks issue for, in turn.
	Matters []string
}

func (t Target) check() error {
	switch {
	case len(t.Displays) == 0:
		return errors.New("loadtest: at least one display is needed")
	case len(t.Windows) != len(t.Consoles):
		return fmt.Errorf("loadtest: %d windows for %d consoles", len(t.Windows),
			len(t.Consoles))
	case len(t.Kiosks) > 0 && len(t.Matters) == 0:
		return errors.New("loadtest: kiosks need at least one matter")
	}
	return nil
}

// Config shapes the load. Zero values take the documented defaults.
type Config struct {
	Duration   time.Duration // how long devices act; default 10 s
	TicketRate float64       // tickets per second over all kiosks; default 20
	CallEvery  time.Duration // each console's call-next period; default 2 s
	SyncEvery  time.Duration // each kiosk's heartbeat+journal period; default 2 s
	// Settle bounds the wait for displays to read the last events once
	// devices stop; default 5 s.
	Settle time.Duration
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Duration, 10*time.Second)
	def(&c.CallEvery, 2*time.Second)
	def(&c.SyncEvery, 2*time.Second)
	def(&c.Settle, 5*time.Second)
	if c.TicketRate <= 0 {
		c.TicketRate = 20
	}
	return c
}

// Result is what a run saw.
type Result struct {
	Config    Config
	Latencies *Latencies // T5, by endpoint
	Errors    *Errors    // failed requests (an empty queue is not one)
	Displays  []*Display
	// Issued are the tickets the center issued, as kiosks received them.
	Issued []api.Ticket
	// CallStart maps a called ticket's id to when its call-next was sent.
	CallStart map[string]time.Time
	// QueueEmpty counts call-nexts that found nobody waiting.
	QueueEmpty int
	// FirstID and LastID bound the call events the center emitted during
	// the run, from its snapshots before and after.
	FirstID, LastID int64
	// Journals are the kiosks' journal failures found by reconciling
	// after a final push (G3).
	Journals []error

	mu sync.Mutex
}

// run is the state shared by the device goroutines of one Run.
type run struct {
	tgt      Target
	cfg      Config
	res      *Result
	hc       *http.Client
	tag      string
	deadline time.Time
	kiosks   []*kiosk
}

// Run loads tgt for cfg.Duration and returns what it measured. ctx
// cancels it early. It fails only if the displays cannot connect.
func Run(ctx context.Context, tgt Target, cfg Config) (*Result, error) {
	if err := tgt.check(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	tr := &http.Transport{MaxIdleConnsPerHost: 4 * (len(tgt.Kiosks) + len(tgt.Consoles))}
	defer tr.CloseIdleConnections()
	r := &run{tgt: tgt, cfg: cfg, hc: &http.Client{Transport: tr, Timeout: 10 * time.Second},
		tag: strconv.FormatInt(time.Now().UnixNano(), 36),
		res: &Result{Config: cfg, Latencies: NewLatencies(), Errors: NewErrors(),
			CallStart: map[string]time.Time{}}}

	first, err := r.lastEventID()
	if err != nil {
		return nil, err
	}
	r.res.FirstID = first + 1
	stop, err := r.openDisplays(ctx)
	if err != nil {
		return nil, err
	}
	defer stop()

	r.deadline = time.Now().Add(cfg.Duration)
	r.devices(ctx)
	for _, k := range r.kiosks {
		if err := k.reconcile(); err != nil {
			r.res.Journals = append(r.res.Journals, err)
		}
	}
	return r.res, r.settle(ctx)
}

// devices runs every kiosk and console until the deadline.
func (r *run) devices(ctx context.Context) {
	ctx, cancel := context.WithDeadline(ctx, r.deadline)
	defer cancel()
	var wg sync.WaitGroup
	for i, tok := range r.tgt.Kiosks {
		k := &kiosk{run: r, n: i, c: r.client(tok)}
		r.kiosks = append(r.kiosks, k)
		wg.Go(func() { k.issueLoop(ctx) })
		wg.Go(func() { k.syncLoop(ctx) })
	}
	for i, tok := range r.tgt.Consoles {
		c := &console{run: r, window: r.tgt.Windows[i], c: r.client(tok)}
		wg.Go(func() { c.loop(ctx) })
	}
	wg.Wait()
}

// openDisplays connects every display before the load starts; stop cuts
// the streams.
func (r *run) openDisplays(ctx context.Context) (stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	// Streams are long-lived: their client must have no timeout.
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: len(r.tgt.Displays)}}
	var wg sync.WaitGroup
	stop = func() { cancel(); wg.Wait() }
	for i, tok := range r.tgt.Displays {
		d := NewDisplay(fmt.Sprint("display-", i), r.tgt.URL, tok, hc)
		resp, err := d.Open(ctx)
		if err != nil {
			stop()
			return nil, err
		}
		r.res.Displays = append(r.res.Displays, d)
		wg.Go(func() { d.Read(resp) })
	}
	return stop, nil
}

// settle waits, bounded by cfg.Settle, until every display has read the
// center's last event.
func (r *run) settle(ctx context.Context) error {
	last, err := r.lastEventID()
	if err != nil {
		return err
	}
	r.res.LastID = last
	until := time.Now().Add(r.cfg.Settle)
	for _, d := range r.res.Displays {
		for d.LastID() < last && time.Now().Before(until) && ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
	}
	return nil
}

// lastEventID asks the center (as the first display) for its newest event.
func (r *run) lastEventID() (int64, error) {
	var snap api.Snapshot
	if e := r.client(r.tgt.Displays[0]).Do("GET", "/stream/snapshot", nil, &snap); e != nil {
		return 0, fmt.Errorf("stream snapshot: %s: %s", e.Code, e.Message)
	}
	return snap.LastEventID, nil
}

func (r *run) client(token string) *centertest.Client {
	return &centertest.Client{Base: r.tgt.URL + api.Prefix, Token: token, HTTP: r.hc}
}

// timed sends one request, recording its latency under endpoint and its
// failure, if any, apart from the codes the caller expects. It returns
// the API error code ("" on success).
func (r *run) timed(c *centertest.Client, endpoint, method, path string, in, out any,
	expected ...string) string {
	start := time.Now()
	e := c.Do(method, path, in, out)
	// The final push and reconcile come after the load: they are not T5.
	if start.Before(r.deadline) {
		r.res.Latencies.Add(endpoint, time.Since(start))
	}
	if e == nil {
		return ""
	}
	for _, code := range expected {
		if e.Code == code {
			return code
		}
	}
	r.res.Errors.Add(endpoint, e.Code, e.Message)
	return e.Code
}

// sleep waits d or until ctx ends; it reports whether to go on.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// jitter is a random duration in [0, d), so devices do not act in step.
func jitter(d time.Duration) time.Duration { return time.Duration(rand.Int64N(int64(d))) }
