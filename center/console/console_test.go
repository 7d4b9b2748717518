package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/demo"
)

func TestLoginWrongPasswordAndLockOut(t *testing.T) {
	e := start(t)
	b := e.browser(t)
	st, body := b.tryLogin("wang", "wrong-password")
	if st != http.StatusUnauthorized || !strings.Contains(body, "Wrong name or password") {
		t.Fatalf("wrong password: status %d, want 401 and a clear message", st)
	}
	if st, _ := b.tryLogin("nobody", password); st != http.StatusUnauthorized {
		t.Fatalf("unknown user: status %d, want 401", st)
	}
	for i := 0; i < maxFailures-1; i++ {
		b.tryLogin("wang", "wrong-password")
	}
	st, body = b.tryLogin("wang", password)
	if st != http.StatusUnauthorized || !strings.Contains(body, "locked") {
		t.Fatalf("after %d failures the right password must be refused: %d", maxFailures, st)
	}
	e.Clock.Advance(lockFor + time.Minute)
	if st, _ := b.tryLogin("wang", password); st != http.StatusSeeOther {
		t.Fatalf("after the lock the right password must work: %d", st)
	}
}

func TestLoginFormNeedsItsToken(t *testing.T) {
	e := start(t)
	b := e.browser(t)
	st, body := b.post("/login", url.Values{"login_token": {"forged"}, "name": {"wang"},
		"password": {password}})
	if st != http.StatusForbidden || !strings.Contains(body, "expired") {
		t.Fatalf("forged login token: status %d, want 403", st)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	e := start(t)
	b := e.browser(t)
	_, page := b.get("/login")
	tok := loginTokenRE.FindStringSubmatch(page)[1]
	resp, err := b.c.PostForm(e.URL+"/login", url.Values{"login_token": {tok},
		"name": {"wang"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var found bool
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie && ck.Value != "" {
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
				t.Errorf("session cookie: HttpOnly %v SameSite %v, want HttpOnly Strict",
					ck.HttpOnly, ck.SameSite)
			}
		}
	}
	if !found {
		t.Fatal("no session cookie after login")
	}
}

func TestExpiredSessionChangesNothing(t *testing.T) {
	e := start(t)
	e.walkIn(t, "A")
	b := e.browser(t)
	b.atWindow("wang", 1)
	v := b.form("/window", "/window/call-next")
	e.Clock.Advance(sessionTTL + time.Minute)
	st, body := b.post("/window/call-next", v)
	if st != http.StatusUnauthorized || !strings.Contains(body, "Nothing was changed") {
		t.Fatalf("post on expired session: %d, want 401 with a message", st)
	}
	if snap, _ := e.Engine.Snapshot(ctx); snap.Waiting["A"] != 1 {
		t.Fatalf("expired session called a ticket: waiting %v", snap.Waiting)
	}
	st, loc := b.get("/window")
	if st != http.StatusSeeOther || !strings.Contains(loc, "expired=1") {
		t.Fatalf("GET on expired session: %d %s, want redirect to login", st, loc)
	}
}

func TestForgedCSRFChangesNothing(t *testing.T) {
	e := start(t)
	e.walkIn(t, "A")
	b := e.browser(t)
	b.atWindow("wang", 1)
	cases := []struct {
		name string
		edit func(url.Values)
	}{
		{"missing", func(v url.Values) { v.Del("csrf") }},
		{"forged", func(v url.Values) { v.Set("csrf", strings.Repeat("0", 64)) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := b.form("/window", "/window/call-next")
			tc.edit(v)
			st, body := b.post("/window/call-next", v)
			if st != http.StatusForbidden || !strings.Contains(body, "CSRF") {
				t.Fatalf("status %d, want 403 naming CSRF", st)
			}
			if snap, _ := e.Engine.Snapshot(ctx); snap.Waiting["A"] != 1 {
				t.Fatalf("forged form called a ticket")
			}
		})
	}
}

func TestForeignOriginRefused(t *testing.T) {
	e := start(t)
	e.walkIn(t, "A")
	b := e.browser(t)
	b.atWindow("wang", 1)
	v := b.form("/window", "/window/call-next")
	req, _ := http.NewRequest("POST", e.URL+"/window/call-next", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin post: %d, want 403", resp.StatusCode)
	}
}

func TestRoleBoundaries(t *testing.T) {
	e := start(t)
	cases := []struct {
		user string
		path string
		want int
	}{
		{"wang", "/window", http.StatusOK},
		{"wang", "/leader", http.StatusForbidden},
		{"wang", "/reports", http.StatusForbidden},
		{"wang", "/admin", http.StatusForbidden},
		{"wang", "/reports.csv?table=staff", http.StatusForbidden},
		{"zhao", "/leader", http.StatusOK},
		{"zhao", "/reports", http.StatusOK},
		{"zhao", "/admin", http.StatusForbidden},
		{"chen", "/admin", http.StatusOK},
		{"chen", "/leader", http.StatusOK},
		{"chen", "/reports", http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.user+tc.path, func(t *testing.T) {
			b := e.browser(t)
			b.login(tc.user)
			if st, _ := b.get(tc.path); st != tc.want {
				t.Fatalf("status %d, want %d", st, tc.want)
			}
		})
	}
}

func TestStaffCannotPostAdminActions(t *testing.T) {
	e := start(t)
	b := e.browser(t)
	b.login("wang")
	v := b.form("/window", "/logout")
	v.Set("zh", "闭馆")
	v.Set("en", "Closed")
	v.Set("hours", "1")
	st, body := b.post("/admin/notice", v)
	if st != http.StatusForbidden || !strings.Contains(body, "may not") {
		t.Fatalf("staff posting a notice: %d, want 403 with a message", st)
	}
	if n, _ := e.Engine.PullNotices(ctx, 0); len(n.Notices) != 0 {
		t.Fatalf("a staff member published a notice")
	}
}

// S1 + idempotency: the same rendered form posted twice (a double click)
// makes one call and one staff-log entry.
func TestDoubleSubmitMakesOneCall(t *testing.T) {
	e := start(t)
	first, second := e.walkIn(t, "A"), e.walkIn(t, "A")
	b := e.browser(t)
	b.atWindow("wang", 1)
	v := b.form("/window", "/window/call-next")
	for i := 0; i < 2; i++ {
		if st, _ := b.post("/window/call-next", v); st != http.StatusSeeOther {
			t.Fatalf("post %d: status %d", i, st)
		}
	}
	r1, _ := e.Engine.TicketRecordByID(ctx, first.ID)
	r2, _ := e.Engine.TicketRecordByID(ctx, second.ID)
	if r1.Status != api.TicketCalled || r2.Status != api.TicketWaiting {
		t.Fatalf("after a double submit: %s %s, want called and waiting", r1.Status, r2.Status)
	}
	log, _ := e.Store.StaffLog(ctx, time.Time{}, e.Clock.Now().Add(time.Hour))
	if len(log) != 1 {
		t.Fatalf("staff log has %d entries, want 1", len(log))
	}
}

func TestWindowServesOnlyItsQueues(t *testing.T) {
	e := start(t)
	e.walkIn(t, "B") // S1: window 1 serves queue A only
	b := e.browser(t)
	b.atWindow("wang", 1)
	_, loc := b.post("/window/call-next", b.form("/window", "/window/call-next"))
	if body := b.flash(loc); !strings.Contains(body, "no ticket waits for window 1") {
		t.Fatalf("window 1 must not call queue B; page: %s", excerpt(body))
	}
}

func TestTransferToUnknownQueue(t *testing.T) {
	e := start(t)
	tk := e.walkIn(t, "A")
	b := e.browser(t)
	b.atWindow("wang", 1)
	b.post("/window/call-next", b.form("/window", "/window/call-next"))
	v := b.form("/window", "/window/transfer")
	v.Set("ticket", tk.ID)
	v.Set("queue", "Z")
	_, loc := b.post("/window/transfer", v)
	if body := b.flash(loc); !strings.Contains(body, "queue Z not found") {
		t.Fatalf("transfer to Z: want a clear message; page: %s", excerpt(body))
	}
	if r, _ := e.Engine.TicketRecordByID(ctx, tk.ID); r.Queue != "A" || r.Status != api.TicketCalled {
		t.Fatalf("ticket changed: queue %s status %s", r.Queue, r.Status)
	}
}

func TestStaffCannotTouchAnotherWindowsTicket(t *testing.T) {
	e := start(t)
	tk := e.walkIn(t, "A")
	w1, w2 := e.browser(t), e.browser(t)
	w1.atWindow("wang", 1)
	w2.atWindow("li", 2)
	w1.post("/window/call-next", w1.form("/window", "/window/call-next"))
	v := w2.form("/window", "/window/missed")
	v.Set("ticket", tk.ID)
	_, loc := w2.post("/window/missed", v)
	if body := w2.flash(loc); !strings.Contains(body, "not at your window") {
		t.Fatalf("want a refusal; page: %s", excerpt(body))
	}
	if r, _ := e.Engine.TicketRecordByID(ctx, tk.ID); r.Status != api.TicketCalled {
		t.Fatalf("ticket is %s, want still called", r.Status)
	}
}

// R13: a leader reinstates within 10 minutes; later the engine refuses and
// the page says so.
func TestReinstateWithinGraceOnly(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after time.Duration
		want  string
	}{
		{"within", 9 * time.Minute, api.TicketWaiting},
		{"after", 11 * time.Minute, api.TicketMissed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := start(t)
			tk := e.walkIn(t, "A")
			staff, lead := e.browser(t), e.browser(t)
			staff.atWindow("wang", 1)
			lead.login("zhao")
			staff.post("/window/call-next", staff.form("/window", "/window/call-next"))
			v := staff.form("/window", "/window/missed")
			v.Set("ticket", tk.ID)
			staff.post("/window/missed", v)
			e.Clock.Advance(tc.after)
			_, page := lead.get("/leader")
			if tc.want == api.TicketMissed && strings.Contains(page, "/leader/reinstate") {
				t.Fatalf("leader page offers reinstating after the grace period")
			}
			rv := url.Values{"csrf": {csrfRE.FindStringSubmatch(page)[1]},
				"key": {"k-reinstate-1"}, "ticket": {tk.ID}}
			_, loc := lead.post("/leader/reinstate", rv)
			body := lead.flash(loc)
			if r, _ := e.Engine.TicketRecordByID(ctx, tk.ID); r.Status != tc.want {
				t.Fatalf("status %s, want %s; page: %s", r.Status, tc.want, excerpt(body))
			}
			if tc.want == api.TicketMissed && !strings.Contains(body, "10") {
				t.Fatalf("refusal must say why; page: %s", excerpt(body))
			}
		})
	}
}

