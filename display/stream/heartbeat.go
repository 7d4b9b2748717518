package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"hallkiosk/center/api"
)

// Beat posts one heartbeat (POST /api/v1/heartbeat) so the center's device
// health shows this display, and returns the center's clock minus this
// display's, measured at the middle of the round trip. Beat only reads the
// client's options, so it may run beside Run.
func (c *Client) Beat(ctx context.Context, hb api.Heartbeat) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	body, _ := json.Marshal(hb)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		c.o.URL+api.Prefix+"/heartbeat", bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("heartbeat: bad center url %q: %w", c.o.URL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.o.Token != "" {
		req.Header.Set(api.HeaderAuth, "Bearer "+c.o.Token)
	}
	t0 := c.o.Clock.Now()
	resp, err := c.o.HTTP.Do(req)
	if err != nil {
		return 0, fmt.Errorf("heartbeat: %w", err)
	}
	defer resp.Body.Close()
	t1 := c.o.Clock.Now()
	if err := checkStatus(resp); err != nil {
		return 0, fmt.Errorf("heartbeat: %w", err)
	}
	var ack api.HeartbeatAck
	if err := json.NewDecoder(io.LimitReader(resp.Body, api.MaxBody)).Decode(&ack); err != nil {
		return 0, fmt.Errorf("heartbeat: decode: %w", err)
	}
	return ack.ServerTime.Sub(t0.Add(t1.Sub(t0) / 2)), nil
}
