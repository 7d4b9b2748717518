// Package console is the center's browser console: window staff call
// tickets, group leaders watch waits and reinstate missed tickets, admins
// look after devices, the hall and the knowledge base, and everyone with a
// leader's or admin's role reads reports. It also serves two pages for
// citizens, without login: a ticket's status behind the ticket's QR code
// (/t/{ticket id}), and a matter's service guide behind the QR code of a
// printed guide or booking slip (/g/{business code}).
//
// Pages are rendered on the server (html/template) with a little embedded
// script and CSS: no CDN, so the console works on a hall network without
// the internet. Accounts and sessions live in DIR/console.db (store.go);
// the tickets, knowledge drafts and feedback live in the engine's store.
package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"hallkiosk/center"
	"hallkiosk/platform/logging"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure a Console.
type Options struct {
	Engine *center.Engine // required
	Store  *Store         // required: accounts and sessions
	Log    *slog.Logger   // default slog.Default()
	// Secure marks cookies Secure. Set it when the center serves TLS; a
	// request that arrived over TLS gets Secure cookies anyway.
	Secure bool
}

// Console is the console's HTTP side.
type Console struct {
	eng    *center.Engine
	store  *Store
	log    *slog.Logger
	secure bool
	pages  map[string]*template.Template
}

// New prepares the console: it parses the templates. Its tables in the
// engine's store come with the store (center.Open).
func New(ctx context.Context, opts Options) (*Console, error) {
	if opts.Engine == nil || opts.Store == nil {
		return nil, errors.New("console: engine and store are required")
	}
	c := &Console{eng: opts.Engine, store: opts.Store, secure: opts.Secure,
		log: logging.For(opts.Log, "console")}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	c.pages = pages
	return c, nil
}

// pageNames are the templates; each is parsed with layout.html.
var pageNames = []string{"login", "window", "leader", "admin", "reports", "ticket", "error",
	"draft", "guide"}

func parsePages() (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("console template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// Handler routes the console's paths. Mount it at "/" beside the device
// API (/api/v1 and /healthz), which it does not handle.
func (c *Console) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/",
		cacheFor(http.FileServerFS(static), time.Hour)))
	mux.HandleFunc("GET /t/{id}", c.ticketPage)
	mux.HandleFunc("GET /g/{code}", c.guidePage)
	mux.HandleFunc("GET /login", c.loginPage)
	mux.HandleFunc("POST /login", c.login)
	mux.HandleFunc("GET /{$}", c.home)

	any := []string{RoleStaff, RoleLeader, RoleAdmin}
	lead := []string{RoleLeader, RoleAdmin}
	admin := []string{RoleAdmin}
	c.route(mux, "POST /logout", any, c.logout)
	c.route(mux, "GET /events", any, c.events)
	c.route(mux, "GET /window", any, c.windowPage)
	c.route(mux, "POST /window/select", any, c.selectWindow)
	c.route(mux, "POST /window/{action}", any, c.windowAction)
	c.route(mux, "GET /leader", lead, c.leaderPage)
	c.route(mux, "POST /leader/reinstate", lead, c.reinstate)
	c.route(mux, "POST /leader/clear-noshow", lead, c.clearNoShow)
	c.route(mux, "POST /leader/clear-noshow-day", lead, c.clearNoShowDay)
	c.route(mux, "GET /reports", lead, c.reportsPage)
	c.route(mux, "GET /reports.csv", lead, c.reportsCSV)
	c.route(mux, "GET /admin", admin, c.adminPage)
	c.route(mux, "GET /admin/drafts/{id}", admin, c.draftPage)
	c.route(mux, "POST /admin/{action}", admin, c.adminAction)
	return securityHeaders(mux)
}

// securityHeaders keeps the console out of frames and pins scripts and
// styles to the console's own origin.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "+
			"style-src 'self'; script-src 'self'; frame-ancestors 'none'")
		h.ServeHTTP(w, r)
	})
}

func cacheFor(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("max-age=%d", int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}
