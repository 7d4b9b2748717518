package center_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// fuzzPaths are the endpoints whose bodies come from devices.
var fuzzPaths = []string{"/tickets", "/journal", "/leases", "/bookings", "/bookings/cancel",
	"/heartbeat", "/enrol", "/knowledge/feedback"}

// FuzzDeviceAPI posts arbitrary bodies to the device endpoints: the center
// must answer 2xx or 4xx with a JSON error, never 5xx or a panic (G8).
func FuzzDeviceAPI(f *testing.F) {
	env := centertest.Start(f, centertest.WithHall(bigHall))
	token := env.Enrol(api.RoleKiosk, "fuzz").Token
	h := center.NewServer(env.Engine, centertest.AdminToken, nil).Handler()
	for i, seed := range []string{
		`{"id":"abcdefgh","matter":"` + env.Matter("A") + `"}`,
		`{"events":[{"seq":1,"time":"2026-12-03T01:00:00Z","kind":"x","payload":{},"prev_hash":"","hash":"00"}]}`,
		`{"queue":"A","day":"2026-12-03","size":3}`,
		`{"id":"abcdefgh","matter":"m","day":"2026-12-04","start":"09:00","id_number":"11010519491231002X","name":"n"}`,
		`{"code":"123456","name":"x"}`, `{"version":"1","health":{"printer":"ok"}}`, `{"code":"x"}`,
		`{"events":[{"seq":1,"payload":"\u0000"}]}`, `[]`, `null`, `{"id":1e999}`,
	} {
		f.Add(uint8(i), []byte(seed))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := fuzzPaths[int(which)%len(fuzzPaths)]
		postAnswersCleanly(t, h, token, path, body)
	})
}

// staffAdminPaths are the endpoints whose bodies come from staff tools and
// the admin: call, ticket actions, enrolment codes, notices, R14 clearing,
// bookings on the phone and online channels.
var staffAdminPaths = []string{"/windows/1/call-next", "/windows/1/recall",
	"/tickets/fuzz-ticket-1/missed", "/tickets/fuzz-ticket-1/transfer",
	"/tickets/fuzz-ticket-1/finish", "/tickets/fuzz-ticket-1/reinstate",
	"/admin/enrol-codes", "/admin/notices", "/admin/noshows/clear", "/bookings"}

// FuzzStaffAdminAPI posts arbitrary bodies, with the admin token, to the
// endpoints staff and the admin write to: 2xx or a 4xx JSON error, never
// 5xx or a panic (G8). A ticket waits and one is called, so the ticket
// actions reach the engine's checks and not only the decoder.
func FuzzStaffAdminAPI(f *testing.F) {
	env := centertest.Start(f, centertest.WithHall(bigHall))
	for _, id := range []string{"fuzz-ticket-1", "fuzz-ticket-2"} {
		if _, err := env.Engine.IssueTicket(ctx, center.Device{ID: "k"},
			api.TicketRequest{ID: id, Matter: env.Matter("A")}); err != nil {
			f.Fatal(err)
		}
	}
	if _, err := env.Engine.CallNext(ctx, 1, ""); err != nil {
		f.Fatal(err)
	}
	h := center.NewServer(env.Engine, centertest.AdminToken, nil).Handler()
	for i, seed := range []string{
		`{"key":"k-1"}`, ``, `{"key":""}`, `{"key":"k-2","queue":"B","window":1}`,
		`{"key":"k-3","rating":"good","comment":"好"}`, `{"window":-1}`,
		`{"role":"kiosk","device_name":"x","ttl_minutes":5}`,
		`{"text":{"zh":"闭馆","en":"closed"},"until":"2026-12-03T16:00:00+08:00"}`,
		`{"booking_id":"nope-nope","reason":"typhoon"}`,
		`{"id":"abcdefgh","matter":"m","day":"2026-12-04","start":"09:00",` +
			`"id_number":"11010519491231002X","name":"n","channel":"phone"}`,
		`{"key":` + strings.Repeat("[", 100), `{"rating":"good"} {}`,
	} {
		f.Add(uint8(i), []byte(seed))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := staffAdminPaths[int(which)%len(staffAdminPaths)]
		postAnswersCleanly(t, h, centertest.AdminToken, path, body)
	})
}

// FuzzParseHall: no hall file, however broken, panics the loader.
func FuzzParseHall(f *testing.F) {
	f.Add([]byte(`{"center":"x","timezone":"UTC","departments":[{"queue_prefix":"A"}]}`))
	f.Add([]byte(`{"booking":{"periods":[["25:00","26:00"]],"pickup":[]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := center.ParseHall(data)
		if err == nil && (len(h.Departments) == 0 || h.Location() == nil) {
			t.Fatal("an accepted hall has no departments or zone")
		}
	})
}

// postAnswersCleanly posts body to path with token: the answer is 200 or a
// 4xx JSON error with a code, never a 5xx (G8).
func postAnswersCleanly(t *testing.T, h http.Handler, token, path string, body []byte) {
	t.Helper()
	req := httptest.NewRequest("POST", api.Prefix+path, bytes.NewReader(body))
	req.Header.Set(api.HeaderAuth, "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %q: status %d %s", path, body, rec.Code, rec.Body)
	}
	if rec.Code >= 400 && !bytes.Contains(rec.Body.Bytes(), []byte(`"code"`)) {
		t.Fatalf("%s: error without a code: %s", path, rec.Body)
	}
	if rec.Code != http.StatusOK && rec.Code < 400 {
		t.Fatalf("%s: status %d", path, rec.Code)
	}
}