func TestTicketStatusPage(t *testing.T) {
	e := start(t)
	a1, a2, a3 := e.walkIn(t, "A"), e.walkIn(t, "A"), e.walkIn(t, "A")
	b := e.browser(t)
	st, body := b.get("/t/" + a3.ID)
	if st != http.StatusOK || !strings.Contains(body, `id="t-ahead">2<`) ||
		!strings.Contains(body, "people ahead") {
		t.Fatalf("status page of the third ticket: %d, want 2 ahead; %s", st, excerpt(body))
	}
	staff := e.browser(t)
	staff.atWindow("wang", 1)
	staff.post("/window/call-next", staff.form("/window", "/window/call-next"))
	_, body = b.get("/t/" + a1.ID)
	if !strings.Contains(body, "window 1") || !strings.Contains(body, "请到 1 号窗口") {
		t.Fatalf("called ticket must say where to go: %s", excerpt(body))
	}
	if _, body = b.get("/t/" + a2.ID); !strings.Contains(body, `id="t-ahead">0<`) {
		t.Fatalf("second ticket: want 0 ahead: %s", excerpt(body))
	}
	if st, _ := b.get("/t/no-such-ticket"); st != http.StatusNotFound {
		t.Fatalf("unknown ticket: %d, want 404", st)
	}
}

