package stream

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"hallkiosk/center/api"
)

// sseServer speaks the center's documented stream format
// (docs/center-api.md): "retry: 2000", then "id: N", "event: KIND",
// "data: <CallEvent JSON>", a blank line; ": ping" comments; Last-Event-ID
// resume; a reset event when the resume point has been pruned; GET
// /stream/snapshot. It stands in for the center in the
// client's fault tests, where connections are dropped at will.
type sseServer struct {
	*httptest.Server
	token string

	mu      sync.Mutex
	events  []api.CallEvent
	oldest  int64 // lowest id still held; resuming below it gets a reset
	wake    chan struct{}
	drops   chan struct{}
	gen     int // drop generation: a stream opened before a drop ends
	beats   chan struct{}
	resumes []string // Last-Event-ID headers received

	snapshots atomic.Int32
}

func newSSEServer(t *testing.T, token string) *sseServer {
	s := &sseServer{token: token, wake: make(chan struct{}), drops: make(chan struct{}),
		beats: make(chan struct{}, 16), oldest: 1}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/stream", s.stream)
	mux.HandleFunc("GET /api/v1/stream/snapshot", s.snapshot)
	mux.HandleFunc("GET /api/v1/notices", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(api.NoticesPull{Cursor: 1, Notices: []api.Notice{{ID: 1,
			Text: api.Text{ZH: "通知", EN: "notice"}}}})
	})
	s.Server = httptest.NewUnstartedServer(s.auth(mux))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Listener = l
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *sseServer) auth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.token != "" && r.Header.Get(api.HeaderAuth) != "Bearer "+s.token {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(api.Error{Code: api.ErrCodeUnauthorized, Message: "bad token"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

// publish appends calls with the next ids (or the id given when id > 0,
// to make a gap) and wakes the streams.
func (s *sseServer) publish(id int64, number string) api.CallEvent {
	s.mu.Lock()
	if id == 0 {
		id = s.lastLocked() + 1
	}
	ev := api.CallEvent{ID: id, Kind: api.CallKindCalled, Window: 1, Queue: number[:1],
		Number: number, TicketID: "t-" + number}
	s.events = append(s.events, ev)
	close(s.wake)
	s.wake = make(chan struct{})
	s.mu.Unlock()
	return ev
}

func (s *sseServer) lastLocked() int64 {
	if len(s.events) == 0 {
		return s.oldest - 1
	}
	return s.events[len(s.events)-1].ID
}

// prune forgets events up to id, as the center does past its resume window.
func (s *sseServer) prune(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keep []api.CallEvent
	for _, ev := range s.events {
		if ev.ID > id {
			keep = append(keep, ev)
		}
	}
	s.events, s.oldest = keep, id+1
}

// drop closes every open stream, as a network cut would.
func (s *sseServer) drop() {
	s.mu.Lock()
	close(s.drops)
	s.drops = make(chan struct{})
	s.gen++
	s.mu.Unlock()
}

func (s *sseServer) beat() { s.beats <- struct{}{} }

func (s *sseServer) since(after int64, gen int) ([]api.CallEvent, chan struct{}, chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.gen {
		return nil, nil, nil
	}
	var out []api.CallEvent
	for _, ev := range s.events {
		if ev.ID > after {
			out = append(out, ev)
		}
	}
	return out, s.wake, s.drops
}

func (s *sseServer) stream(w http.ResponseWriter, r *http.Request) {
	last, _ := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	s.mu.Lock()
	s.resumes = append(s.resumes, r.Header.Get("Last-Event-ID"))
	reset := last > 0 && last < s.oldest-1
	gen := s.gen
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	fl := w.(http.Flusher)
	if reset {
		writeEvent(w, api.CallEvent{ID: last, Kind: api.CallKindReset})
	}
	fl.Flush()
	for {
		evs, wake, drops := s.since(last, gen)
		if drops == nil {
			return
		}
		for _, ev := range evs {
			writeEvent(w, ev)
			last = ev.ID
		}
		fl.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-drops:
			return
		case <-s.beats:
			fmt.Fprint(w, ": ping\n\n")
			fl.Flush()
		case <-wake:
		}
	}
}

func writeEvent(w http.ResponseWriter, ev api.CallEvent) {
	data, _ := json.Marshal(ev)
	fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.ID, ev.Kind, data)
}

func (s *sseServer) snapshot(w http.ResponseWriter, r *http.Request) {
	s.snapshots.Add(1)
	s.mu.Lock()
	snap := api.Snapshot{LastEventID: s.lastLocked(), Waiting: map[string]int{"A": 4}}
	for i := len(s.events) - 1; i >= 0 && len(snap.Recent) < 5; i-- {
		snap.Recent = append(snap.Recent, s.events[i])
	}
	s.mu.Unlock()
	json.NewEncoder(w).Encode(snap)
}

// recorder is a Handler that hands everything to the test over channels.
type recorder struct {
	events    chan api.CallEvent
	status    chan bool
	snapshots chan api.Snapshot
	notices   atomic.Int32
}

func newRecorder() *recorder {
	return &recorder{events: make(chan api.CallEvent, 1000), status: make(chan bool, 100),
		snapshots: make(chan api.Snapshot, 100)}
}

func (r *recorder) Snapshot(s api.Snapshot) { r.snapshots <- s }
func (r *recorder) Event(ev api.CallEvent)  { r.events <- ev }
func (r *recorder) Notices(n []api.Notice)  { r.notices.Add(1) }
func (r *recorder) Hall(api.Hall)           {}
func (r *recorder) Status(live bool)        { r.status <- live }

func run(t *testing.T, c *Client, h Handler) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx, h); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}
