package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"hallkiosk/center/api"
)

// events relays the engine's call stream to a logged-in browser as SSE.
// Browsers cannot set the device API's bearer header on an EventSource, so
// the console serves its own stream behind the session cookie. The page
// only uses an event as a cue to refresh its live part; it resumes with
// Last-Event-ID after a dropped connection, and starts from now otherwise.
func (c *Console) events(w http.ResponseWriter, r *http.Request, se *Session) {
	last, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if err != nil || last < 0 {
		snap, err := c.eng.Snapshot(r.Context())
		if err != nil {
			http.Error(w, "no call stream: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		last = snap.LastEventID
	}
	ch, err := c.eng.Stream(r.Context(), last)
	if err != nil {
		c.internal(w, r, se, err)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	rc.Flush()
	c.pump(w, rc, r, ch)
}

func (c *Console) pump(w http.ResponseWriter, rc *http.ResponseController, r *http.Request,
	ch <-chan api.CallEvent) {
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
		case ev, ok := <-ch:
			if !ok {
				return
			}
			body, _ := json.Marshal(ev)
			fmt.Fprintf(w, "id: %d\ndata: %s\n\n", ev.ID, body)
		}
		if rc.Flush() != nil {
			return
		}
	}
}
