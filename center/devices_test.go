package center_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

func diskFree(n int64) *int64 { return &n }

// The heartbeat's figures (issue 10.3: version, uptime, printer with its
// paper, reader, ledger backlog, last successful sync, free disk) are kept
// by the center and listed for the admin, as the device sent them.
func TestHeartbeatFiguresKept(t *testing.T) {
	dir := t.TempDir()
	env := centertest.Start(t, centertest.WithDir(dir))
	k := env.Enrol(api.RoleKiosk, "kiosk-1")
	synced := env.Clock.Now().Add(-7 * time.Second)
	hb := api.Heartbeat{Version: "0.3.0", Uptime: 3600, Pending: 3, LastSync: synced,
		DiskFree: diskFree(5 << 30),
		Health: map[string]string{api.HealthPrinter: "paper low", api.HealthReader: "ok",
			api.HealthSync: "ok"}}
	if e := env.Client(k.Token).Do("POST", "/heartbeat", hb, nil); e != nil {
		t.Fatal(e)
	}
	check := func(env *centertest.Env, when string) {
		t.Helper()
		var devs []center.DeviceHealth
		if e := env.Client(centertest.AdminToken).Do("GET", "/admin/devices", nil, &devs); e != nil {
			t.Fatal(e)
		}
		if len(devs) != 1 {
			t.Fatalf("%s: devices %+v", when, devs)
		}
		d := devs[0]
		if d.Version != "0.3.0" || d.Uptime != 3600 || !d.LastSync.Equal(synced) ||
			d.DiskFree == nil || *d.DiskFree != 5<<30 || !reflect.DeepEqual(d.Health, hb.Health) {
			t.Fatalf("%s: center lists %+v (disk %v), sent %+v", when, d, d.DiskFree, hb)
		}
	}
	check(env, "live")

	// Written to the store, not only held in memory: a restarted center
	// still lists them.
	env.Server.Close()
	if err := env.Engine.Close(); err != nil {
		t.Fatal(err)
	}
	check(centertest.Start(t, centertest.WithDir(dir)), "after a restart")
}

// A store made before the heartbeat figures had their table gains it when
// the center opens it (the center is upgraded in place).
func TestHeartbeatFiguresOnOlderStore(t *testing.T) {
	dir := t.TempDir()
	env := centertest.Start(t, centertest.WithDir(dir))
	k := env.Enrol(api.RoleKiosk, "kiosk-1")
	env.Server.Close()
	if err := env.Engine.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "center.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DROP TABLE device_beats`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	env = centertest.Start(t, centertest.WithDir(dir))
	hb := api.Heartbeat{Version: "1", Uptime: 5, DiskFree: diskFree(0),
		Health: map[string]string{}}
	if e := env.Client(k.Token).Do("POST", "/heartbeat", hb, nil); e != nil {
		t.Fatal(e)
	}
	devs, err := env.Engine.Devices(context.Background())
	if err != nil || len(devs) != 1 || devs[0].Uptime != 5 || devs[0].DiskFree == nil ||
		*devs[0].DiskFree != 0 || !devs[0].LastSync.IsZero() {
		t.Fatalf("devices %+v, %v", devs, err)
	}
}

// G8: a heartbeat no device would send is refused and changes nothing.
func TestHeartbeatBadFiguresRefused(t *testing.T) {
	env := centertest.Start(t)
	k := env.Enrol(api.RoleKiosk, "kiosk-1")
	c := env.Client(k.Token)
	good := api.Heartbeat{Version: "1", Uptime: 60, DiskFree: diskFree(1 << 30),
		Health: map[string]string{api.HealthPrinter: "ok"}}
	if e := c.Do("POST", "/heartbeat", good, nil); e != nil {
		t.Fatal(e)
	}
	long := strings.Repeat("x", 300)
	for name, hb := range map[string]api.Heartbeat{
		"negative disk":    {Version: "2", DiskFree: diskFree(-1)},
		"negative uptime":  {Version: "2", Uptime: -5},
		"negative backlog": {Version: "2", Pending: -1},
		"long state":       {Version: "2", Health: map[string]string{"printer": long}},
		"long component":   {Version: "2", Health: map[string]string{long: "ok"}},
	} {
		status, e := c.DoStatus("POST", "/heartbeat", hb, nil)
		if status != http.StatusBadRequest || e == nil || e.Code != api.ErrCodeBadRequest {
			t.Errorf("%s: status %d, %v", name, status, e)
		}
	}
	devs, err := env.Engine.Devices(context.Background())
	if err != nil || devs[0].Version != "1" || *devs[0].DiskFree != 1<<30 {
		t.Fatalf("a refused heartbeat changed the device: %+v, %v", devs, err)
	}
}

