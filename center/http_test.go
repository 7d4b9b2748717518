package center_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// TestG8BadInput: broken requests get a 4xx with a JSON {code, message}
// and write nothing (G8).
func TestG8BadInput(t *testing.T) {
	env := centertest.Start(t)
	kiosk := env.Client(env.Enrol(api.RoleKiosk, "k").Token)
	admin := env.Client(centertest.AdminToken)
	env.Clock.Set(at(1, 9, 0))
	b, err := env.Engine.CreateBooking(ctx, "site", bookReq(env.Matter("A"), "2026-12-03", "09:00", 77))
	if err != nil {
		t.Fatal(err)
	}
	env.Clock.Set(centertest.Morning)
	big := bytes.Repeat([]byte("x"), api.MaxBody+10)
	matter := env.Matter("A")
	for _, tc := range []struct {
		name   string
		c      *centertest.Client
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"malformed json", kiosk, "POST", "/tickets", []byte(`{"id": "abcdefgh",`), 400, api.ErrCodeBadRequest},
		{"unknown field", kiosk, "POST", "/tickets", []byte(`{"id":"abcdefgh1","matter":"` + matter + `","x":1}`), 400, api.ErrCodeBadRequest},
		{"trailing data", kiosk, "POST", "/tickets", []byte(`{"id":"abcdefgh1","matter":"` + matter + `"} {}`), 400, api.ErrCodeBadRequest},
		{"wrong type", kiosk, "POST", "/leases", []byte(`{"queue":"A","day":"2026-12-03","size":"5"}`), 400, api.ErrCodeBadRequest},
		{"oversize body", kiosk, "POST", "/journal", big, 413, api.ErrCodeTooLarge},
		{"empty body", kiosk, "POST", "/tickets", nil, 400, api.ErrCodeBadRequest},
		{"bad ticket id", kiosk, "POST", "/tickets", api.TicketRequest{ID: "x", Matter: matter}, 400, api.ErrCodeBadRequest},
		{"no token", env.Client(""), "POST", "/tickets", api.TicketRequest{ID: "abcdefgh2", Matter: matter}, 401, api.ErrCodeUnauthorized},
		{"unknown device", env.Client("feedface"), "POST", "/tickets", api.TicketRequest{ID: "abcdefgh2", Matter: matter}, 401, api.ErrCodeUnauthorized},
		{"booking on a sunday", kiosk, "POST", "/bookings", bookReq(matter, "2026-12-06", "09:00", 1), 422, api.ErrCodeBadPeriod},
		{"cancellation on the day", kiosk, "POST", "/bookings/cancel", api.CancelRequest{Code: b.Code, IDNumber: idNumber(77)}, 422, api.ErrCodeCancelLate},
		{"bad id number", kiosk, "POST", "/bookings", api.BookingRequest{ID: "abcdefgh3", Matter: matter, Day: "2026-12-04", Start: "09:00", IDNumber: wrongCheckDigit(idNumber(1)), Name: "x"}, 400, api.ErrCodeBadRequest},
		{"journal gap", kiosk, "POST", "/journal", api.JournalPush{Events: []api.Event{{Seq: 9}}}, 409, api.ErrCodeJournalSeq},
		{"empty journal", kiosk, "POST", "/journal", api.JournalPush{}, 400, api.ErrCodeBadRequest},
		{"lease too big", kiosk, "POST", "/leases", api.LeaseRequest{Queue: "A", Day: "2026-12-03", Size: 5000}, 400, api.ErrCodeBadRequest},
		{"lease next month", kiosk, "POST", "/leases", api.LeaseRequest{Queue: "A", Day: "2027-01-04", Size: 5}, 400, api.ErrCodeBadRequest},
		{"lease unknown queue", kiosk, "POST", "/leases", api.LeaseRequest{Queue: "Z", Day: "2026-12-03", Size: 5}, 404, api.ErrCodeNotFound},
		{"bad cursor", kiosk, "GET", "/bookings?cursor=-1", nil, 400, api.ErrCodeBadRequest},
		{"bad reconcile day", kiosk, "GET", "/reconcile?day=today", nil, 400, api.ErrCodeBadRequest},
		{"bad window", admin, "POST", "/windows/x/call-next", nil, 400, api.ErrCodeBadRequest},
		{"used enrol code", env.Client(""), "POST", "/enrol", api.EnrolRequest{Code: "ABCDEF0123"}, 403, api.ErrCodeEnrolCode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := counts(t, env)
			st, e := tc.c.DoStatus(tc.method, tc.path, tc.body, nil)
			if st != tc.status || e == nil || e.Code != tc.code || e.Message == "" {
				t.Fatalf("got %d %+v, want %d %s", st, e, tc.status, tc.code)
			}
			if after := counts(t, env); after != before {
				t.Fatalf("refused request wrote: %s → %s", before, after)
			}
		})
	}
}

