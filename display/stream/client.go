// Package stream follows the center's call stream for a hall display
// (GET /api/v1/stream, server-sent events). It carries G7, a display never
// silently shows stale calls: it resumes from the last event id it
// delivered (Last-Event-ID), loads the state snapshot on every connect, on
// a reset and on a gap, and reports the link offline when nothing (event or
// heartbeat) has come within the heartbeat timeout. Reconnection backs off
// on an injected clock.
package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/logging"
)

// Sentinel errors.
var (
	// ErrHeartbeat means nothing arrived within the heartbeat timeout.
	ErrHeartbeat = errors.New("stream: no heartbeat from the center")
	// ErrUnauthorized means the center refused the device token.
	ErrUnauthorized = errors.New("stream: the center refused this display's token " +
		"(provision the device again so data_dir/token holds a display token)")
	// ErrStreamEnded means the center closed the stream.
	ErrStreamEnded = errors.New("stream: the center closed the stream")
)

// Handler receives what the client learns, from one goroutine, in order.
// Event is called exactly once per event id, in increasing id order, across
// reconnects; Snapshot may come at any time and replaces the state.
type Handler interface {
	Snapshot(api.Snapshot)
	Event(api.CallEvent)
	Notices([]api.Notice)
	Hall(api.Hall)
	// Status reports the link: live after a connect, not live when the
	// heartbeat timeout passed with nothing heard.
	Status(live bool)
}

// Options configure a Client. Zero values take the documented defaults.
type Options struct {
	URL   string // the center's base URL, e.g. "http://127.0.0.1:8080"
	Token string // device token; empty sends no Authorization header
	// HTTP must have no Timeout: it would cut the long-lived stream.
	HTTP  *http.Client
	Clock clock.Clock
	Log   *slog.Logger
	// HeartbeatTimeout is how long silence may last before the display
	// calls itself offline; default 45 s (the center pings every 15 s).
	HeartbeatTimeout time.Duration
	// MinBackoff and MaxBackoff bound the wait between connects; default
	// 1 s and 30 s, doubling after each failure.
	MinBackoff, MaxBackoff time.Duration
	// Refresh is how often a live client reloads the snapshot and notices:
	// notices do not come on the stream, and the snapshot is a belt to
	// the stream's braces for the waiting counts. Default 30 s.
	Refresh time.Duration
}

// Client follows the stream. It is used by one goroutine (Run).
type Client struct {
	o      Options
	log    *slog.Logger
	lastID int64
	heard  time.Time
	live   bool
	// known is false until the first Status: a display that starts with
	// the center down must still be told it is offline once the heartbeat
	// timeout has passed.
	known bool
	// reset is set after a reset event: the next event may skip ahead
	// (the center resumes from the oldest event it still holds).
	reset bool
}

