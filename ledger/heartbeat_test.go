package ledger

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// heard returns the kiosk as the center lists it after its heartbeats.
func heard(t *testing.T, env *centertest.Env) center.DeviceHealth {
	t.Helper()
	devs, err := env.Engine.Devices(context.Background())
	if err != nil || len(devs) != 1 {
		t.Fatalf("devices %+v, %v", devs, err)
	}
	return devs[0]
}

// Issue 10.3: the heartbeat carries the last successful sync, on the
// center's clock even when the kiosk's clock is an hour off, and only a
// round that succeeded moves it.
func TestHeartbeatLastSync(t *testing.T) {
	env := centertest.Start(t)
	k := newKiosk(t, env, time.Hour) // the device clock runs an hour ahead
	ctx := context.Background()

	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if d := heard(t, env); !d.LastSync.IsZero() {
		t.Fatalf("first heartbeat after start claims a sync at %v", d.LastSync)
	}
	synced := env.Clock.Now() // the round ended here, by the center's clock

	k.advance(10 * time.Second)
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if d := heard(t, env); !d.LastSync.Equal(synced) {
		t.Fatalf("last sync %v, want %v (the center's clock, not the device's)",
			d.LastSync, synced)
	}
	synced = env.Clock.Now()

	// A failed round leaves it where it was.
	k.link.cut.Store(true)
	k.advance(time.Minute)
	if err := k.s.SyncOnce(ctx); err == nil {
		t.Fatal("sync through a cut link succeeded")
	}
	k.link.cut.Store(false)
	k.advance(time.Minute)
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if d := heard(t, env); !d.LastSync.Equal(synced) {
		t.Fatalf("after a failed round: last sync %v, want %v", d.LastSync, synced)
	}
}

// Issue 10.3: free disk goes with each heartbeat; one that cannot be
// measured is left out rather than sent as a full disk.
func TestHeartbeatDiskFree(t *testing.T) {
	env := centertest.Start(t)
	k := newKiosk(t, env, 0)
	ctx := context.Background()
	var free uint64 = 3 << 30
	var fail error
	k.s = NewSyncer(k.l, k.s.c, SyncOptions{Clock: k.dev,
		DiskFree: func() (uint64, error) { return free, fail }})
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if d := heard(t, env); d.DiskFree == nil || *d.DiskFree != 3<<30 || d.Uptime != 0 {
		t.Fatalf("disk free %v, uptime %d", d.DiskFree, d.Uptime)
	}
	fail = errors.New("statfs: no such device")
	k.advance(90 * time.Second)
	if err := k.s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if d := heard(t, env); d.DiskFree != nil || d.Uptime != 90 {
		t.Fatalf("unmeasured disk sent as %v; uptime %d", d.DiskFree, d.Uptime)
	}
	if d := heard(t, env); d.Health[api.HealthSync] != "ok" {
		t.Fatalf("sync health %q", d.Health[api.HealthSync])
	}
}

// A long state from a part (an error with a path in it) is clipped to
// valid UTF-8, not sent whole: the center refuses a heartbeat whose state
// passes 256 bytes, and the device would lose its health report.
func TestHeartbeatClipsLongState(t *testing.T) {
	env := centertest.Start(t)
	k := newKiosk(t, env, 0)
	long := "cannot open: " + strings.Repeat("读卡器", 100) // 900 bytes
	k.s = NewSyncer(k.l, k.s.c, SyncOptions{Clock: k.dev,
		Health: func(context.Context) map[string]string {
			return map[string]string{api.HealthReader: long}
		}})
	if err := k.s.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := heard(t, env).Health[api.HealthReader]
	if len(got) > 200 || !utf8.ValidString(got) || !strings.HasPrefix(long, got) {
		t.Fatalf("reader state at the center: %d bytes %q", len(got), got)
	}
}