// counts summarises what the store holds, to prove a refusal wrote nothing.
func counts(t *testing.T, env *centertest.Env) string {
	tickets, err := env.Engine.Tickets(context.Background(), "2026-12-03")
	if err != nil {
		t.Fatal(err)
	}
	pull, _ := env.Engine.PullBookings(context.Background(), 0)
	snap, _ := env.Engine.Snapshot(context.Background())
	var statuses []string
	for _, b := range pull.Bookings {
		statuses = append(statuses, b.Status)
	}
	return fmt.Sprintf("tickets=%d bookings=%v cursor=%d events=%d", len(tickets), statuses,
		pull.Cursor, snap.LastEventID)
}

// TestRoleMatrix: each role reaches exactly its endpoints (a display
// cannot issue tickets; a kiosk cannot call numbers). The rows are the
// spec, written apart from the router; every route must have one.
func TestRoleMatrix(t *testing.T) {
	env := centertest.Start(t)
	tokens := map[string]string{
		"kiosk":   env.Enrol(api.RoleKiosk, "k").Token,
		"display": env.Enrol(api.RoleDisplay, "d").Token,
		"console": env.Enrol(api.RoleConsole, "c").Token,
		"admin":   centertest.AdminToken,
	}
	type row struct {
		pattern string // the route it exercises
		path    string // a concrete path of it
		allowed string // roles allowed, space separated
	}
	const all = "kiosk display console admin"
	rows := []row{
		{"GET /hall", "/hall", all},
		{"GET /knowledge", "/knowledge", all},
		{"POST /knowledge/feedback", "/knowledge/feedback", "kiosk"},
		{"GET /notices", "/notices", all},
		{"POST /heartbeat", "/heartbeat", "kiosk display console"},
		{"GET /bookings", "/bookings", "kiosk"},
		{"POST /bookings", "/bookings", "kiosk admin"},
		{"POST /bookings/cancel", "/bookings/cancel", "kiosk admin"},
		{"GET /slots", "/slots?matter=x", "kiosk admin"},
		{"POST /tickets", "/tickets", "kiosk"},
		{"GET /tickets/{id}", "/tickets/abcdefgh", "kiosk console admin"},
		{"POST /leases", "/leases", "kiosk"},
		{"POST /journal", "/journal", "kiosk display"},
		{"GET /reconcile", "/reconcile?day=2026-12-03", "kiosk display"},
		{"GET /stream", "/stream", all},
		{"GET /stream/snapshot", "/stream/snapshot", all},
		{"POST /windows/{n}/call-next", "/windows/1/call-next", "console admin"},
		{"POST /windows/{n}/recall", "/windows/1/recall", "console admin"},
		{"POST /tickets/{id}/{action}", "/tickets/abcdefgh/finish", "console admin"},
		{"POST /tickets/{id}/{action}", "/tickets/abcdefgh/missed", "console admin"},
		{"POST /admin/enrol-codes", "/admin/enrol-codes", "admin"},
		{"GET /admin/devices", "/admin/devices", "admin"},
		{"POST /admin/devices/{id}/revoke", "/admin/devices/nope/revoke", "admin"},
		{"POST /admin/noshows/clear", "/admin/noshows/clear", "admin"},
		{"POST /admin/notices", "/admin/notices", "admin"},
		{"GET /admin/anomalies", "/admin/anomalies", "admin"},
		{"GET /admin/alerts", "/admin/alerts", "admin"},
	}
	covered := map[string]bool{"GET /healthz": true, "POST /enrol": true} // no token
	for _, r := range rows {
		covered[r.pattern] = true
		method := r.pattern[:strings.Index(r.pattern, " ")]
		for role, tok := range tokens {
			st, e := gate(t, env, tok, method, r.path)
			allowed := strings.Contains(" "+r.allowed+" ", " "+role+" ")
			denied := st == http.StatusForbidden && e != nil && e.Code == api.ErrCodeForbidden
			if allowed == denied || st == http.StatusUnauthorized {
				t.Errorf("%s %s as %s: status %d %+v, allowed=%v", method, r.path, role, st, e,
					allowed)
			}
		}
	}
	for _, p := range center.RoutePatterns() {
		if p = strings.Replace(p, api.Prefix, "", 1); !covered[p] {
			t.Errorf("route %s has no row in the role matrix", p)
		}
	}
}

