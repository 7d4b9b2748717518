package printertest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestStatusBytes: every reply is a valid status byte (bits 1 and 4 set,
// 0 and 7 clear) carrying the documented bits.
func TestStatusBytes(t *testing.T) {
	cases := []struct {
		state State
		n     int
		want  byte
	}{
		{State{}, 1, 0x12}, {State{}, 2, 0x12}, {State{}, 3, 0x12}, {State{}, 4, 0x12},
		{State{CoverOpen: true}, 1, 0x1a}, {State{CoverOpen: true}, 2, 0x16},
		{State{PaperEnd: true}, 2, 0x32}, {State{PaperEnd: true}, 4, 0x72},
		{State{PaperNearEnd: true}, 4, 0x1e}, {State{PaperNearEnd: true}, 1, 0x12},
		{State{CutterError: true}, 2, 0x52}, {State{CutterError: true}, 3, 0x1a},
		{State{Unrecoverable: true}, 3, 0x32}, {State{Offline: true}, 1, 0x1a},
		{State{Garbage: true}, 1, 0xff},
	}
	for _, c := range cases {
		m := NewMachine(576, false, "")
		m.SetState(c.state)
		reply, _ := m.Apply(Cmd{Op: OpStatus, Arg: c.n}, nil)
		if len(reply) != 1 || reply[0] != c.want {
			t.Errorf("%+v DLE EOT %d: % x, want %02x", c.state, c.n, reply, c.want)
		}
	}
	m := NewMachine(576, false, "")
	m.SetState(State{NoReply: true})
	if reply, _ := m.Apply(Cmd{Op: OpStatus, Arg: 1}, nil); reply != nil {
		t.Errorf("a printer that is off answered % x", reply)
	}
}

// TestPaperRunsOut: with 10 mm left, a long page stops part way and the
// printer reports paper end.
func TestPaperRunsOut(t *testing.T) {
	m := NewMachine(384, false, "")
	m.SetState(State{PaperLeftMM: 10})
	var page *Page
	for _, c := range Decode([]byte("\x1b@" + strings.Repeat("line\n", 10) + "\x1dVB\x10")) {
		if _, p := m.Apply(c, nil); p != nil {
			page = p
		}
	}
	if !page.Truncated || len(page.Items) != 2 || page.Lost != 9 {
		t.Errorf("truncated %v, %d items printed, %d lost; want true, 2, 9",
			page.Truncated, len(page.Items), page.Lost)
	}
	if s := m.State(); !s.PaperEnd {
		t.Errorf("state %+v, want paper end", s)
	}
}

func TestControlEndpoint(t *testing.T) {
	d := NewDevice(Options{})
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()

	post := func(body string) *http.Response {
		t.Helper()
		resp, err := http.Post(srv.URL+"/state", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := post(`{"cover_open": true}`); r.StatusCode != 200 {
		t.Fatalf("POST /state: %s", r.Status)
	}
	if r := post(`{"paper_near_end": true}`); r.StatusCode != 200 {
		t.Fatalf("POST /state: %s", r.Status)
	}
	if s := d.State(); !s.CoverOpen || !s.PaperNearEnd {
		t.Errorf("fields not merged: %+v", s)
	}
	for _, bad := range []string{`{"cover_opn": true}`, `{`, `{"paper_end": "yes"}`} {
		if r := post(bad); r.StatusCode != http.StatusBadRequest {
			t.Errorf("POST %s: %s, want 400", bad, r.Status)
		}
	}
	var buf bytes.Buffer
	d.take([]byte("\x1b@\x1c&hi\n\x1dVB\x00\x1b~"), &buf)
	resp, err := http.Get(srv.URL + "/pages")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var pages []PageInfo
	if err := json.NewDecoder(resp.Body).Decode(&pages); err != nil {
		t.Fatal(err)
	}
	// The cover is open: the line is lost, and the page says so.
	if len(pages) != 1 || !pages[0].Truncated || pages[0].Lost != 1 {
		t.Errorf("pages %+v", pages)
	}
	if errs := d.Errors(); len(errs) != 1 || !strings.Contains(errs[0], "offset 11") {
		t.Errorf("errors %q, want the unknown ESC ~ at offset 11", errs)
	}
}
