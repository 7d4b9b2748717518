package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"hallkiosk/center/centertest"
	"hallkiosk/center/console"
)

const staffPassword = "e2e-staff-password"

var (
	loginTokenRE = regexp.MustCompile(`name="login_token" value="([0-9a-f]+)"`)
	csrfRE       = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)
	keyRE        = regexp.MustCompile(`name="key" value="([^"]+)"`)
)

// staff is a window clerk in a browser on the center's console: a
// cookie-keeping client that does not follow redirects.
type staff struct {
	t    testing.TB
	base string
	c    *http.Client
}

// startConsole serves the staff console over env's engine on 127.0.0.1
// and logs a staff account in at window.
func startConsole(t testing.TB, env *centertest.Env, window int) *staff {
	t.Helper()
	ctx := context.Background()
	st, err := console.OpenStore(ctx, t.TempDir(), bcrypt.MinCost)
	must(t, err)
	c, err := console.New(ctx, console.Options{Engine: env.Engine, Store: st, Log: quiet})
	must(t, err)
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close(); st.Close() })
	must(t, st.AddUser(ctx, "clerk", console.RoleStaff, staffPassword, env.Clock.Now()))
	jar, _ := cookiejar.New(nil)
	s := &staff{t: t, base: srv.URL, c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	m := loginTokenRE.FindStringSubmatch(s.get("/login"))
	if m == nil {
		t.Fatal("no login token on the console's login page")
	}
	s.post("/login", url.Values{"login_token": {m[1]}, "name": {"clerk"},
		"password": {staffPassword}})
	v := s.form("/window", "/window/select")
	v.Set("window", fmt.Sprint(window))
	s.post("/window/select", v)
	return s
}

func (s *staff) get(path string) string {
	s.t.Helper()
	resp, err := s.c.Get(s.base + path)
	must(s.t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET %s: status %d", path, resp.StatusCode)
	}
	return string(body)
}

// post submits a form and expects the console's redirect.
func (s *staff) post(path string, form url.Values) {
	s.t.Helper()
	resp, err := s.c.PostForm(s.base+path, form)
	must(s.t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("POST %s: status %d", path, resp.StatusCode)
	}
}

// form reads page for the csrf token and the idempotency key of the form
// that posts to action.
func (s *staff) form(page, action string) url.Values {
	s.t.Helper()
	body := s.get(page)
	m := csrfRE.FindStringSubmatch(body)
	i := strings.Index(body, `action="`+action+`"`)
	if m == nil || i < 0 {
		s.t.Fatalf("no form for %s on %s", action, page)
	}
	v := url.Values{"csrf": {m[1]}}
	rest := body[i:]
	if end := strings.Index(rest, "</form>"); end > 0 {
		if km := keyRE.FindStringSubmatch(rest[:end]); km != nil {
			v.Set("key", km[1])
		}
	}
	return v
}

// waiting is the console's waiting list of the window page.
func (s *staff) waiting() string {
	body := s.get("/window")
	i := strings.Index(body, `id="waiting"`)
	if i < 0 {
		s.t.Fatal("no waiting list on the window page")
	}
	rest := body[i:]
	return rest[:strings.Index(rest, "</table>")]
}

// callNext presses "call next" on the window page.
func (s *staff) callNext() {
	s.t.Helper()
	s.post("/window/call-next", s.form("/window", "/window/call-next"))
}
