package ledger

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/center/demo"
	"hallkiosk/ledger/knowledge"
)

// waitFor polls cond for up to 5 s; the sync loop runs on its own
// goroutine and only its effects can be watched.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// countingTransport counts requests that reach the link.
type countingTransport struct {
	http.RoundTripper
	n atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.RoundTripper.RoundTrip(r)
}

// TestRunBacksOff: while the center is unreachable the loop waits 1 s,
// 2 s, 4 s… on the injected clock; when the link returns it goes online
// and falls back to the normal interval.
func TestRunBacksOff(t *testing.T) {
	env := centertest.Start(t)
	k := newKiosk(t, env, 0)
	count := &countingTransport{RoundTripper: k.link}
	var states atomic.Int64
	c := NewHTTPCenter(env.URL, "", &http.Client{Transport: count})
	enr := env.Enrol(api.RoleKiosk, "kiosk-2")
	c.token = enr.Token
	s := NewSyncer(k.l, c, SyncOptions{Clock: k.dev, OnState: func(State) { states.Add(1) }})
	k.link.cut.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()

	rounds := func(n int64) func() bool {
		return func() bool { return count.n.Load() == n && k.dev.Waiters() == 1 }
	}
	waitFor(t, "first failed round", rounds(1))
	for i, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		k.dev.Advance(wait - time.Millisecond)
		time.Sleep(5 * time.Millisecond)
		if count.n.Load() != int64(i+1) {
			t.Fatalf("round %d ran before its %v backoff", i+2, wait)
		}
		k.dev.Advance(time.Millisecond)
		waitFor(t, "next round", rounds(int64(i+2)))
	}
	if s.State().Online {
		t.Fatal("online while cut")
	}
	k.link.cut.Store(false)
	k.dev.Advance(8 * time.Second)
	waitFor(t, "online", func() bool { return s.State().Online && k.dev.Waiters() == 1 })
	if s.State().LastError != "" || states.Load() < 2 {
		t.Fatalf("state %+v after %d changes", s.State(), states.Load())
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("run: %v", err)
	}
}

// TestOnlineIssue: online, the center assigns the number; a center
// refusal writes nothing; a reply lost on the way back falls back to the
// reserve under a new id, and the printed number is the one the center
// ends up holding for that id.
func TestOnlineIssue(t *testing.T) {
	env := centertest.Start(t)
	k := newKiosk(t, env, 0)
	ctx := context.Background()
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	tk, err := k.l.Issue(ctx, IssueRequest{Key: NewKey(), Matter: env.Matter("B")})
	if err != nil || tk.Source != SourceCenter || tk.Queue != "B" {
		t.Fatalf("online ticket %+v, %v", tk, err)
	}
	head, _, _ := k.l.Head(ctx)
	_, err = k.l.Issue(ctx, IssueRequest{Key: NewKey(), Matter: "no-such-matter"})
	var ref *Refusal
	if !errors.As(err, &ref) || ref.Err.Code != api.ErrCodeNotFound {
		t.Fatalf("unknown matter: %v", err)
	}
	if h, _, _ := k.l.Head(ctx); h != head {
		t.Fatal("a refusal was journalled")
	}

	k.link.base = lostReply{k.link.base}
	key := NewKey()
	lost, err := k.l.Issue(ctx, IssueRequest{Key: key, Matter: env.Matter("B")})
	if err != nil || lost.Source != SourceLease || lost.ID == key {
		t.Fatalf("after a lost reply: %+v, %v", lost, err)
	}
	k.link.base = env.Server.Client().Transport
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := env.Engine.Ticket(ctx, lost.ID)
	if err != nil || got.Number != lost.Label {
		t.Fatalf("center has %+v, %v; printed %s", got, err, lost.Label)
	}
	if rep, err := k.s.Reconcile(ctx, k.l.Today()); err != nil || !rep.Match {
		t.Fatalf("reconcile %v %v", rep, err)
	}
}

// lostReply delivers the request and loses the answer.
type lostReply struct{ base http.RoundTripper }

func (l lostReply) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(r)
	if err == nil {
		resp.Body.Close()
	}
	return nil, errors.New("connection reset by peer")
}