func excerpt(s string) string {
	if i := strings.Index(s, `class="flash`); i >= 0 {
		s = s[i:]
	}
	return s[:min(len(s), 400)]
}

// A page refreshing itself in the background does not keep an idle
// session alive.
func TestBackgroundRefreshDoesNotExtendSession(t *testing.T) {
	e := start(t)
	b := e.browser(t)
	b.atWindow("wang", 1)
	for range 5 {
		e.Clock.Advance(sessionTTL / 4)
		req, _ := http.NewRequest("GET", e.URL+"/window", nil)
		req.Header.Set("X-Live", "1")
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if st, loc := b.get("/window"); st != http.StatusSeeOther || !strings.Contains(loc, "login") {
		t.Fatalf("after 2 idle hours of background refreshes: %d %s, want the login", st, loc)
	}
}

func TestSelectUnknownWindow(t *testing.T) {
	e := start(t)
	b := e.browser(t)
	b.login("wang")
	for _, w := range []string{"99", "0", "-1", "abc", ""} {
		v := b.form("/window", "/window/select")
		v.Set("window", w)
		_, loc := b.post("/window/select", v)
		if page := b.flash(loc); !strings.Contains(page, "No such window") {
			t.Errorf("window %q: %s", w, excerpt(page))
		}
	}
	v := b.form("/window", "/window/select")
	if st, body := b.post("/window/call-next", v); st != http.StatusSeeOther ||
		!strings.Contains(b.flash(body), "Choose your window first") {
		t.Errorf("call next without a window: %d", st)
	}
}

// The QR code of a printed guide or booking slip leads to the matter's
// guide: materials and whether it can be booked (R1), from the newest
// published knowledge version (K3).
func TestGuidePage(t *testing.T) {
	e := start(t)
	b := e.browser(t)
	code := e.Matter("A")
	st, body := b.get(GuidePath(code))
	if st != http.StatusOK || !strings.Contains(body, `id="g-materials"><li>`) ||
		!strings.Contains(body, "可预约") || !strings.Contains(body, "Materials to bring") {
		t.Fatalf("guide of a bookable matter: %d; %s", st, excerpt(body))
	}
	if strings.Contains(body, "maintainer") {
		t.Fatalf("the public guide must not show the staff maintainer")
	}
	if _, body = b.get(GuidePath(e.Matter("P"))); !strings.Contains(body, "Walk-in only") {
		t.Fatalf("R1: a public-security matter must say walk-in only: %s", excerpt(body))
	}
	for _, bad := range []string{"no-such-code", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"} {
		st, body := b.get("/g/" + bad)
		if st != http.StatusNotFound || strings.Contains(body, "<script>alert") {
			t.Fatalf("guide %q: %d, want 404 and nothing echoed", bad, st)
		}
	}

	// A newly published version replaces what the page shows.
	kb, err := center.ParseKnowledge(demo.Knowledge)
	if err != nil {
		t.Fatal(err)
	}
	for i, raw := range kb.Entries {
		var m map[string]any
		json.Unmarshal(raw, &m)
		if m["code"] == code {
			m["name"] = "改名后的事项"
			kb.Entries[i], _ = json.Marshal(m)
		}
	}
	if _, err := e.Engine.LoadKnowledge(ctx, kb.Entries); err != nil {
		t.Fatal(err)
	}
	if _, body = b.get(GuidePath(code)); !strings.Contains(body, "改名后的事项") {
		t.Fatalf("guide still shows the old version: %s", excerpt(body))
	}
}
