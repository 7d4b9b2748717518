package idcardtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
)

// ControlUsage documents the control API; hallsim prints it in --help.
const ControlUsage = `Control API (JSON over HTTP on the --control address, loopback only):
  POST /place   {"file": "cards/resident.json"}  or  {"card": {...card file...}}
                puts a card on the reader (replacing any card there)
  POST /remove  takes the card off
  POST /fault   {"kind": K, "cmd": C, "count": N, "delay_ms": D, "sw3": "60"}
                K: bad_checksum | truncate | slow | read_failed | sam_error |
                   garbage | silent
                C (optional): find | select | read | reset | sam-id | status
                N: how many replies it affects (default 1)
  GET  /state   {"card": true, "label": ..., "selected": ..., "faults_pending": N,
                 "requests": N, "last_cmd": ...}
Every answer is the state as JSON; errors are {"error": "..."} with 400.`

// placeRequest is the body of POST /place.
type placeRequest struct {
	File string    `json:"file"`
	Card *CardFile `json:"card"`
}

// Handler serves the control API for s.
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /place", s.handlePlace)
	mux.HandleFunc("POST /remove", func(w http.ResponseWriter, r *http.Request) {
		s.Remove()
		s.writeState(w)
	})
	mux.HandleFunc("POST /fault", s.handleFault)
	mux.HandleFunc("GET /state", func(w http.ResponseWriter, r *http.Request) {
		s.writeState(w)
	})
	return mux
}

func (s *Sim) handlePlace(w http.ResponseWriter, r *http.Request) {
	var req placeRequest
	if err := decodeBody(w, r, &req); err != nil {
		writeError(w, err)
		return
	}
	card, label, err := req.card()
	if err == nil {
		err = s.Place(card, label)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	s.writeState(w)
}

func (p placeRequest) card() (CardFile, string, error) {
	switch {
	case p.Card != nil && p.File != "":
		return CardFile{}, "", errors.New("give file or card, not both")
	case p.Card != nil:
		return *p.Card, "inline " + p.Card.Type, nil
	case p.File != "":
		c, err := LoadCard(p.File)
		return c, filepath.Base(p.File), err
	}
	return CardFile{}, "", errors.New("give file or card")
}

func (s *Sim) handleFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	if err := decodeBody(w, r, &f); err != nil {
		writeError(w, err)
		return
	}
	if err := s.Inject(f); err != nil {
		writeError(w, err)
		return
	}
	s.writeState(w)
}

// decodeBody reads one JSON object of at most 64 KiB with no unknown
// fields, so a typo in a fault name is an error and not a silent no-op.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	return nil
}

func (s *Sim) writeState(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(s.State())
}

func writeError(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}