// TestPushRecovers: G3, the push cursor being wrong either way is
// repaired: too low resends (the center skips what it holds), too high is
// corrected from the center's head, and Reconcile resends a missing range.
func TestPushRecovers(t *testing.T) {
	env := centertest.Start(t)
	k := newKiosk(t, env, 0)
	ctx := context.Background()
	offline := func(n int) {
		k.l.SetOnline(nil)
		for range n {
			if _, err := k.l.Issue(ctx, IssueRequest{Key: NewKey(), Matter: env.Matter("A")}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	offline(3)
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	day := k.l.Today()
	check := func(what string) Reconciliation {
		t.Helper()
		rep, err := k.s.Reconcile(ctx, day)
		if err != nil || !rep.Match {
			t.Fatalf("%s: %v, %v", what, rep, err)
		}
		return rep
	}
	check("first")

	k.l.SetSetting(ctx, settingPushed, "0")
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatalf("resend all: %v", err)
	}
	check("after resending all")

	offline(5)
	head, _, _ := k.l.Head(ctx)
	k.l.SetSetting(ctx, settingPushed, strconv.FormatInt(head, 10)) // claims all were acknowledged
	rep := check("after a missing range")
	if len(rep.Resent) == 0 {
		t.Fatalf("nothing resent: %v", rep)
	}
}

// TestClientErrors: a center's refusal is an *api.Error; a 5xx, a proxy's
// page or a dead port count as unreachable.
func TestClientErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("cursor") {
		case "1":
			w.WriteHeader(422)
			w.Write([]byte(`{"code":"r9_quota","message":"quota"}`))
		case "2":
			w.WriteHeader(503)
			w.Write([]byte(`{"code":"internal","message":"down"}`))
		case "3":
			w.WriteHeader(502)
			w.Write([]byte(`<html>bad gateway</html>`))
		default:
			w.Write([]byte(`{"cursor": 7`))
		}
	}))
	defer srv.Close()
	c := NewHTTPCenter(srv.URL, "t", nil)
	ctx := context.Background()
	var ae *api.Error
	if _, err := c.PullNotices(ctx, 1); !errors.As(err, &ae) || errors.Is(err, ErrUnreachable) {
		t.Errorf("422: %v", err)
	}
	for _, cur := range []int64{2, 3, 4} {
		if _, err := c.PullNotices(ctx, cur); !errors.Is(err, ErrUnreachable) {
			t.Errorf("cursor %d: %v", cur, err)
		}
	}
	dead := NewHTTPCenter("http://127.0.0.1:1", "t", nil)
	if _, err := dead.PullHall(ctx, 0); !errors.Is(err, ErrUnreachable) {
		t.Errorf("dead port: %v", err)
	}
}

// TestPullNotices: notices and hall pulled by cursor.
func TestPullNotices(t *testing.T) {
	env := centertest.Start(t)
	k := newKiosk(t, env, 0)
	ctx := context.Background()
	n := api.Notice{Text: api.Text{ZH: "今日下午系统维护", EN: "Maintenance this afternoon"},
		Until: env.Clock.Now().Add(3 * time.Hour)}
	if e := env.Client(centertest.AdminToken).Do("POST", "/admin/notices", n, nil); e != nil {
		t.Fatal(e)
	}
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	ns, err := k.l.Notices(ctx)
	if err != nil || len(ns) != 1 || ns[0].Text.ZH != n.Text.ZH {
		t.Fatalf("notices %+v, %v", ns, err)
	}
	if h, _ := k.l.Hall(ctx); h == nil || len(h.Departments) == 0 {
		t.Fatal("hall not cached")
	}
	kb, err := center.ParseKnowledge(demo.Knowledge)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := knowledge.Count(ctx, k.l.DB()); err != nil || n != len(kb.Entries) {
		t.Fatalf("%d of %d knowledge entries cached (%v)", n, len(kb.Entries), err)
	}
	k.advance(4 * time.Hour)
	if ns, _ := k.l.Notices(ctx); len(ns) != 0 {
		t.Fatal("expired notice still shown")
	}
}
