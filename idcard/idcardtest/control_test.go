package idcardtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func post(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func TestControlAPI(t *testing.T) {
	sim := New(Options{})
	srv := httptest.NewServer(sim.Handler()) // listens on 127.0.0.1
	defer srv.Close()

	tests := []struct {
		path, body string
		code       int
		card       bool
		faults     float64
	}{
		{"/place", `{"file": "../testdata/cards/foreign.json"}`, 200, true, 0},
		{"/remove", ``, 200, false, 0},
		{"/place", `{"card": {"name": "测试", "gender": "2", "nation": "01", "birth": "19900101",
			"id": "110101199001010000", "authority": "x", "valid_from": "20200101",
			"valid_to": "长期"}}`, 200, true, 0},
		{"/fault", `{"kind": "bad_checksum", "count": 2}`, 200, true, 2},
		{"/fault", `{"kind": "melt"}`, 400, true, 2},
		{"/fault", `{"kind": "slow", "cmd": "print"}`, 400, true, 2},
		{"/fault", `{"kind": "slow", "typo": 1}`, 400, true, 2},
		{"/place", `{}`, 400, true, 2},
		{"/place", `{"file": "missing.json"}`, 400, true, 2},
		{"/place", `{"card": {"name": "名字长过十五个字符的上限会被拒绝的"}}`, 400, true, 2},
	}
	for _, tt := range tests {
		code, out := post(t, srv.URL+tt.path, tt.body)
		if code != tt.code {
			t.Fatalf("%s %s: %d %v, want %d", tt.path, tt.body, code, out, tt.code)
		}
		st := sim.State()
		if st.Card != tt.card || float64(st.Faults) != tt.faults {
			t.Fatalf("%s %s: state %+v", tt.path, tt.body, st)
		}
	}

	resp, err := http.Get(srv.URL + "/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st State
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || !st.Card || st.Faults != 2 {
		t.Fatalf("GET /state: %+v, %v", st, err)
	}
}