// New returns a client that resumes after event lastID (0: start from the
// center's current snapshot, announcing nothing older).
func New(o Options, lastID int64) *Client {
	if o.HTTP == nil {
		o.HTTP = &http.Client{}
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	o.HeartbeatTimeout = orDefault(o.HeartbeatTimeout, 45*time.Second)
	o.MinBackoff = orDefault(o.MinBackoff, time.Second)
	o.MaxBackoff = orDefault(o.MaxBackoff, 30*time.Second)
	o.Refresh = orDefault(o.Refresh, 30*time.Second)
	o.URL = strings.TrimRight(o.URL, "/")
	return &Client{o: o, log: logging.For(o.Log, "stream"), lastID: lastID}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// LastID is the id of the last event delivered.
func (c *Client) LastID() int64 { return c.lastID }

// String names the client for logs.
func (c *Client) String() string { return "stream " + c.o.URL }

// Run follows the stream until ctx ends, reconnecting with backoff.
func (c *Client) Run(ctx context.Context, h Handler) error {
	c.heard = c.o.Clock.Now()
	backoff := c.o.MinBackoff
	for {
		wasLive := c.live
		err := c.connect1(ctx, h)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrHeartbeat) {
			c.setLive(h, false)
		}
		if wasLive != c.live || c.live {
			backoff = c.o.MinBackoff
		}
		c.log.Warn("call stream lost; reconnecting", logging.KeyErr, err,
			"backoff", backoff, "last_event_id", c.lastID)
		if !c.wait(ctx, h, backoff) {
			return ctx.Err()
		}
		backoff = min(backoff*2, c.o.MaxBackoff)
	}
}

// wait sleeps d on the clock; if the heartbeat deadline passes meanwhile
// the link is reported offline then, not only at the next failed connect.
func (c *Client) wait(ctx context.Context, h Handler, d time.Duration) bool {
	done := c.o.Clock.After(d)
	var deadline <-chan time.Time
	if c.live || !c.known {
		deadline = c.o.Clock.After(c.heard.Add(c.o.HeartbeatTimeout).Sub(c.o.Clock.Now()))
	}
	for {
		select {
		case <-ctx.Done():
			return false
		case <-done:
			return true
		case <-deadline:
			c.setLive(h, false)
			deadline = nil
		}
	}
}

func (c *Client) setLive(h Handler, live bool) {
	if c.known && live == c.live {
		return
	}
	c.live, c.known = live, true
	if !live {
		c.log.Warn("no heartbeat from the center; the screen shows offline",
			"timeout", c.o.HeartbeatTimeout)
	}
	h.Status(live)
}

// connect1 is one session: snapshot, hall and notices, then the stream
// until it fails.
func (c *Client) connect1(ctx context.Context, h Handler) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	snap, err := c.Snapshot(ctx)
	if err != nil {
		return err
	}
	h.Snapshot(snap)
	if c.lastID == 0 {
		// A new display starts from now: the snapshot shows the past, and
		// only calls after it are announced.
		c.lastID = snap.LastEventID
	}
	c.pullExtras(ctx, h)

	body, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer body.Close()
	c.heard = c.o.Clock.Now()
	c.setLive(h, true)
	return c.follow(ctx, h, body)
}

// pullExtras loads the hall (department names) and the notices. Both are
// optional for a display: a failure is logged and the calls still show.
func (c *Client) pullExtras(ctx context.Context, h Handler) {
	var hp api.HallPull
	if err := c.getJSON(ctx, "/hall?cursor=0", &hp); err != nil {
		c.log.Info("hall not loaded; waiting counts show queue letters", logging.KeyErr, err)
	} else if hp.Hall != nil {
		h.Hall(*hp.Hall)
	}
	c.pullNotices(ctx, h)
}

func (c *Client) pullNotices(ctx context.Context, h Handler) {
	var np api.NoticesPull
	if err := c.getJSON(ctx, "/notices?cursor=0", &np); err != nil {
		c.log.Info("notices not loaded", logging.KeyErr, err)
		return
	}
	h.Notices(np.Notices)
}

// Snapshot fetches GET /api/v1/stream/snapshot.
func (c *Client) Snapshot(ctx context.Context) (api.Snapshot, error) {
	var s api.Snapshot
	if err := c.getJSON(ctx, "/stream/snapshot", &s); err != nil {
		return api.Snapshot{}, err
	}
	return s, nil
}

func (c *Client) request(ctx context.Context, path string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.o.URL+api.Prefix+path, nil)
	if err != nil {
		return nil, fmt.Errorf("stream: bad center url %q: %w", c.o.URL, err)
	}
	if c.o.Token != "" {
		req.Header.Set(api.HeaderAuth, "Bearer "+c.o.Token)
	}
	return req, nil
}

// requestTimeout bounds one JSON request; the stream itself has no timeout
// (the heartbeat watchdog guards it), so the HTTP client must have none.
const requestTimeout = 10 * time.Second

func (c *Client) getJSON(ctx context.Context, path string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := c.request(ctx, path)
	if err != nil {
		return err
	}
	resp, err := c.o.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("get %s: %w", path, err)
	}
	defer resp.Body.Close()
	if err := checkStatus(resp); err != nil {
		return fmt.Errorf("get %s: %w", path, err)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, api.MaxBody)).Decode(v); err != nil {
		return fmt.Errorf("get %s: decode: %w", path, err)
	}
	return nil
}

