package screen

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// TestDemoCenter is not a check: it serves a real center (the demo hall on
// a workday morning, tickets issued, calls made, a notice posted) for a
// display binary to follow, for the screenshots in docs/screens and for a
// reviewer to watch the display work. It runs only when asked:
//
//	HALLKIOSK_DEMO_CENTER=/tmp/demo go test -run TestDemoCenter -timeout 30m ./display/screen
//
// It writes DIR/display.toml and DIR/data/token, then DIR/ready; it makes
// a new ticket and call every 15 s (at most 60) and stops when DIR/stop
// appears.
func TestDemoCenter(t *testing.T) {
	dir := os.Getenv("HALLKIOSK_DEMO_CENTER")
	if dir == "" {
		t.Skip("set HALLKIOSK_DEMO_CENTER=DIR to serve a demo center for the display")
	}
	env := centertest.Start(t)
	kiosk := env.Client(env.Enrol(api.RoleKiosk, "kiosk-demo").Token)
	staff := env.Client(centertest.AdminToken)
	for i, q := range []string{"A", "A", "A", "A", "A", "A", "A", "B", "B", "B", "B", "C", "C",
		"D", "D", "D", "D", "P", "P", "P", "Q", "Q", "E", "F"} {
		var tk api.Ticket
		req := api.TicketRequest{ID: fmt.Sprintf("demo-ticket-%04d", i), Matter: env.Matter(q)}
		if e := kiosk.Do("POST", "/tickets", req, &tk); e != nil {
			t.Fatalf("issue: %v", e)
		}
	}
	key := 0
	call := func(w int) {
		key++
		if e := staff.Do("POST", fmt.Sprintf("/windows/%d/call-next", w),
			api.CallRequest{Key: fmt.Sprintf("demo-call-%04d", key)}, nil); e != nil {
			t.Logf("call next on window %d: %v", w, e)
		}
	}
	for _, w := range []int{1, 5, 10, 22, 2, 8, 3, 6, 25, 1} {
		call(w)
	}
	notice := api.Notice{Text: api.Text{
		ZH: "因系统升级，本周六上午暂停办理不动产登记业务，请合理安排时间。",
		EN: "Real-estate registration is closed on Saturday morning for a system upgrade."},
		// The display judges notices on its own (real) clock, which is far
		// from the center's fake morning: a month keeps the notice up.
		Until: env.Clock.Now().AddDate(0, 1, 0)}
	if e := staff.Do("POST", "/admin/notices", notice, nil); e != nil {
		t.Logf("notice: %v", e)
	}
	writeDemoConfig(t, dir, env.URL, env.Enrol(api.RoleDisplay, "display-demo").Token)

	// Each round a kiosk issues a ticket and a window of that queue calls
	// it (demo hall: A at windows 1–3, B 4–5, C 6, D 7–8, E 9–10).
	rounds := []struct {
		queue  string
		window int
	}{{"A", 1}, {"B", 4}, {"A", 2}, {"D", 7}, {"C", 6}, {"A", 3}, {"E", 9}, {"B", 5}}
	for i := 0; i < 60; i++ {
		if _, err := os.Stat(filepath.Join(dir, "stop")); err == nil {
			return
		}
		time.Sleep(15 * time.Second)
		env.Clock.Advance(15 * time.Second)
		r := rounds[i%len(rounds)]
		req := api.TicketRequest{ID: fmt.Sprintf("demo-round-%04d", i), Matter: env.Matter(r.queue)}
		if e := kiosk.Do("POST", "/tickets", req, nil); e != nil {
			t.Logf("issue: %v", e)
		}
		call(r.window)
	}
}

func writeDemoConfig(t *testing.T, dir, url, token string) {
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("role = \"display\"\ndata_dir = %q\n[device]\nname = \"display-demo\"\n[center]\nurl = %q\n"+
		"[screen]\nwidth = 1920\nheight = 1080\norientation = \"landscape\"\nfullscreen = true\n",
		data, url)
	for path, body := range map[string]string{
		filepath.Join(dir, "display.toml"): cfg,
		filepath.Join(data, "token"):       token + "\n",
		filepath.Join(dir, "ready"):        url + "\n",
	} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
