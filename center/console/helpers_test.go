package console

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

var ctx = context.Background()

// password of every test account.
const password = "correct-horse-1"

// env is a console on 127.0.0.1 over a real test center (demo hall, fake
// clock at Thursday 2026-12-03 09:00).
type env struct {
	*centertest.Env
	Console *Console
	Store   *Store
	URL     string
	kiosk   center.Device
	seq     int
}

func start(t testing.TB, opts ...centertest.Option) *env {
	t.Helper()
	ce := centertest.Start(t, opts...)
	st, err := OpenStore(ctx, t.TempDir(), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(ctx, Options{Engine: ce.Engine, Store: st,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close(); st.Close() })
	e := &env{Env: ce, Console: c, Store: st, URL: srv.URL}
	for _, u := range [][2]string{{"wang", RoleStaff}, {"li", RoleStaff},
		{"zhao", RoleLeader}, {"chen", RoleAdmin}} {
		if err := st.AddUser(ctx, u[0], u[1], password, ce.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	enr := ce.Enrol(api.RoleKiosk, "kiosk-1")
	e.kiosk = center.Device{ID: enr.DeviceID, Name: "kiosk-1", Role: api.RoleKiosk}
	return e
}

// walkIn issues a walk-in ticket for a demo matter of queue q.
func (e *env) walkIn(t testing.TB, q string) api.Ticket {
	t.Helper()
	e.seq++
	tk, err := e.Engine.IssueTicket(ctx, e.kiosk, api.TicketRequest{
		ID: fmt.Sprintf("tkt-%08d", e.seq), Matter: e.Matter(q)})
	if err != nil {
		t.Fatalf("issue ticket: %v", err)
	}
	return tk
}

// browser is a cookie-keeping HTTP client that does not follow redirects,
// so tests see where the console sends them.
type browser struct {
	t    testing.TB
	base string
	c    *http.Client
}

func (e *env) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: e.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second}}
}

// get fetches path and returns the status and body.
func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusSeeOther {
		return resp.StatusCode, resp.Header.Get("Location")
	}
	return resp.StatusCode, string(body)
}

// post submits a form; for a redirect it returns the location.
func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusSeeOther {
		return resp.StatusCode, resp.Header.Get("Location")
	}
	return resp.StatusCode, string(body)
}

var (
	loginTokenRE = regexp.MustCompile(`name="login_token" value="([0-9a-f]+)"`)
	csrfRE       = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)
)

// login logs in through the form and fails the test if it does not work.
func (b *browser) login(name string) {
	b.t.Helper()
	if st, loc := b.tryLogin(name, password); st != http.StatusSeeOther {
		b.t.Fatalf("login %s: status %d: %s", name, st, loc)
	}
}

func (b *browser) tryLogin(name, pw string) (int, string) {
	b.t.Helper()
	_, page := b.get("/login")
	m := loginTokenRE.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no login token on the login page")
	}
	return b.post("/login", url.Values{"login_token": {m[1]}, "name": {name}, "password": {pw}})
}

// form reads page and returns the csrf token and the idempotency key of
// the form posting to action.
func (b *browser) form(page, action string) url.Values {
	b.t.Helper()
	_, body := b.get(page)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no csrf token on %s", page)
	}
	v := url.Values{"csrf": {m[1]}}
	i := strings.Index(body, `action="`+action+`"`)
	if i < 0 {
		b.t.Fatalf("no form for %s on %s", action, page)
	}
	rest := body[i:]
	if km := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(
		rest[:strings.Index(rest, "</form>")]); km != nil {
		v.Set("key", km[1])
	}
	return v
}

// flash follows a post's redirect and returns the page with its message.
func (b *browser) flash(loc string) string {
	b.t.Helper()
	_, body := b.get(loc)
	return body
}

// atWindow logs name in and picks window n.
func (b *browser) atWindow(name string, n int) {
	b.t.Helper()
	b.login(name)
	v := b.form("/window", "/window/select")
	v.Set("window", fmt.Sprint(n))
	if st, _ := b.post("/window/select", v); st != http.StatusSeeOther {
		b.t.Fatalf("select window: status %d", st)
	}
}
