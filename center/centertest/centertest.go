// Package centertest starts a real center for tests: the demo hall, a
// fake clock on a workday morning, an httptest server on 127.0.0.1 and an
// admin token. Device packages (the ledger, the display) test their sync
// against it, so every device path runs against the real server.
package centertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/demo"
	"hallkiosk/platform/clock"
)

// AdminToken is the admin token of every test center.
const AdminToken = "test-admin-token"

// Morning is the fake clock's start: Thursday 2026-12-03 09:00 in the
// hall's zone (a workday, inside the morning pick-up window).
var Morning = time.Date(2026, 12, 3, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// Env is a running test center.
type Env struct {
	T      testing.TB
	Engine *center.Engine
	Server *httptest.Server
	URL    string
	Clock  *clock.Fake
}

// Option changes the Env before the server starts.
type Option func(*options)

type options struct {
	hall    func(*api.Hall)
	dir     string
	keep    int
	logTo   io.Writer
	noClock bool
}

// WithHall edits the demo hall before it is loaded.
func WithHall(f func(*api.Hall)) Option { return func(o *options) { o.hall = f } }

// WithDir keeps the store in dir (to reopen it, as after a restart).
func WithDir(dir string) Option { return func(o *options) { o.dir = dir } }

// WithStreamKeep sets how many call events the stream keeps for resuming.
func WithStreamKeep(n int) Option { return func(o *options) { o.keep = n } }

// WithLog sends the center's logs to w (default: discarded).
func WithLog(w io.Writer) Option { return func(o *options) { o.logTo = w } }

// WithRealClock uses the wall clock instead of the fake (benchmarks).
func WithRealClock() Option { return func(o *options) { o.noClock = true } }

// Start opens an engine on the demo hall and serves it on 127.0.0.1.
func Start(t testing.TB, opts ...Option) *Env {
	t.Helper()
	o := options{dir: t.TempDir(), logTo: io.Discard}
	for _, f := range opts {
		f(&o)
	}
	env := &Env{T: t, Clock: clock.NewFake(Morning)}
	var clk clock.Clock = env.Clock
	if o.noClock {
		clk = clock.Real{}
	}
	log := slog.New(slog.NewTextHandler(o.logTo, &slog.HandlerOptions{Level: slog.LevelDebug}))
	eng, err := center.Open(context.Background(), center.Options{Dir: o.dir, Clock: clk,
		Log: log, StreamKeep: o.keep, SMS: &center.LogSender{Path: o.dir + "/sms.log"}})
	if err != nil {
		t.Fatalf("open center: %v", err)
	}
	env.Engine = eng
	if eng.CurrentHall() == nil {
		env.loadDemo(o.hall)
	}
	srv := center.NewServer(eng, AdminToken, log)
	srv.Ping = 200 * time.Millisecond
	env.Server = httptest.NewServer(srv.Handler())
	env.URL = env.Server.URL
	t.Cleanup(func() {
		env.Server.CloseClientConnections()
		env.Server.Close()
		eng.Close()
	})
	return env
}

func (env *Env) loadDemo(edit func(*api.Hall)) {
	h, err := center.ParseHall(demo.Hall)
	if err != nil {
		env.T.Fatalf("demo hall: %v", err)
	}
	wire := h.Hall
	if edit != nil {
		edit(&wire)
	}
	ctx := context.Background()
	if _, err := env.Engine.LoadHall(ctx, wire); err != nil {
		env.T.Fatalf("load hall: %v", err)
	}
	kb, err := center.ParseKnowledge(demo.Knowledge)
	if err != nil {
		env.T.Fatalf("demo knowledge: %v", err)
	}
	if _, err := env.Engine.LoadKnowledge(ctx, kb.Entries); err != nil {
		env.T.Fatalf("load knowledge: %v", err)
	}
}

// Enrol makes an enrolment code for role and enrols a device with it.
func (env *Env) Enrol(role, name string) api.EnrolResponse {
	env.T.Helper()
	var code api.EnrolCode
	admin := env.Client(AdminToken)
	if e := admin.Do("POST", "/admin/enrol-codes",
		api.EnrolCodeRequest{Role: role, DeviceName: name}, &code); e != nil {
		env.T.Fatalf("enrol code: %v", e)
	}
	var out api.EnrolResponse
	if e := env.Client("").Do("POST", "/enrol", api.EnrolRequest{Code: code.Code}, &out); e != nil {
		env.T.Fatalf("enrol: %v", e)
	}
	return out
}

// Client is a small JSON client of the device API.
type Client struct {
	Base  string
	Token string
	HTTP  *http.Client
}

// Client returns a client using token ("" for none).
func (env *Env) Client(token string) *Client {
	return &Client{Base: env.URL + api.Prefix, Token: token, HTTP: env.Server.Client()}
}

// Do sends in (nil for no body) and decodes the reply into out. It returns
// the API error for a non-2xx reply (Code "transport" if the request
// failed).
func (c *Client) Do(method, path string, in, out any) *api.Error {
	status, e := c.DoStatus(method, path, in, out)
	_ = status
	return e
}

// DoStatus is Do that also returns the HTTP status.
func (c *Client) DoStatus(method, path string, in, out any) (int, *api.Error) {
	var body io.Reader
	if in != nil {
		raw, ok := in.([]byte)
		if !ok {
			raw, _ = json.Marshal(in)
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.Base+path, body)
	if err != nil {
		return 0, &api.Error{Code: "transport", Message: err.Error()}
	}
	if c.Token != "" {
		req.Header.Set(api.HeaderAuth, "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, &api.Error{Code: "transport", Message: err.Error()}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		var e api.Error
		if json.Unmarshal(raw, &e) != nil || e.Code == "" {
			msg := fmt.Sprintf("status %d: %s", resp.StatusCode, raw)
			e = api.Error{Code: "transport", Message: msg}
		}
		return resp.StatusCode, &e
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, &api.Error{Code: "transport", Message: err.Error()}
		}
	}
	return resp.StatusCode, nil
}

// Matter returns the code of the demo matter whose department has queue
// prefix q.
func (env *Env) Matter(q string) string {
	h := env.Engine.CurrentHall()
	for _, m := range h.Matters {
		if h.MatterQueue(&m) == q {
			return m.Code
		}
	}
	env.T.Fatalf("no demo matter in queue %s", q)
	return ""
}
