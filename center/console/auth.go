package console

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"hallkiosk/platform/logging"
)

// Cookie names. The session cookie is HttpOnly and SameSite=Strict, Secure
// over TLS; the login cookie is a double-submit token for the login form,
// which has no session to carry a CSRF token yet.
const (
	sessionCookie = "hk_session"
	loginCookie   = "hk_login"
)

type handler func(w http.ResponseWriter, r *http.Request, se *Session)

// route registers h behind the session, role and CSRF checks. Every POST
// must carry the session's CSRF token in the form field "csrf"; a forged
// or stale form changes nothing.
func (c *Console) route(mux *http.ServeMux, pattern string, roles []string, h handler) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxUpload+64<<10)
		se, err := c.session(r)
		if err != nil {
			c.noSession(w, r)
			return
		}
		if !slices.Contains(roles, se.User.Role) {
			c.fail(w, r, se, http.StatusForbidden, "权限不足 Not allowed",
				"Your role ("+se.User.Role+") may not open this page.")
			return
		}
		if r.Method == http.MethodPost && !c.csrfOK(r, se) {
			c.fail(w, r, se, http.StatusForbidden, "表单已失效 Form expired",
				"The form's security token is missing or wrong (CSRF). Nothing was changed; "+
					"reload the page and try again.")
			return
		}
		h(w, r, se)
	})
}

func (c *Console) session(r *http.Request) (*Session, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil, ErrNoSession
	}
	access := PageView
	switch {
	case r.Header.Get("X-Live") != "" || r.URL.Path == "/events":
		access = Background
	case r.Method != http.MethodGet:
		access = Action
	}
	return c.store.Session(r.Context(), ck.Value, c.eng.Now(), access)
}

// noSession sends a browser to the login page; a POST is refused outright,
// so nothing is done on behalf of an expired session.
func (c *Console) noSession(w http.ResponseWriter, r *http.Request) {
	_, hadCookie := r.Cookie(sessionCookie)
	if r.Method == http.MethodGet && r.URL.Path != "/events" {
		q := url.Values{"next": {r.URL.Path}}
		if hadCookie == nil {
			q.Set("expired", "1")
		}
		http.Redirect(w, r, "/login?"+q.Encode(), http.StatusSeeOther)
		return
	}
	c.fail(w, r, nil, http.StatusUnauthorized, "请重新登录 Please log in again",
		"Your session has expired or you are logged out. Nothing was changed.")
}

// csrfOK checks the form token in constant time and, when the browser
// names an origin, that it is this console.
func (c *Console) csrfOK(r *http.Request, se *Session) bool {
	if o := r.Header.Get("Origin"); o != "" {
		if u, err := url.Parse(o); err != nil || u.Host != r.Host {
			return false
		}
	}
	got := r.PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(se.CSRF)) == 1
}

func (c *Console) secureReq(r *http.Request) bool { return c.secure || r.TLS != nil }

func (c *Console) setCookie(w http.ResponseWriter, r *http.Request, name, v string, age int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: v, Path: "/", HttpOnly: true,
		Secure: c.secureReq(r), SameSite: http.SameSiteStrictMode, MaxAge: age})
}

type loginData struct {
	Token, Next, Error string
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	d := loginData{Token: randomToken(), Next: safeNext(r.URL.Query().Get("next"))}
	if r.URL.Query().Get("expired") == "1" {
		d.Error = "会话已过期，请重新登录 Your session has expired; please log in again."
	}
	c.setCookie(w, r, loginCookie, d.Token, 600)
	c.render(w, r, http.StatusOK, "login", nil, "登录 Log in", d)
}

// login checks the double-submit token, then the password (with lock-out).
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	d := loginData{Token: randomToken(), Next: safeNext(r.PostFormValue("next"))}
	ck, err := r.Cookie(loginCookie)
	form := r.PostFormValue("login_token")
	if err != nil || form == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(form)) != 1 {
		d.Error = "表单已失效，请重试 The login form expired; please try again."
		c.setCookie(w, r, loginCookie, d.Token, 600)
		c.render(w, r, http.StatusForbidden, "login", nil, "登录 Log in", d)
		return
	}
	u, err := c.store.Login(r.Context(), r.PostFormValue("name"), r.PostFormValue("password"),
		c.eng.Now())
	if err != nil {
		c.loginFailed(w, r, d, err)
		return
	}
	token, err := c.store.NewSession(r.Context(), u, c.eng.Now())
	if err != nil {
		c.internal(w, r, nil, err)
		return
	}
	c.log.Info("console login", "role", u.Role)
	c.setCookie(w, r, sessionCookie, token, 0)
	c.setCookie(w, r, loginCookie, "", -1)
	if d.Next == "" {
		d.Next = homeOf(u.Role)
	}
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (c *Console) loginFailed(w http.ResponseWriter, r *http.Request, d loginData, err error) {
	switch {
	case errors.Is(err, ErrLocked):
		d.Error = "登录失败次数过多，账户已锁定15分钟 Too many failed attempts: " +
			"the account is locked for 15 minutes."
	case errors.Is(err, ErrBadLogin):
		d.Error = "用户名或密码错误 Wrong name or password."
	default:
		c.internal(w, r, nil, err)
		return
	}
	c.setCookie(w, r, loginCookie, d.Token, 600)
	c.render(w, r, http.StatusUnauthorized, "login", nil, "登录 Log in", d)
}

// safeNext keeps a redirect target on this site.
func safeNext(p string) string {
	if len(p) < 1 || p[0] != '/' || len(p) > 1 && (p[1] == '/' || p[1] == '\\') {
		return ""
	}
	return p
}

func homeOf(role string) string {
	switch role {
	case RoleAdmin:
		return "/admin"
	case RoleLeader:
		return "/leader"
	}
	return "/window"
}

func (c *Console) home(w http.ResponseWriter, r *http.Request) {
	se, err := c.session(r)
	if err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, homeOf(se.User.Role), http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, se *Session) {
	if err := c.store.EndSession(r.Context(), se); err != nil {
		c.internal(w, r, se, err)
		return
	}
	c.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// done ends a POST: it leaves msg for the next page and redirects there
// (post/redirect/get, so a reload does not repeat the action).
func (c *Console) done(w http.ResponseWriter, r *http.Request, se *Session, to, msg string,
	isErr bool) {
	if err := c.store.SetFlash(r.Context(), se, msg, isErr); err != nil {
		c.log.Warn("flash", logging.KeyErr, err)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

type errorData struct{ Heading, Message string }

// fail shows an error page with a plain message; nothing was changed.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, se *Session, status int,
	heading, msg string) {
	c.render(w, r, status, "error", se, heading, errorData{heading, msg})
}

func (c *Console) internal(w http.ResponseWriter, r *http.Request, se *Session, err error) {
	c.log.Error("console request failed", "path", r.URL.Path, logging.KeyErr, err)
	c.fail(w, r, se, http.StatusInternalServerError, "系统错误 The center failed",
		"Something went wrong on the center; nothing was changed. Try again in a moment.")
}

// now is the engine's clock, so tests with a fake clock see fake times.
func (c *Console) now() time.Time { return c.eng.Now() }
