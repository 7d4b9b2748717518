package center

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"hallkiosk/center/api"
	"hallkiosk/platform/logging"
)

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) {
	var req api.EnrolRequest
	if !decode(w, r, &req, false) {
		return
	}
	out, err := s.eng.Enrol(r.Context(), req)
	if err == nil {
		s.log.Info("device enrolled", logging.KeyDevice, out.DeviceID, "role", out.Role)
	}
	s.reply(w, r, out, err)
}

func (s *Server) enrolCode(w http.ResponseWriter, r *http.Request, _ Device) {
	var req api.EnrolCodeRequest
	if !decode(w, r, &req, false) {
		return
	}
	out, err := s.eng.NewEnrolCode(r.Context(), req)
	s.reply(w, r, out, err)
}

func (s *Server) devices(w http.ResponseWriter, r *http.Request, _ Device) {
	out, err := s.eng.Devices(r.Context())
	s.reply(w, r, out, err)
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request, _ Device) {
	err := s.eng.RevokeDevice(r.Context(), r.PathValue("id"))
	s.reply(w, r, map[string]string{"revoked": r.PathValue("id")}, err)
}

func (s *Server) clearNoShow(w http.ResponseWriter, r *http.Request, _ Device) {
	var req api.NoShowClearRequest
	if !decode(w, r, &req, false) {
		return
	}
	out, err := s.eng.ClearNoShow(r.Context(), req)
	s.reply(w, r, out, err)
}

func (s *Server) addNotice(w http.ResponseWriter, r *http.Request, _ Device) {
	var req api.Notice
	if !decode(w, r, &req, false) {
		return
	}
	out, err := s.eng.AddNotice(r.Context(), req)
	s.reply(w, r, out, err)
}

// pull serves a cursor pull (GET ...?cursor=N): the device says what it
// holds, fn returns what changed since.
func pull[T any](s *Server, fn func(context.Context, int64) (T, error)) deviceHandler {
	return func(w http.ResponseWriter, r *http.Request, _ Device) {
		cur, ok := queryInt(w, r, "cursor")
		if !ok {
			return
		}
		out, err := fn(r.Context(), cur)
		s.reply(w, r, out, err)
	}
}

func (s *Server) alerts(w http.ResponseWriter, r *http.Request, _ Device) {
	out, err := s.eng.DeviceAlerts(r.Context(), AlertLimits{})
	s.reply(w, r, out, err)
}

func (s *Server) anomalies(w http.ResponseWriter, r *http.Request, _ Device) {
	out, err := s.eng.Anomalies(r.Context())
	if out == nil {
		out = []string{}
	}
	s.reply(w, r, out, err)
}

func (s *Server) heartbeat(w http.ResponseWriter, r *http.Request, dev Device) {
	var req api.Heartbeat
	if !decode(w, r, &req, false) {
		return
	}
	out, err := s.eng.Heartbeat(r.Context(), dev, req)
	if err == nil { // the journal backlog, for the admin console and alerts
		s.note(r, dev, -1, int64(req.Pending))
	}
	s.reply(w, r, out, err)
}

// book: a kiosk books on site (R3); the admin token stands for the phone
// and online channels and names its channel.
func (s *Server) book(w http.ResponseWriter, r *http.Request, dev Device) {
	var req api.BookingRequest
	if !decode(w, r, &req, false) {
		return
	}
	channel := ChannelSite
	if dev.Role == roleAdmin {
		switch req.Channel {
		case "":
			channel = ChannelOnline
		case ChannelSite, ChannelPhone, ChannelOnline:
			channel = req.Channel
		default:
			s.reply(w, r, nil, badRequest("channel: want site, phone or online"))
			return
		}
	}
	out, err := s.eng.CreateBooking(r.Context(), channel, req)
	s.reply(w, r, out, err)
}

func (s *Server) cancel(w http.ResponseWriter, r *http.Request, _ Device) {
	var req api.CancelRequest
	if !decode(w, r, &req, false) {
		return
	}
	out, err := s.eng.CancelBooking(r.Context(), req)
	s.reply(w, r, out, err)
}

// slots answers GET /slots?matter=CODE&days=N: the slots with room on the
// next N workdays that have any (default DefaultSlotDays).
func (s *Server) slots(w http.ResponseWriter, r *http.Request, _ Device) {
	days, ok := queryInt(w, r, "days")
	if !ok {
		return
	}
	if r.URL.Query().Get("days") == "" {
		days = DefaultSlotDays
	}
	days = min(days, math.MaxInt32) // refused below, without overflowing int
	out, err := s.eng.SlotDays(r.Context(), r.URL.Query().Get("matter"), int(days))
	if out == nil {
		out = []api.Slot{}
	}
	s.reply(w, r, out, err)
}