// The center alerts when a device still beats but its sync has stopped
// (it falls behind without a backlog to show it: a journal refused, a
// stream it cannot follow) and when its disk is nearly full.
func TestDeviceAlertsSyncAndDisk(t *testing.T) {
	env := centertest.Start(t)
	k := env.Enrol(api.RoleKiosk, "kiosk-1")
	d := env.Enrol(api.RoleDisplay, "display-1")
	beat := func(token string, hb api.Heartbeat) {
		t.Helper()
		hb.Version = "1"
		if e := env.Client(token).Do("POST", "/heartbeat", hb, nil); e != nil {
			t.Fatal(e)
		}
	}
	alerts := func() map[string]string {
		t.Helper()
		got, err := env.Engine.DeviceAlerts(context.Background(), center.AlertLimits{})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, a := range got {
			m[a.Name+"/"+a.Kind] = a.Detail
		}
		return m
	}
	now := env.Clock.Now()
	beat(k.Token, api.Heartbeat{Uptime: 30, DiskFree: diskFree(2 << 30)}) // just started
	beat(d.Token, api.Heartbeat{Uptime: 900, LastSync: now.Add(-20 * time.Second)})
	if got := alerts(); len(got) != 0 {
		t.Fatalf("healthy devices raised %v", got)
	}

	beat(k.Token, api.Heartbeat{Uptime: 3600, DiskFree: diskFree(100 << 20)})
	beat(d.Token, api.Heartbeat{Uptime: 900, LastSync: now.Add(-11 * time.Minute)})
	got := alerts()
	if !strings.Contains(got["kiosk-1/behind"], "no sync in 1h0m0s") ||
		got["kiosk-1/disk"] != "100 MiB free" ||
		!strings.Contains(got["display-1/behind"], "last sync 11m0s ago") || len(got) != 3 {
		t.Fatalf("unsynced devices and a full disk: %v", got)
	}

	// A silent device is silent, not also behind.
	env.Clock.Advance(5 * time.Minute)
	beat(k.Token, api.Heartbeat{Uptime: 3900, LastSync: env.Clock.Now(),
		DiskFree: diskFree(2 << 30)})
	got = alerts()
	if got["display-1/silent"] == "" || len(got) != 1 {
		t.Fatalf("after the display went silent: %v", got)
	}
}

// docs/center-api.md's heartbeat example is a heartbeat the center takes
// (strictly decoded) and shows every field of api.Heartbeat, so the
// example cannot fall behind the wire type.
func TestDocsHeartbeatExampleComplete(t *testing.T) {
	raw, err := os.ReadFile("../docs/center-api.md")
	if err != nil {
		t.Fatal(err)
	}
	body := docSections(string(raw))["POST /heartbeat"]
	var req strings.Builder
	for _, l := range strings.Split(body, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "200") {
			break
		}
		if s, ok := strings.CutPrefix(l, "→"); ok || req.Len() > 0 {
			req.WriteString(s)
		}
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(req.String())))
	dec.DisallowUnknownFields()
	var hb api.Heartbeat
	if err := dec.Decode(&hb); err != nil {
		t.Fatalf("heartbeat example %q: %v", req.String(), err)
	}
	v := reflect.ValueOf(hb)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Errorf("heartbeat example lacks %s", v.Type().Field(i).Name)
		}
	}
	for _, c := range []string{api.HealthPrinter, api.HealthReader, api.HealthSync} {
		if _, ok := hb.Health[c]; !ok {
			t.Errorf("heartbeat example's health lacks %q", c)
		}
	}
	env := centertest.Start(t)
	k := env.Enrol(api.RoleKiosk, "kiosk-1")
	if e := env.Client(k.Token).Do("POST", "/heartbeat", hb, nil); e != nil {
		t.Fatalf("the center refuses the documented heartbeat: %v", e)
	}
}
