package center_test

import (
	"testing"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// The center alerts an admin when a device goes silent, runs out of paper
// or falls behind with its journal, from the devices' own heartbeats.
func TestDeviceAlerts(t *testing.T) {
	env := centertest.Start(t)
	k := env.Enrol(api.RoleKiosk, "kiosk-1")
	d := env.Enrol(api.RoleDisplay, "display-1")
	kiosk, display := env.Client(k.Token), env.Client(d.Token)
	beat := func(c *centertest.Client, printer string) {
		t.Helper()
		var ack api.HeartbeatAck
		if e := c.Do("POST", "/heartbeat", api.Heartbeat{Version: "1",
			Health: map[string]string{"printer": printer}}, &ack); e != nil {
			t.Fatal(e)
		}
	}
	kinds := func() map[string]string {
		t.Helper()
		var got []center.DeviceAlert
		if e := env.Client(centertest.AdminToken).Do("GET", "/admin/alerts", nil, &got); e != nil {
			t.Fatal(e)
		}
		m := map[string]string{}
		for _, a := range got {
			m[a.Name+"/"+a.Kind] = a.Detail
		}
		return m
	}

	beat(kiosk, "ready")
	beat(display, "")
	if got := kinds(); len(got) != 0 {
		t.Fatalf("healthy devices raised %v", got)
	}

	beat(kiosk, "paper near end")
	if got := kinds(); got["kiosk-1/paper"] == "" || len(got) != 1 {
		t.Fatalf("paper low: %v", got)
	}

	env.Clock.Advance(4 * time.Minute) // the display stops beating
	// The kiosk reports its backlog in its heartbeat; the center notes it.
	if e := kiosk.Do("POST", "/heartbeat", api.Heartbeat{Version: "1", Pending: 900,
		Health: map[string]string{"printer": "ready"}}, nil); e != nil {
		t.Fatal(e)
	}
	got := kinds()
	if got["display-1/silent"] == "" || got["kiosk-1/behind"] == "" || got["kiosk-1/paper"] != "" {
		t.Fatalf("after 4 silent minutes and a backlog: %v", got)
	}
}