// gate sends an empty JSON object (no body for GET) with token and returns
// the status and the error, without waiting for a stream to end:
// authorised requests fail validation (4xx other than 401/403) or succeed;
// the point is the gate.
func gate(t *testing.T, env *centertest.Env, token, method, path string) (int, *api.Error) {
	t.Helper()
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var body io.Reader
	if method == "POST" {
		body = strings.NewReader(`{}`)
	}
	req, _ := http.NewRequestWithContext(cctx, method, env.URL+api.Prefix+path, body)
	req.Header.Set(api.HeaderAuth, "Bearer "+token)
	resp, err := env.Server.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		return resp.StatusCode, nil // a stream stays open: do not read it
	}
	var e api.Error
	json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&e)
	return resp.StatusCode, &e
}

// TestDeviceRevoked: a revoked device's token stops working at once.
func TestDeviceRevoked(t *testing.T) {
	env := centertest.Start(t)
	dev := env.Enrol(api.RoleDisplay, "d")
	c := env.Client(dev.Token)
	if e := c.Do("GET", "/hall", nil, nil); e != nil {
		t.Fatal(e)
	}
	if e := env.Client(centertest.AdminToken).Do("POST", "/admin/devices/"+dev.DeviceID+"/revoke", nil, nil); e != nil {
		t.Fatal(e)
	}
	if st, _ := c.DoStatus("GET", "/hall", nil, nil); st != http.StatusUnauthorized {
		t.Fatalf("revoked token: status %d", st)
	}
}

// TestEnrolOnce: a code enrols one device; only kiosks get the hall key.
func TestEnrolOnce(t *testing.T) {
	env := centertest.Start(t)
	admin := env.Client(centertest.AdminToken)
	for _, role := range []string{api.RoleKiosk, api.RoleDisplay} {
		var code api.EnrolCode
		if e := admin.Do("POST", "/admin/enrol-codes", api.EnrolCodeRequest{Role: role, DeviceName: "x"}, &code); e != nil {
			t.Fatal(e)
		}
		var out api.EnrolResponse
		if e := env.Client("").Do("POST", "/enrol", api.EnrolRequest{Code: code.Code}, &out); e != nil {
			t.Fatal(e)
		}
		if (out.HallKey != "") != (role == api.RoleKiosk) {
			t.Errorf("%s got hall key %q", role, out.HallKey)
		}
		if st, _ := env.Client("").DoStatus("POST", "/enrol", api.EnrolRequest{Code: code.Code}, nil); st != http.StatusForbidden {
			t.Errorf("second use of a code: status %d", st)
		}
	}
}

