package console

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hallkiosk/center/api"
	"hallkiosk/center/demo"
)

// screens writes the main pages to docs/screens/console-*.png:
// go test ./center/console -run Browser -screens
var screens = flag.Bool("screens", false, "write console screenshots to docs/screens")

// chromium finds the browser: $HALLKIOSK_CHROMIUM, else Debian's. Without
// one the suite is skipped, unless HALLKIOSK_SLOW is set (CI installs it
// through `make deps`), where a missing browser fails.
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("HALLKIOSK_CHROMIUM"), "/usr/bin/chromium"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("HALLKIOSK_SLOW") != "" {
		t.Fatal("no chromium: install it (make deps) or set HALLKIOSK_CHROMIUM")
	}
	t.Skip("no chromium")
	return ""
}

// tab starts one headless Chromium with a fresh profile and returns a tab.
func tab(t *testing.T) context.Context {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// ui drives one tab with a bound on every step.
type ui struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (u *ui) do(steps ...chromedp.Action[chromedp.Void]) {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		body, _ := chromedp.Run(u.ctx, chromedp.Evaluate[string](`document.body.innerText`))
		u.t.Fatalf("browser: %v\npage text: %.600s", err, body)
	}
}

func (u *ui) text(sel string) string {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		u.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// act clicks sel (a form button that reloads the page) and returns the
// message the next page shows.
func (u *ui) act(click chromedp.Action[chromedp.Void]) string {
	u.t.Helper()
	u.do(chromedp.Evaluate[chromedp.Void](
		`document.querySelectorAll('.flash').forEach(function (e) { e.remove() })`),
		click, chromedp.WaitVisible(chromedp.CSS(".flash")))
	return u.text(".flash")
}

func (u *ui) login(name string) {
	u.t.Helper()
	u.do(chromedp.Navigate(u.base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS(".top")))
}

func (u *ui) logout() {
	u.t.Helper()
	u.do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#login")))
}

func (u *ui) shot(name string) {
	u.t.Helper()
	if !*screens {
		return
	}
	png, err := chromedp.Run(u.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		u.t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join("..", "..", "docs", "screens", "console-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		u.t.Fatal(err)
	}
}

func want(t *testing.T, what, got, sub string) {
	t.Helper()
	if !strings.Contains(got, sub) {
		t.Fatalf("%s: %q does not contain %q", what, got, sub)
	}
}

// TestBrowserJourneys runs the console in headless Chromium: a staff
// member calls (double click, one call), sees the list update live, recalls
// and marks missed; the leader reinstates (R13); the staff member finishes
// with a rating (R15); role boundaries and CSRF hold; the report shows the
// day; the citizens' ticket and guide pages render phone-sized.
func TestBrowserJourneys(t *testing.T) {
	if testing.Short() {
		t.Skip("browser suite")
	}
	e := start(t)
	e.Clock.Advance(-20 * time.Minute) // C001 is taken at 08:40: late (R8) by 09:03
	e.walkIn(t, "C")
	e.Clock.Advance(20 * time.Minute)
	a1, a2, a3 := e.walkIn(t, "A"), e.walkIn(t, "A"), e.walkIn(t, "A")
	e.walkIn(t, "E")
	u := &ui{t: t, ctx: tab(t), base: e.URL}

	u.do(chromedp.Navigate(u.base + "/login"))
	u.shot("login")
	u.login("wang")
	u.do(chromedp.SetValue(chromedp.CSS("#window-select"), "1"),
		chromedp.Click(chromedp.CSS("#select-window")),
		chromedp.WaitVisible(chromedp.CSS("#call-next")))

	// One double click, one call (the page locks its forms; the server
	// holds the key).
	msg := u.act(chromedp.DoubleClick(chromedp.CSS("#call-next")))
	want(t, "call next", msg, "Called A001")
	if r, _ := e.Engine.TicketRecordByID(ctx, a2.ID); r.Status != api.TicketWaiting {
		t.Fatalf("a double click called a second ticket")
	}

	// Live: another window calls A002; this page's waiting list drops it
	// through the SSE stream, without a reload.
	if _, err := e.Engine.CallNext(ctx, 2, "other-window-call"); err != nil {
		t.Fatal(err)
	}
	u.do(chromedp.Poll[chromedp.Void](
		`!document.querySelector('#waiting').innerText.includes('A002')`,
		chromedp.WithPollingTimeout(10*time.Second)))
	u.shot("window")

	want(t, "recall", u.act(chromedp.Click(chromedp.CSS("#recall"))), "Recalled A001")
	want(t, "missed", u.act(chromedp.Click(chromedp.CSS("#missed"))), "missed")

	// A staff member may not open admin pages.
	u.do(chromedp.Navigate(u.base + "/admin"))
	want(t, "staff on /admin", u.text("main"), "may not open this page")

	// A forged CSRF token changes nothing.
	u.do(chromedp.Navigate(u.base+"/window"), chromedp.WaitVisible(chromedp.CSS("#call-next")),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(
			'form[action="/window/call-next"] input[name=csrf]').value = 'forged'`),
		chromedp.Click(chromedp.CSS("#call-next")),
		chromedp.WaitVisible(chromedp.CSS(".err-text")))
	want(t, "forged csrf", u.text(".err-text"), "CSRF")
	if r, _ := e.Engine.TicketRecordByID(ctx, a3.ID); r.Status != api.TicketWaiting {
		t.Fatalf("a forged form called %s", r.Number)
	}
	u.do(chromedp.Navigate(u.base + "/window"))
	u.logout()

	// The leader reinstates A001 within 10 minutes (R13).
	e.Clock.Advance(3 * time.Minute)
	u.login("zhao")
	u.do(chromedp.Navigate(u.base+"/leader"),
		chromedp.WaitVisible(chromedp.CSS("#reinstate-A001")))
	want(t, "late list (R8)", u.text("#late"), "C001")
	// R8 alert: the sweep raises wait_alert for C001; the open page marks
	// its tab.
	if err := e.Engine.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	u.do(chromedp.Poll[chromedp.Void](`document.title.includes("C001")`,
		chromedp.WithPollingTimeout(10*time.Second)))
	u.shot("leader")
	want(t, "reinstate", u.act(chromedp.Click(chromedp.CSS("#reinstate-A001"))), "Reinstated A001")
	u.logout()

	// Back at the window: A001 comes first again and is finished, rated.
	u.login("wang")
	u.do(chromedp.SetValue(chromedp.CSS("#window-select"), "1"),
		chromedp.Click(chromedp.CSS("#select-window")),
		chromedp.WaitVisible(chromedp.CSS("#call-next")))
	want(t, "call again", u.act(chromedp.Click(chromedp.CSS("#call-next"))), "Called A001")
	e.Clock.Advance(6 * time.Minute)
	u.do(chromedp.SendKeys(chromedp.CSS("#comment"), "耐心细致"))
	want(t, "finish", u.act(chromedp.Click(chromedp.CSS("#finish-good"))), "Finished A001")
	r, _ := e.Engine.TicketRecordByID(ctx, a1.ID)
	if r.Status != api.TicketFinished || r.Rating != api.RatingGood || r.Comment != "耐心细致" {
		t.Fatalf("finish: %s %q %q", r.Status, r.Rating, r.Comment)
	}
	u.logout()

	// The admin's report shows the day so far.
	u.login("chen")
	u.do(chromedp.Navigate(u.base+"/reports"), chromedp.WaitVisible(chromedp.CSS("#r-staff")))
	if got := u.text("#sum-good") + "/" + u.text("#sum-missed"); got != "1/1" {
		t.Fatalf("report good/missed = %s, want 1/1", got)
	}
	want(t, "staff row", u.text("#r-staff"), "wang\t2\t1\t1\t1\t6.0 min\t6.0 min\t1/0/0")
	u.shot("reports")
	if _, err := e.Engine.Heartbeat(ctx, e.kiosk, api.Heartbeat{Version: "0.1.0",
		Health: map[string]string{"printer": "paper near end", "reader": "ok"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Engine.ImportKnowledgeDraft(ctx, demo.Knowledge, "chen"); err != nil {
		t.Fatal(err)
	}
	e.Engine.NoteDeviceState(ctx, e.kiosk.ID, 1, 0)
	e.Engine.AddKnowledgeFeedback(ctx, e.kiosk, api.KnowledgeFeedback{ID: "fb-00000001",
		Code: e.Matter("A"), Kind: api.FeedbackUnclear, Text: "材料清单里“注册地址使用证明”指什么？"})
	u.do(chromedp.Navigate(u.base+"/admin"), chromedp.WaitVisible(chromedp.CSS("#devices")))
	want(t, "devices", u.text("#devices"), "paper near end")
	u.shot("admin")
	u.do(chromedp.Click(chromedp.CSS("#draft-1")),
		chromedp.WaitVisible(chromedp.CSS("#draft-entries")))
	want(t, "draft page", u.text("#draft-entries"), "same")
	u.shot("draft")

	// The citizen's page, phone-sized.
	u.do(chromedp.EmulateViewport(390, 760), chromedp.Navigate(u.base+"/t/"+a3.ID),
		chromedp.WaitVisible(chromedp.CSS("#t-number")))
	want(t, "ticket page", u.text("#ticket"), "people ahead")
	u.shot("ticket")

	// The guide behind a printed guide's QR code, phone-sized.
	u.do(chromedp.Navigate(u.base+"/g/"+e.Matter("A")),
		chromedp.WaitVisible(chromedp.CSS("#g-materials li")))
	want(t, "guide page", u.text("#guide"), "Materials to bring")
	u.shot("guide")
}
