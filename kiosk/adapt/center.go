package adapt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"hallkiosk/center/api"
	"hallkiosk/kiosk"
	"hallkiosk/ledger"
)

// Center makes the kiosk's own calls to the device API: on-site booking,
// slots, cancel, knowledge feedback and health reports. (The ledger's
// client covers tickets, leases, the journal and the pulls.) A call that
// gets no API answer fails with kiosk.ErrOffline.
type Center struct {
	Base   string // e.g. "https://center:8443"
	Token  string
	HTTP   *http.Client
	Syncer *ledger.Syncer // for Online; nil means always offline

	mu     sync.Mutex
	health map[string]string
}

var (
	_ kiosk.Bookings = (*Center)(nil)
	_ kiosk.Link     = (*Center)(nil)
)

// Slots implements kiosk.Bookings: the center's bookable periods of the
// matter with places left, on its next days workdays that have any.
func (c *Center) Slots(ctx context.Context, matter string, days int) ([]api.Slot, error) {
	var all []api.Slot
	err := c.get(ctx, fmt.Sprintf("/slots?matter=%s&days=%d", url.QueryEscape(matter), days),
		&all)
	return all, err
}

// Book implements kiosk.Bookings. The card's number and name go to the
// center in this request only (R5/R11 need them there); nothing is kept.
func (c *Center) Book(ctx context.Context, req kiosk.BookingRequest) (api.Booking, error) {
	id, name := req.Card.Identity()
	body := api.BookingRequest{ID: req.Key, Matter: req.Matter, Day: req.Day, Start: req.Start,
		IDNumber: id, Name: name, Phone: req.Phone, Channel: "site"}
	var b api.Booking
	return b, c.post(ctx, "/bookings", body, &b)
}

// Cancel implements kiosk.Bookings (R5: by code and ID number).
func (c *Center) Cancel(ctx context.Context, code string, card kiosk.Card) error {
	id, _ := card.Identity()
	var b api.Booking
	return c.post(ctx, "/bookings/cancel", api.CancelRequest{Code: code, IDNumber: id}, &b)
}

// Online implements kiosk.Link from the sync loop's state.
func (c *Center) Online() bool { return c.Syncer != nil && c.Syncer.State().Online }

// Report implements kiosk.Link: the component's state goes to the center
// with the sync loop's next heartbeat (Health), and the loop is asked to
// run a round now.
func (c *Center) Report(component, status string) {
	c.mu.Lock()
	if c.health == nil {
		c.health = map[string]string{}
	}
	c.health[component] = status
	c.mu.Unlock()
	if c.Syncer != nil {
		c.Syncer.Kick()
	}
}

// Health returns the components reported so far, for the sync loop's
// heartbeats (ledger.SyncOptions.Health).
func (c *Center) Health(context.Context) map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]string, len(c.health))
	for k, v := range c.health {
		out[k] = v
	}
	return out
}

func (c *Center) get(ctx context.Context, path string, out any) error {
	return c.do(ctx, http.MethodGet, path, nil, out)
}

func (c *Center) post(ctx context.Context, path string, in, out any) error {
	return c.do(ctx, http.MethodPost, path, in, out)
}

// do makes one request; an *api.Error is a refusal, anything else offline.
func (c *Center) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("adapt: encode %s: %w", path, err)
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method,
		strings.TrimRight(c.Base, "/")+api.Prefix+path, body)
	if err != nil {
		return fmt.Errorf("adapt: %s: %w", path, err)
	}
	req.Header.Set(api.HeaderAuth, "Bearer "+c.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", kiosk.ErrOffline, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("%w: %s: %w", kiosk.ErrOffline, path, err)
	}
	return decodeReply(path, resp.StatusCode, raw, out)
}

func decodeReply(path string, status int, raw []byte, out any) error {
	if status/100 != 2 {
		var ae api.Error
		if json.Unmarshal(raw, &ae) != nil || ae.Code == "" || status >= 500 {
			return fmt.Errorf("%w: %s: HTTP %d", kiosk.ErrOffline, path, status)
		}
		return &ae
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%w: %s: %w", kiosk.ErrOffline, path, err)
	}
	return nil
}