// TestBookingsPullHidesIDNumber: kiosks get the keyed hash and the masked
// name, never the number or the full name (G6).
func TestBookingsPullHidesIDNumber(t *testing.T) {
	env := centertest.Start(t)
	dev := env.Enrol(api.RoleKiosk, "k")
	c := env.Client(dev.Token)
	req := bookReq(env.Matter("A"), "2026-12-04", "09:00", 11)
	req.Name = "欧阳娜娜"
	if e := c.Do("POST", "/bookings", req, nil); e != nil {
		t.Fatal(e)
	}
	var raw []byte
	var pull api.BookingsPull
	if e := c.Do("GET", "/bookings?cursor=0", nil, &pull); e != nil {
		t.Fatal(e)
	}
	if len(pull.Bookings) != 1 || fmt.Sprint(pull.Days) != "[2026-12-03 2026-12-04]" {
		t.Fatalf("pull = %+v", pull)
	}
	v := pull.Bookings[0]
	key := mustHex(t, dev.HallKey)
	if v.IDHash != api.KeyedIDHash(key, req.IDNumber) || v.NameMasked != "欧***" {
		t.Fatalf("view = %+v", v)
	}
	raw = []byte(fmt.Sprintf("%+v", pull))
	if bytes.Contains(raw, []byte(req.IDNumber)) || bytes.Contains(raw, []byte("欧阳娜娜")) {
		t.Fatal("pull carries personal data")
	}
	var again api.BookingsPull
	c.Do("GET", fmt.Sprintf("/bookings?cursor=%d", pull.Cursor), nil, &again)
	if len(again.Bookings) != 0 {
		t.Fatalf("pull from the head cursor returned %d bookings", len(again.Bookings))
	}
}

// wrongCheckDigit changes the check digit of a valid ID number.
func wrongCheckDigit(id string) string {
	if id[17] == '1' {
		return id[:17] + "2"
	}
	return id[:17] + "1"
}

// TestBookingsPullAcrossDays: a booking made days ago for what becomes the
// next workday reaches a kiosk pulling from its recent cursor, once the
// center's timer has seen the day change.
func TestBookingsPullAcrossDays(t *testing.T) {
	env := centertest.Start(t)
	c := env.Client(env.Enrol(api.RoleKiosk, "k").Token)
	env.Clock.Set(at(1, 9, 0))
	monday, err := env.Engine.CreateBooking(ctx, "phone", bookReq(env.Matter("A"), "2026-12-07", "09:00", 21))
	if err != nil {
		t.Fatal(err)
	}
	env.Clock.Set(at(3, 9, 0)) // Thursday: days 03 and 04
	env.Engine.Sweep(ctx)
	var thu api.BookingsPull
	if e := c.Do("GET", "/bookings?cursor=0", nil, &thu); e != nil || len(thu.Bookings) != 0 {
		t.Fatalf("thursday pull: %+v %v", thu, e)
	}
	env.Clock.Set(at(4, 8, 0)) // Friday: days 04 and Monday 07
	env.Engine.Sweep(ctx)
	var fri api.BookingsPull
	c.Do("GET", fmt.Sprintf("/bookings?cursor=%d", thu.Cursor), nil, &fri)
	if len(fri.Bookings) != 1 || fri.Bookings[0].ID != monday.ID {
		t.Fatalf("friday pull from the thursday cursor: %+v", fri)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestNoPersonalDataInLogs: a booking, a refusal, a cancellation and a
// check-in leave no name, ID number or phone number in the center's logs.
func TestNoPersonalDataInLogs(t *testing.T) {
	var logs syncBuffer
	env := centertest.Start(t, centertest.WithLog(&logs))
	c := env.Client(env.Enrol(api.RoleKiosk, "k").Token)
	env.Clock.Set(at(2, 9, 0))
	req := bookReq(env.Matter("A"), "2026-12-03", "09:00", 31)
	req.Name, req.Phone = "司马相如", "13912345678"
	var b api.Booking
	if e := c.Do("POST", "/bookings", req, &b); e != nil {
		t.Fatal(e)
	}
	c.Do("POST", "/bookings", req, nil) // duplicate id: same booking
	req.ID = nextID()
	c.Do("POST", "/bookings", req, nil) // R11 duplicate refusal
	c.Do("POST", "/bookings/cancel", api.CancelRequest{Code: b.Code, Name: "司马相如"}, nil)
	env.Engine.DeliverSMS(ctx)
	if logs.String() == "" {
		t.Fatal("no logs captured: the test would prove nothing")
	}
	for _, secret := range []string{"司马相如", req.IDNumber, req.Phone} {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("logs contain %q:\n%s", secret, logs.String())
		}
	}
}
