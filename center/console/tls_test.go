package console

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
)

// Over TLS the session cookie is Secure, so it never travels in clear.
func TestSessionCookieSecureOverTLS(t *testing.T) {
	e := start(t)
	srv := httptest.NewTLSServer(e.Console.Handler())
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	b := &browser{t: t, base: srv.URL, c: c}
	_, page := b.get("/login")
	resp, err := c.PostForm(srv.URL+"/login", url.Values{
		"login_token": {loginTokenRE.FindStringSubmatch(page)[1]},
		"name":        {"wang"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie && ck.Value != "" {
			if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
				t.Fatalf("session cookie over TLS: %+v", ck)
			}
			return
		}
	}
	t.Fatal("no session cookie")
}