// checkStatus turns a non-200 reply into an error carrying the center's
// api.Error when there is one.
func checkStatus(resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	if resp.StatusCode == http.StatusUnauthorized {
		return ErrUnauthorized
	}
	var e api.Error
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if json.Unmarshal(body, &e) == nil && e.Code != "" {
		return fmt.Errorf("center replied %s: %w", resp.Status, &e)
	}
	return fmt.Errorf("center replied %s", resp.Status)
}

// open starts GET /api/v1/stream resuming after lastID.
func (c *Client) open(ctx context.Context) (io.ReadCloser, error) {
	req, err := c.request(ctx, "/stream")
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Last-Event-ID", strconv.FormatInt(c.lastID, 10))
	resp, err := c.o.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("open stream: %w", err)
	}
	if err := checkStatus(resp); err != nil {
		resp.Body.Close()
		return nil, fmt.Errorf("open stream: %w", err)
	}
	return resp.Body, nil
}

// follow reads the stream until it fails, the heartbeat timeout passes or
// ctx ends. The reader runs in its own goroutine so the timeout can fire
// while a read blocks; the caller's cancel unblocks it.
func (c *Client) follow(ctx context.Context, h Handler, body io.Reader) error {
	msgs := make(chan message, 64)
	done := make(chan error, 1)
	go func() {
		done <- readSSE(body, func(m message) {
			select {
			case msgs <- m:
			case <-ctx.Done():
			}
		})
	}()
	refresh := c.o.Clock.After(c.o.Refresh)
	timeout := c.o.Clock.After(c.o.HeartbeatTimeout)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-done:
			return c.drain(ctx, h, msgs, err)
		case <-timeout:
			return ErrHeartbeat
		case <-refresh:
			if err := c.refresh(ctx, h); err != nil {
				return err
			}
			refresh = c.o.Clock.After(c.o.Refresh)
		case m := <-msgs:
			if err := c.handle(ctx, h, m); err != nil {
				return err
			}
			timeout = c.o.Clock.After(c.o.HeartbeatTimeout)
		}
	}
}

// drain handles messages the reader queued before it ended.
func (c *Client) drain(ctx context.Context, h Handler, msgs chan message, err error) error {
	for {
		select {
		case m := <-msgs:
			if herr := c.handle(ctx, h, m); herr != nil {
				return herr
			}
		default:
			if err == nil {
				return ErrStreamEnded
			}
			return fmt.Errorf("read stream: %w", err)
		}
	}
}

func (c *Client) refresh(ctx context.Context, h Handler) error {
	snap, err := c.Snapshot(ctx)
	if err != nil {
		return err
	}
	h.Snapshot(snap)
	c.pullNotices(ctx, h)
	return nil
}

// handle delivers one message. Ids at or below lastID were delivered
// already (a resumed stream may repeat) and are dropped; an id that skips
// ahead means events were lost, so the snapshot is loaded before it.
func (c *Client) handle(ctx context.Context, h Handler, m message) error {
	c.heard = c.o.Clock.Now()
	c.setLive(h, true)
	if m.Heartbeat {
		return nil
	}
	var ev api.CallEvent
	if err := json.Unmarshal([]byte(m.Data), &ev); err != nil {
		c.log.Warn("malformed call event ignored", logging.KeyErr, err, "sse_id", m.ID)
		return nil
	}
	if ev.Kind == api.CallKindReset {
		c.log.Warn("center no longer holds the missed events; loading its snapshot",
			"last_event_id", c.lastID)
		c.reset = true
		return c.resync(ctx, h, ev.ID)
	}
	if ev.ID <= c.lastID {
		return nil
	}
	if ev.ID > c.lastID+1 && !c.reset {
		c.log.Warn("gap in call stream; loading snapshot", "from", c.lastID, "to", ev.ID)
		if err := c.resync(ctx, h, c.lastID); err != nil {
			return err
		}
	}
	c.lastID, c.reset = ev.ID, false
	h.Event(ev)
	return nil
}

// resync loads the snapshot; the stream then carries on after its id.
func (c *Client) resync(ctx context.Context, h Handler, id int64) error {
	snap, err := c.Snapshot(ctx)
	if err != nil {
		return err
	}
	h.Snapshot(snap)
	c.lastID = max(id, c.lastID)
	return nil
}
