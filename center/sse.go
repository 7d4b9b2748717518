package center

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"hallkiosk/center/api"
)

// stream serves the call stream as server-sent events: "id: N", "event:
// KIND", "data: CallEvent". A client resumes with the Last-Event-ID header
// (or ?last_event_id=) and gets every event after it (G7); ": ping"
// comments keep idle connections alive and let a display see the link is
// up.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, _ Device) {
	last, err := lastEventID(r)
	if err != nil {
		s.reply(w, r, nil, badRequest("Last-Event-ID: want a non-negative integer"))
		return
	}
	events, err := s.eng.Stream(r.Context(), last)
	if err != nil {
		s.reply(w, r, nil, err)
		return
	}
	rc := http.NewResponseController(w)
	// A stream outlives the server's read and write timeouts.
	rc.SetWriteDeadline(time.Time{})
	rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	rc.Flush()
	s.pump(w, rc, r, events)
}

func (s *Server) pump(w http.ResponseWriter, rc *http.ResponseController, r *http.Request,
	events <-chan api.CallEvent) {
	ping := time.NewTicker(s.Ping)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ping.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		case ev, ok := <-events:
			if !ok {
				return
			}
			data, _ := json.Marshal(ev)
			_, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.ID, ev.Kind, data)
			if err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

func lastEventID(r *http.Request) (int64, error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("last_event_id")
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("last event id %q", v)
	}
	return n, nil
}
