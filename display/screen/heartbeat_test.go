package screen

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/display"
	"hallkiosk/display/stream"
	"hallkiosk/display/voice"
)

// Issue 10.3 for a display: the heartbeat carries the stream's state, the
// last time the center was heard (on the center's clock, once the offset
// is known) and the free disk (left out when it cannot be measured).
func TestDisplayHeartbeat(t *testing.T) {
	heard := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	st := display.State{Link: display.LinkLive, Heard: heard}
	static := map[string]string{"voice": "ok"}
	disk := func() (uint64, error) { return 7 << 30, nil }

	hb := heartbeat(static, st, 90*time.Second, nil, disk)
	if !hb.LastSync.IsZero() {
		t.Fatalf("last sync %v sent before the clock offset is known", hb.LastSync)
	}
	if hb.Uptime != 90 || hb.Health["stream"] != "live" || hb.Health["voice"] != "ok" ||
		hb.DiskFree == nil || *hb.DiskFree != 7<<30 {
		t.Fatalf("heartbeat %+v", hb)
	}
	if _, ok := static["stream"]; ok {
		t.Fatal("the heartbeat wrote into the static health map")
	}

	ahead := -time.Hour // the box's clock runs an hour ahead of the center
	hb = heartbeat(static, st, time.Second, &ahead,
		func() (uint64, error) { return 0, errors.New("statfs: no such device") })
	if !hb.LastSync.Equal(heard.Add(-time.Hour)) || hb.DiskFree != nil {
		t.Fatalf("last sync %v, disk %v", hb.LastSync, hb.DiskFree)
	}
	if hb = heartbeat(static, display.State{}, 0, &ahead, disk); !hb.LastSync.IsZero() {
		t.Fatalf("never heard, but last sync %v", hb.LastSync)
	}
}

// The display's heartbeat loop reaches a real center, which keeps its
// free disk and stream state.
func TestDisplayBeatReachesCenter(t *testing.T) {
	env := centertest.Start(t)
	enr := env.Enrol(api.RoleDisplay, "display-1")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	c := stream.New(stream.Options{URL: env.URL, Token: enr.Token,
		HTTP: env.Server.Client(), Log: quiet}, 0)
	ctrl := display.NewController(display.Cache{}, display.ControllerOptions{Log: quiet})
	ctrl.Status(true)

	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan struct{})
	done := make(chan struct{})
	go func() { beat(ctx, c, ctrl, health(voice.Options{}), t.TempDir(), quiet, first); close(done) }()
	<-first
	cancel()
	<-done
	devs, err := env.Engine.Devices(context.Background())
	if err != nil || len(devs) != 1 {
		t.Fatalf("devices %+v, %v", devs, err)
	}
	d := devs[0]
	if d.DiskFree == nil || *d.DiskFree <= 0 || d.Health["stream"] != "live" ||
		d.Health["voice"] == "" {
		t.Fatalf("center holds %+v (disk %v)", d, d.DiskFree)
	}
}
