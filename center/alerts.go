package center

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/platform/logging"
)

// Device alert kinds: what an admin must go and look at.
const (
	AlertSilent = "silent" // no heartbeat for longer than AlertLimits.Silent
	AlertPaper  = "paper"  // the kiosk's printer reports paper low or out
	// AlertBehind: the journal backlog is over AlertLimits.Backlog, or the
	// device still beats but has not synced for AlertLimits.Unsynced.
	AlertBehind = "behind"
	AlertDisk   = "disk" // free disk under AlertLimits.DiskFree
	// AlertDoor: the kiosk's cabinet door stands open (a technician at
	// work, or someone who should not be).
	AlertDoor = "door"
)

// AlertLimits are the thresholds of DeviceAlerts.
type AlertLimits struct {
	// Silent: devices send a heartbeat every minute, so three missed in a
	// row means the device is off, hung or cut off. Default 3 min.
	Silent time.Duration
	// Backlog: journal events not yet pushed. A few hundred clears in one
	// sync; more means the link or the device is stuck. Default 500.
	Backlog int64
	// Unsynced: a kiosk syncs every few seconds and backs off to a minute
	// at most, a display hears its stream every 15 s; a device that still
	// sends heartbeats but has not completed a sync for this long has its
	// sync failing (a journal the center refuses, a stream it cannot
	// follow). Default 10 min.
	Unsynced time.Duration
	// DiskFree: the ledger grows by a few MB a day and syncs each ticket
	// to disk; under this many free bytes there are days, not weeks, to
	// make room before ticket issue stops. Default 256 MiB.
	DiskFree int64
}

func (l AlertLimits) withDefaults() AlertLimits {
	if l.Silent <= 0 {
		l.Silent = 3 * time.Minute
	}
	if l.Backlog <= 0 {
		l.Backlog = 500
	}
	if l.Unsynced <= 0 {
		l.Unsynced = 10 * time.Minute
	}
	if l.DiskFree <= 0 {
		l.DiskFree = 256 << 20
	}
	return l
}

// DeviceAlert is one device needing attention.
type DeviceAlert struct {
	DeviceID string `json:"device_id"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Kind     string `json:"kind"`
	Detail   string `json:"detail"`
}

// DeviceAlerts lists every enrolled, unrevoked device that is silent, out
// of paper, behind or short of disk, from the heartbeats the devices sent.
func (e *Engine) DeviceAlerts(ctx context.Context, lim AlertLimits) ([]DeviceAlert, error) {
	lim = lim.withDefaults()
	devs, err := e.Devices(ctx)
	if err != nil {
		return nil, err
	}
	// The journal backlog lives in the device notes.
	notes, err := e.DeviceNotes(ctx)
	if err != nil {
		return nil, err
	}
	now := e.clk.Now()
	out := []DeviceAlert{}
	for _, d := range devs {
		if d.Revoked {
			continue
		}
		add := func(kind, detail string) {
			out = append(out, DeviceAlert{DeviceID: d.ID, Name: d.Name, Role: d.Role, Kind: kind, Detail: detail})
		}
		silent := true
		switch {
		case d.LastSeen.Unix() <= 0:
			add(AlertSilent, "never heard from since enrolment")
		case now.Sub(d.LastSeen) > lim.Silent:
			add(AlertSilent, fmt.Sprintf("last heartbeat %v ago", now.Sub(d.LastSeen).Round(time.Second)))
		default:
			silent = false
		}
		if p := strings.ToLower(d.Health["printer"]); strings.Contains(p, "paper") {
			add(AlertPaper, "printer: "+d.Health["printer"])
		}
		if n, ok := notes[d.ID]; ok && n.JournalPending > lim.Backlog {
			add(AlertBehind, fmt.Sprintf("%d journal events not yet sent", n.JournalPending))
		}
		if detail := unsynced(d, now, lim.Unsynced); detail != "" && !silent {
			add(AlertBehind, detail)
		}
		if d.Health[api.HealthDoor] == "open" {
			add(AlertDoor, "cabinet door open")
		}
		if d.DiskFree != nil && *d.DiskFree < lim.DiskFree {
			add(AlertDisk, fmt.Sprintf("%d MiB free", *d.DiskFree>>20))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].DeviceID != out[j].DeviceID {
			return out[i].DeviceID < out[j].DeviceID
		}
		return out[i].Kind < out[j].Kind
	})
	return out, nil
}

// unsynced says why a device counts as behind with its sync, or "" when it
// is not: its last sync is older than limit, or it has run longer than
// limit without one. Only asked of a device that still beats: for a silent
// one the silent alert says it all.
func unsynced(d DeviceHealth, now time.Time, limit time.Duration) string {
	if !d.LastSync.IsZero() {
		if ago := now.Sub(d.LastSync); ago > limit {
			return fmt.Sprintf("last sync %v ago", ago.Round(time.Second))
		}
		return ""
	}
	if up := time.Duration(d.Uptime) * time.Second; up > limit {
		return fmt.Sprintf("no sync in %v since it started", up.Round(time.Second))
	}
	return ""
}

// alertWatch remembers which alerts were raised, so each is logged once
// when it starts and once when it clears, not on every sweep.
type alertWatch struct {
	mu     sync.Mutex
	active map[string]DeviceAlert // device id + kind
}

// watchAlerts raises (logs) alerts that are new since the last sweep and
// notes those that cleared. RunTimers calls it.
func (e *Engine) watchAlerts(ctx context.Context) error {
	alerts, err := e.DeviceAlerts(ctx, AlertLimits{})
	if err != nil {
		return err
	}
	e.alerts.mu.Lock()
	defer e.alerts.mu.Unlock()
	now := map[string]DeviceAlert{}
	for _, a := range alerts {
		k := a.DeviceID + "/" + a.Kind
		now[k] = a
		if _, was := e.alerts.active[k]; !was {
			e.log.Warn("device alert", logging.KeyDevice, a.Name, "kind", a.Kind, "detail", a.Detail)
		}
	}
	for k, a := range e.alerts.active {
		if _, still := now[k]; !still {
			e.log.Info("device alert cleared", logging.KeyDevice, a.Name, "kind", a.Kind)
		}
	}
	e.alerts.active = now
	return nil
}
