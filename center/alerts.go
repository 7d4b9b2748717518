package center

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"hallkiosk/platform/logging"
)

// Device alert kinds: what an admin must go and look at.
const (
	AlertSilent = "silent" // no heartbeat for longer than AlertLimits.Silent
	AlertPaper  = "paper"  // the kiosk's printer reports paper low or out
	AlertBehind = "behind" // the device's journal backlog is over AlertLimits.Backlog
)

// AlertLimits are the thresholds of DeviceAlerts.
type AlertLimits struct {
	// Silent: devices send a heartbeat every minute, so three missed in a
	// row means the device is off, hung or cut off. Default 3 min.
	Silent time.Duration
	// Backlog: journal events not yet pushed. A few hundred clears in one
	// sync; more means the link or the device is stuck. Default 500.
	Backlog int64
}

func (l AlertLimits) withDefaults() AlertLimits {
	if l.Silent <= 0 {
		l.Silent = 3 * time.Minute
	}
	if l.Backlog <= 0 {
		l.Backlog = 500
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
// of paper or behind, from the heartbeats the devices sent.
func (e *Engine) DeviceAlerts(ctx context.Context, lim AlertLimits) ([]DeviceAlert, error) {
	lim = lim.withDefaults()
	devs, err := e.Devices(ctx)
	if err != nil {
		return nil, err
	}
	// The journal backlog lives in the device notes the console keeps.
	if err := e.EnsureConsoleSchema(ctx); err != nil {
		return nil, err
	}
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
		switch {
		case d.LastSeen.Unix() <= 0:
			add(AlertSilent, "never heard from since enrolment")
		case now.Sub(d.LastSeen) > lim.Silent:
			add(AlertSilent, fmt.Sprintf("last heartbeat %v ago", now.Sub(d.LastSeen).Round(time.Second)))
		}
		if p := strings.ToLower(d.Health["printer"]); strings.Contains(p, "paper") {
			add(AlertPaper, "printer: "+d.Health["printer"])
		}
		if n, ok := notes[d.ID]; ok && n.JournalPending > lim.Backlog {
			add(AlertBehind, fmt.Sprintf("%d journal events not yet sent", n.JournalPending))
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
