package console

import (
	"strings"
	"testing"
	"time"

	"hallkiosk/center/api"
)

// deviceRowHTML returns the devices table's row of the named device.
func deviceRowHTML(t *testing.T, page, name string) string {
	t.Helper()
	_, table, _ := strings.Cut(page, `id="devices"`)
	table, _, _ = strings.Cut(table, "</table>")
	for _, row := range strings.Split(table, "<tr") {
		if strings.Contains(row, "<td>"+name+"<br>") {
			return row
		}
	}
	t.Fatalf("no row for %s in the devices table:\n%s", name, table)
	return ""
}

// The admin's devices table shows what a heartbeat carries (issue 10.3):
// version, uptime, printer with its paper, reader, ledger backlog, last
// successful sync and free disk, and marks the cells an alert is about.
func TestAdminDevicesShowHeartbeat(t *testing.T) {
	e := start(t)
	now := e.Clock.Now()
	disk := int64(5 << 30)
	_, err := e.Engine.Heartbeat(ctx, e.kiosk, api.Heartbeat{Version: "0.3.0", Uptime: 93784,
		Pending: 7, LastSync: now.Add(-5 * time.Second), DiskFree: &disk,
		Health: map[string]string{api.HealthPrinter: "paper low",
			api.HealthReader: "not answering", api.HealthSync: "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	e.Engine.NoteDeviceState(ctx, e.kiosk.ID, 1, 7)

	enr := e.Enrol(api.RoleDisplay, "display-1")
	display, err := e.Engine.Authenticate(ctx, enr.Token)
	if err != nil {
		t.Fatal(err)
	}
	low := int64(100 << 20)
	_, err = e.Engine.Heartbeat(ctx, display, api.Heartbeat{Version: "0.3.0", Uptime: 7200,
		LastSync: now.Add(-time.Hour), DiskFree: &low,
		Health: map[string]string{"stream": "offline"}})
	if err != nil {
		t.Fatal(err)
	}

	b := e.browser(t)
	b.login("chen")
	_, page := b.get("/admin")
	for _, th := range []string{"Uptime", "Reader", "Last sync", "Disk free", "Backlog"} {
		if !strings.Contains(page, th+"</th>") {
			t.Errorf("devices table has no %q column", th)
		}
	}
	kiosk := deviceRowHTML(t, page, "kiosk-1")
	// Times on the page are hall times: the sync 5 s before 09:00.
	for _, s := range []string{"0.3.0", "1d 2h", "<td>paper low ⚠</td>",
		"<td>not answering</td>", `<td class="synced">12-03 08:59:55</td>`,
		`<td class="disk">5.0 GiB</td>`, "<td>sync: ok</td>", "<td>7</td>"} {
		if !strings.Contains(kiosk, s) {
			t.Errorf("kiosk row lacks %q:\n%s", s, kiosk)
		}
	}
	scr := deviceRowHTML(t, page, "display-1")
	for _, s := range []string{"2h 0m", `<td class="synced">12-03 08:00:00 ⚠</td>`,
		`<td class="disk">100 MiB ⚠</td>`, "stream: offline"} {
		if !strings.Contains(scr, s) {
			t.Errorf("display row lacks %q:\n%s", s, scr)
		}
	}
}

// A device enrolled but never heard from shows no figures, not zeros.
func TestAdminDevicesNeverHeard(t *testing.T) {
	e := start(t)
	b := e.browser(t)
	b.login("chen")
	_, page := b.get("/admin")
	row := deviceRowHTML(t, page, "kiosk-1")
	for _, s := range []string{`<td class="synced">—</td>`, `<td class="disk">?</td>`} {
		if !strings.Contains(row, s) {
			t.Errorf("row lacks %q:\n%s", s, row)
		}
	}
	if strings.Contains(row, "0m") || strings.Contains(row, "0 MiB") {
		t.Errorf("a device never heard from shows figures:\n%s", row)
	}
}
