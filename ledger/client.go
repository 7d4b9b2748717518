package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"hallkiosk/center/api"
)

// ErrUnreachable wraps every failure to get an answer from the center
// (connection refused, timeout, a reply that is not the API's). The sync
// client counts it as "offline"; a *api.Error is an answer and is not.
var ErrUnreachable = errors.New("ledger: center unreachable")

// HTTPCenter is the device API client (docs/center-api.md).
type HTTPCenter struct {
	base   string
	token  string
	client *http.Client
}

// NewHTTPCenter returns a client for the center at baseURL
// ("https://center.example:8443") authenticating with the device token.
// A nil client means one with a 10 s timeout.
func NewHTTPCenter(baseURL, token string, client *http.Client) *HTTPCenter {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &HTTPCenter{base: strings.TrimRight(baseURL, "/"), token: token, client: client}
}

// String names the center for logs.
func (c *HTTPCenter) String() string { return "center(" + c.base + ")" }

var _ Center = (*HTTPCenter)(nil)

// IssueTicket implements Center.
func (c *HTTPCenter) IssueTicket(ctx context.Context, req api.TicketRequest) (api.Ticket, error) {
	var t api.Ticket
	return t, c.do(ctx, http.MethodPost, "/tickets", req, &t)
}

// Lease implements Center.
func (c *HTTPCenter) Lease(ctx context.Context, req api.LeaseRequest) (api.Lease, error) {
	var l api.Lease
	return l, c.do(ctx, http.MethodPost, "/leases", req, &l)
}

// PushJournal implements Center.
func (c *HTTPCenter) PushJournal(ctx context.Context, p api.JournalPush) (api.JournalAck, error) {
	var a api.JournalAck
	return a, c.do(ctx, http.MethodPost, "/journal", p, &a)
}

// Reconcile implements Center.
func (c *HTTPCenter) Reconcile(ctx context.Context, day string,
	through int64) (api.Reconcile, error) {
	var r api.Reconcile
	q := url.Values{"day": {day}, "through": {strconv.FormatInt(through, 10)}}
	return r, c.do(ctx, http.MethodGet, "/reconcile?"+q.Encode(), nil, &r)
}

// Heartbeat implements Center.
func (c *HTTPCenter) Heartbeat(ctx context.Context, hb api.Heartbeat) (api.HeartbeatAck, error) {
	var a api.HeartbeatAck
	return a, c.do(ctx, http.MethodPost, "/heartbeat", hb, &a)
}

// PullHall implements Center.
func (c *HTTPCenter) PullHall(ctx context.Context, cursor int64) (api.HallPull, error) {
	var p api.HallPull
	return p, c.do(ctx, http.MethodGet, "/hall?cursor="+strconv.FormatInt(cursor, 10), nil, &p)
}

// PullBookings implements Center.
func (c *HTTPCenter) PullBookings(ctx context.Context, cursor int64) (api.BookingsPull, error) {
	var p api.BookingsPull
	return p, c.do(ctx, http.MethodGet, "/bookings?cursor="+strconv.FormatInt(cursor, 10), nil, &p)
}

// PullKnowledge implements Center.
func (c *HTTPCenter) PullKnowledge(ctx context.Context, cursor int64) (api.KnowledgePull, error) {
	var p api.KnowledgePull
	return p, c.do(ctx, http.MethodGet, "/knowledge?cursor="+strconv.FormatInt(cursor, 10), nil, &p)
}

// PullNotices implements Center.
func (c *HTTPCenter) PullNotices(ctx context.Context, cursor int64) (api.NoticesPull, error) {
	var p api.NoticesPull
	return p, c.do(ctx, http.MethodGet, "/notices?cursor="+strconv.FormatInt(cursor, 10), nil, &p)
}

// do makes one request: one attempt, no retry (the sync loop retries).
func (c *HTTPCenter) do(ctx context.Context, method, path string, in, out any) error {
	req, err := c.request(ctx, method, path, in)
	if err != nil {
		return err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %s %s: %w", ErrUnreachable, method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%w: %s %s: read reply: %w", ErrUnreachable, method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return replyError(method, path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%w: %s %s: decode reply: %w", ErrUnreachable, method, path, err)
	}
	return nil
}

func (c *HTTPCenter) request(ctx context.Context, method, path string,
	in any) (*http.Request, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("ledger: encode %s: %w", path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+api.Prefix+path, body)
	if err != nil {
		return nil, fmt.Errorf("ledger: center request: %w", err)
	}
	req.Header.Set(api.HeaderAuth, "Bearer "+c.token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// replyError turns an error reply into *api.Error; a reply that is not the
// API's error shape (a proxy's page) counts as unreachable.
func replyError(method, path string, status int, body []byte) error {
	var ae api.Error
	if json.Unmarshal(body, &ae) != nil || ae.Code == "" {
		return fmt.Errorf("%w: %s %s: HTTP %d", ErrUnreachable, method, path, status)
	}
	if status >= 500 {
		return fmt.Errorf("%w: %s %s: %w", ErrUnreachable, method, path, &ae)
	}
	return &ae
}
