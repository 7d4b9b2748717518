package center

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/platform/logging"
)

// roleAdmin is the pseudo-role of the admin token.
const roleAdmin = "admin"

// Server puts the device API and the staff actions on an Engine.
type Server struct {
	eng       *Engine
	adminHash string
	log       *slog.Logger
	// Ping is the interval of stream heartbeats; default 15 s.
	Ping time.Duration
}

// NewServer returns the HTTP side of eng. adminToken guards /admin and may
// use every staff action; empty disables admin access.
func NewServer(eng *Engine, adminToken string, log *slog.Logger) *Server {
	s := &Server{eng: eng, log: logging.For(log, "center-http"), Ping: 15 * time.Second}
	if adminToken != "" {
		s.adminHash = tokenHash(adminToken)
	}
	return s
}

// Handler is the router. Paths use net/http method patterns.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("POST "+api.Prefix+"/enrol", s.enrol)
	for _, rt := range s.routes() {
		s.route(mux, rt.pattern, rt.roles, rt.h)
	}
	return mux
}

// routeSpec is one authenticated endpoint: its pattern, the roles that may
// use it, and its handler. docs/center-api.md has an example of each
// (TestDocsExampleEveryRoute) and TestRoleMatrix checks each gate.
type routeSpec struct {
	pattern string
	roles   []string
	h       deviceHandler
}

// routes lists the endpoints behind a token (all but /healthz and /enrol).
func (s *Server) routes() []routeSpec {
	all := []string{api.RoleKiosk, api.RoleDisplay, api.RoleConsole, roleAdmin}
	devices := all[:3]
	kiosk := []string{api.RoleKiosk}
	kioskAdmin := []string{api.RoleKiosk, roleAdmin}
	journal := []string{api.RoleKiosk, api.RoleDisplay}
	staff := []string{api.RoleConsole, roleAdmin}
	admin := []string{roleAdmin}
	p := api.Prefix
	return []routeSpec{
		{"POST " + p + "/admin/enrol-codes", admin, s.enrolCode},
		{"GET " + p + "/admin/devices", admin, s.devices},
		{"POST " + p + "/admin/devices/{id}/revoke", admin, s.revoke},
		{"POST " + p + "/admin/noshows/clear", admin, s.clearNoShow},
		{"POST " + p + "/admin/notices", admin, s.addNotice},
		{"GET " + p + "/admin/anomalies", admin, s.anomalies},
		{"GET " + p + "/admin/alerts", admin, s.alerts},
		{"GET " + p + "/hall", all, pull(s, s.eng.PullHall)},
		{"GET " + p + "/knowledge", all, s.pullKnowledgeNoted}, // notes K3
		{"POST " + p + "/knowledge/feedback", kiosk, s.knowledgeFeedback},
		{"GET " + p + "/notices", all, pull(s, s.eng.PullNotices)},
		{"POST " + p + "/heartbeat", devices, s.heartbeat},
		{"GET " + p + "/bookings", kiosk, pull(s, s.eng.PullBookings)},
		{"POST " + p + "/bookings", kioskAdmin, s.book},
		{"POST " + p + "/bookings/cancel", kioskAdmin, s.cancel},
		{"GET " + p + "/slots", kioskAdmin, s.slots},
		{"POST " + p + "/tickets", kiosk, s.issue},
		{"GET " + p + "/tickets/{id}", []string{api.RoleKiosk, api.RoleConsole, roleAdmin},
			s.ticket},
		{"POST " + p + "/leases", kiosk, s.lease},
		{"POST " + p + "/journal", journal, s.journal},
		{"GET " + p + "/reconcile", journal, s.reconcile},
		{"GET " + p + "/stream", all, s.stream},
		{"GET " + p + "/stream/snapshot", all, s.snapshot},
		{"POST " + p + "/windows/{n}/call-next", staff, s.windowAction},
		{"POST " + p + "/windows/{n}/recall", staff, s.windowAction},
		{"POST " + p + "/tickets/{id}/{action}", staff, s.ticketAction},
	}
}

type deviceHandler func(w http.ResponseWriter, r *http.Request, dev Device)

// route registers h behind authentication and the role check: a token of a
// role not listed gets 403, an unknown token 401.
func (s *Server) route(mux *http.ServeMux, pattern string, roles []string, h deviceHandler) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		dev, err := s.authenticate(r)
		if err != nil {
			writeError(w, http.StatusUnauthorized, api.Error{Code: api.ErrCodeUnauthorized,
				Message: "missing or unknown token; enrol the device again"})
			return
		}
		for _, role := range roles {
			if dev.Role == role {
				h(w, r, dev)
				return
			}
		}
		writeError(w, http.StatusForbidden, api.Error{Code: api.ErrCodeForbidden,
			Message: fmt.Sprintf("role %s may not use %s", dev.Role, r.URL.Path)})
	})
}

func (s *Server) authenticate(r *http.Request) (Device, error) {
	auth := r.Header.Get(api.HeaderAuth)
	token, ok := bytes.CutPrefix([]byte(auth), []byte("Bearer "))
	if !ok || len(token) == 0 {
		return Device{}, ErrUnauthorized
	}
	if s.adminHash != "" &&
		subtle.ConstantTimeCompare([]byte(tokenHash(string(token))), []byte(s.adminHash)) == 1 {
		return Device{ID: "admin", Name: "admin", Role: roleAdmin}, nil
	}
	return s.eng.Authenticate(r.Context(), string(token))
}

// decode reads a JSON body strictly: at most api.MaxBody bytes, no unknown
// fields, nothing after the value. It writes the error reply itself and
// reports whether the handler may go on. allowEmpty accepts no body.
func decode(w http.ResponseWriter, r *http.Request, v any, allowEmpty bool) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, api.MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeError(w, http.StatusRequestEntityTooLarge, api.Error{Code: api.ErrCodeTooLarge,
			Message: fmt.Sprintf("body over %d bytes", api.MaxBody)})
		return false
	}
	if err == nil && !(allowEmpty && len(bytes.TrimSpace(body)) == 0) {
		err = DecodeStrict(body, v)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, api.Error{Code: api.ErrCodeBadRequest,
			Message: "request body: " + err.Error()})
		return false
	}
	return true
}

// DecodeStrict decodes one JSON value into v, refusing unknown fields and
// trailing data. Exported for the fuzz tests and for tools.
func DecodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, e api.Error) { writeJSON(w, status, e) }

// reply writes v, or the error: a Refusal as itself, anything else as a
// 500 whose detail goes to the log, not to the client.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err == nil {
		writeJSON(w, http.StatusOK, v)
		return
	}
	if ref, ok := AsRefusal(err); ok {
		writeError(w, ref.Status, ref.Err)
		return
	}
	if errors.Is(err, context.Canceled) {
		return
	}
	s.log.Error("request failed", "path", r.URL.Path, logging.KeyErr, err)
	writeError(w, http.StatusInternalServerError, api.Error{Code: api.ErrCodeInternal,
		Message: "the center failed; retry later"})
}

// queryInt reads an integer query parameter (default 0).
func queryInt(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		writeError(w, http.StatusBadRequest, api.Error{Code: api.ErrCodeBadRequest,
			Message: name + ": want a non-negative integer"})
		return 0, false
	}
	return n, true
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{"status": "ok", "hall_version": 0}
	if h := s.eng.CurrentHall(); h != nil {
		out["hall_version"] = h.Version
	}
	writeJSON(w, http.StatusOK, out)
}
