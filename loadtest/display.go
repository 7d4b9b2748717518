package loadtest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"hallkiosk/center/api"
)

// Arrival is one call event as a display read it off the wire.
type Arrival struct {
	SSEID string
	Event api.CallEvent
	At    time.Time
}

// Display is a headless display: it holds the call stream open and
// records every event it reads, duplicates and gaps included, so the
// suite can check what the wire carried rather than what a client's
// de-duplication made of it.
type Display struct {
	Name  string
	url   string
	token string
	http  *http.Client

	mu       sync.Mutex
	arrivals []Arrival
	err      error
}

// NewDisplay returns a display of the center at base (e.g.
// "http://127.0.0.1:8080") with a display token.
func NewDisplay(name, base, token string, hc *http.Client) *Display {
	return &Display{Name: name, url: base + api.Prefix + "/stream", token: token, http: hc}
}

// Open connects to the stream. The center subscribes a stream before it
// answers, so once Open returns the display hears every later call. The
// stream lasts until ctx ends; Read consumes it.
func (d *Display) Open(ctx context.Context) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", d.url, nil)
	if err != nil {
		return nil, fmt.Errorf("display %s: %w", d.Name, err)
	}
	req.Header.Set(api.HeaderAuth, "Bearer "+d.token)
	resp, err := d.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("display %s: open stream: %w", d.Name, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("display %s: open stream: status %s", d.Name, resp.Status)
	}
	return resp, nil
}

// Read parses server-sent events from resp until it ends, recording the
// arrival time of each.
func (d *Display) Read(resp *http.Response) {
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	var a Arrival
	var data string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id: "):
			a.SSEID = line[4:]
		case strings.HasPrefix(line, "data: "):
			data = line[6:]
		case line == "" && a.SSEID != "":
			a.At = time.Now()
			d.record(a, data)
			a, data = Arrival{}, ""
		}
	}
	d.mu.Lock()
	d.err = sc.Err()
	d.mu.Unlock()
}

func (d *Display) record(a Arrival, data string) {
	err := json.Unmarshal([]byte(data), &a.Event)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil && d.err == nil {
		d.err = fmt.Errorf("display %s: event %s: %w", d.Name, a.SSEID, err)
	}
	d.arrivals = append(d.arrivals, a)
}

// Arrivals returns a copy of what the display read so far.
func (d *Display) Arrivals() []Arrival {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Arrival(nil), d.arrivals...)
}

// LastID is the id of the last event read (0 before any).
func (d *Display) LastID() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.arrivals) == 0 {
		return 0
	}
	return d.arrivals[len(d.arrivals)-1].Event.ID
}

// Err is the first read or decode failure, if any. A stream cut by the
// end of the run reads as context canceled and is not reported.
func (d *Display) Err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil && strings.Contains(d.err.Error(), "context canceled") {
		return nil
	}
	return d.err
}

// CheckOrder says what is wrong with the display's events, given that the
// center emitted ids first..last: each must be read exactly once, in
// order (G7: a display never silently misses or repeats a call).
func (d *Display) CheckOrder(first, last int64) error {
	got := d.Arrivals()
	want := first
	for _, a := range got {
		if a.Event.ID != want {
			return fmt.Errorf("display %s: read event %d where %d was due", d.Name,
				a.Event.ID, want)
		}
		if a.SSEID != fmt.Sprint(a.Event.ID) {
			return fmt.Errorf("display %s: sse id %s carries event %d", d.Name, a.SSEID,
				a.Event.ID)
		}
		want++
	}
	if want != last+1 {
		return fmt.Errorf("display %s: read %d events, the center emitted %d", d.Name,
			len(got), last-first+1)
	}
	return nil
}
