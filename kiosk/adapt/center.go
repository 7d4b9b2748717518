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

// Slots implements kiosk.Bookings. The center answers the next bookable
// periods of a matter from now; the kiosk keeps those of the chosen day.
func (c *Center) Slots(ctx context.Context, matter, day string) ([]api.Slot, error) {
	var all []api.Slot
	if err := c.get(ctx, "/slots?matter="+url.QueryEscape(matter), &all); err != nil {
		return nil, err
	}
	var out []api.Slot
	for _, s := range all {
		if s.Day == day {
			out = append(out, s)
		}
	}
	return out, nil
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

// Report implements kiosk.Link: it sends a heartbeat carrying the health
// of every component reported so far.
//
// BUG(hallkiosk): the ledger's sync loop sends its own heartbeats with
// only {"ledger": "ok"}, and the center keeps the latest, so a printer
// warning is visible only until the next sync round. The fix is a health
// hook in ledger.SyncOptions that this adapter would feed.
func (c *Center) Report(component, status string) {
	c.mu.Lock()
	if c.health == nil {
		c.health = map[string]string{"ledger": "ok"}
	}
	c.health[component] = status
	hb := api.Heartbeat{Health: copyMap(c.health)}
	c.mu.Unlock()
	go func() {
		var ack api.HeartbeatAck
		_ = c.post(context.Background(), "/heartbeat", hb, &ack) // best effort; next change retries
	}()
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
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