func (s *Server) issue(w http.ResponseWriter, r *http.Request, dev Device) {
	var req api.TicketRequest
	if !decode(w, r, &req, false) {
		return
	}
	out, err := s.eng.IssueTicket(r.Context(), dev, req)
	s.reply(w, r, out, err)
}

func (s *Server) ticket(w http.ResponseWriter, r *http.Request, _ Device) {
	out, err := s.eng.Ticket(r.Context(), r.PathValue("id"))
	s.reply(w, r, out, err)
}

func (s *Server) lease(w http.ResponseWriter, r *http.Request, dev Device) {
	var req api.LeaseRequest
	if !decode(w, r, &req, false) {
		return
	}
	out, err := s.eng.Lease(r.Context(), dev, req)
	s.reply(w, r, out, err)
}

func (s *Server) journal(w http.ResponseWriter, r *http.Request, dev Device) {
	var req api.JournalPush
	if !decode(w, r, &req, false) {
		return
	}
	out, err := s.eng.PushJournal(r.Context(), dev, req)
	s.reply(w, r, out, err)
}

func (s *Server) reconcile(w http.ResponseWriter, r *http.Request, dev Device) {
	through, ok := queryInt(w, r, "through")
	if !ok {
		return
	}
	out, err := s.eng.Reconcile(r.Context(), dev, r.URL.Query().Get("day"), through)
	s.reply(w, r, out, err)
}

func (s *Server) snapshot(w http.ResponseWriter, r *http.Request, _ Device) {
	out, err := s.eng.Snapshot(r.Context())
	s.reply(w, r, out, err)
}

// idemKey takes the idempotency key from the header, else the body.
func idemKey(r *http.Request, body string) string {
	if k := r.Header.Get(api.HeaderIdempotency); k != "" {
		return k
	}
	return body
}

func (s *Server) windowAction(w http.ResponseWriter, r *http.Request, _ Device) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n <= 0 {
		s.reply(w, r, nil, badRequest("window: want a positive number"))
		return
	}
	var req api.CallRequest
	if !decode(w, r, &req, true) {
		return
	}
	key := idemKey(r, req.Key)
	var out api.Ticket
	if r.Pattern == "POST "+api.Prefix+"/windows/{n}/recall" {
		out, err = s.eng.Recall(r.Context(), n, key)
	} else {
		out, err = s.eng.CallNext(r.Context(), n, key)
	}
	s.reply(w, r, out, err)
}

func (s *Server) ticketAction(w http.ResponseWriter, r *http.Request, _ Device) {
	var req api.TicketAction
	if !decode(w, r, &req, true) {
		return
	}
	id, key := r.PathValue("id"), idemKey(r, req.Key)
	var out api.Ticket
	err := s.checkActingWindow(r, id, req.Window)
	if err != nil {
		s.reply(w, r, nil, err)
		return
	}
	switch r.PathValue("action") {
	case "missed":
		out, err = s.eng.Missed(r.Context(), id, key)
	case "reinstate":
		out, err = s.eng.Reinstate(r.Context(), id, key)
	case "transfer":
		out, err = s.eng.Transfer(r.Context(), id, req.Queue, key)
	case "finish":
		out, err = s.eng.Finish(r.Context(), id, req.Rating, req.Comment, key)
	default:
		err = notFound(fmt.Sprintf("action %q", r.PathValue("action")))
	}
	s.reply(w, r, out, err)
}

// checkActingWindow refuses a window's action on a ticket another window
// called, when the request names its window (as the staff console does for
// its own users). Reinstating is the group leader's, for the whole hall.
func (s *Server) checkActingWindow(r *http.Request, id string, window int) error {
	if window == 0 || r.PathValue("action") == "reinstate" {
		return nil
	}
	rec, err := s.eng.TicketRecordByID(r.Context(), id)
	if err != nil {
		return err
	}
	if rec.Window != window {
		return &Refusal{Status: http.StatusForbidden, Err: api.Error{Code: api.ErrCodeForbidden,
			Message: fmt.Sprintf("ticket %s is not at window %d", rec.Number, window)}}
	}
	return nil
}
