package printertest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// ControlHelp documents the control endpoint for `hallsim printer --help`.
const ControlHelp = `Control endpoint (JSON over HTTP, loopback only):
  GET  /state   the printer's condition
  POST /state   change it; send only the fields to change, e.g.
                {"paper_end": true}  {"cover_open": false}
                {"no_reply": true}   (off or unplugged: no answer at all)
                {"paper_near_end": true} {"cutter_error": true}
                {"unrecoverable": true} {"offline": true}
                {"garbage": true}    (answer DLE EOT with 0xFF)
                {"stalled": true}    (stop taking bytes)
                {"paper_left_mm": 40} (run out after 40 mm, mid-job if so)
  GET  /pages   pages cut so far: number, bytes, lines, truncated, errors
  GET  /errors  every unknown or invalid command, with its offset`

// PageInfo summarises a page for GET /pages.
type PageInfo struct {
	N           int      `json:"n"`
	Bytes       int      `json:"bytes"`
	Items       int      `json:"items"`
	HeightDots  int      `json:"height_dots"`
	Truncated   bool     `json:"truncated"`
	Lost        int      `json:"lost"`
	AutoWrapped int      `json:"auto_wrapped"`
	Errors      []string `json:"errors,omitempty"`
}

// Handler serves the control endpoint described in ControlHelp.
func (d *Device) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /state", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, d.State())
	})
	mux.HandleFunc("POST /state", d.postState)
	mux.HandleFunc("GET /pages", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, d.pageInfos())
	})
	mux.HandleFunc("GET /errors", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, d.Errors())
	})
	return mux
}

// postState merges the posted fields into the current state: decoding
// onto a copy leaves fields that were not sent as they were.
func (d *Device) postState(w http.ResponseWriter, r *http.Request) {
	s := d.State()
	dec := json.NewDecoder(io.LimitReader(r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		http.Error(w, fmt.Sprintf("bad state: %v", err), http.StatusBadRequest)
		return
	}
	d.SetState(s)
	writeJSON(w, d.State())
}

func (d *Device) pageInfos() []PageInfo {
	out := []PageInfo{}
	for i, p := range d.Pages() {
		out = append(out, PageInfo{N: i + 1, Bytes: len(p.Raw), Items: len(p.Items),
			HeightDots: p.Height(), Truncated: p.Truncated, Lost: p.Lost,
			AutoWrapped: p.AutoWrapped, Errors: p.Errors})
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
